// CUDA backend: times the project's FP8 block-scaled GEMMs, cuBLASLt FP8/BF16 GEMMs, MLA decode and D2D
// copies (kernels/cuda/cuda_timing.h: warm-up, rotating buffers, median of repeats). Each point uses the
// device time of the kernels a call launched, from CUPTI activity records, where CUPTI can record; CUDA-event
// time around the call otherwise (it adds launch gaps, which the fitted overhead term then absorbs). Every
// point's source says which. Built only with CUDA, into the moeplan-full executable (calibrate/CMakeLists.txt);
// the plain moeplan binary links cuda_backend_none.cc instead, so it loads no CUDA library.
#include <algorithm>
#include <cstddef>
#include <string>

#include "calibrate/attention_points.h"
#include "calibrate/backends.h"
#include "calibrate/sustained_run.h"
#include "sim/calib/curve_fit.h"
#include "sim/units/error.h"

#include <cuda_runtime.h>

#include "kernels/cuda/cuda_timing.h"
#include "kernels/cuda/nccl_collectives.h"

namespace moeplan {

bool cuda_backend_built() { return true; }

namespace {

// Header fields from the runtime: device name, SMs, clocks, driver and runtime versions.
void describe_device(ProfileHeader& h) {
  int dev = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess) return;
  h.device = prop.name;
  h.sm_count = prop.multiProcessorCount;
  int clock_khz = 0, mem_clock_khz = 0;
  if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, dev) == cudaSuccess)
    h.boost_clock_mhz = clock_khz / 1000.0;
  if (cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, dev) == cudaSuccess)
    h.memory_clock_mhz = mem_clock_khz / 1000.0;
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  auto ver = [](int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); };
  h.driver = "CUDA driver API " + ver(driver);
  h.cuda = ver(runtime);
  h.sources.push_back("measured on " + h.device + " (compute capability " + std::to_string(prop.major) + "." +
                      std::to_string(prop.minor) + ")");
}

// NCCL all-reduce and all-to-all across the visible GPUs, as comm points of the scale-up fabric: efficiency =
// measured bus bandwidth / the catalog's achievable bandwidth of that link (what the simulator multiplies).
void measure_collectives(const CommReference& link, int repeats, Profile& out, BackendResult& r) {
  const int devices = kernels::cuda_device_count();
  if (!kernels::nccl_built()) {
    r.skipped.push_back("collectives: " + kernels::nccl_version());
    return;
  }
  if (devices < 2) {
    r.skipped.push_back("collectives: " + std::to_string(devices) + " CUDA device visible; NCCL needs two or more");
    return;
  }
  if (link.achievable_Bps <= 0) {
    r.skipped.push_back("collectives: no catalog GPU given (--gpu), so there is no link to express bus bandwidth against");
    return;
  }
  const std::vector<double> sizes = {64.0 * 1024, 1024.0 * 1024, 16.0 * 1024 * 1024, 256.0 * 1024 * 1024};
  for (const kernels::CollectiveTiming& t : kernels::time_nccl_collectives(sizes, repeats)) {
    CommPoint c;
    c.fabric = link.kind;
    c.message_bytes = t.bytes;
    c.efficiency = t.bus_Bps / link.achievable_Bps;
    c.src.source = "measured: " + kernels::nccl_version() + " " + kernels::to_string(t.op) + " over " +
                   std::to_string(t.ranks) + " GPUs, bus bandwidth " + std::to_string(t.bus_Bps / 1e9) +
                   " GB/s against the catalog's " + link.fabric_name + " " +
                   std::to_string(link.achievable_Bps / 1e9) + " GB/s, host clock around the group";
    out.comm_points.push_back(c);
    ++r.kernels_timed;
  }
}

}  // namespace

