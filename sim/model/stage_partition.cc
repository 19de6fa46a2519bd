// Balanced contiguous partition of layers into pipeline stages and the stage-to-rank map; see the header.
#include "sim/model/stage_partition.h"

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "sim/model/layer_ops.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

double forward_flops(const std::vector<Op>& ops) {
  double f = 0;
  for (const Op& op : ops) f += op.flops;
  return f;
}

struct Costs {
  std::vector<double> layer;  // per layer
  double first_extra = 0;     // embedding
  double last_extra = 0;      // head + MTP
};

Costs stage_costs(const ModelSpec& m, int seq_len) {
  OpContext ctx;
  ctx.seq_len = seq_len;
  Costs c;
  for (int i = 0; i < m.n_layers; ++i) c.layer.push_back(forward_flops(layer_forward_ops(m, i, ctx)));
  c.first_extra = forward_flops(embedding_forward_ops(m, ctx));
  c.last_extra = forward_flops(head_forward_ops(m, ctx)) + forward_flops(mtp_forward_ops(m, ctx));
  return c;
}

void check_stage_count(const ModelSpec& m, int n_stages) {
  const int L = m.n_layers, S = n_stages;
  if (S < 1) throw_internal_error("partition_stages: n_stages < 1");
  if (L < S)
    throw_user_error("the model has " + std::to_string(L) + " layers, fewer than the " + std::to_string(S) +
                         " pipeline stages",
                     ErrorContext{.key_path = "parallel.pp", .expected = "at most one stage per layer"});
}

// The cut of layers with forward costs `c` into S stages (see the header).
std::vector<std::vector<int>> cut_stages(const Costs& c, int L, int S) {
  std::vector<double> prefix(L + 1, 0.0);
  for (int i = 0; i < L; ++i) prefix[i + 1] = prefix[i] + c.layer[i];
  auto seg = [&](int s, int i, int j) {  // cost of stage s holding layers [i, j)
    double v = prefix[j] - prefix[i];
    if (s == 0) v += c.first_extra;
    if (s == S - 1) v += c.last_extra;
    return v;
  };
  const double inf = std::numeric_limits<double>::infinity();
  // Pass 1: the smallest achievable bottleneck. best[s][j]: stages 0..s-1 hold layers [0, j).
  std::vector<std::vector<double>> best(S + 1, std::vector<double>(L + 1, inf));
  best[0][0] = 0;
  for (int s = 1; s <= S; ++s)
    for (int j = s; j <= L - (S - s); ++j)
      for (int i = s - 1; i < j; ++i)
        if (best[s - 1][i] < inf) best[s][j] = std::min(best[s][j], std::max(best[s - 1][i], seg(s - 1, i, j)));
  const double bound = best[S][L] * (1.0 + 1e-9);
  // Pass 2: among cuts within the bound, the most even one (least sum of squares).
  std::vector<std::vector<double>> sq(S + 1, std::vector<double>(L + 1, inf));
  std::vector<std::vector<int>> from(S + 1, std::vector<int>(L + 1, -1));
  sq[0][0] = 0;
  for (int s = 1; s <= S; ++s)
    for (int j = s; j <= L - (S - s); ++j)
      for (int i = s - 1; i < j; ++i) {
        const double v = seg(s - 1, i, j);
        if (sq[s - 1][i] == inf || v > bound) continue;
        const double cand = sq[s - 1][i] + v * v;
        if (cand < sq[s][j]) {
          sq[s][j] = cand;
          from[s][j] = i;
        }
      }
  if (from[S][L] < 0) throw_internal_error("partition_stages: no partition found");
  std::vector<std::vector<int>> stages(S);
  for (int s = S, j = L; s >= 1; --s) {
    const int i = from[s][j];
    for (int k = i; k < j; ++k) stages[s - 1].push_back(k);
    j = i;
  }
  return stages;
}

}  // namespace

std::vector<std::vector<int>> partition_stages(const ModelSpec& m, int n_stages, int seq_len) {
  check_stage_count(m, n_stages);
  return cut_stages(stage_costs(m, seq_len), m.n_layers, n_stages);
}

StagePartitions::StagePartitions(const ModelSpec& m, int seq_len, const std::vector<int>& stage_counts)
    : model_name_(m.name), n_layers_(m.n_layers), seq_len_(seq_len) {
  const Costs c = stage_costs(m, seq_len);
  for (int n : stage_counts)
    if (n >= 1 && n <= m.n_layers && !cuts_.count(n)) cuts_.emplace(n, cut_stages(c, m.n_layers, n));
}

const std::vector<std::vector<int>>* StagePartitions::find(const ModelSpec& m, int n_stages, int seq_len) const {
  if (m.name != model_name_ || m.n_layers != n_layers_ || seq_len != seq_len_) return nullptr;
  const auto it = cuts_.find(n_stages);
  return it == cuts_.end() ? nullptr : &it->second;
}

StagePartitions StagePartitions::given(const ModelSpec& m, int seq_len, std::vector<std::vector<int>> cut) {
  StagePartitions p(m, seq_len, {});
  const int n = static_cast<int>(cut.size());
  p.cuts_.emplace(n, std::move(cut));
  return p;
}

int pipeline_stage_count(const ParallelPlan& plan) {
  switch (plan.schedule) {
    case PipelineSchedule::kInterleaved1F1B: return plan.pp * plan.virtual_stages;
    case PipelineSchedule::kDualPipeV: return 2 * plan.pp;
    default: return plan.pp;
  }
}

std::vector<StageLayers> partition_layers(const ModelSpec& m, const ParallelPlan& plan, int seq_len,
                                         const StagePartitions* known) {
  validate(plan);
  const int pp = plan.pp;
  const int n_stages = pipeline_stage_count(plan);
  // A plan that sets the first or last chunk's layers fixes every stage's size; otherwise balance by compute.
  const std::vector<int> sizes = fixed_stage_layer_counts(plan, m.n_layers, n_stages);
  std::vector<std::vector<int>> stages;
  if (sizes.empty()) {
    const auto* cut = known ? known->find(m, n_stages, seq_len) : nullptr;
    stages = cut ? *cut : partition_stages(m, n_stages, seq_len);
  } else {
    int next = 0;
    for (int n : sizes) {
      std::vector<int>& stage = stages.emplace_back();
      for (int k = 0; k < n; ++k) stage.push_back(next++);
    }
    if (next != m.n_layers) throw_internal_error("partition_layers: fixed stage sizes do not cover the layers");
  }
  std::vector<StageLayers> ranks(pp);
  for (int r = 0; r < pp; ++r) {
    StageLayers& sl = ranks[r];
    sl.rank = r;
    switch (plan.schedule) {
      case PipelineSchedule::kInterleaved1F1B:
        for (int v = 0; v < plan.virtual_stages; ++v) sl.stages.push_back(r + v * pp);
        break;
      case PipelineSchedule::kDualPipe: sl.stages = {r, pp - 1 - r}; break;
      case PipelineSchedule::kDualPipeV: sl.stages = {r, 2 * pp - 1 - r}; break;
      default: sl.stages = {r}; break;
    }
    sl.chunks = static_cast<int>(sl.stages.size());
    for (int s : sl.stages) {
      sl.chunk_layers.push_back(stages[s]);
      sl.layers.insert(sl.layers.end(), stages[s].begin(), stages[s].end());
      if (s == 0) sl.embedding = true;
      if (s == n_stages - 1) {
        sl.head = true;
        sl.mtp = m.mtp_depth > 0;
      }
    }
  }
  return ranks;
}

}  // namespace moeplan
