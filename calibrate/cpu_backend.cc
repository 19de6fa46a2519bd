// CPU backend: times the CPU reference kernels (kernels/cpu) over the small grid and a memcpy test.
//
// The rates describe this CPU running scalar reference code, orders of magnitude below any GPU; the
// point is that the same measure -> fit -> profile -> simulator pipeline runs (and is tested) anywhere.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "calibrate/attention_points.h"
#include "calibrate/backends.h"
#include "calibrate/sustained_run.h"
#include "calibrate/timing.h"
#include "kernels/cpu/fp8.h"
#include "kernels/cpu/fp8_gemm_ref.h"
#include "kernels/cpu/mla_decode_ref.h"
#include "kernels/cpu/quantize.h"
#include "kernels/cpu/random_fill.h"
#include "sim/calib/curve_fit.h"

namespace moeplan {

namespace {

using kernels::quant_blocks;
constexpr int kSets = 2;  // rotating input sets

struct Fp8Operand {
  std::vector<std::uint8_t> q;
  std::vector<float> scales;
};

Fp8Operand quantized_act(Rng& rng, int m, int k) {
  Fp8Operand o{std::vector<std::uint8_t>(static_cast<size_t>(m) * k),
               std::vector<float>(static_cast<size_t>(m) * quant_blocks(k))};
  const auto x = kernels::random_normal(rng, static_cast<size_t>(m) * k);
  kernels::quantize_act_1x128(x.data(), m, k, o.q.data(), o.scales.data());
  return o;
}

Fp8Operand quantized_weight(Rng& rng, int n, int k) {
  Fp8Operand o{std::vector<std::uint8_t>(static_cast<size_t>(n) * k),
               std::vector<float>(static_cast<size_t>(quant_blocks(n)) * quant_blocks(k))};
  const auto w = kernels::random_normal(rng, static_cast<size_t>(n) * k, 0.02);
  kernels::quantize_weight_128x128(w.data(), n, k, o.q.data(), o.scales.data());
  return o;
}

std::vector<std::uint16_t> bf16_matrix(Rng& rng, size_t count) {
  const auto x = kernels::random_normal(rng, count);
  std::vector<std::uint16_t> v(count);
  for (size_t i = 0; i < count; ++i) v[i] = kernels::bf16_encode(x[i]);
  return v;
}

double time_gemm(const GemmCase& c, Rng& rng, const TimingPlan& plan) {
  std::vector<std::uint16_t> out(static_cast<size_t>(c.m) * c.groups * c.n);
  if (c.dtype == DType::kBf16) {
    std::vector<std::vector<std::uint16_t>> a, b;
    for (int s = 0; s < kSets; ++s) {
      a.push_back(bf16_matrix(rng, static_cast<size_t>(c.m) * c.k));
      b.push_back(bf16_matrix(rng, static_cast<size_t>(c.n) * c.k));
    }
    return median_time_s(
        [&](int s) { kernels::bf16_gemm_ref(a[s].data(), b[s].data(), c.m, c.n, c.k, out.data()); }, kSets, plan);
  }
  if (c.kind == GemmKind::kDense) {
    std::vector<Fp8Operand> a, b;
    for (int s = 0; s < kSets; ++s) {
      a.push_back(quantized_act(rng, c.m, c.k));
      b.push_back(quantized_weight(rng, c.n, c.k));
    }
    return median_time_s(
        [&](int s) {
          kernels::fp8_gemm_ref(a[s].q.data(), a[s].scales.data(), b[s].q.data(), b[s].scales.data(), c.m, c.n,
                                c.k, out.data());
        },
        kSets, plan);
  }
  // Grouped, contiguous layout: `groups` experts with c.m tokens each.
  std::vector<Fp8Operand> a;
  std::vector<std::vector<Fp8Operand>> w(kSets);
  std::vector<std::vector<const std::uint8_t*>> wq(kSets);
  std::vector<std::vector<const float*>> ws(kSets);
  std::vector<int> offsets(static_cast<size_t>(c.groups) + 1);
  for (int g = 0; g <= c.groups; ++g) offsets[static_cast<size_t>(g)] = g * c.m;
  for (int s = 0; s < kSets; ++s) {
    a.push_back(quantized_act(rng, c.m * c.groups, c.k));
    for (int g = 0; g < c.groups; ++g) w[s].push_back(quantized_weight(rng, c.n, c.k));
    for (const auto& op : w[s]) {
      wq[s].push_back(op.q.data());
      ws[s].push_back(op.scales.data());
    }
  }
  return median_time_s(
      [&](int s) {
        kernels::fp8_grouped_gemm_ref(a[s].q.data(), a[s].scales.data(), wq[s].data(), ws[s].data(),
                                      offsets.data(), c.groups, c.n, c.k, out.data());
      },
      kSets, plan);
}

double time_mla(const AttentionCase& c, Rng& rng, const TimingPlan& plan) {
  const kernels::MlaDecodeShape shape{c.batch, c.heads, c.seq_len, kMlaHeadDimK, kMlaHeadDimV, kMlaPageSize};
  const int max_pages = (c.seq_len + shape.page_size - 1) / shape.page_size;
  const size_t pages = static_cast<size_t>(c.batch) * max_pages;
  std::vector<int> table(pages);
  for (size_t i = 0; i < pages; ++i) table[i] = static_cast<int>(i);
  std::vector<std::vector<std::uint16_t>> q, kv;
  for (int s = 0; s < kSets; ++s) {
    q.push_back(bf16_matrix(rng, static_cast<size_t>(c.batch) * c.heads * shape.head_dim_k));
    kv.push_back(bf16_matrix(rng, pages * shape.page_size * shape.head_dim_k));
  }
  std::vector<std::uint16_t> out(static_cast<size_t>(c.batch) * c.heads * shape.head_dim_v);
  const float scale = 1.0f / std::sqrt(192.0f);  // 1/sqrt(d_h + d_h^R), DeepSeek-V3 eq. 10
  return median_time_s(
      [&](int s) {
        kernels::mla_decode_ref(shape, q[s].data(), kv[s].data(), table.data(), max_pages, scale, out.data());
      },
      kSets, plan);
}

// Buffers larger than the last-level cache, so the copy streams from DRAM (one set: nothing stays hot).
double time_memcpy(double bytes, const TimingPlan& plan) {
  const size_t n = static_cast<size_t>(bytes);
  std::vector<char> src(n, 1), dst(n, 0);
  return median_time_s([&](int) { std::memcpy(dst.data(), src.data(), n); }, 1, plan);
}

}  // namespace

BackendResult measure_cpu(const CalibrationGrid& grid, bool quick, Profile& out) {
  BackendResult r;
  Rng rng(20250422, "calibrate-cpu");
  TimingPlan plan;
  if (quick) plan.budget_s = 0.05;
  const std::string src = "measured: CPU reference kernel (kernels/cpu), median of repeats after warm-up";
  for (const GemmCase& c : grid.gemms) {
    const double t = time_gemm(c, rng, plan);
    GemmPoint p;
    p.kind = c.kind;
    p.dtype = c.dtype;
    p.m = c.m, p.n = c.n, p.k = c.k, p.groups = c.groups;
    p.flops_per_s = gemm_flops({p.m, p.n, p.k, p.groups}) / t;
    p.src.source = src + " (" + c.label + ")";
    out.gemm_points.push_back(p);
    ++r.kernels_timed;
  }
  for (const AttentionCase& c : grid.attention) {
    const double t = time_mla(c, rng, plan);
    add_mla_points(c, t, "measured: CPU mla_decode_ref", out);
    ++r.kernels_timed;
  }
  add_derived_backward_attention(out);
  for (double bytes : grid.copy_bytes) {
    const double t = time_memcpy(bytes, plan);
    MemoryPoint m;
    m.kernel = "memcpy";
    m.bytes = 2 * bytes;  // read + write
    m.bytes_per_s = m.bytes / t;
    m.src.source = "measured: std::memcpy of " + std::to_string(static_cast<long long>(bytes)) + " B";
    out.memory_points.push_back(m);
    ++r.kernels_timed;
  }
  r.skipped.push_back("collectives: single process, no NCCL/MPI transport measured");
  r.skipped.push_back("backward attention: no backward kernel; derived from the forward rate");
  return r;
}

void measure_cpu_sustained(double seconds, Profile& out, BackendResult& r) {
  // DeepSeek-V3's 2048 x 7168 x 7168 dense GEMM with every dimension / 16, as the grid scales its shapes.
  constexpr int m = 128, n = 448, k = 448;
  constexpr int kWindows = 12;
  Rng rng(20250422, "calibrate-cpu-sustained");
  const auto a = bf16_matrix(rng, static_cast<size_t>(m) * k);
  const auto b = bf16_matrix(rng, static_cast<size_t>(n) * k);
  std::vector<std::uint16_t> c(static_cast<size_t>(m) * n);
  const double flops_per_call = 2.0 * m * n * k;
  const double window_s = seconds / kWindows;
  kernels::bf16_gemm_ref(a.data(), b.data(), m, n, k, c.data());  // warm-up
  std::vector<kernels::LoadWindow> windows;
  double elapsed = 0;
  while (elapsed < seconds) {
    kernels::LoadWindow w;
    const double t0 = thread_cpu_time_s();
    do {
      kernels::bf16_gemm_ref(a.data(), b.data(), m, n, k, c.data());
      w.flops += flops_per_call;
      w.seconds = thread_cpu_time_s() - t0;
    } while (w.seconds < window_s);
    elapsed += w.seconds;
    windows.push_back(w);
  }
  out.sustained_points.push_back(summarize_sustained_run(
      windows, DType::kBf16, m, n, k,
      "measured: CPU bf16_gemm_ref back to back, " + std::to_string(windows.size()) +
          " windows of this thread's CPU time; no clock or power sensors read"));
  ++r.kernels_timed;
}

}  // namespace moeplan
