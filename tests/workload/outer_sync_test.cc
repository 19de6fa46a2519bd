// The dp_sync cost models (sim/workload/outer_sync.h) against hand arithmetic, their invariants, and DisTrO's
// published per-step bytes.
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>

#include "sim/workload/outer_sync.h"

namespace moeplan {
namespace {

OuterSyncInput base(DpSyncMethod m) {
  OuterSyncInput in;
  in.step_compute_s = 1.0;
  in.backward_s = 0.6;
  in.params = 1e9;
  in.n_layers = 24;
  in.replicas = 4;
  in.wan = WanPath{.bandwidth_Bps = 1.25e9, .latency_s = 0.01, .hops = 1};  // 10 Gbit/s, 10 ms
  in.sync.method = m;
  return in;
}

TEST(OuterSync, RingAllReduceClosedForm) {
  // 2(M-1)/M of the payload per member, 2(M-1) latency steps.
  EXPECT_DOUBLE_EQ(ring_all_reduce_bytes(8e9, 4), 12e9);
  EXPECT_DOUBLE_EQ(ring_all_reduce_bytes(8e9, 1), 0.0);
  const WanPath wan{.bandwidth_Bps = 1e9, .latency_s = 0.02, .hops = 2};
  EXPECT_DOUBLE_EQ(ring_all_reduce_s(8e9, 4, wan), 12.0 + 6 * 2 * 0.02);
}

TEST(OuterSync, EveryStepOverlapsBackward) {
  const OuterSyncResult r = outer_sync_cost(base(DpSyncMethod::kEveryStep));
  // bf16 gradients: 2e9 bytes; ring: 2 x 3/4 x 2e9 = 3e9 bytes; 3e9 / 1.25e9 = 2.4 s, + 6 x 10 ms.
  EXPECT_DOUBLE_EQ(r.payload_bytes, 2e9);
  EXPECT_DOUBLE_EQ(r.wan_bytes_per_step, 3e9);
  EXPECT_NEAR(r.sync_s, 2.46, 1e-12);
  // The top block's gradients go out 23/24 of the backward (0.6 s) before the step ends; the link then runs
  // 2.4 s + latency, and block 0 is due at once: 2.46 - 0.575 s exposed.
  EXPECT_NEAR(r.exposed_per_step_s, 2.46 - 0.575, 1e-12);
  EXPECT_NEAR(r.hidden_fraction, 0.575 / 2.46, 1e-12);
  EXPECT_NEAR(r.compute_utilisation, 1.0 / (1.0 + 1.885), 1e-12);
  ASSERT_EQ(r.timeline.size(), 1u);
  EXPECT_EQ(r.period_steps, 1);
  // A link fast enough to keep up hides it all: 24 blocks of 1.25e8 B each at 1.25e11 B/s take 1 ms apiece.
  OuterSyncInput fast = base(DpSyncMethod::kEveryStep);
  fast.wan = WanPath{.bandwidth_Bps = 1.25e11, .latency_s = 0, .hops = 1};
  EXPECT_NEAR(outer_sync_cost(fast).exposed_per_step_s, 0.001, 1e-12);  // block 0's own transfer
}

TEST(OuterSync, DilocoBlockingEveryHSteps) {
  OuterSyncInput in = base(DpSyncMethod::kDiloco);
  in.params = 1e10;
  in.sync.inner_steps = 100;
  in.sync.outer_bits = 8;  // int8 pseudo-gradients, as INTELLECT-1
  in.step_compute_s = 22.8;
  in.backward_s = 15.0;    // the last inner step's backward hides the top blocks' share
  in.wan = WanPath{.bandwidth_Bps = 1.25e8, .latency_s = 0.05, .hops = 1};
  const OuterSyncResult r = outer_sync_cost(in);
  // 1e10 bytes; ring 1.5e10 bytes at 1.25e8 B/s = 120 s, + 6 x 50 ms = 120.3 s once per 100 steps, of which
  // the last backward hides 23/24 x 15 s = 14.375 s.
  EXPECT_DOUBLE_EQ(r.payload_bytes, 1e10);
  EXPECT_NEAR(r.sync_s, 120.3, 1e-9);
  EXPECT_NEAR(r.exposed_per_step_s, (120.3 - 14.375) / 100, 1e-12);
  EXPECT_NEAR(r.wan_bytes_per_step, 1.5e8, 1e-3);
  EXPECT_NEAR(r.compute_utilisation, 2280.0 / (2280.0 + 120.3 - 14.375), 1e-12);
  EXPECT_NEAR(r.hidden_fraction, 14.375 / 120.3, 1e-12);
  ASSERT_EQ(r.timeline.size(), 1u);
  EXPECT_EQ(r.timeline[0].sent_after_step, 100);
  EXPECT_EQ(r.timeline[0].merged_before_step, 101);
}

TEST(OuterSync, DilocoWithHOneIsEveryStep) {
  // Without overlap (no backward to hide under) and with the same per-layer overlap: bf16, H = 1.
  for (double backward : {0.0, 0.6}) {
    OuterSyncInput every = base(DpSyncMethod::kEveryStep);
    every.backward_s = backward;
    OuterSyncInput diloco = base(DpSyncMethod::kDiloco);
    diloco.backward_s = backward;
    diloco.sync.inner_steps = 1;
    const OuterSyncResult a = outer_sync_cost(every), b = outer_sync_cost(diloco);
    EXPECT_DOUBLE_EQ(a.exposed_per_step_s, b.exposed_per_step_s);
    EXPECT_DOUBLE_EQ(a.wan_bytes_per_step, b.wan_bytes_per_step);
    EXPECT_DOUBLE_EQ(a.compute_utilisation, b.compute_utilisation);
  }
  OuterSyncInput blocking = base(DpSyncMethod::kDiloco);
  blocking.backward_s = 0;
  blocking.sync.inner_steps = 1;
  EXPECT_NEAR(outer_sync_cost(blocking).exposed_per_step_s, 2.46, 1e-12);  // nothing overlaps: the whole sync
}

TEST(OuterSync, StreamingWithOneFragmentAndNoOverlapIsDiloco) {
  OuterSyncInput d = base(DpSyncMethod::kDiloco);
  d.sync.inner_steps = 50;
  OuterSyncInput s = d;
  s.sync.method = DpSyncMethod::kStreamingDiloco;
  s.sync.fragments = 1;
  s.sync.overlap_steps = 0;
  for (FragmentPattern p : {FragmentPattern::kStrided, FragmentPattern::kSequential}) {
    s.sync.fragment_pattern = p;
    const OuterSyncResult a = outer_sync_cost(d), b = outer_sync_cost(s);
    EXPECT_DOUBLE_EQ(a.exposed_per_step_s, b.exposed_per_step_s);
    EXPECT_DOUBLE_EQ(a.wan_bytes_per_step, b.wan_bytes_per_step);
    EXPECT_DOUBLE_EQ(a.sync_s, b.sync_s);
  }
}

TEST(OuterSync, BitsScaleBytesLinearly) {
  OuterSyncInput in = base(DpSyncMethod::kDiloco);
  in.sync.inner_steps = 10;
  in.wan.latency_s = 0;
  in.sync.outer_bits = 32;
  const OuterSyncResult fp32 = outer_sync_cost(in);
  for (int bits : {16, 8, 4}) {
    in.sync.outer_bits = bits;
    const OuterSyncResult r = outer_sync_cost(in);
    EXPECT_DOUBLE_EQ(r.wan_bytes_per_step * 32 / bits, fp32.wan_bytes_per_step) << bits;
    EXPECT_DOUBLE_EQ(r.sync_s * 32 / bits, fp32.sync_s) << bits;
  }
  in.sync.outer_bits = 0;  // unset: bf16
  EXPECT_DOUBLE_EQ(outer_sync_cost(in).wan_bytes_per_step * 2, fp32.wan_bytes_per_step);
}

TEST(OuterSync, StreamingStridedFragmentsHideUnderTauAndTheStep) {
  // 24 blocks of 1e8 parameters, 8 strided fragments of 3 blocks (p, p+8, p+16), FP4, M = 2, tau = 1.
  OuterSyncInput in = base(DpSyncMethod::kStreamingDiloco);
  in.params = 24e8;
  in.layer_params.assign(24, 1e8);
  in.replicas = 2;
  in.step_compute_s = 0.5;
  in.backward_s = 0.3;
  in.wan = WanPath{.bandwidth_Bps = 1.5e8, .latency_s = 0, .hops = 1};
  in.sync.inner_steps = 100;
  in.sync.fragments = 8;
  in.sync.overlap_steps = 1;
  in.sync.outer_bits = 4;
  const OuterSyncResult r = outer_sync_cost(in);
  ASSERT_EQ(r.timeline.size(), 8u);
  // Each block: 1e8 values x 0.5 B = 5e7 B, sent once (M = 2) at 1.5e8 B/s: 1/3 s; a fragment 1 s. Fragment p's
  // top block p+16 is done (p+16)/24 of the 0.3 s backward before the step ends, so the link finishes
  // 1 - 0.0125 (p+16) s after it; its block p is due tau x 0.5 + p/24 x 0.2 s (forward) into the next steps.
  double exposed = 0;
  for (int p = 0; p < 8; ++p) {
    const double e = 1.0 - 0.0125 * (p + 16) - (0.5 + p / 24.0 * 0.2);
    EXPECT_NEAR(r.timeline[p].duration_s, 1.0, 1e-12);
    EXPECT_NEAR(r.timeline[p].exposed_s, e, 1e-12) << p;
    EXPECT_NEAR(r.timeline[p].hidden_s, 1.0 - e, 1e-12) << p;
    exposed += e;
  }
  EXPECT_NEAR(r.exposed_per_step_s, exposed / 100, 1e-12);
  EXPECT_NEAR(r.compute_utilisation, 0.5 / (0.5 + exposed / 100), 1e-12);
  EXPECT_NEAR(r.wan_bytes_per_step, 8 * 1.5e8 / 100, 1e-6);
  // Staggered over the cycle: after steps 13, 25, 38, 50, 63, 75, 88, 100; merged tau + 1 steps later.
  EXPECT_EQ(r.timeline[0].sent_after_step, 13);
  EXPECT_EQ(r.timeline[3].sent_after_step, 50);
  EXPECT_EQ(r.timeline[7].sent_after_step, 100);
  EXPECT_EQ(r.timeline[7].merged_before_step, 102);
  EXPECT_EQ(r.timeline[1].what, "fragment 1 (layers 1, 9, 17)");
}

TEST(OuterSync, SequentialFragmentsStartDeeper) {
  OuterSyncInput in = base(DpSyncMethod::kStreamingDiloco);
  in.replicas = 2;
  in.wan = WanPath{.bandwidth_Bps = 1e8, .latency_s = 0, .hops = 1};
  in.sync.inner_steps = 30;
  in.sync.fragment_layers = 6;  // 24 / 6 = 4 fragments: blocks 0-5, 6-11, 12-17, 18-23
  in.sync.fragment_pattern = FragmentPattern::kSequential;
  const OuterSyncResult r = outer_sync_cost(in);
  ASSERT_EQ(r.timeline.size(), 4u);
  // Blocks of 1e9/24 values x 2 B at 1e8 B/s: 5/6 s each, 5 s a fragment (no latency). Fragment p's
  // top block 6p+5 is done (6p+5)/24 x 0.6 s before the step ends; block 6p is due 6p/24 x 0.4 s after it.
  for (int p = 0; p < 4; ++p)
    EXPECT_NEAR(r.timeline[p].exposed_s, 5.0 - 0.025 * (6 * p + 5) - 0.1 * p, 1e-12) << p;
}

TEST(OuterSync, SaturatedLinkBoundsTheCycle) {
  // Transfers longer than the cycle's compute: the link carries them back to back, so the cycle lasts at least
  // their sum, however much each would hide alone.
  OuterSyncInput in = base(DpSyncMethod::kStreamingDiloco);
  in.replicas = 2;
  in.wan = WanPath{.bandwidth_Bps = 1e7, .latency_s = 0, .hops = 1};
  in.sync.inner_steps = 10;
  in.sync.fragments = 4;
  in.sync.overlap_steps = 5;
  const OuterSyncResult r = outer_sync_cost(in);
  // 2e9 B over 4 fragments at 1e7 B/s: 50 s each, 200 s in all against 10 s of compute.
  EXPECT_NEAR(r.exposed_per_step_s, (200.0 - 10.0) / 10, 1e-9);
  EXPECT_TRUE(r.link_bound);
  EXPECT_FALSE(outer_sync_cost(base(DpSyncMethod::kEveryStep)).link_bound);
}

TEST(OuterSync, DistroPublishedBytesPerStep) {
  // DisTrO report Table 3: 1.2B model, 32 H100 peers, 86.8 MB received per step (857x less than 74.4 GB);
  // §3.1: 2.8 MB to each of 31 peers, 6.94 s to download at 100 Mbit/s.
  OuterSyncInput in = base(DpSyncMethod::kDemo);
  in.params = 1.2e9;
  in.replicas = 32;
  in.wan = WanPath{.bandwidth_Bps = 100e6 / 8, .latency_s = 0, .hops = 1};
  const OuterSyncResult r = outer_sync_cost(in);
  std::printf("DisTrO 1.2B, 32 peers: predicted %.1f MB per step (published 86.8 MB), %.2f s at 100 Mbit/s "
              "(published 6.94 s)\n", r.wan_bytes_per_step / 1e6, r.sync_s);
  EXPECT_NEAR(r.wan_bytes_per_step, 86.8e6, 0.1e6);
  EXPECT_NEAR(r.sync_s, 6.94, 0.01);
  EXPECT_DOUBLE_EQ(r.exposed_per_step_s, r.sync_s);  // not overlapped
  in.sync.demo_compression = 85;  // DeMo abstract's per-GPU figure
  EXPECT_NEAR(outer_sync_cost(in).wan_bytes_per_step, 31 * 2.4e9 / 85, 1.0);
}

TEST(OuterSync, StreamingFp4SendsFourHundredTimesLessThanDataParallel) {
  // arXiv:2501.18512 Table 1 (1B, M = 2, H = 100, overlapped FP4): 441 TB exchanged by data parallelism against
  // 1.10 TB by Streaming DiLoCo over the same 25B tokens: 401x. Per step: bf16 gradients every step against
  // 4-bit pseudo-gradients once every 100 steps, 4 x 100 = 400x.
  OuterSyncInput dp = base(DpSyncMethod::kEveryStep);
  dp.replicas = 2;
  OuterSyncInput sdl = dp;
  sdl.sync.method = DpSyncMethod::kStreamingDiloco;
  sdl.sync.inner_steps = 100;
  sdl.sync.fragment_layers = 3;
  sdl.sync.overlap_steps = 1;
  sdl.sync.outer_bits = 4;
  const double ratio = outer_sync_cost(dp).wan_bytes_per_step / outer_sync_cost(sdl).wan_bytes_per_step;
  std::printf("bytes, data parallel / streaming FP4: predicted %.1fx, published 441 TB / 1.10 TB = %.1fx\n", ratio,
              441 / 1.10);
  EXPECT_NEAR(ratio, 400.0, 1e-9);
  EXPECT_NEAR(ratio, 441 / 1.10, 2.0);
}

TEST(OuterSync, OneReplicaSendsNothing) {
  for (DpSyncMethod m : {DpSyncMethod::kEveryStep, DpSyncMethod::kDiloco, DpSyncMethod::kDemo}) {
    OuterSyncInput in = base(m);
    in.replicas = 1;
    in.wan.bandwidth_Bps = 0;  // no link needed
    const OuterSyncResult r = outer_sync_cost(in);
    EXPECT_DOUBLE_EQ(r.wan_bytes_per_step, 0.0);
    EXPECT_DOUBLE_EQ(r.compute_utilisation, 1.0);
  }
}

TEST(OuterSync, InfiniteBandwidthLeavesOnlyLatency) {
  OuterSyncInput in = base(DpSyncMethod::kDiloco);
  in.sync.inner_steps = 10;
  in.wan.bandwidth_Bps = std::numeric_limits<double>::infinity();
  EXPECT_NEAR(outer_sync_cost(in).sync_s, 6 * 0.01, 1e-15);
}

}  // namespace
}  // namespace moeplan
