// Names, fragment layout and validation of DpSyncSpec (parallel.dp_sync).
#include "sim/spec/dp_sync_spec.h"

#include <algorithm>
#include <cmath>

#include "sim/units/checked.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {
void require(bool ok, const std::string& key, const std::string& message, const std::string& expected = "",
             const std::string& hint = "") {
  if (!ok) throw_user_error(message, ErrorContext{.key_path = key, .expected = expected, .hint = hint});
}
}  // namespace

const char* to_string(DpSyncMethod m) {
  switch (m) {
    case DpSyncMethod::kEveryStep: return "every-step";
    case DpSyncMethod::kDiloco: return "diloco";
    case DpSyncMethod::kStreamingDiloco: return "streaming-diloco";
    case DpSyncMethod::kDemo: return "demo";
  }
  return "?";
}

const char* to_string(FragmentPattern p) {
  switch (p) {
    case FragmentPattern::kStrided: return "strided";
    case FragmentPattern::kSequential: return "sequential";
  }
  return "?";
}

int wire_bits(const DpSyncSpec& s) { return s.outer_bits > 0 ? s.outer_bits : 16; }

int fragment_count(const DpSyncSpec& s, int n_layers) {
  if (s.method != DpSyncMethod::kStreamingDiloco) return 1;
  if (s.fragment_layers > 0) return std::max(1, (n_layers + s.fragment_layers - 1) / s.fragment_layers);
  return std::max(1, s.fragments);
}

std::vector<std::vector<int>> fragment_layers(const DpSyncSpec& s, int n_layers) {
  const int p = std::min(fragment_count(s, n_layers), std::max(1, n_layers));
  std::vector<std::vector<int>> out(static_cast<size_t>(p));
  if (s.fragment_pattern == FragmentPattern::kStrided) {
    for (int l = 0; l < n_layers; ++l) out[static_cast<size_t>(l % p)].push_back(l);
  } else {
    // Consecutive blocks; the first n_layers mod P fragments take one layer more.
    int l = 0;
    for (int f = 0; f < p; ++f) {
      const int size = n_layers / p + (f < n_layers % p ? 1 : 0);
      for (int i = 0; i < size; ++i) out[static_cast<size_t>(f)].push_back(l++);
    }
  }
  return out;
}

void validate(const DpSyncSpec& s, const std::string& key) {
  const std::string m = to_string(s.method);
  const bool streaming = s.method == DpSyncMethod::kStreamingDiloco;
  const bool outer = s.method == DpSyncMethod::kDiloco || streaming;
  require(s.inner_steps >= 1, key + ".inner_steps", "must be >= 1", "H, the inner steps between outer syncs");
  require(s.inner_steps <= 1000000, key + ".inner_steps", std::to_string(s.inner_steps) + " is out of range",
          "at most 1000000");
  if (!outer)
    require(s.inner_steps == 1, key + ".inner_steps", m + " synchronises every step: inner_steps must be 1",
            "", "method: diloco or streaming-diloco for H > 1");
  if (!streaming) {
    require(s.fragments == 1 && s.fragment_layers == 0, key + ".fragments",
            "fragments are a streaming-diloco setting, not " + m, "", "method: streaming-diloco");
    require(s.overlap_steps == 0, key + ".overlap_steps", "overlapping the outer sync is a streaming-diloco setting",
            "", "method: streaming-diloco (with fragments: 1 for a whole-model sync)");
  } else {
    require(s.fragments >= 1, key + ".fragments", "must be >= 1");
    require(s.fragments <= kMaxLayers, key + ".fragments", std::to_string(s.fragments) + " is out of range",
            "at most " + std::to_string(kMaxLayers));
    require(s.fragment_layers >= 0 && s.fragment_layers <= kMaxLayers, key + ".fragment_layers",
            "must be between 1 and " + std::to_string(kMaxLayers),
            "layers per fragment, e.g. 3 (arXiv:2501.18512 §3.3.1)");
    // A fragment's result is merged tau steps after it is sent, before the same fragment is sent again.
    require(s.overlap_steps >= 0 && s.overlap_steps < s.inner_steps, key + ".overlap_steps",
            "tau = " + std::to_string(s.overlap_steps) + " must be between 0 and inner_steps - 1 (" +
                std::to_string(s.inner_steps - 1) + ")",
            "", "the paper runs tau = 1 and advises tau <= 5 (arXiv:2501.18512 §3.3.2)");
  }
  if (!outer)
    require(s.outer_bits == 0, key + ".outer_bits", "outer_bits sets the outer all-reduce of diloco and "
                                                    "streaming-diloco, not " + m,
            "", s.method == DpSyncMethod::kDemo ? "demo_compression sets DeMo's payload" : "");
  require(s.outer_bits == 0 || s.outer_bits == 32 || s.outer_bits == 16 || s.outer_bits == 8 || s.outer_bits == 4,
          key + ".outer_bits", "must be 32, 16, 8 or 4 bits, got " + std::to_string(s.outer_bits),
          "32 (fp32), 16 (bf16), 8 (int8, INTELLECT-1) or 4 (E3M0, Streaming DiLoCo)");
  if (s.method != DpSyncMethod::kDemo)
    require(s.demo_compression == 0, key + ".demo_compression", "demo_compression is a demo setting, not " + m, "",
            "method: demo");
  require(std::isfinite(s.demo_compression) && (s.demo_compression == 0 || s.demo_compression >= 1) &&
              s.demo_compression <= 1e7,
          key + ".demo_compression", "must be a ratio between 1 and 1e7",
          "how many times smaller than a bf16 gradient, e.g. 857 (DisTrO report Table 3)");
  if (s.token_overhead) {
    require(s.method != DpSyncMethod::kEveryStep, key + ".token_overhead",
            "every-step is the reference the overhead is measured against (1 by definition)", "",
            "remove token_overhead, or choose a low-communication method");
    require(std::isfinite(*s.token_overhead) && *s.token_overhead > 0 && *s.token_overhead <= 100,
            key + ".token_overhead", "must be a multiplier between 0 and 100",
            "tokens needed relative to synchronous DP, e.g. 1.05");
    require(!s.token_overhead_source.empty(), key + ".token_overhead",
            "a token_overhead needs its source", "the paper, table or run the figure comes from",
            "add token_overhead_source, or leave token_overhead out to derive it from published results");
  }
}

void validate_against_layers(const DpSyncSpec& s, int n_layers, const std::string& key) {
  if (s.method != DpSyncMethod::kStreamingDiloco) return;
  if (s.fragment_layers > 0)
    require(s.fragment_layers <= n_layers, key + ".fragment_layers",
            "fragment_layers = " + std::to_string(s.fragment_layers) + " is more than the model's " +
                std::to_string(n_layers) + " layers",
            "at most " + std::to_string(n_layers));
  else
    require(s.fragments <= n_layers, key + ".fragments",
            std::to_string(s.fragments) + " fragments cannot split the model's " + std::to_string(n_layers) +
                " layers (a fragment holds whole layers)",
            "at most " + std::to_string(n_layers), "fragment_layers: 3 gives the paper's fragment size");
}

}  // namespace moeplan
