// Derivation of published profiles from a base profile and a recipe (see derive_profile.h).
#include "calibrate/derive_profile.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "sim/calib/curve_fit.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {

namespace {

ErrorContext at(const std::string& file, const YAML::Node& n, const std::string& key,
                const std::string& expected) {
  ErrorContext c;
  c.file = file;
  if (n.Mark().line >= 0) c.line = n.Mark().line + 1, c.column = n.Mark().column + 1;
  c.key_path = key;
  c.expected = expected;
  return c;
}

std::string req_str(const std::string& file, const YAML::Node& n, const std::string& key,
                    const std::string& path) {
  if (!n[key] || !n[key].IsScalar())
    throw_user_error("is missing", at(file, n, path + "." + key, "a string"));
  return n[key].as<std::string>();
}

// A factor written as [numerator, denominator] (both cited numbers) or a plain number.
double factor(const std::string& file, const YAML::Node& n, const std::string& key, const std::string& path) {
  const YAML::Node f = n[key];
  const std::string expected = "[numerator, denominator], a list of such pairs, or a number > 0";
  try {
    if (f && f.IsSequence() && f.size() > 0 && f[0].IsSequence()) {
      // A chain of ratios, e.g. [[794.5, 1520], [165.2, 989]]: multiplied.
      double v = 1;
      bool valid = true;
      for (const auto& r : f) {
        const double a = r[0].as<double>(), b = r[1].as<double>();
        valid = valid && r.size() == 2 && a > 0 && b > 0;
        if (valid) v *= a / b;
      }
      if (valid) return v;
    } else if (f && f.IsSequence() && f.size() == 2) {
      const double a = f[0].as<double>(), b = f[1].as<double>();
      if (a > 0 && b > 0) return a / b;
    } else if (f && f.IsScalar()) {
      const double v = f.as<double>();
      if (v > 0) return v;
    }
  } catch (const YAML::Exception&) {
  }
  throw_user_error("is missing or invalid", at(file, f ? f : n, path + "." + key, expected));
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Each derived point names the recipe file it comes from.
PointSource derived_source(const std::string& recipe, const std::string& how, const std::string& detail) {
  PointSource s;
  s.source = "derived (calibrate/profiles/published/" + std::filesystem::path(recipe).filename().string() + ")";
  s.derived = how + "; " + detail;
  s.unverified = true;
  return s;
}

double req_num(const std::string& file, const YAML::Node& n, const std::string& key, const std::string& path) {
  try {
    if (n[key] && n[key].IsScalar()) {
      const double v = n[key].as<double>();
      if (v > 0) return v;
    }
  } catch (const YAML::Exception&) {
  }
  throw_user_error("is missing or invalid", at(file, n, path + "." + key, "a number > 0"));
}

// A measured kernel rate on the target GPU: the compute factor is the one that makes the base curve of
// the anchor's kind, with the recipe's bandwidth factor, pass through it. The anchor itself joins the
// profile as a published point.
struct Anchor {
  GemmPoint point;
  double compute_factor = 0;
};

Anchor anchor_of(const Profile& base, const std::string& file, const YAML::Node& a, const std::string& path,
                 DType from, DType to, double bandwidth_factor) {
  Anchor out;
  GemmPoint& p = out.point;
  const std::string op = req_str(file, a, "op", path);
  if (op != "gemm" && op != "grouped_gemm")
    throw_user_error("unknown op `" + op + "`", at(file, a, path + ".op", "gemm or grouped_gemm"));
  p.kind = op == "gemm" ? GemmKind::kDense : GemmKind::kGrouped;
  p.dtype = to;
  p.m = req_num(file, a, "m", path);
  p.n = req_num(file, a, "n", path);
  p.k = req_num(file, a, "k", path);
  p.groups = a["groups"] ? static_cast<int>(req_num(file, a, "groups", path)) : 1;
  p.flops_per_s = req_num(file, a, "tflops", path) * 1e12;
  p.src.source = req_str(file, a, "source", path);
  const GemmCurve* curve = nullptr;
  for (const GemmCurve& c : base.gemm_curves)
    if (c.kind == p.kind && c.dtype == from && c.pass == Pass::kForward) curve = &c;
  if (!curve || curve->peak_flops_per_s <= 0)
    throw_user_error("base profile has no " + op + " curve of this dtype", at(file, a, path + ".op", "a fitted kind"));
  const GemmShape shape{p.m, p.n, p.k, p.groups};
  const double target_s = gemm_flops(shape) / p.flops_per_s;
  const double memory_s = curve->bytes_per_s > 0 ? gemm_bytes(shape, to) / (curve->bytes_per_s * bandwidth_factor) : 0;
  const double compute_s = target_s - curve->overhead_s - memory_s;
  if (compute_s <= 0)
    throw_user_error("is faster than the scaled curve's memory and overhead terms allow",
                     at(file, a, path + ".tflops", "a rate the base curve can reach"));
  out.compute_factor = gemm_flops(shape) / compute_s / curve->peak_flops_per_s;
  return out;
}

void add_gemm_points(Profile& out, const Profile& base, const std::string& file, const YAML::Node& g,
                     const std::string& path) {
  const DType to = parse_profile_dtype(req_str(file, g, "dtype", path));
  const DType from = parse_profile_dtype(req_str(file, g, "from", path));
  const double b = factor(file, g, "bandwidth", path);
  double c = 0;
  if (const YAML::Node a = g["anchor"]) {
    if (g["compute"])
      throw_user_error("gives both `compute` and `anchor`", at(file, g, path + ".compute", "one of the two"));
    const Anchor anchor = anchor_of(base, file, a, path + ".anchor", from, to, b);
    c = anchor.compute_factor;
    out.gemm_points.push_back(anchor.point);
  } else {
    c = factor(file, g, "compute", path);
  }
  const std::string how = req_str(file, g, "how", path);
  // Forward kernels only, unless the recipe names the backward kernels whose rates carry over too (the same
  // kernel family on the target GPU); the dtype-changing lines never do: a weight-gradient penalty of one
  // number format says nothing about another's.
  std::vector<Pass> passes{Pass::kForward};
  if (const YAML::Node ps = g["passes"]) {
    const std::string names = "a list of forward, backward_input, backward_weight";
    if (!ps.IsSequence() || ps.size() == 0) throw_user_error("is not a list", at(file, ps, path + ".passes", names));
    passes.clear();
    for (const auto& e : ps) {
      const ErrorContext where = at(file, e, path + ".passes", names);
      if (!e.IsScalar()) throw_user_error("has an entry that is not a pass name", where);
      try {
        passes.push_back(parse_pass(e.as<std::string>()));
      } catch (const Error& err) {
        throw err.with_context(where);
      }
    }
  }
  auto carried = [&](Pass pass) { return std::find(passes.begin(), passes.end(), pass) != passes.end(); };
  bool any = false;
  for (const GemmCurve& curve : base.gemm_curves) {
    if (curve.dtype != from || !carried(curve.pass)) continue;
    GemmCurve scaled = curve;
    scaled.dtype = to;
    if (scaled.peak_flops_per_s > 0) scaled.peak_flops_per_s *= c;
    if (scaled.bytes_per_s > 0) scaled.bytes_per_s *= b;
    const std::string kernel = curve.pass == Pass::kForward ? "" : std::string(" ") + to_string(curve.pass);
    const std::string detail = std::string("base ") + to_string(from) + " " + to_string(curve.kind) + kernel +
                               " fit (P " + fmt("%.1f", curve.peak_flops_per_s / 1e12) + " TFLOP/s, B " +
                               fmt("%.0f", curve.bytes_per_s / 1e9) + " GB/s, t0 " +
                               fmt("%.2f", curve.overhead_s * 1e6) + " us) with compute x" + fmt("%.4g", c) +
                               ", bandwidth x" + fmt("%.4g", b) + " at this shape";
    for (const GemmPoint& p : base.gemm_points) {
      if (p.kind != curve.kind || p.dtype != from || p.pass != curve.pass) continue;
      const GemmShape s{p.m, p.n, p.k, p.groups};
      GemmPoint d = p;
      d.dtype = to;
      d.flops_per_s = gemm_flops(s) / gemm_time_s(scaled, s);
      d.src = derived_source(file, how, detail);
      out.gemm_points.push_back(d);
      any = true;
    }
  }
  if (!any) throw_user_error("base profile has no points of this dtype", at(file, g, path + ".from", "a dtype the base has"));
}

void add_comm_points(Profile& out, const std::string& file, const YAML::Node& c, const std::string& path) {
  const FabricKind f = parse_fabric_kind(req_str(file, c, "fabric", path));
  const double latency_s = factor(file, c, "latency_us", path) * 1e-6;
  const double bw = factor(file, c, "gb_per_s", path) * 1e9;
  const std::string how = req_str(file, c, "how", path);
  // Alpha-beta: a message of s bytes takes alpha + s / B, so it reaches s / (s + alpha * B) of B.
  for (double s : {64.0 * 1024, 1024.0 * 1024, 16.0 * 1024 * 1024, 256.0 * 1024 * 1024}) {
    CommPoint p;
    p.fabric = f;
    p.message_bytes = s;
    p.efficiency = s / (s + latency_s * bw);
    p.src = derived_source(file, how, "alpha-beta with alpha " + fmt("%.3g", latency_s * 1e6) + " us, B " +
                                    fmt("%.4g", bw / 1e9) + " GB/s");
    out.comm_points.push_back(p);
  }
}

std::vector<std::string> str_list(const YAML::Node& n) {
  std::vector<std::string> v;
  if (n && n.IsSequence())
    for (const auto& e : n) v.push_back(e.as<std::string>());
  return v;
}

}  // namespace

std::vector<Profile> derive_profiles(const std::string& recipe_path, const std::string& moeplan_version) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(recipe_path);
  } catch (const YAML::BadFile&) {
    ErrorContext c;
    c.file = recipe_path;
    throw_user_error("cannot open derivation recipe", c);
  } catch (const YAML::ParserException& e) {
    ErrorContext c;
    c.file = recipe_path;
    c.line = e.mark.line + 1;
    throw_user_error("YAML syntax error: " + e.msg, c);
  }
  const std::string& file = recipe_path;
  const auto dir = std::filesystem::path(recipe_path).parent_path();
  const Profile base = read_profile((dir / req_str(file, root, "base", "")).string());
  if (!root["targets"] || !root["targets"].IsSequence())
    throw_user_error("is missing", at(file, root, "targets", "a list of target GPUs"));

  std::vector<Profile> out;
  for (size_t i = 0; i < root["targets"].size(); ++i) {
    const YAML::Node t = root["targets"][i];
    const std::string path = "targets[" + std::to_string(i) + "]";
    Profile p;
    ProfileHeader& h = p.header;
    h.gpu = req_str(file, t, "gpu", path);
    if (t["file"]) p.path = t["file"].as<std::string>();  // output file name; default <gpu>.yaml
    h.device = req_str(file, t, "device", path);
    if (t["sm_count"]) h.sm_count = t["sm_count"].as<int>();
    if (t["boost_clock_mhz"]) h.boost_clock_mhz = t["boost_clock_mhz"].as<double>();
    h.driver = "n/a (published figures)";
    h.cuda = t["cuda"] ? t["cuda"].as<std::string>() : base.header.cuda;
    h.date = req_str(file, t, "date", path);
    h.moeplan_version = moeplan_version;
    h.method = "published";
    h.sources = str_list(t["sources"]);
    if (h.sources.empty()) throw_user_error("is missing", at(file, t, path + ".sources", "citations"));
    h.notes = str_list(t["notes"]);

    const bool keep = t["keep_base"] && t["keep_base"].as<bool>();
    // A target that keeps the base's points is the base's own GPU, measured; every other one is derived.
    h.provenance = keep ? "measured" : "derived";
    if (!keep) h.derived_from = base.header.gpu;
    if (keep) {
      p.gemm_points = base.gemm_points;
      p.attention_points = base.attention_points;
      p.memory_points = base.memory_points;
    } else {
      const YAML::Node a = t["attention"];
      if (!a) throw_user_error("is missing", at(file, t, path + ".attention", "{compute: [a, b], how: ...}"));
      const double ca = factor(file, a, "compute", path + ".attention");
      const std::string how = req_str(file, a, "how", path + ".attention");
      for (AttentionPoint ap : base.attention_points) {
        ap.flops_per_s *= ca;
        ap.src = derived_source(file, how, "base point (" + ap.src.source + ") x" + fmt("%.4g", ca));
        p.attention_points.push_back(ap);
      }
      const YAML::Node m = t["memory"];
      if (!m) throw_user_error("is missing", at(file, t, path + ".memory", "{bandwidth: [a, b], how: ...}"));
      const double cm = factor(file, m, "bandwidth", path + ".memory");
      const std::string mhow = req_str(file, m, "how", path + ".memory");
      for (MemoryPoint mp : base.memory_points) {
        mp.bytes_per_s *= cm;
        mp.src = derived_source(file, mhow, "base point (" + mp.src.source + ") x" + fmt("%.4g", cm));
        p.memory_points.push_back(mp);
      }
    }
    // Kernel gaps: either the base's, carried over where the recipe says why (same die and driver stack), or
    // a sibling GPU's own measurement named in the recipe (kernel_gap_us, kernel_gap_graph_us, source), for a
    // target whose launch overhead nobody has published.
    if (const YAML::Node o = t["overheads"]) {
      const std::string opath = path + ".overheads";
      const std::string ohow = req_str(file, o, "how", opath);
      if (o["kernel_gap_us"]) {
        p.overheads.present = true;
        p.overheads.kernel_gap_s = req_num(file, o, "kernel_gap_us", opath) * 1e-6;
        p.overheads.kernel_gap_graph_s = req_num(file, o, "kernel_gap_graph_us", opath) * 1e-6;
        if (p.overheads.kernel_gap_s <= 0 || p.overheads.kernel_gap_graph_s <= 0)
          throw_user_error("kernel gaps must be positive", at(file, o, opath, "microseconds above 0"));
        p.overheads.src = derived_source(file, ohow, req_str(file, o, "source", opath));
      } else {
        if (!base.overheads.present)
          throw_user_error("base profile has no overheads section",
                           at(file, o, opath, "a base with overheads, or kernel_gap_us/kernel_gap_graph_us/source"));
        p.overheads = base.overheads;
        p.overheads.src = derived_source(file, ohow, "base figures (" + base.overheads.src.source + ")");
      }
    }
    if (const YAML::Node g = t["gemm"]; g && g.IsSequence())
      for (size_t j = 0; j < g.size(); ++j)
        add_gemm_points(p, base, file, g[j], path + ".gemm[" + std::to_string(j) + "]");
    if (const YAML::Node c = t["comm"]; c && c.IsSequence())
      for (size_t j = 0; j < c.size(); ++j)
        add_comm_points(p, file, c[j], path + ".comm[" + std::to_string(j) + "]");
    fit_profile(p);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace moeplan
