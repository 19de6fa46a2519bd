// Timing entry points for the calibration harness (see cuda_timing.h), and the device-side input fill they
// use (hash-based, so inputs are reproducible without host-side generation of gigabytes).
#include "kernels/cuda/cuda_timing.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <memory>
#include <vector>

#include "kernels/cpu/quantize.h"
#include "kernels/cuda/cublaslt_gemm.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/cuda_event_timer.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/fp8_gemm.h"
#include "kernels/cuda/mla_decode.h"
#include "kernels/cuda/nvml_sensors.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

constexpr int kWarmup = 3;
constexpr int kMaxSets = 16;

__device__ __forceinline__ std::uint64_t mix64(std::uint64_t z) {  // SplitMix64 finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Random E4M3 codes with magnitudes in [2^-3, 2^3) (exponent field 4..9), never NaN.
__global__ void fill_fp8_kernel(std::uint8_t* p, std::size_t n, std::uint64_t seed) {
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    const std::uint64_t h = mix64(seed * 0x9E3779B97F4A7C15ull + i);
    p[i] = static_cast<std::uint8_t>((h & 0x80u) | ((4u + (h >> 8) % 6u) << 3) | ((h >> 16) & 7u));
  }
}

// Random BF16 values uniform in (-1, 1).
__global__ void fill_bf16_kernel(std::uint16_t* p, std::size_t n, std::uint64_t seed) {
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    const std::uint64_t h = mix64(seed * 0x9E3779B97F4A7C15ull + i);
    const float u = static_cast<float>(h >> 40) * 0x1.0p-24f * 2.0f - 1.0f;
    p[i] = static_cast<std::uint16_t>(__float_as_uint(u) >> 16);
  }
}

__global__ void fill_f32_kernel(float* p, std::size_t n, float value) {
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    p[i] = value;
  }
}

int fill_blocks(std::size_t n) { return static_cast<int>(std::min<std::size_t>((n + 255) / 256, 4096)); }

void fill_fp8(DeviceBuffer<std::uint8_t>& b, std::uint64_t seed) {
  if (b.size() == 0) return;
  fill_fp8_kernel<<<fill_blocks(b.size()), 256>>>(b.get(), b.size(), seed);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}
void fill_bf16(DeviceBuffer<std::uint16_t>& b, std::uint64_t seed) {
  if (b.size() == 0) return;
  fill_bf16_kernel<<<fill_blocks(b.size()), 256>>>(b.get(), b.size(), seed);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}
void fill_f32(DeviceBuffer<float>& b, float value) {
  if (b.size() == 0) return;
  fill_f32_kernel<<<fill_blocks(b.size()), 256>>>(b.get(), b.size(), value);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

void require_device() {
  std::string reason;
  if (!cuda_device_available(&reason)) throw_user_error("no CUDA device: " + reason);
}

void require_positive(std::initializer_list<int> values, const char* what) {
  for (int v : values) {
    if (v <= 0) throw_user_error(std::string(what) + ": sizes and repeats must be positive");
  }
}

struct GemmSet {
  DeviceBuffer<std::uint8_t> a, b;
  DeviceBuffer<float> a_scales, b_scales;
  DeviceBuffer<std::uint16_t> out;
};

}  // namespace

bool cuda_device_available(std::string* reason) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (reason != nullptr) *reason = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    cudaGetLastError();  // clear the error so later calls do not report it again
    return false;
  }
  if (count == 0) {
    if (reason != nullptr) *reason = "no CUDA device is visible";
    return false;
  }
  if (reason != nullptr) reason->clear();
  return true;
}

KernelTime time_fp8_gemm_cuda(int m, int n, int k, int repeats) {
  require_positive({m, n, k, repeats}, "time_fp8_gemm_cuda");
  require_device();
  const std::size_t am = static_cast<std::size_t>(m), bn = static_cast<std::size_t>(n);
  const std::size_t kb = static_cast<std::size_t>(quant_blocks(k));
  const std::size_t set_bytes = (am + bn) * k + am * n * 2;
  const int sets = rotation_sets(set_bytes, kMaxSets);
  std::vector<GemmSet> data(static_cast<std::size_t>(sets));
  for (int s = 0; s < sets; ++s) {
    auto& d = data[s];
    d.a = DeviceBuffer<std::uint8_t>(am * k);
    d.b = DeviceBuffer<std::uint8_t>(bn * k);
    d.a_scales = DeviceBuffer<float>(am * kb);
    d.b_scales = DeviceBuffer<float>(static_cast<std::size_t>(quant_blocks(n)) * kb);
    d.out = DeviceBuffer<std::uint16_t>(am * n);
    fill_fp8(d.a, 2 * s + 1);
    fill_fp8(d.b, 2 * s + 2);
    fill_f32(d.a_scales, 1.0f / 64.0f);
    fill_f32(d.b_scales, 1.0f / 256.0f);
  }
  return median_kernel_time(
      [&](int i) {
        const auto& d = data[i % sets];
        fp8_gemm_cuda(d.a.get(), d.a_scales.get(), d.b.get(), d.b_scales.get(), m, n, k, d.out.get(), nullptr);
      },
      kWarmup, repeats, nullptr);
}

