// Names of the calibration enums as written in profile files.
#include "sim/calib/profile.h"

namespace moeplan {

const char* to_string(GemmKind k) { return k == GemmKind::kDense ? "gemm" : "grouped_gemm"; }

const char* to_string(Pass p) {
  switch (p) {
    case Pass::kForward: return "forward";
    case Pass::kBackwardInput: return "backward_input";
    case Pass::kBackwardWeight: return "backward_weight";
  }
  return "?";
}

}  // namespace moeplan
