// Google Benchmark timings of the CPU reference kernels (small shapes, seconds in total). These are
// references, not fast paths: the figures say how long a test or a calibration cross-check takes.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/cpu/fp8.h"
#include "kernels/cpu/fp8_gemm_ref.h"
#include "kernels/cpu/mla_decode_ref.h"
#include "kernels/cpu/moe_router_ref.h"
#include "kernels/cpu/quantize.h"
#include "kernels/cpu/random_fill.h"

namespace moeplan::kernels {
namespace {

void BM_Fp8Encode(benchmark::State& state) {
  Rng rng(1, "bench");
  const auto x = random_normal(rng, 4096, 50.0);
  for (auto _ : state) {
    unsigned sum = 0;
    for (float v : x) sum += fp8_e4m3_encode(v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_Fp8Encode);

void BM_QuantizeAct1x128(benchmark::State& state) {
  const int m = 64, k = 1024;
  Rng rng(2, "bench");
  const auto x = random_normal(rng, static_cast<std::size_t>(m) * k);
  std::vector<std::uint8_t> q(x.size());
  std::vector<float> s(static_cast<std::size_t>(m) * quant_blocks(k));
  for (auto _ : state) {
    quantize_act_1x128(x.data(), m, k, q.data(), s.data());
    benchmark::DoNotOptimize(q.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_QuantizeAct1x128);

void BM_Fp8GemmRef(benchmark::State& state) {
  const int m = static_cast<int>(state.range(0)), n = 128, k = 512;
  Rng rng(3, "bench");
  const auto a = random_normal(rng, static_cast<std::size_t>(m) * k);
  const auto b = random_normal(rng, static_cast<std::size_t>(n) * k, 0.05);
  std::vector<std::uint8_t> aq(a.size()), bq(b.size());
  std::vector<float> as(static_cast<std::size_t>(m) * quant_blocks(k)), bs(quant_blocks(n) * quant_blocks(k));
  quantize_act_1x128(a.data(), m, k, aq.data(), as.data());
  quantize_weight_128x128(b.data(), n, k, bq.data(), bs.data());
  std::vector<std::uint16_t> out(static_cast<std::size_t>(m) * n);
  for (auto _ : state) {
    fp8_gemm_ref(aq.data(), as.data(), bq.data(), bs.data(), m, n, k, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * m * n * k * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Fp8GemmRef)->Arg(16)->Arg(64);

void BM_Bf16GemmRef(benchmark::State& state) {
  const int m = 64, n = 128, k = 512;
  Rng rng(4, "bench");
  const auto af = random_normal(rng, static_cast<std::size_t>(m) * k);
  const auto bf = random_normal(rng, static_cast<std::size_t>(n) * k);
  std::vector<std::uint16_t> a(af.size()), b(bf.size()), out(static_cast<std::size_t>(m) * n);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = bf16_encode(af[i]);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = bf16_encode(bf[i]);
  for (auto _ : state) {
    bf16_gemm_ref(a.data(), b.data(), m, n, k, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * m * n * k * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Bf16GemmRef);

void BM_MlaDecodeRef(benchmark::State& state) {
  // DeepSeek-V3 latent sizes: 576-wide keys, 512-wide values, 64-token pages.
  const MlaDecodeShape s{2, 16, static_cast<int>(state.range(0)), 576, 512, 64};
  const int max_pages = (s.seq_len + 63) / 64;
  Rng rng(5, "bench");
  auto to_bf16 = [](const std::vector<float>& f) {
    std::vector<std::uint16_t> v(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) v[i] = bf16_encode(f[i]);
    return v;
  };
  const auto q = to_bf16(random_normal(rng, static_cast<std::size_t>(s.batch) * s.heads * 576));
  const auto kv = to_bf16(random_normal(rng, static_cast<std::size_t>(s.batch) * max_pages * 64 * 576));
  std::vector<int> table(static_cast<std::size_t>(s.batch) * max_pages);
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = static_cast<int>(i);
  std::vector<std::uint16_t> out(static_cast<std::size_t>(s.batch) * s.heads * 512);
  for (auto _ : state) {
    mla_decode_ref(s, q.data(), kv.data(), table.data(), max_pages, 1.0f / std::sqrt(192.0f), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  const double flops = 2.0 * s.batch * s.heads * s.seq_len * (576.0 + 512.0);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MlaDecodeRef)->Arg(256)->Arg(1024);

void BM_MoeRouteRef(benchmark::State& state) {
  const RouterConfig c{256, 8, 4, 8, 2.5f};  // DeepSeek-V3 config.json
  const int tokens = 256;
  Rng rng(6, "bench");
  const auto logits = random_normal(rng, static_cast<std::size_t>(tokens) * c.experts);
  const auto bias = random_normal(rng, c.experts, 0.05);
  std::vector<int> idx(static_cast<std::size_t>(tokens) * c.top_k);
  std::vector<float> w(idx.size());
  for (auto _ : state) {
    moe_route_ref(c, logits.data(), bias.data(), tokens, idx.data(), w.data());
    benchmark::DoNotOptimize(idx.data());
  }
  state.SetItemsProcessed(state.iterations() * tokens);
}
BENCHMARK(BM_MoeRouteRef);

void BM_MoePermuteUnpermuteRef(benchmark::State& state) {
  const RouterConfig c{256, 8, 4, 8, 2.5f};
  const int tokens = 256, hidden = 256, pairs = tokens * c.top_k;
  Rng rng(7, "bench");
  const auto logits = random_normal(rng, static_cast<std::size_t>(tokens) * c.experts);
  const auto bias = random_normal(rng, c.experts, 0.05);
  std::vector<int> idx(pairs), counts(c.experts), offsets(c.experts + 1), st(pairs), ss(pairs);
  std::vector<float> w(pairs), out(static_cast<std::size_t>(tokens) * hidden);
  moe_route_ref(c, logits.data(), bias.data(), tokens, idx.data(), w.data());
  const auto expert_out = random_normal(rng, static_cast<std::size_t>(pairs) * hidden);
  for (auto _ : state) {
    moe_permute_ref(idx.data(), tokens, c.top_k, c.experts, counts.data(), offsets.data(), st.data(), ss.data());
    moe_unpermute_ref(expert_out.data(), st.data(), ss.data(), w.data(), tokens, c.top_k, hidden, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * tokens);
}
BENCHMARK(BM_MoePermuteUnpermuteRef);

}  // namespace
}  // namespace moeplan::kernels

BENCHMARK_MAIN();
