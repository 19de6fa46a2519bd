// CPU reference of the 1x128 activation and 128x128 weight FP8 quantisation (see quantize.h).
#include "kernels/cpu/quantize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/cpu/fp8.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

void check_dims(int rows, int cols, const char* what) {
  if (rows < 0 || cols < 0) {
    throw_user_error(std::string(what) + ": negative matrix dimension " + std::to_string(rows) + " x " +
                         std::to_string(cols),
                     ErrorContext{.expected = "rows >= 0 and cols >= 0"});
  }
}

}  // namespace

float fp8_block_scale(float amax) { return amax > 0.0f ? amax / kFp8E4m3Max : 1.0f; }

void quantize_act_1x128(const float* x, int m, int k, std::uint8_t* q, float* scales) {
  check_dims(m, k, "quantize_act_1x128");
  const int kb_count = quant_blocks(k);
  for (int i = 0; i < m; ++i) {
    const float* row = x + static_cast<std::size_t>(i) * k;
    std::uint8_t* qrow = q + static_cast<std::size_t>(i) * k;
    for (int kb = 0; kb < kb_count; ++kb) {
      const int k0 = kb * kQuantBlock;
      const int k1 = std::min(k, k0 + kQuantBlock);
      float amax = 0.0f;
      for (int c = k0; c < k1; ++c) amax = std::max(amax, std::fabs(row[c]));
      const float scale = fp8_block_scale(amax);
      scales[static_cast<std::size_t>(i) * kb_count + kb] = scale;
      // Division (not multiplication by 1/scale) so a GPU kernel using IEEE division matches bit for bit.
      for (int c = k0; c < k1; ++c) qrow[c] = fp8_e4m3_encode(row[c] / scale);
    }
  }
}

void quantize_weight_128x128(const float* w, int n, int k, std::uint8_t* q, float* scales) {
  check_dims(n, k, "quantize_weight_128x128");
  const int nb_count = quant_blocks(n);
  const int kb_count = quant_blocks(k);
  for (int nb = 0; nb < nb_count; ++nb) {
    const int r0 = nb * kQuantBlock;
    const int r1 = std::min(n, r0 + kQuantBlock);
    for (int kb = 0; kb < kb_count; ++kb) {
      const int c0 = kb * kQuantBlock;
      const int c1 = std::min(k, c0 + kQuantBlock);
      float amax = 0.0f;
      for (int r = r0; r < r1; ++r) {
        for (int c = c0; c < c1; ++c) amax = std::max(amax, std::fabs(w[static_cast<std::size_t>(r) * k + c]));
      }
      const float scale = fp8_block_scale(amax);
      scales[static_cast<std::size_t>(nb) * kb_count + kb] = scale;
      for (int r = r0; r < r1; ++r) {
        for (int c = c0; c < c1; ++c) {
          const std::size_t idx = static_cast<std::size_t>(r) * k + c;
          q[idx] = fp8_e4m3_encode(w[idx] / scale);
        }
      }
    }
  }
}

}  // namespace moeplan::kernels
