// DualPipe and DualPipeV rank programs (DeepSeek-V3 §3.2.1; DualPipe README, published-numbers.md §1.6, §3).
//
// Both are written in terms of two "legs" per rank. The near leg is the stream of micro-batches whose
// forward enters at the rank's own end of the line (DualPipe: direction 0 for ranks 0..pp/2-1, direction 1
// for the others; DualPipeV: the down leg, stage r); the far leg is the other stream (DualPipe: the other
// direction; DualPipeV: the up leg, stage 2pp-1-r). A rank's position is its half-index h: its distance from
// the nearer end (DualPipe: min(r, pp-1-r) with pp/2 half-ranks; DualPipeV: r with pp half-ranks, which is
// DualPipe's rank line folded in the middle). Each leg carries C micro-batches (DualPipe: M/2; DualPipeV: M).
//
// The program of a rank, in eight phases (counts depend only on H = half-ranks, h and C):
//   1. 2(H-h-1) near forwards: ranks near their entry start early and fill the time until the far
//      stream arrives.
//   2. h+1 pairs "near F, far F": both streams now arrive, one of each.
//   3. H-h-1 times "far B, W, far F": the far stream's loss is close, its backward arrives; B is split from
//      W so the input gradient leaves before the weight gradient is computed.
//   4. C-2H+h+1 times "F(near)+B(far), F(far)+B(near)" as overlapped pairs: the steady state in which each
//      backward's communication hides behind a forward and vice versa (DeepSeek-V3 Figure 4). The middle
//      rank (h = H-1) runs its first pair as a separate F and B, which starts its backward chain sooner.
//   5. H-h-1 times "far B, F(far)+B(near)": the near forwards are done; far forwards still pair with near
//      backwards.
//   6. h+1 times "far B, near B": draining. From the middle of this phase on the backwards are split and
//      their W's deferred (ZeroBubble-style), so the weight gradients can fill the tail.
//   7. H-h-1 times "W, near B (split)".
//   8. h+1 W's: the deferred weight gradients, oldest first.
// Per leg this gives C forwards and C backwards on every rank (checked by validate_order).
#include <algorithm>
#include <deque>
#include <vector>

#include "sim/schedule/schedule_builders.h"

namespace moeplan::schedule_detail {
namespace {

struct Leg {
  int stage = 0;
  int direction = 0;
  int first_micro_batch = 0;  // DualPipe direction 1 numbers its micro-batches after direction 0's
  int next_forward = 0;
  int next_backward = 0;
};

class RankProgram {
 public:
  explicit RankProgram(std::vector<Chunk>& out) : out_(out) {}

  void forward(Leg& leg) {
    out_.push_back(chunk(ChunkKind::kF, leg.first_micro_batch + leg.next_forward++, leg));
  }

  // Full backward, or (defer_w) input gradient now and the weight gradient queued for weight().
  void backward(Leg& leg, bool defer_w) {
    const int mb = leg.first_micro_batch + leg.next_backward++;
    if (!defer_w) {
      out_.push_back(chunk(ChunkKind::kBW, mb, leg));
      return;
    }
    out_.push_back(chunk(ChunkKind::kB, mb, leg));
    pending_w_.push_back(chunk(ChunkKind::kW, mb, leg));
  }

  void weight() {
    if (pending_w_.empty()) return;  // nothing deferred yet: the reference program skips it too
    out_.push_back(pending_w_.front());
    pending_w_.pop_front();
  }

  // Overlapped forward of f_leg and full backward of b_leg.
  void pair(Leg& f_leg, Leg& b_leg) {
    Chunk c = chunk(ChunkKind::kFB, f_leg.first_micro_batch + f_leg.next_forward++, f_leg);
    c.micro_batch2 = b_leg.first_micro_batch + b_leg.next_backward++;
    c.stage2 = b_leg.stage;
    c.direction2 = b_leg.direction;
    out_.push_back(c);
  }

  void flush_weights() {
    while (!pending_w_.empty()) weight();
  }

 private:
  static Chunk chunk(ChunkKind kind, int mb, const Leg& leg) {
    Chunk c;
    c.kind = kind;
    c.micro_batch = mb;
    c.stage = leg.stage;
    c.direction = leg.direction;
    return c;
  }

  std::vector<Chunk>& out_;
  std::deque<Chunk> pending_w_;
};

// The eight phases described at the top of the file.
void fill_rank(std::vector<Chunk>& out, Leg near, Leg far, int half_ranks, int h, int per_leg) {
  const int H = half_ranks;
  const bool middle = h == H - 1;
  RankProgram prog(out);
  for (int i = 0; i < 2 * (H - h - 1); ++i) prog.forward(near);
  for (int i = 0; i < h + 1; ++i) {
    prog.forward(near);
    prog.forward(far);
  }
  for (int i = 0; i < H - h - 1; ++i) {
    prog.backward(far, /*defer_w=*/true);
    prog.weight();
    prog.forward(far);
  }
  const int steady = per_leg - 2 * H + h + 1;
  for (int i = 0; i < steady; ++i) {
    if (i == 0 && middle) {
      prog.forward(near);
      prog.backward(far, false);
    } else {
      prog.pair(near, far);
    }
    prog.pair(far, near);
  }
  for (int i = 0; i < H - h - 1; ++i) {
    prog.backward(far, false);
    prog.pair(far, near);
  }
  // Phase 6 switches to deferred W's half-way: before the far backward on odd h, between the two on even h.
  bool defer = false;
  for (int i = 0; i < h + 1; ++i) {
    if (i == (h + 1) / 2 && h % 2 == 1) defer = true;
    prog.backward(far, defer);
    if (i == (h + 1) / 2 && h % 2 == 0) defer = true;
    prog.backward(near, defer);
  }
  for (int i = 0; i < H - h - 1; ++i) {
    prog.weight();
    prog.backward(near, true);
  }
  prog.flush_weights();
}

}  // namespace

void fill_dualpipe(PipelineOrder& order) {
  const int n = order.ranks;
  const int half = n / 2;
  const int per_direction = order.micro_batches / 2;
  for (int r = 0; r < n; ++r) {
    auto leg_of = [&](int direction) {
      Leg leg;
      leg.direction = direction;
      leg.stage = direction == 0 ? r : n - 1 - r;
      leg.first_micro_batch = direction * per_direction;
      return leg;
    };
    const int near_direction = r < half ? 0 : 1;
    fill_rank(order.per_rank[static_cast<size_t>(r)], leg_of(near_direction), leg_of(1 - near_direction), half,
              std::min(r, n - 1 - r), per_direction);
  }
}

void fill_dualpipev(PipelineOrder& order) {
  const int n = order.ranks;
  for (int r = 0; r < n; ++r) {
    Leg down;
    down.stage = r;
    Leg up;
    up.stage = 2 * n - 1 - r;
    fill_rank(order.per_rank[static_cast<size_t>(r)], down, up, n, r, order.micro_batches);
  }
}

}  // namespace moeplan::schedule_detail
