// Attention point helpers (see attention_points.h).
#include "calibrate/attention_points.h"

#include <vector>

namespace moeplan {

namespace {
// FlashMLA README: B200 dense MHA prefill "1460 TFlops in forward and 1000 TFlops in backward".
constexpr double kBackwardOverForward = 1000.0 / 1460.0;
}  // namespace

double mla_decode_flops(const AttentionCase& c) {
  return 2.0 * c.batch * c.heads * static_cast<double>(c.seq_len) * (kMlaHeadDimK + kMlaHeadDimV);
}

void add_mla_points(const AttentionCase& c, double time_s, const std::string& source, Profile& out) {
  AttentionPoint a;
  a.pass = Pass::kForward;
  a.dtype = DType::kBf16;
  a.tokens = c.batch;
  a.flops_per_s = mla_decode_flops(c) / time_s;
  a.src.source = source + " (batch " + std::to_string(c.batch) + ", heads " + std::to_string(c.heads) +
                 ", seq_len " + std::to_string(c.seq_len) + ")";
  out.attention_points.push_back(a);
}

void add_derived_backward_attention(Profile& out) {
  std::vector<AttentionPoint> added;
  for (const AttentionPoint& f : out.attention_points) {
    if (f.pass != Pass::kForward) continue;
    AttentionPoint b = f;
    b.pass = Pass::kBackwardInput;
    b.flops_per_s = f.flops_per_s * kBackwardOverForward;
    b.src.source = "FlashMLA README (B200 dense MHA prefill 1460 fwd / 1000 bwd TFLOPS)";
    b.src.derived = "forward point x 1000/1460 (no backward attention kernel timed)";
    b.src.unverified = true;
    added.push_back(b);
  }
  out.attention_points.insert(out.attention_points.end(), added.begin(), added.end());
}

}  // namespace moeplan
