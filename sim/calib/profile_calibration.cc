// ProfileCalibration lookups and the profile finder/loader.
#include "sim/calib/profile_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "moeplan/version.h"
#include "sim/calib/curve_fit.h"
#include "sim/io/data_dir.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {

namespace {

ErrorContext profile_ctx(const Profile& p, const std::string& key, const std::string& expected) {
  ErrorContext c;
  c.file = p.path;
  c.key_path = key;
  c.expected = expected;
  return c;
}

std::string provenance_text(const ProfileHeader& h) {
  if (h.provenance == "derived") return "derived from " + h.derived_from + " by peak ratios";
  if (h.method == "measured-cuda") return "measured on this GPU (moeplan calibrate)";
  if (h.method == "measured-cpu") return "measured on this CPU (moeplan calibrate)";
  if (h.provenance == "measured") return "measured on this GPU (published benchmarks)";
  return "published (provenance not stated)";
}

// Kernel generations to try for `want`, in order: itself, then older ones newest first, then newer ones
// oldest first (a 2023 kernel asked of a GPU whose profile stops at 2022 gets the 2022 rate, not a 2024 one).
std::vector<AttentionKernel> kernel_order(AttentionKernel want) {
  const int n = static_cast<int>(AttentionKernel::kFlashMla) + 1;
  const int w = static_cast<int>(want);
  std::vector<AttentionKernel> order{want};
  for (int k = w - 1; k >= 0; --k) order.push_back(static_cast<AttentionKernel>(k));
  for (int k = w + 1; k < n; ++k) order.push_back(static_cast<AttentionKernel>(k));
  return order;
}

// Rate at `seq_len` over points sorted by tokens: linear in log(tokens), clamped at the ends.
double interpolate_log(const std::vector<std::pair<double, double>>& pts, double seq_len) {
  if (seq_len <= 0 || seq_len >= pts.back().first) return pts.back().second;
  if (seq_len <= pts.front().first) return pts.front().second;
  auto hi = std::lower_bound(pts.begin(), pts.end(), std::make_pair(seq_len, 0.0));
  auto lo = hi - 1;
  if (hi->first == lo->first) return hi->second;
  const double w = std::log(seq_len / lo->first) / std::log(hi->first / lo->first);
  return lo->second + w * (hi->second - lo->second);
}

std::string join_sources(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace

ProfileCalibration::ProfileCalibration(Profile profile, const GpuSpec& gpu)
    : profile_(std::move(profile)), gpu_(gpu) {
  const ProfileHeader& h = profile_.header;
  if (h.method == "published" && !gpu_.name.empty() && h.gpu != gpu_.name) {
    ErrorContext c = profile_ctx(profile_, "header.gpu", "a profile for `" + gpu_.name + "`");
    c.hint = "use " + default_profile_path(gpu_, "calibrate/profiles") + " or a measured profile";
    throw_user_error("published profile is for GPU `" + h.gpu + "`", c);
  }
  if (profile_.gemm_curves.empty())
    throw_user_error("profile has no GEMM curves", profile_ctx(profile_, "curves.gemm", "at least one curve"));
  info_.path = profile_.path;
  info_.gpu = h.gpu;
  info_.device = h.device;
  info_.method = h.method;
  info_.source = join_sources(h.sources);
  info_.date = h.date;
  for (const SustainedPoint& sp : profile_.sustained_points) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%s %.3f (%.0f s back-to-back GEMM)", info_.sustained.empty() ? "" : ", ",
                  to_string(sp.dtype), std::min(1.0, sp.ratio()), sp.seconds);
    info_.sustained += buf;
  }

  info_.provenance = provenance_text(h);
  for (const GemmCurve& c : profile_.gemm_curves) {
    double best = 0;
    for (const GemmPoint& p : profile_.gemm_points)
      if (p.kind == c.kind && p.dtype == c.dtype && p.pass == c.pass) best = std::max(best, p.flops_per_s);
    best_point_flops_per_s_.push_back(best);
  }

  // FP32 GEMMs (rare: no catalog recipe uses them) without their own curve: the BF16 curve with its
  // compute term scaled by the GPU's FP32/BF16 peak ratio; memory and overhead terms are unchanged.
  if (gpu_.peak_fp32_flops > 0 && gpu_.peak_bf16_flops > 0) {
    for (const auto& c : profile_.gemm_curves) {
      if (c.dtype != DType::kBf16) continue;
      GemmCurve s = c;
      s.dtype = DType::kFp32;
      if (s.peak_flops_per_s > 0) s.peak_flops_per_s *= gpu_.peak_fp32_flops / gpu_.peak_bf16_flops;
      fp32_scaled_.push_back(s);
    }
  }
}

