// Which transformer layers, and whether the embedding, output head and MTP modules, each pipeline rank
// holds under a parallel plan.
//
// The model is cut into contiguous pipeline stages balanced by forward compute: a stage's cost is the
// forward FLOPs of its layers, plus the output head (and MTP modules, which DeepSeek-V3 §3.2.3 places with
// the head) on the last stage. The head is a vocab x hidden GEMM (1.85 GFLOP per token for DeepSeek-V3,
// about 1.4 of its MoE layers; 0.66 of a LLaMA-3.1-405B layer), so a fixed "one layer" allowance would be
// wrong by either model; the embedding lookup has no tensor-core work and costs nothing here. The slowest
// stage sets the pipeline's pace, so the cut minimises the largest stage cost and, among those cuts, the sum
// of squared stage costs (stages as even as possible).
//
// A plan may instead fix the layers of the first and last stages (ParallelPlan::first_stage_layers,
// last_stage_layers, either possibly 0: a stage with only the embedding or only the head); the other stages
// then hold equal contiguous shares of the rest, and a rest that does not divide is a user error.
//
// Stages map onto ranks by schedule:
//   GPipe, 1F1B, ZB-H1: pp stages, rank r holds stage r.
//   Interleaved 1F1B:   pp * v stages, rank r holds stages r, r + pp, ... (Narayanan et al. 2021, §2.2).
//   DualPipe:           pp stages of two model copies; rank r holds stage r of one direction and stage
//                       pp-1-r of the other (DualPipe README: "2x" parameters), so the first and last
//                       ranks each hold the embedding and the head together (DeepSeek-V3 §3.2.3).
//   DualPipeV:          2 * pp stages in a V; rank r holds stages r and 2pp-1-r (one copy of the model),
//                       so rank 0 holds the embedding, the head and the MTP modules.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"

namespace moeplan {

struct StageLayers {
  int rank = 0;
  std::vector<int> layers;  // global layer indices of all chunks on this rank, chunk by chunk
  bool embedding = false;
  bool head = false;
  bool mtp = false;         // the MTP modules (with the head)
  int chunks = 1;           // model chunks (stages) on this rank
  std::vector<int> stages;  // global stage index of each chunk
  std::vector<std::vector<int>> chunk_layers;  // layers of each chunk
};

// Contiguous layer ranges of `n_stages` stages (stage 0 first), balanced as described above. Throws a user
// Error when there are fewer layers than stages.
std::vector<std::vector<int>> partition_stages(const ModelSpec& m, int n_stages, int seq_len = 4096);

// The balanced cuts of one model at one sequence length into several stage counts, computed once (the layer
// costs once, then one cut per count) and read-only afterwards, so threads share it. The plan search costs
// tens of thousands of plans of one model with a handful of stage counts; without it each plan recomputed
// every layer's forward ops and both passes of the cut, about half of its analytic costing time.
class StagePartitions {
 public:
  // Stage counts outside 1..n_layers are left out (partition_stages then reports them).
  StagePartitions(const ModelSpec& m, int seq_len, const std::vector<int>& stage_counts);
  // The cut partition_stages(m, n_stages, seq_len) returns, or nullptr when it was not computed here or `m`
  // is not the model this was built for (another name or layer count).
  const std::vector<std::vector<int>>* find(const ModelSpec& m, int n_stages, int seq_len) const;
  // A cut decided elsewhere (layer indices of each stage, contiguous and in order), e.g. one balanced by each
  // stage's GPU speed on a cluster of mixed GPU types (sim/workload/hetero_balance.h).
  static StagePartitions given(const ModelSpec& m, int seq_len, std::vector<std::vector<int>> cut);

 private:
  std::string model_name_;
  int n_layers_ = 0;
  int seq_len_ = 0;
  std::map<int, std::vector<std::vector<int>>> cuts_;
};

// One entry per pipeline rank (plan.pp entries). Uses the plan's fixed first/last stage sizes when it has them,
// else the balanced cut, from `known` when it holds it.
std::vector<StageLayers> partition_layers(const ModelSpec& m, const ParallelPlan& plan, int seq_len = 4096,
                                         const StagePartitions* known = nullptr);

// Number of pipeline stages the model is cut into for this plan's schedule.
int pipeline_stage_count(const ParallelPlan& plan);

}  // namespace moeplan
