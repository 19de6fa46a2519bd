// Training FLOPs per token from the op inventory; see flops.h.
#include "sim/model/flops.h"

#include <vector>

#include "sim/model/layer_ops.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

void accumulate(const std::vector<Op>& ops, FlopsPerToken* f) {
  for (const Op& op : ops) {
    switch (op.cls) {
      case OpClass::kGemm:
      case OpClass::kGroupedGemm:
        f->forward += op.flops;
        // dgrad always; wgrad only for GEMMs with weights.
        f->backward += op.flops * (op.has_weight_grad ? 2.0 : 1.0);
        break;
      case OpClass::kAttention:
        f->forward += op.flops;
        f->attention_forward += op.flops;
        f->backward += 2.0 * op.flops;
        break;
      default:
        break;  // memory-bound and communication ops carry no tensor-core FLOPs
    }
  }
}

}  // namespace

FlopsPerToken train_flops_per_token(const ModelSpec& m, int seq_len, bool causal, bool include_mtp) {
  if (seq_len < 1) throw_user_error("seq_len must be >= 1", ErrorContext{.key_path = "seq_len"});
  validate(m);
  // One sequence on one rank without any splitting; balanced routing.
  OpContext ctx;
  ctx.micro_batch = 1;
  ctx.seq_len = seq_len;
  ctx.causal = causal;
  FlopsPerToken f;
  accumulate(embedding_forward_ops(m, ctx), &f);
  for (int i = 0; i < m.n_layers; ++i) accumulate(layer_forward_ops(m, i, ctx), &f);
  accumulate(head_forward_ops(m, ctx), &f);
  if (include_mtp) accumulate(mtp_forward_ops(m, ctx), &f);
  const double tokens = seq_len;
  f.forward /= tokens;
  f.backward /= tokens;
  f.attention_forward /= tokens;
  f.total = f.forward + f.backward;
  return f;
}

}  // namespace moeplan
