// Single-direction schedules: GPipe, 1F1B, ZB-H1 and Megatron's interleaved 1F1B.
//
// All of them run micro-batches in the same direction through stages 0..stages-1; they differ in how many
// forwards a rank runs before its first backward (which sets the peak activation count) and in whether the
// backward is split into B (input gradient) and W (weight gradient).
#include <algorithm>
#include <deque>
#include <utility>
#include <vector>

#include "sim/schedule/schedule_builders.h"

namespace moeplan::schedule_detail {
namespace {

Chunk make_chunk(ChunkKind kind, int micro_batch, int stage) {
  Chunk c;
  c.kind = kind;
  c.micro_batch = micro_batch;
  c.stage = stage;
  return c;
}

}  // namespace

void fill_gpipe(PipelineOrder& order) {
  // GPipe keeps every micro-batch's activations until the flush: peak = micro_batches on every rank.
  for (int r = 0; r < order.ranks; ++r) {
    auto& list = order.per_rank[static_cast<size_t>(r)];
    for (int mb = 0; mb < order.micro_batches; ++mb) list.push_back(make_chunk(ChunkKind::kF, mb, r));
    for (int mb = 0; mb < order.micro_batches; ++mb) list.push_back(make_chunk(ChunkKind::kBW, mb, r));
  }
}

void fill_1f1b(PipelineOrder& order, bool split_backward) {
  const int p = order.ranks;
  const int m = order.micro_batches;
  for (int r = 0; r < p; ++r) {
    auto& list = order.per_rank[static_cast<size_t>(r)];
    // Rank r runs p-1-r forwards before its first backward, so it holds at most p-r activations; rank 0
    // holds p (DeepSeek-V3 Table 2 "Activation: PP" for 1F1B and ZB1P).
    const int warmup = std::min(p - 1 - r, m);
    // ZB-H1: rank r keeps up to r weight-gradient passes pending. Later ranks wait least for their backward
    // input, so they can afford to postpone the most W's; postponing them lets the input-gradient chain run
    // back to rank 0 without W's in its way, and the pending W's fill the cool-down where 1F1B idles. The
    // activations + pending W's per rank stay at p (Qi et al. 2024 §2.1: same in-flight count on all stages).
    const size_t w_lag = split_backward ? static_cast<size_t>(r) : 0;
    std::deque<int> pending_w;
    auto backward = [&](int mb) {
      if (!split_backward) {
        list.push_back(make_chunk(ChunkKind::kBW, mb, r));
        return;
      }
      list.push_back(make_chunk(ChunkKind::kB, mb, r));
      pending_w.push_back(mb);
      if (pending_w.size() > w_lag) {
        list.push_back(make_chunk(ChunkKind::kW, pending_w.front(), r));
        pending_w.pop_front();
      }
    };
    for (int k = 0; k < warmup; ++k) list.push_back(make_chunk(ChunkKind::kF, k, r));
    for (int k = 0; k < m - warmup; ++k) {
      list.push_back(make_chunk(ChunkKind::kF, k + warmup, r));
      backward(k);
    }
    for (int k = m - warmup; k < m; ++k) backward(k);
    for (int mb : pending_w) list.push_back(make_chunk(ChunkKind::kW, mb, r));
  }
}

void fill_interleaved(PipelineOrder& order, int v) {
  const int p = order.ranks;
  const int m = order.micro_batches;
  const int total = m * v;  // chunk-forwards per rank
  // Megatron-Core's schedule table (get_schedule_table): micro-batches in groups of n, each group through
  // chunk 0, then chunk 1, ...; the last group takes every micro-batch left. The k-th forward on a rank runs
  // table[k]; the k-th backward runs the same micro-batch through the mirrored chunk v-1-c, so each chunk
  // sees its micro-batches in order both ways. With m a multiple of p, n = p: Narayanan et al. 2021, §2.2.
  const int n = interleaved_group_size(p, m);
  std::vector<std::pair<int, int>> table;  // (micro-batch, chunk)
  table.reserve(static_cast<size_t>(total));
  for (int first = 0; first < m; first += n) {
    const int last = first + n >= m ? m : first + n;  // one past the group's last micro-batch
    for (int c = 0; c < v; ++c)
      for (int mb = first; mb < last; ++mb) table.emplace_back(mb, c);
    if (last == m) break;
  }
  for (int r = 0; r < p; ++r) {
    auto& list = order.per_rank[static_cast<size_t>(r)];
    // Model chunk c of rank r is stage c*p + r.
    auto forward_at = [&](int k) {
      const auto [mb, c] = table[static_cast<size_t>(k)];
      return make_chunk(ChunkKind::kF, mb, c * p + r);
    };
    auto backward_at = [&](int k) {
      const auto [mb, c] = table[static_cast<size_t>(k)];
      return make_chunk(ChunkKind::kBW, mb, (v - 1 - c) * p + r);
    };
    // Warm-up: 2(p-1-r) forwards for the two passes through the ranks, plus (v-1)n to reach the last chunk
    // (Megatron-Core get_pp_rank_microbatches); with m == p the older Megatron-LM runs all forwards first.
    const int warmup = m == p ? total : std::min(2 * (p - 1 - r) + (v - 1) * n, total);
    for (int k = 0; k < warmup; ++k) list.push_back(forward_at(k));
    for (int k = 0; k < total - warmup; ++k) {
      list.push_back(forward_at(k + warmup));
      list.push_back(backward_at(k));
    }
    for (int k = total - warmup; k < total; ++k) list.push_back(backward_at(k));
  }
}

}  // namespace moeplan::schedule_detail
