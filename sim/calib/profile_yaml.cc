// YAML reading of calibration profiles with positioned errors (writing is in profile_yaml_write.cc).
#include "sim/calib/profile_yaml.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <yaml-cpp/yaml.h>

#include "sim/calib/curve_fit.h"
#include "sim/io/input_file.h"
#include "sim/io/yaml_reader.h"
#include "sim/units/checked.h"
#include "sim/units/error.h"

namespace moeplan {

namespace {

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Reads one YAML map with known keys; every accessor throws a positioned user Error.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string file, std::string path, std::vector<std::string> keys)
      : node_(node), file_(std::move(file)), path_(std::move(path)), keys_(std::move(keys)) {
    if (!node_.IsMap()) fail(node_, path_, "is not a mapping", "a mapping of key: value");
    std::set<std::string> seen;
    for (const auto& kv : node_) {
      if (!kv.first.IsScalar()) fail(kv.first, path_, "has a key that is not a plain name", "one of: " + join(keys_));
      const std::string key = kv.first.Scalar();
      // yaml-cpp keeps the first of two equal keys; a profile that says a rate twice is ambiguous.
      if (!seen.insert(key).second) fail(kv.first, child(key), "duplicate key `" + key + "`", "each key once");
      if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
      std::string best;
      int best_d = 1 << 30;
      for (const auto& k : keys_) {
        const int d = edit_distance(key, k);
        if (d < best_d) best_d = d, best = k;
      }
      ErrorContext c = ctx(kv.first, child(key), "one of: " + join(keys_));
      if (best_d <= 3) c.hint = "did you mean `" + best + "`?";
      throw_user_error("unknown key `" + key + "`", c);
    }
  }

  bool has(const std::string& key) const { return static_cast<bool>(node_[key]); }
  YAML::Node node(const std::string& key) const { return node_[key]; }
  std::string child(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  std::string str(const std::string& key, bool required, const std::string& fallback = "") const {
    YAML::Node n = node_[key];
    if (!n) {
      if (required) fail(node_, child(key), "is missing", "a string");
      return fallback;
    }
    if (!n.IsScalar()) fail(n, child(key), "is not a scalar", "a string");
    return n.as<std::string>();
  }

  double num(const std::string& key, bool required, double fallback = 0, bool positive = false) const {
    YAML::Node n = node_[key];
    const std::string expected = positive ? "a number > 0" : "a number >= 0";
    if (!n) {
      if (required) fail(node_, child(key), "is missing", expected);
      return fallback;
    }
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(n, child(key), "is not a number: `" + n.as<std::string>("") + "`", expected);
    }
    if (!std::isfinite(v) || v < 0 || (positive && v == 0))
      fail(n, child(key), "is out of range: " + n.as<std::string>(""), expected);
    return v;
  }

  // A whole number in [lo, hi]: "1e20" SMs or "1.9" as a format version fail here instead of being cast.
  int integer(const std::string& key, bool required, int fallback, long long lo, long long hi) const {
    if (!has(key) && !required) return fallback;
    const double v = num(key, required, fallback);
    try {
      return static_cast<int>(checked_integer(v, lo, hi, "value"));
    } catch (const Error& e) {
      throw e.with_context(ctx(node_[key], child(key), ""));
    }
  }

  bool flag(const std::string& key) const {
    YAML::Node n = node_[key];
    if (!n) return false;
    try {
      return n.as<bool>();
    } catch (const YAML::Exception&) {
      fail(n, child(key), "is not a boolean", "true or false");
    }
  }

