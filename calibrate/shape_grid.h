// The shapes the harness times: DeepSeek-V3's GEMMs (config_671B.json, published-numbers.md §1.8) for
// prefill / training (m = 4096 tokens), decode (m = 64, 128) and per-expert grouped GEMMs (m = 64 .. 4096
// tokens per expert), plus their backward dgrad/wgrad shapes, MLA decode attention and copy sizes.
// The small grid divides every model dimension by 16 so the CPU reference kernels finish in seconds.
#pragma once

#include <string>
#include <vector>

#include "sim/calib/profile.h"

namespace moeplan {

struct GemmCase {
  GemmKind kind = GemmKind::kDense;
  DType dtype = DType::kFp8;
  int m = 0, n = 0, k = 0, groups = 1;
  std::string label;  // "q_b_proj prefill", "experts_down wgrad", ...
};

struct AttentionCase {
  int batch = 1, heads = 128, seq_len = 4096;
};

struct CalibrationGrid {
  std::vector<GemmCase> gemms;
  std::vector<AttentionCase> attention;  // MLA decode: head_dim_k 576, head_dim_v 512, page 64
  std::vector<double> copy_bytes;        // buffer sizes for the bandwidth test
};

// full = true: the model's real dimensions (CUDA); false: dimensions / 16 and fewer token counts.
CalibrationGrid deepseek_v3_grid(bool full);

}  // namespace moeplan