KernelTime time_grouped_fp8_gemm_cuda(int groups, int m_per_group, int n, int k, int repeats) {
  require_positive({groups, m_per_group, n, k, repeats}, "time_grouped_fp8_gemm_cuda");
  require_device();
  const std::size_t rows = static_cast<std::size_t>(groups) * m_per_group;
  const std::size_t kb = static_cast<std::size_t>(quant_blocks(k));
  const std::size_t w_scales = static_cast<std::size_t>(quant_blocks(n)) * kb;
  const std::size_t set_bytes = rows * k + static_cast<std::size_t>(groups) * n * k + rows * n * 2;
  const int sets = rotation_sets(set_bytes, kMaxSets);
  std::vector<int> offsets(static_cast<std::size_t>(groups) + 1);
  for (int g = 0; g <= groups; ++g) offsets[g] = g * m_per_group;
  std::vector<GemmSet> data(static_cast<std::size_t>(sets));
  std::vector<std::unique_ptr<Fp8GroupedGemmCuda>> plans;
  for (int s = 0; s < sets; ++s) {
    auto& d = data[s];
    d.a = DeviceBuffer<std::uint8_t>(rows * k);
    d.b = DeviceBuffer<std::uint8_t>(static_cast<std::size_t>(groups) * n * k);
    d.a_scales = DeviceBuffer<float>(rows * kb);
    d.b_scales = DeviceBuffer<float>(static_cast<std::size_t>(groups) * w_scales);
    d.out = DeviceBuffer<std::uint16_t>(rows * n);
    fill_fp8(d.a, 2 * s + 1);
    fill_fp8(d.b, 2 * s + 2);
    fill_f32(d.a_scales, 1.0f / 64.0f);
    fill_f32(d.b_scales, 1.0f / 256.0f);
    std::vector<const std::uint8_t*> bq;
    std::vector<const float*> bs;
    for (int g = 0; g < groups; ++g) {
      bq.push_back(d.b.get() + static_cast<std::size_t>(g) * n * k);
      bs.push_back(d.b_scales.get() + static_cast<std::size_t>(g) * w_scales);
    }
    plans.push_back(std::make_unique<Fp8GroupedGemmCuda>(bq.data(), bs.data(), offsets.data(), groups, n, k));
  }
  return median_kernel_time(
      [&](int i) {
        const auto& d = data[i % sets];
        plans[i % sets]->run(d.a.get(), d.a_scales.get(), d.out.get(), nullptr);
      },
      kWarmup, repeats, nullptr);
}

KernelTime time_cublaslt_gemm(int m, int n, int k, bool fp8, int repeats) {
  require_positive({m, n, k, repeats}, "time_cublaslt_gemm");
  require_device();
  const std::size_t elem = fp8 ? 1 : 2;
  const std::size_t set_bytes = (static_cast<std::size_t>(m) + n) * k * elem + static_cast<std::size_t>(m) * n * 2;
  const int sets = rotation_sets(set_bytes, kMaxSets);
  CublasLtGemm gemm(m, n, k, fp8);
  std::vector<DeviceBuffer<std::uint8_t>> a8, b8;
  std::vector<DeviceBuffer<std::uint16_t>> a16, b16, out;
  for (int s = 0; s < sets; ++s) {
    if (fp8) {
      a8.emplace_back(static_cast<std::size_t>(m) * k);
      b8.emplace_back(static_cast<std::size_t>(n) * k);
      fill_fp8(a8.back(), 2 * s + 1);
      fill_fp8(b8.back(), 2 * s + 2);
    } else {
      a16.emplace_back(static_cast<std::size_t>(m) * k);
      b16.emplace_back(static_cast<std::size_t>(n) * k);
      fill_bf16(a16.back(), 2 * s + 1);
      fill_bf16(b16.back(), 2 * s + 2);
    }
    out.emplace_back(static_cast<std::size_t>(m) * n);
  }
  return median_kernel_time(
      [&](int i) {
        const int s = i % sets;
        const void* a = fp8 ? static_cast<const void*>(a8[s].get()) : static_cast<const void*>(a16[s].get());
        const void* b = fp8 ? static_cast<const void*>(b8[s].get()) : static_cast<const void*>(b16[s].get());
        gemm.run(a, b, out[s].get(), nullptr);
      },
      kWarmup, repeats, nullptr);
}