BackendResult measure_cuda(const CalibrationGrid& grid, bool quick, const CommReference& scale_up, Profile& out) {
  std::string reason;
  if (!kernels::cuda_device_available(&reason))
    throw_user_error("cuda calibration backend: no usable CUDA device: " + reason);
  describe_device(out.header);
  BackendResult r;
  const int repeats = quick ? 5 : 20;
  for (const GemmCase& c : grid.gemms) {
    GemmPoint p;
    p.kind = c.kind;
    p.dtype = c.dtype;
    p.m = c.m, p.n = c.n, p.k = c.k, p.groups = c.groups;
    const double flops = gemm_flops({p.m, p.n, p.k, p.groups});
    kernels::KernelTime t;
    std::string src;
    if (c.kind == GemmKind::kGrouped) {
      t = kernels::time_grouped_fp8_gemm_cuda(c.groups, c.m, c.n, c.k, repeats);
      src = "measured: moeplan FP8 grouped GEMM (contiguous layout)";
    } else if (c.dtype == DType::kBf16) {
      t = kernels::time_cublaslt_gemm(c.m, c.n, c.k, /*fp8=*/false, repeats);
      src = "measured: cuBLASLt BF16 GEMM";
    } else {
      // Block-scaled FP8 (the DeepSeek recipe) by the project kernel, and cuBLASLt's per-tensor-scaled FP8:
      // the faster is what a tuned stack reaches at this shape (DeepGEMM-class kernels match cuBLASLt
      // with block scaling, published-numbers.md §4.2), and the source says which one it was.
      const kernels::KernelTime own = kernels::time_fp8_gemm_cuda(c.m, c.n, c.k, repeats);
      const kernels::KernelTime lt = kernels::time_cublaslt_gemm(c.m, c.n, c.k, /*fp8=*/true, repeats);
      t = own.seconds <= lt.seconds ? own : lt;
      src = own.seconds <= lt.seconds
                ? "measured: moeplan FP8 1x128/128x128 GEMM"
                : "measured: cuBLASLt FP8 GEMM (per-tensor scales; faster than the block-scaled kernel here)";
      r.kernels_timed += 1;
    }
    p.flops_per_s = flops / t.seconds;
    p.src.source = src + ", " + t.method + " (" + c.label + ")";
    out.gemm_points.push_back(p);
    ++r.kernels_timed;
  }
  for (const AttentionCase& c : grid.attention) {
    const kernels::MlaDecodeShape s{c.batch, c.heads, c.seq_len, kMlaHeadDimK, kMlaHeadDimV, kMlaPageSize};
    const kernels::KernelTime t = kernels::time_mla_decode_cuda(s, repeats);
    add_mla_points(c, t.seconds, "measured: moeplan MLA decode, " + t.method, out);
    ++r.kernels_timed;
  }
  add_derived_backward_attention(out);
  for (double bytes : grid.copy_bytes) {
    const kernels::KernelTime t = kernels::time_d2d_copy(static_cast<std::size_t>(bytes), repeats);
    MemoryPoint m;
    m.kernel = "d2d-copy";
    m.bytes = 2 * bytes;  // read + write
    m.bytes_per_s = m.bytes / t.seconds;
    m.src.source = "measured: cudaMemcpyAsync device-to-device, " + t.method;
    out.memory_points.push_back(m);
    ++r.kernels_timed;
  }
  measure_collectives(scale_up, quick ? 5 : 20, out, r);
  r.skipped.push_back("grouped BF16 GEMM: no kernel; the dense BF16 curve is used for grouped BF16 GEMMs");
  return r;
}

void measure_cuda_sustained(double seconds, Profile& out, BackendResult& r) {
  // A square GEMM far larger than L2, the kind that runs a GPU into its power limit: the BF16 and FP8 shape
  // of the achieved-matmul (MAMF) sweeps' best points (hardware.md §1a).
  constexpr int kSide = 8192;
  constexpr int kWindows = 30;
  const double window_s = seconds / kWindows;
  for (const bool fp8 : {false, true}) {
    const char* dtype = fp8 ? "fp8" : "bf16";
    std::vector<kernels::LoadWindow> windows;
    std::string no_sensors;
    try {
      windows = kernels::run_sustained_cublaslt_gemm(kSide, kSide, kSide, fp8, seconds, window_s, &no_sensors);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kUser) throw;
      r.skipped.push_back(std::string("sustained ") + dtype + " run: " + e.message());
      continue;
    }
    out.sustained_points.push_back(summarize_sustained_run(
        windows, fp8 ? DType::kFp8 : DType::kBf16, kSide, kSide, kSide,
        std::string("measured: cuBLASLt ") + dtype + " GEMM back to back, " + std::to_string(windows.size()) +
            " windows of CUDA-event time; " +
            (no_sensors.empty() ? "SM clock, power, temperature and clock-limit reasons read from NVML (queries only)"
                                : "no sensor readings: " + no_sensors)));
    ++r.kernels_timed;
  }
}

}  // namespace moeplan
