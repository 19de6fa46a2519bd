// CPU reference of paged MLA decode (see mla_decode_ref.h).
#include "kernels/cpu/mla_decode_ref.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/cpu/fp8.h"
#include "sim/units/error.h"

namespace moeplan::kernels {

void validate_mla_decode_shape(const MlaDecodeShape& s, int max_pages) {
  if (s.batch <= 0 || s.heads <= 0 || s.seq_len <= 0 || s.head_dim_k <= 0 || s.head_dim_v <= 0 ||
      s.page_size <= 0 || max_pages <= 0) {
    throw_user_error("mla decode: every size must be positive",
                     ErrorContext{.expected = "batch, heads, seq_len, head dims, page_size, max_pages > 0"});
  }
  if (s.head_dim_v > s.head_dim_k) {
    throw_user_error("mla decode: head_dim_v " + std::to_string(s.head_dim_v) + " exceeds head_dim_k " +
                         std::to_string(s.head_dim_k),
                     ErrorContext{.expected = "values are a prefix of the latent (512 of 576)"});
  }
  if (static_cast<long long>(max_pages) * s.page_size < s.seq_len) {
    throw_user_error("mla decode: seq_len " + std::to_string(s.seq_len) + " does not fit in " +
                         std::to_string(max_pages) + " pages of " + std::to_string(s.page_size),
                     ErrorContext{.expected = "seq_len <= max_pages * page_size"});
  }
}

void mla_decode_ref(const MlaDecodeShape& s, const std::uint16_t* q, const std::uint16_t* kv_pages,
                    const int* block_table, int max_pages, float softmax_scale, std::uint16_t* out) {
  validate_mla_decode_shape(s, max_pages);
  const int dk = s.head_dim_k;
  const int dv = s.head_dim_v;
  // The sequence's latent rows, decoded once and shared by all heads.
  std::vector<float> kv(static_cast<std::size_t>(s.seq_len) * dk);
  std::vector<float> scores(static_cast<std::size_t>(s.seq_len));
  std::vector<float> qf(static_cast<std::size_t>(dk));
  std::vector<float> acc(static_cast<std::size_t>(dv));
  for (int b = 0; b < s.batch; ++b) {
    for (int t = 0; t < s.seq_len; ++t) {
      const int page = block_table[static_cast<std::size_t>(b) * max_pages + t / s.page_size];
      if (page < 0) throw_user_error("mla decode: negative page index in block_table");
      const std::uint16_t* row = kv_pages + (static_cast<std::size_t>(page) * s.page_size + t % s.page_size) * dk;
      for (int d = 0; d < dk; ++d) kv[static_cast<std::size_t>(t) * dk + d] = bf16_decode(row[d]);
    }
    for (int h = 0; h < s.heads; ++h) {
      const std::uint16_t* qh = q + (static_cast<std::size_t>(b) * s.heads + h) * dk;
      for (int d = 0; d < dk; ++d) qf[d] = bf16_decode(qh[d]);
      float max_score = -INFINITY;
      for (int t = 0; t < s.seq_len; ++t) {
        float dot = 0.0f;
        const float* krow = &kv[static_cast<std::size_t>(t) * dk];
        for (int d = 0; d < dk; ++d) dot += qf[d] * krow[d];
        scores[t] = dot * softmax_scale;
        max_score = std::max(max_score, scores[t]);
      }
      float denom = 0.0f;
      for (int t = 0; t < s.seq_len; ++t) {
        scores[t] = std::exp(scores[t] - max_score);
        denom += scores[t];
      }
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (int t = 0; t < s.seq_len; ++t) {
        const float p = scores[t];
        const float* vrow = &kv[static_cast<std::size_t>(t) * dk];
        for (int d = 0; d < dv; ++d) acc[d] += p * vrow[d];
      }
      std::uint16_t* oh = out + (static_cast<std::size_t>(b) * s.heads + h) * dv;
      for (int d = 0; d < dv; ++d) oh[d] = bf16_encode(acc[d] / denom);
    }
  }
}

}  // namespace moeplan::kernels