std::vector<LoadWindow> run_sustained_cublaslt_gemm(int m, int n, int k, bool fp8, double seconds, double window_s,
                                                    std::string* no_sensors_reason) {
  require_positive({m, n, k}, "run_sustained_cublaslt_gemm");
  if (!(seconds > 0) || !(window_s > 0) || window_s > seconds)
    throw_user_error("run_sustained_cublaslt_gemm: need 0 < window_s <= seconds");
  require_device();
  CublasLtGemm gemm(m, n, k, fp8);
  const std::size_t a_elems = static_cast<std::size_t>(m) * k, b_elems = static_cast<std::size_t>(n) * k;
  DeviceBuffer<std::uint8_t> a8, b8;
  DeviceBuffer<std::uint16_t> a16, b16;
  if (fp8) {
    a8 = DeviceBuffer<std::uint8_t>(a_elems);
    b8 = DeviceBuffer<std::uint8_t>(b_elems);
    fill_fp8(a8, 1);
    fill_fp8(b8, 2);
  } else {
    a16 = DeviceBuffer<std::uint16_t>(a_elems);
    b16 = DeviceBuffer<std::uint16_t>(b_elems);
    fill_bf16(a16, 1);
    fill_bf16(b16, 2);
  }
  const void* a = fp8 ? static_cast<const void*>(a8.get()) : static_cast<const void*>(a16.get());
  const void* b = fp8 ? static_cast<const void*>(b8.get()) : static_cast<const void*>(b16.get());
  DeviceBuffer<std::uint16_t> out(static_cast<std::size_t>(m) * n);
  int dev = 0;
  MOEPLAN_CUDA_CHECK(cudaGetDevice(&dev));
  const NvmlSensors sensors(dev);
  if (no_sensors_reason != nullptr) *no_sensors_reason = sensors.why_not();
  auto timed_calls = [&](long calls) {
    return event_time_s([&] { for (long i = 0; i < calls; ++i) gemm.run(a, b, out.get(), nullptr); }, nullptr);
  };
  for (int i = 0; i < kWarmup; ++i) gemm.run(a, b, out.get(), nullptr);
  const double per_call = std::max(timed_calls(1), 1e-7);
  const long calls = std::max(1L, static_cast<long>(window_s / per_call));
  const double flops = 2.0 * m * n * static_cast<double>(k) * static_cast<double>(calls);
  std::vector<LoadWindow> windows;
  double elapsed = 0;
  while (elapsed < seconds) {
    LoadWindow w;
    w.seconds = timed_calls(calls);
    w.flops = flops;
    sensors.read(w);
    elapsed += w.seconds;
    windows.push_back(w);
  }
  return windows;
}

KernelTime time_mla_decode_cuda(const MlaDecodeShape& shape, int repeats) {
  require_positive({repeats}, "time_mla_decode_cuda");
  const int pages_per_seq = (shape.seq_len + shape.page_size - 1) / std::max(shape.page_size, 1);
  validate_mla_decode_shape(shape, std::max(pages_per_seq, 1));
  require_device();
  const std::size_t q_elems = static_cast<std::size_t>(shape.batch) * shape.heads * shape.head_dim_k;
  const std::size_t pages = static_cast<std::size_t>(shape.batch) * pages_per_seq;
  const std::size_t kv_elems = pages * shape.page_size * shape.head_dim_k;
  const std::size_t out_elems = static_cast<std::size_t>(shape.batch) * shape.heads * shape.head_dim_v;
  const int sets = rotation_sets((q_elems + kv_elems + out_elems) * 2, kMaxSets);
  // Pages of a sequence are scattered with a fixed stride, as a paged allocator leaves them.
  std::vector<int> table(pages);
  for (std::size_t i = 0; i < pages; ++i) table[i] = static_cast<int>((i * 7919) % pages);
  std::vector<DeviceBuffer<std::uint16_t>> q, kv, out;
  DeviceBuffer<int> block_table(table);
  for (int s = 0; s < sets; ++s) {
    q.emplace_back(q_elems);
    kv.emplace_back(kv_elems);
    out.emplace_back(out_elems);
    fill_bf16(q.back(), 3 * s + 1);
    fill_bf16(kv.back(), 3 * s + 2);
  }
  // DeepSeek-V3 attention scale 1/sqrt(qk_nope_head_dim + qk_rope_head_dim) = 1/sqrt(192) (config.json).
  const float scale = 1.0f / std::sqrt(192.0f);
  return median_kernel_time(
      [&](int i) {
        const int s = i % sets;
        mla_decode_cuda(shape, q[s].get(), kv[s].get(), block_table.get(), pages_per_seq, scale, out[s].get(),
                        nullptr);
      },
      kWarmup, repeats, nullptr);
}

KernelTime time_d2d_copy(std::size_t bytes, int repeats) {
  require_positive({repeats, bytes > 0 ? 1 : 0}, "time_d2d_copy");
  require_device();
  const int sets = rotation_sets(2 * bytes, kMaxSets);
  std::vector<DeviceBuffer<std::uint8_t>> src, dst;
  for (int s = 0; s < sets; ++s) {
    src.emplace_back(bytes);
    dst.emplace_back(bytes);
    src.back().fill_bytes(s + 1);
  }
  return median_kernel_time(
      [&](int i) {
        const int s = i % sets;
        MOEPLAN_CUDA_CHECK(cudaMemcpyAsync(dst[s].get(), src[s].get(), bytes, cudaMemcpyDeviceToDevice, nullptr));
      },
      kWarmup, repeats, nullptr);
}

}  // namespace moeplan::kernels