const GemmCurve& ProfileCalibration::gemm_curve_for(GemmKind kind, DType dtype, Pass pass) const {
  auto find = [&](GemmKind k, DType d, Pass ps) -> const GemmCurve* {
    for (const auto& c : profile_.gemm_curves)
      if (c.kind == k && c.dtype == d && c.pass == ps) return &c;
    if (d == DType::kFp32)
      for (const auto& c : fp32_scaled_)
        if (c.kind == k && c.pass == ps) return &c;
    return nullptr;
  };
  std::vector<DType> dtypes{dtype};
  if (dtype == DType::kFp16) dtypes.push_back(DType::kBf16);
  // No FP8 tensor cores (A100, RTX 3090, ...): an FP8 recipe's GEMMs run as BF16.
  if (dtype == DType::kFp8 && !gpu_.has_fp8()) dtypes.push_back(DType::kBf16);
  std::vector<GemmKind> kinds{kind};
  if (kind == GemmKind::kGrouped) kinds.push_back(GemmKind::kDense);
  std::vector<Pass> passes{pass};
  if (pass != Pass::kForward) passes.push_back(Pass::kForward);
  for (DType d : dtypes)
    for (Pass ps : passes)
      for (GemmKind k : kinds)
        if (const GemmCurve* c = find(k, d, ps)) return *c;
  throw_user_error(std::string("profile has no ") + to_string(kind) + " curve for dtype " + to_string(dtype),
                   profile_ctx(profile_, "curves.gemm", std::string("a curve {op: ") + to_string(kind) +
                                                            ", dtype: " + to_string(dtype) + "}"));
}

double ProfileCalibration::sustained_factor(DType dtype) const {
  const SustainedPoint* bf16 = nullptr;
  for (const SustainedPoint& sp : profile_.sustained_points) {
    if (sp.dtype == dtype) return std::min(1.0, sp.ratio());
    if (sp.dtype == DType::kBf16) bf16 = &sp;
  }
  return bf16 != nullptr ? std::min(1.0, bf16->ratio()) : 1.0;
}

double ProfileCalibration::best_point_flops_per_s(const GemmCurve& curve) const {
  for (size_t i = 0; i < profile_.gemm_curves.size(); ++i) {
    const GemmCurve& c = profile_.gemm_curves[i];
    if (c.kind == curve.kind && c.dtype == curve.dtype && c.pass == curve.pass) return best_point_flops_per_s_[i];
  }
  return 0;
}

double ProfileCalibration::gemm_time_s(const GemmShape& shape, DType dtype, Pass pass) const {
  const GemmKind kind = shape.groups > 1 ? GemmKind::kGrouped : GemmKind::kDense;
  GemmCurve curve = gemm_curve_for(kind, dtype, pass);
  // Only the compute term slows with the clock; the bandwidth and launch terms do not.
  const double sustained = sustained_factor(curve.dtype);
  curve.peak_flops_per_s *= sustained;
  const double t = moeplan::gemm_time_s(curve, shape);
  // A fitted curve can overshoot between and beyond its points; no shape beats the best rate measured for it
  // (MAMF's best shape is by construction the fastest of its search), so that rate bounds every shape.
  const double best = best_point_flops_per_s(curve) * sustained;
  return best > 0 ? std::max(t, gemm_flops(shape) / best) : t;
}

double ProfileCalibration::gemm_flops_per_s(const GemmShape& shape, DType dtype, Pass pass) const {
  if (shape.m <= 0 || shape.n <= 0 || shape.k <= 0)
    throw_internal_error("gemm_flops_per_s: empty GEMM shape");
  return gemm_flops(shape) / gemm_time_s(shape, dtype, pass);
}

AttentionRate ProfileCalibration::attention_rate(const AttentionQuery& q) const {
  std::vector<DType> dtypes{q.dtype};
  // Attention runs in BF16 in the recipes we model (DeepSeek-V3 §3.3 keeps attention operators in BF16).
  if (q.dtype != DType::kBf16) dtypes.push_back(DType::kBf16);
  const Pass pass = q.pass == Pass::kBackwardWeight ? Pass::kBackwardInput : q.pass;
  using Points = std::vector<const AttentionPoint*>;
  for (DType d : dtypes) {
    for (AttentionKernel k : kernel_order(q.kernel)) {
      // A point without a kernel stands for any, so it answers for the requested one.
      auto of_kernel = [&](const AttentionPoint& a) {
        return a.dtype == d && (a.kernel ? *a.kernel == k : k == q.kernel);
      };
      Points pts;
      for (const AttentionPoint& a : profile_.attention_points)
        if (of_kernel(a) && !a.forward_backward && a.pass == pass) pts.push_back(&a);
      if (pts.empty())
        for (const AttentionPoint& a : profile_.attention_points)
          if (of_kernel(a) && a.forward_backward) pts.push_back(&a);
      if (pts.empty()) continue;
      // Nearest head dim in log distance (ties: the larger); points without one match any.
      auto hd_distance = [&](const AttentionPoint* a) {
        return a->head_dim > 0 && q.head_dim > 0 ? std::abs(std::log(a->head_dim / q.head_dim)) : 0.0;
      };
      double best = hd_distance(pts.front());
      double best_hd = pts.front()->head_dim;
      for (const AttentionPoint* a : pts) {
        const double dist = hd_distance(a);
        if (dist < best - 1e-12 || (std::abs(dist - best) <= 1e-12 && a->head_dim > best_hd))
          best = dist, best_hd = a->head_dim;
      }
      Points near;
      for (const AttentionPoint* a : pts)
        if (std::abs(hd_distance(a) - best) <= 1e-12 && (a->head_dim == best_hd || a->head_dim <= 0))
          near.push_back(a);
      Points same_mask;
      for (const AttentionPoint* a : near)
        if (!a->causal || *a->causal == q.causal) same_mask.push_back(a);
      const Points& use = same_mask.empty() ? near : same_mask;
      std::vector<std::pair<double, double>> curve;
      for (const AttentionPoint* a : use) curve.emplace_back(a->tokens, a->flops_per_s);
      std::sort(curve.begin(), curve.end());
      return AttentionRate{sustained_factor(d) * interpolate_log(curve, q.seq_len), k};
    }
  }
  throw_user_error(std::string("profile has no attention points for pass ") + to_string(q.pass),
                   profile_ctx(profile_, "attention",
                               std::string("a point {pass: ") + to_string(pass) + "} or {pass: forward_backward}"));
}

