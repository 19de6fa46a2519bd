// PipelineOrder helpers: parameter share, completeness check and readable chunk names.
#include "sim/schedule/pipeline_order.h"

#include <string>
#include <vector>

#include "sim/units/error.h"

namespace moeplan {

int PipelineOrder::stages_per_rank() const {
  return rank_stages.empty() ? 0 : static_cast<int>(rank_stages.front().size());
}

double PipelineOrder::param_share_of_model() const {
  return stages > 0 ? static_cast<double>(stages_per_rank()) / stages : 0.0;
}

namespace {

// Progress of one (direction, stage, micro-batch) through a rank's list.
struct ActivationState {
  bool forward = false;
  bool input_grad = false;
  bool weight_grad = false;
};

class OrderChecker {
 public:
  explicit OrderChecker(const PipelineOrder& o) : o_(o) {
    if (o.ranks < 1 || o.stages < 1 || o.micro_batches < 1 || o.directions < 1 || o.directions > 2)
      fail("bad shape: ranks=" + std::to_string(o.ranks) + " stages=" + std::to_string(o.stages) +
           " directions=" + std::to_string(o.directions) + " micro_batches=" + std::to_string(o.micro_batches));
    if (static_cast<int>(o.per_rank.size()) != o.ranks || static_cast<int>(o.rank_stages.size()) != o.ranks ||
        static_cast<int>(o.stage_rank.size()) != o.directions)
      fail("per-rank or per-direction tables have the wrong size");
    for (const auto& row : o.stage_rank)
      if (static_cast<int>(row.size()) != o.stages) fail("stage_rank row has the wrong size");
    state_.resize(static_cast<size_t>(o.directions) * o.stages * o.micro_batches);
    mb_direction_.assign(static_cast<size_t>(o.micro_batches), -1);
  }

  void run() {
    for (int r = 0; r < o_.ranks; ++r) {
      for (const Chunk& c : o_.per_rank[static_cast<size_t>(r)]) {
        switch (c.kind) {
          case ChunkKind::kF: forward(r, c.micro_batch, c.stage, c.direction, c); break;
          case ChunkKind::kB: input_grad(r, c.micro_batch, c.stage, c.direction, c); break;
          case ChunkKind::kW: weight_grad(r, c.micro_batch, c.stage, c.direction, c); break;
          case ChunkKind::kBW:
            input_grad(r, c.micro_batch, c.stage, c.direction, c);
            weight_grad(r, c.micro_batch, c.stage, c.direction, c);
            break;
          case ChunkKind::kFB:
            forward(r, c.micro_batch, c.stage, c.direction, c);
            input_grad(r, c.micro_batch2, c.stage2, c.direction2, c);
            weight_grad(r, c.micro_batch2, c.stage2, c.direction2, c);
            break;
        }
      }
    }
    // Every micro-batch must have gone through every stage of its direction, forward and backward.
    for (int mb = 0; mb < o_.micro_batches; ++mb) {
      const int d = mb_direction_[static_cast<size_t>(mb)];
      if (d < 0) fail("micro-batch " + std::to_string(mb) + " is never run");
      for (int s = 0; s < o_.stages; ++s) {
        const ActivationState& st = at(mb, s, d);
        if (!st.forward || !st.input_grad || !st.weight_grad)
          fail("micro-batch " + std::to_string(mb) + " misses work on stage " + std::to_string(s) +
               " direction " + std::to_string(d));
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw_internal_error("invalid pipeline order (" + std::string(to_string(o_.kind)) + "): " + what);
  }

  ActivationState& at(int mb, int stage, int dir) {
    return state_[(static_cast<size_t>(dir) * o_.stages + stage) * o_.micro_batches + mb];
  }

  void check_place(int rank, int mb, int stage, int dir, const Chunk& c) {
    if (mb < 0 || mb >= o_.micro_batches || stage < 0 || stage >= o_.stages || dir < 0 || dir >= o_.directions)
      fail("chunk " + to_string(c) + " on rank " + std::to_string(rank) + " is out of range");
    if (o_.stage_rank[static_cast<size_t>(dir)][static_cast<size_t>(stage)] != rank)
      fail("chunk " + to_string(c) + " runs on rank " + std::to_string(rank) + " which does not host its stage");
    int& d = mb_direction_[static_cast<size_t>(mb)];
    if (d < 0) d = dir;
    if (d != dir) fail("micro-batch " + std::to_string(mb) + " appears in both directions");
  }

  void forward(int rank, int mb, int stage, int dir, const Chunk& c) {
    check_place(rank, mb, stage, dir, c);
    ActivationState& st = at(mb, stage, dir);
    if (st.forward) fail("forward repeated: " + to_string(c));
    st.forward = true;
  }
  void input_grad(int rank, int mb, int stage, int dir, const Chunk& c) {
    check_place(rank, mb, stage, dir, c);
    ActivationState& st = at(mb, stage, dir);
    if (!st.forward) fail("backward before its forward on the same rank: " + to_string(c));
    if (st.input_grad) fail("backward repeated: " + to_string(c));
    st.input_grad = true;
  }
  void weight_grad(int rank, int mb, int stage, int dir, const Chunk& c) {
    check_place(rank, mb, stage, dir, c);
    ActivationState& st = at(mb, stage, dir);
    if (!st.input_grad) fail("weight gradient before its input gradient: " + to_string(c));
    if (st.weight_grad) fail("weight gradient repeated: " + to_string(c));
    st.weight_grad = true;
  }

  const PipelineOrder& o_;
  std::vector<ActivationState> state_;
  std::vector<int> mb_direction_;
};

std::string half_name(const char* prefix, int mb, int stage, int dir) {
  return std::string(prefix) + std::to_string(mb) + "@s" + std::to_string(stage) + (dir == 1 ? "'" : "");
}

}  // namespace

void validate_order(const PipelineOrder& order) { OrderChecker(order).run(); }

const char* to_string(ChunkKind kind) {
  switch (kind) {
    case ChunkKind::kF: return "F";
    case ChunkKind::kB: return "B";
    case ChunkKind::kW: return "W";
    case ChunkKind::kFB: return "FB";
    case ChunkKind::kBW: return "BW";
  }
  return "?";
}

std::string to_string(const Chunk& c) {
  if (c.kind == ChunkKind::kFB)
    return half_name("F", c.micro_batch, c.stage, c.direction) + "+" +
           half_name("B", c.micro_batch2, c.stage2, c.direction2);
  return half_name(to_string(c.kind), c.micro_batch, c.stage, c.direction);
}

std::string describe_rank(const PipelineOrder& order, int rank) {
  if (rank < 0 || rank >= static_cast<int>(order.per_rank.size()))
    throw_internal_error("describe_rank: rank " + std::to_string(rank) + " out of range");
  std::string out;
  for (const Chunk& c : order.per_rank[static_cast<size_t>(rank)]) {
    if (!out.empty()) out += ' ';
    out += to_string(c);
  }
  return out;
}

}  // namespace moeplan