  std::vector<std::string> str_list(const std::string& key) const {
    std::vector<std::string> out;
    YAML::Node n = node_[key];
    if (!n) return out;
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence()) fail(n, child(key), "is not a list", "a list of strings");
    for (const auto& e : n) {
      if (!e.IsScalar()) fail(e, child(key), "has an item that is not a string", "a list of strings");
      out.push_back(e.Scalar());
    }
    return out;
  }

  template <class F>
  auto parsed(const std::string& key, F parse, bool required, const char* fallback) const {
    YAML::Node n = node_[key];
    const std::string s = str(key, required, fallback);
    try {
      return parse(s);
    } catch (const Error& e) {
      throw e.with_context(ctx(n ? n : node_, child(key), ""));
    }
  }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& msg,
                         const std::string& expected) const {
    throw_user_error(msg, ctx(at, key, expected));
  }

  ErrorContext ctx(const YAML::Node& at, const std::string& key, const std::string& expected) const {
    ErrorContext c;
    c.file = file_;
    const YAML::Mark m = at.Mark();
    if (m.line >= 0) c.line = m.line + 1, c.column = m.column + 1;
    c.key_path = key;
    c.expected = expected;
    return c;
  }

  int line() const { return node_.Mark().line + 1; }

 private:
  YAML::Node node_;
  std::string file_, path_;
  std::vector<std::string> keys_;
};

PointSource read_source(const MapReader& r) {
  PointSource s;
  s.source = r.str("source", true);
  s.derived = r.str("derived", false);
  s.unverified = r.flag("unverified");
  s.line = r.line();
  if (!s.derived.empty() && !s.unverified && !r.has("unverified"))
    s.unverified = true;  // a derived number is unverified unless the file says otherwise
  return s;
}

template <class F>
void for_each_item(const YAML::Node& root, const std::string& key, const std::string& file, F f) {
  YAML::Node list = root[key];
  if (!list) return;
  if (!list.IsSequence()) {
    ErrorContext c;
    c.file = file;
    c.line = list.Mark().line + 1;
    c.key_path = key;
    c.expected = "a list of points";
    throw_user_error("is not a list", c);
  }
  for (size_t i = 0; i < list.size(); ++i) f(list[i], key + "[" + std::to_string(i) + "]");
}

constexpr double kTera = 1e12, kGiga = 1e9, kMicro = 1e-6;

// An attention point's `pass` may also name one rate for a forward and a backward together.
constexpr const char* kForwardBackward = "forward_backward";

}  // namespace

GemmKind parse_gemm_kind(const std::string& s) {
  if (s == "gemm") return GemmKind::kDense;
  if (s == "grouped_gemm") return GemmKind::kGrouped;
  ErrorContext c;
  c.expected = "gemm or grouped_gemm";
  throw_user_error("unknown GEMM op `" + s + "`", c);
}

DType parse_profile_dtype(const std::string& s) {
  for (DType t : {DType::kFp8, DType::kBf16, DType::kFp16, DType::kFp32})
    if (s == to_string(t)) return t;
  ErrorContext c;
  c.expected = "fp8, bf16, fp16 or fp32";
  throw_user_error("unknown dtype `" + s + "`", c);
}

Pass parse_pass(const std::string& s) {
  for (Pass p : {Pass::kForward, Pass::kBackwardInput, Pass::kBackwardWeight})
    if (s == to_string(p)) return p;
  ErrorContext c;
  c.expected = "forward, backward_input or backward_weight";
  throw_user_error("unknown pass `" + s + "`", c);
}

namespace {

Pass parse_attention_pass(const std::string& s) {
  try {
    return parse_pass(s);
  } catch (const Error&) {
    ErrorContext c;
    c.expected = std::string("forward, backward_input, backward_weight or ") + kForwardBackward;
    throw_user_error("unknown pass `" + s + "`", c);
  }
}

}  // namespace

AttentionKernel parse_profile_attention_kernel(const std::string& s) {
  AttentionKernel k{};
  if (parse_attention_kernel(s, &k)) return k;
  const std::vector<std::string> names = attention_kernel_names();
  ErrorContext c;
  c.expected = "one of: " + join(names);
  std::string best;
  int best_d = 1 << 30;
  for (const auto& name : names) {
    const int d = edit_distance(s, name);
    if (d < best_d) best_d = d, best = name;
  }
  if (best_d <= 3) c.hint = "did you mean `" + best + "`?";
  throw_user_error("unknown attention kernel `" + s + "`", c);
}

FabricKind parse_fabric_kind(const std::string& s) {
  for (FabricKind f : {FabricKind::kNvlink, FabricKind::kPcie, FabricKind::kInfiniband, FabricKind::kRoce,
                       FabricKind::kEthernet, FabricKind::kInfinityFabric})
    if (s == to_string(f)) return f;
  ErrorContext c;
  c.expected = "nvlink, pcie, infiniband, roce, ethernet or infinity-fabric";
  throw_user_error("unknown fabric kind `" + s + "`", c);
}