double ProfileCalibration::kernel_gap_s(bool cuda_graphs) const {
  const Overheads& o = profile_.overheads;
  if (!o.present) return 0.0;
  return cuda_graphs ? o.kernel_gap_graph_s : o.kernel_gap_s;
}

double ProfileCalibration::memory_bytes_per_s() const {
  if (profile_.memory_curve.bytes_per_s <= 0)
    throw_user_error("profile has no memory bandwidth",
                     profile_ctx(profile_, "curves.memory", "bandwidth_gb_per_s > 0"));
  return profile_.memory_curve.bytes_per_s;
}

double ProfileCalibration::comm_efficiency(FabricKind fabric, double message_bytes) const {
  for (const auto& c : profile_.comm_curves)
    if (c.fabric == fabric) return moeplan::comm_efficiency(c, message_bytes);
  throw_user_error(std::string("profile has no collective curve for fabric ") + to_string(fabric),
                   profile_ctx(profile_, "comm", std::string("points with fabric: ") + to_string(fabric)));
}

std::unique_ptr<Calibration> load_calibration(const std::string& path, const GpuSpec& gpu) {
  return std::make_unique<ProfileCalibration>(read_profile(path), gpu);
}

std::string default_profile_path(const GpuSpec& gpu, const std::string& profiles_dir) {
  const std::string name = gpu.profile.empty() ? gpu.name : gpu.profile;
  if (name.empty()) throw_user_error("GPU has neither a name nor a profile name to find its profile by");
  return (std::filesystem::path(profiles_dir) / (name + ".yaml")).string();
}

std::string scenario_profile_path(const std::string& calibration_key, const std::string& scenario_file,
                                  const GpuSpec& gpu, const std::string& profiles_dir) {
  namespace fs = std::filesystem;
  if (calibration_key.empty()) return default_profile_path(gpu, profiles_dir);
  const fs::path key(calibration_key);
  if (!key.has_parent_path() && key.extension() != ".yaml")
    return (fs::path(profiles_dir) / (calibration_key + ".yaml")).string();
  if (key.is_relative() && !scenario_file.empty()) {
    std::error_code ec;
    const fs::path beside = fs::path(scenario_file).parent_path() / key;
    if (fs::is_regular_file(beside, ec)) return beside.string();
  }
  return calibration_key;
}

std::string find_profiles_dir(const std::string& exe_path) {
  namespace fs = std::filesystem;
  std::vector<std::string> tried;
  auto ok = [&](const fs::path& p) {
    tried.push_back(p.string());
    std::error_code ec;
    return fs::is_directory(p, ec);
  };
  if (const char* env = std::getenv("MOEPLAN_PROFILES"); env != nullptr && *env != '\0') {
    if (ok(env)) return env;
    ErrorContext c;
    c.key_path = "MOEPLAN_PROFILES";
    c.expected = "a directory holding <gpu>.yaml profiles";
    throw_user_error(std::string("MOEPLAN_PROFILES is not a directory: ") + env, c);
  }
  for (const std::string& root : io::data_roots(exe_path)) {
    const fs::path p = fs::path(root) / "calibrate" / "profiles";
    if (ok(p)) return p.lexically_normal().string();
  }
  std::string list;
  for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t;
  ErrorContext c;
  c.hint = "pass --data-dir DIR or set MOEPLAN_DATA to a folder holding calibrate/profiles (an install's "
           "share/moeplan), or MOEPLAN_PROFILES to the profiles folder itself";
  throw_user_error("no calibration profile directory found (tried " + list + ")", c);
}

}  // namespace moeplan
