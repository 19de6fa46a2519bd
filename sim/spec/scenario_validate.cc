// Cross-part checks of a Scenario: the plan must fit the cluster and the model.
#include <string>

#include "sim/spec/scenario.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {
std::string n(long long v) { return std::to_string(v); }
[[noreturn]] void fail(const std::string& key, const std::string& message, const std::string& hint = "") {
  throw_user_error(message, ErrorContext{.key_path = key, .hint = hint});
}
}  // namespace

void validate(const Scenario& s) {
  validate(s.model);
  validate(s.cluster);
  validate(s.parallel);
  validate(s.training);
  validate(s.price);
  const ParallelPlan& p = s.parallel;
  const ModelSpec& m = s.model;
  const int gpus = s.cluster.n_gpus();
  if (p.n_gpus() != gpus)
    fail("parallel", "tp x pp x dp = " + n(p.tp) + " x " + n(p.pp) + " x " + n(p.dp) + " = " + n(p.n_gpus()) +
                         " but the cluster has " + n(gpus) + " GPUs",
         "set dp to " + (gpus % (p.tp * p.pp) == 0 ? n(gpus / (p.tp * p.pp)) : std::string("a divisor")) +
             " or change cluster.nodes");
  const int stage_ranks = p.tp * p.dp;  // GPUs sharing one pipeline stage
  if (p.ep > 1) {
    if (!m.is_moe()) fail("parallel.ep", "expert parallelism needs an MoE model; " + m.name + " is dense", "set ep: 1");
    if (m.moe.n_routed_experts % p.ep != 0)
      fail("parallel.ep", "ep = " + n(p.ep) + " does not divide the " + n(m.moe.n_routed_experts) + " routed experts",
           "use a divisor of " + n(m.moe.n_routed_experts));
    if (p.ep > stage_ranks || stage_ranks % p.ep != 0)
      fail("parallel.ep", "ep = " + n(p.ep) + " must divide the " + n(stage_ranks) +
                              " GPUs of a pipeline stage (tp x dp)",
           "choose ep dividing " + n(stage_ranks));
  }
  const int chunks = p.pp * p.virtual_stages * (p.schedule == PipelineSchedule::kDualPipeV ? 2 : 1);
  if (m.n_layers < chunks)
    fail("parallel.pp", "the model's " + n(m.n_layers) + " layers cannot be split over " + n(chunks) +
                            " pipeline chunks", "use fewer stages");
  if (p.tp > 1) {
    if (m.n_heads % p.tp != 0)
      fail("parallel.tp", "tp = " + n(p.tp) + " does not divide the " + n(m.n_heads) + " attention heads");
    if (m.attention == AttentionKind::kGqa && p.tp > m.n_kv_heads)
      fail("parallel.tp", "tp = " + n(p.tp) + " exceeds the " + n(m.n_kv_heads) + " KV heads of " + m.name,
           "use tp <= " + n(m.n_kv_heads));
    if (p.tp > s.cluster.gpus_per_node)
      fail("parallel.tp", "tp = " + n(p.tp) + " spans more than one node (" + n(s.cluster.gpus_per_node) +
                              " GPUs per node)", "keep tensor parallelism inside a node");
  }
  if (p.zero_stage > 0 && p.dp == 1)
    fail("parallel.zero", "ZeRO needs data parallelism (dp > 1)", "set zero: 0");
  for (size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    if (ph.given_gpu_hours > 0) continue;
    const ParallelPlan& pp_plan = ph.parallel_overridden ? ph.parallel : p;
    if (ph.parallel_overridden) {
      validate(pp_plan);
      if (pp_plan.n_gpus() != gpus)
        fail("training.phases[" + n(static_cast<long long>(i)) + "].parallel",
             "tp x pp x dp = " + n(pp_plan.n_gpus()) + " but the cluster has " + n(gpus) + " GPUs");
    }
    const long long per_step = static_cast<long long>(pp_plan.dp) * pp_plan.micro_batch;
    if (ph.global_batch % per_step != 0)
      fail("training.phases[" + n(static_cast<long long>(i)) + "].global_batch",
           "global batch " + n(ph.global_batch) + " is not a multiple of dp x micro_batch = " + n(per_step));
    const long long micro_batches = ph.global_batch / per_step;
    if ((pp_plan.schedule == PipelineSchedule::kDualPipe || pp_plan.schedule == PipelineSchedule::kDualPipeV) &&
        micro_batches % 2 != 0)
      fail("training.phases[" + n(static_cast<long long>(i)) + "].global_batch",
           "DualPipe needs an even number of micro-batches, got " + n(micro_batches),
           "micro-batches divisible by 2 (DualPipe README)");
  }
  if (s.precision.gemm == DType::kFp8 && !s.cluster.gpu.has_fp8())
    fail("precision", s.cluster.gpu.name + " has no FP8 tensor cores", "use precision: bf16");
}

}  // namespace moeplan