namespace {
Profile read_profile_tree(const YAML::Node& root, const std::string& name) {
  Profile p;
  p.path = name;
  MapReader top(root, name, "",
                {"moeplan_profile", "header", "gemm", "attention", "memory", "comm", "sustained", "overheads",
                 "curves"});
  const int version = top.integer("moeplan_profile", true, 0, 1, 1 << 20);
  if (version != kProfileFormatVersion)
    top.fail(top.node("moeplan_profile"), "moeplan_profile", "unsupported profile format version",
             std::to_string(kProfileFormatVersion));

  if (!top.has("header")) top.fail(root, "header", "is missing", "a mapping with gpu, device, method, ...");
  MapReader h(top.node("header"), name, "header",
              {"gpu", "device", "sm_count", "boost_clock_mhz", "memory_clock_mhz", "driver", "cuda", "date",
               "moeplan_version", "method", "provenance", "derived_from", "sources", "notes"});
  ProfileHeader& hd = p.header;
  hd.gpu = h.str("gpu", true);
  hd.device = h.str("device", true);
  hd.sm_count = h.integer("sm_count", false, 0, 0, 1 << 20);
  hd.boost_clock_mhz = h.num("boost_clock_mhz", false);
  hd.memory_clock_mhz = h.num("memory_clock_mhz", false);
  hd.driver = h.str("driver", false);
  hd.cuda = h.str("cuda", false);
  hd.date = h.str("date", true);
  hd.moeplan_version = h.str("moeplan_version", false);
  hd.method = h.str("method", true);
  if (hd.method != "published" && hd.method != "measured-cuda" && hd.method != "measured-cpu")
    h.fail(h.node("method"), "header.method", "unknown method `" + hd.method + "`",
           "published, measured-cuda or measured-cpu");
  hd.provenance = h.str("provenance", false);
  if (!hd.provenance.empty() && hd.provenance != "measured" && hd.provenance != "derived")
    h.fail(h.node("provenance"), "header.provenance", "unknown provenance `" + hd.provenance + "`",
           "measured or derived");
  hd.derived_from = h.str("derived_from", false);
  if (hd.provenance == "derived" && hd.derived_from.empty())
    h.fail(h.node("provenance"), "header.derived_from", "is missing (provenance is derived)",
           "the catalog GPU whose profile the rates were derived from");
  if (hd.provenance != "derived" && !hd.derived_from.empty())
    h.fail(h.node("derived_from"), "header.derived_from", "is given but provenance is not derived",
           "provenance: derived, or no derived_from");
  hd.sources = h.str_list("sources");
  if (hd.sources.empty()) h.fail(h.node("sources"), "header.sources", "is missing or empty", "citations");
  hd.notes = h.str_list("notes");

  for_each_item(root, "gemm", name, [&](const YAML::Node& n, const std::string& path) {
    MapReader r(n, name, path,
                {"op", "pass", "dtype", "m", "n", "k", "groups", "tflops", "source", "derived", "unverified"});
    GemmPoint g;
    g.kind = r.parsed("op", parse_gemm_kind, true, "");
    g.pass = r.parsed("pass", parse_pass, false, "forward");
    g.dtype = r.parsed("dtype", parse_profile_dtype, true, "");
    g.m = r.num("m", true, 0, true);
    g.n = r.num("n", true, 0, true);
    g.k = r.num("k", true, 0, true);
    g.groups = r.integer("groups", false, 1, 1, 1 << 20);
    g.flops_per_s = r.num("tflops", true, 0, true) * kTera;
    g.src = read_source(r);
    p.gemm_points.push_back(g);
  });
  for_each_item(root, "attention", name, [&](const YAML::Node& n, const std::string& path) {
    MapReader r(n, name, path,
                {"pass", "kernel", "dtype", "tokens", "head_dim", "causal", "tflops", "source", "derived",
                 "unverified"});
    AttentionPoint a;
    const std::string pass = r.str("pass", true);
    if (pass == kForwardBackward) {
      a.forward_backward = true;
    } else {
      a.pass = r.parsed("pass", parse_attention_pass, true, "");
    }
    if (r.has("kernel")) a.kernel = r.parsed("kernel", parse_profile_attention_kernel, true, "");
    a.dtype = r.parsed("dtype", parse_profile_dtype, false, "bf16");
    a.tokens = r.num("tokens", true, 0, true);
    a.head_dim = r.num("head_dim", false);
    if (r.has("causal")) a.causal = r.flag("causal");
    a.flops_per_s = r.num("tflops", true, 0, true) * kTera;
    a.src = read_source(r);
    p.attention_points.push_back(a);
  });
  for_each_item(root, "memory", name, [&](const YAML::Node& n, const std::string& path) {
    MapReader r(n, name, path, {"kernel", "bytes", "gb_per_s", "source", "derived", "unverified"});
    MemoryPoint m;
    m.kernel = r.str("kernel", true);
    m.bytes = r.num("bytes", false);
    m.bytes_per_s = r.num("gb_per_s", true, 0, true) * kGiga;
    m.src = read_source(r);
    p.memory_points.push_back(m);
  });
  for_each_item(root, "comm", name, [&](const YAML::Node& n, const std::string& path) {
    MapReader r(n, name, path,
                {"fabric", "message_bytes", "efficiency", "source", "derived", "unverified"});
    CommPoint c;
    c.fabric = r.parsed("fabric", parse_fabric_kind, true, "");
    c.message_bytes = r.num("message_bytes", true, 0, true);
    c.efficiency = r.num("efficiency", true, 0, true);
    if (c.efficiency > 1.0)
      r.fail(r.node("efficiency"), path + ".efficiency", "is above 1", "a fraction in (0, 1]");
    c.src = read_source(r);
    p.comm_points.push_back(c);
  });

  for_each_item(root, "sustained", name, [&](const YAML::Node& n, const std::string& path) {
    MapReader r(n, name, path,
                {"dtype", "m", "n", "k", "seconds", "burst_tflops", "sustained_tflops", "sm_clock_mhz_burst",
                 "sm_clock_mhz_sustained", "power_w", "temperature_c", "throttle", "source", "derived",
                 "unverified"});
    SustainedPoint sp;
    sp.dtype = r.parsed("dtype", parse_profile_dtype, true, "");
    for (const SustainedPoint& other : p.sustained_points)
      if (other.dtype == sp.dtype)
        r.fail(r.node("dtype"), path + ".dtype", std::string("repeats dtype ") + to_string(sp.dtype),
               "one sustained run per dtype");
    sp.m = r.num("m", true, 0, true);
    sp.n = r.num("n", true, 0, true);
    sp.k = r.num("k", true, 0, true);
    sp.seconds = r.num("seconds", true, 0, true);
    sp.burst_flops_per_s = r.num("burst_tflops", true, 0, true) * kTera;
    sp.sustained_flops_per_s = r.num("sustained_tflops", true, 0, true) * kTera;
    sp.sm_clock_mhz_burst = r.num("sm_clock_mhz_burst", false);
    sp.sm_clock_mhz_sustained = r.num("sm_clock_mhz_sustained", false);
    sp.power_w = r.num("power_w", false);
    sp.temperature_c = r.num("temperature_c", false);
    sp.throttle = r.str("throttle", false);
    // Clocks settle within a few percent of boost or fall by tens of percent under a power or thermal
    // limit; a ratio outside this band is a broken measurement (a window cut short, another job on the GPU).
    if (sp.ratio() < kMinSustainedRatio || sp.ratio() > kMaxSustainedRatio)
      r.fail(r.node("sustained_tflops"), path + ".sustained_tflops",
             "is " + std::to_string(sp.ratio()) + " x burst_tflops, not a plausible sustained rate",
             "between " + std::to_string(kMinSustainedRatio) + " and " + std::to_string(kMaxSustainedRatio) +
                 " x burst_tflops");
    sp.src = read_source(r);
    p.sustained_points.push_back(sp);
  });

  if (top.has("overheads")) {
    MapReader r(top.node("overheads"), name, "overheads",
                {"kernel_gap_us", "kernel_gap_graph_us", "source", "derived", "unverified"});
    Overheads& o = p.overheads;
    o.present = true;
    o.kernel_gap_s = r.num("kernel_gap_us", true, 0, true) * kMicro;
    o.kernel_gap_graph_s = r.num("kernel_gap_graph_us", true, 0, true) * kMicro;
    o.src = read_source(r);
  }

  if (!top.has("curves")) {
    fit_profile(p);
    return p;
  }
  MapReader cv(top.node("curves"), name, "curves", {"gemm", "memory", "comm"});
  for_each_item(top.node("curves"), "gemm", name, [&](const YAML::Node& n, const std::string& path) {
    MapReader r(n, name, "curves." + path,
                {"op", "pass", "dtype", "peak_tflops", "bandwidth_gb_per_s", "overhead_us", "nrmse", "points"});
    GemmCurve c;
    c.kind = r.parsed("op", parse_gemm_kind, true, "");
    c.pass = r.parsed("pass", parse_pass, false, "forward");
    c.dtype = r.parsed("dtype", parse_profile_dtype, true, "");
    c.peak_flops_per_s = r.num("peak_tflops", true) * kTera;
    c.bytes_per_s = r.num("bandwidth_gb_per_s", true) * kGiga;
    c.overhead_s = r.num("overhead_us", true) * kMicro;
    c.nrmse = r.num("nrmse", true);
    c.points = r.integer("points", false, 0, 0, 1 << 30);
    if (c.peak_flops_per_s == 0 && c.bytes_per_s == 0 && c.overhead_s == 0)
      r.fail(n, "curves." + path, "has no non-zero term", "peak_tflops, bandwidth_gb_per_s or overhead_us > 0");
    p.gemm_curves.push_back(c);
  });
  if (cv.has("memory")) {
    MapReader r(cv.node("memory"), name, "curves.memory",
                {"bandwidth_gb_per_s", "overhead_us", "nrmse", "points"});
    p.memory_curve.bytes_per_s = r.num("bandwidth_gb_per_s", true, 0, true) * kGiga;
    p.memory_curve.overhead_s = r.num("overhead_us", false) * kMicro;
    p.memory_curve.nrmse = r.num("nrmse", false);
    p.memory_curve.points = r.integer("points", false, 0, 0, 1 << 30);
  }
  for_each_item(top.node("curves"), "comm", name, [&](const YAML::Node& n, const std::string& path) {
    MapReader r(n, name, "curves." + path, {"fabric", "inv_peak", "half_bytes", "nrmse", "points"});
    CommCurve c;
    c.fabric = r.parsed("fabric", parse_fabric_kind, true, "");
    c.inv_peak = r.num("inv_peak", true);
    c.half_bytes = r.num("half_bytes", true);
    c.nrmse = r.num("nrmse", false);
    c.points = r.integer("points", false, 0, 0, 1 << 30);
    p.comm_curves.push_back(c);
  });
  return p;
}

}  // namespace

Profile parse_profile(const std::string& text, const std::string& name) {
  // Syntax, UTF-8 and a second document are checked as for every other YAML input.
  const YAML::Node root = io::parse_yaml(text, name);
  try {
    return read_profile_tree(root, name);
  } catch (const YAML::Exception& e) {
    // A conversion the readers above did not foresee is still the file's fault, and still located.
    ErrorContext c{.file = name};
    if (e.mark.line >= 0) c.line = e.mark.line + 1, c.column = e.mark.column + 1;
    throw_user_error("unreadable profile value: " + e.msg, c);
  }
}

Profile read_profile(const std::string& path) {
  try {
    return parse_profile(io::read_input_file(path, "calibration profile"), path);
  } catch (const Error& e) {
    if (e.context().line > 0 || e.message().rfind("cannot open", 0) != 0) throw;
    // Not found or not readable: say where profiles are looked up.
    ErrorContext c = e.context();
    c.hint = "set MOEPLAN_PROFILES to the calibrate/profiles directory or pass a profile path";
    throw Error(e.kind(), e.message(), c);
  }
}

}  // namespace moeplan
