// Non-negative least-squares fits of the profile time models (see curve_fit.h for the models and why
// the error is relative).
#include "sim/calib/curve_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/units/error.h"

namespace moeplan {

namespace {

// The GEMM output is BF16 in every kernel we time or cite (DeepGEMM, cuBLASLt runs, CPU reference).
constexpr double kGemmOutBytes = 2.0;

int popcount(unsigned v) {
  int c = 0;
  for (; v != 0; v &= v - 1) ++c;
  return c;
}

// RMS of (pred - obs) / obs, where row i of `a` times x is pred/obs (rows are pre-divided by obs).

double relative_rms(const Eigen::MatrixXd& a, const Eigen::VectorXd& x) {
  if (a.rows() == 0) return 0;
  Eigen::VectorXd r = a * x - Eigen::VectorXd::Ones(a.rows());
  return std::sqrt(r.squaredNorm() / static_cast<double>(a.rows()));
}

}  // namespace

Eigen::VectorXd nnls_small(const Eigen::MatrixXd& a, const Eigen::VectorXd& b) {
  const int n = static_cast<int>(a.cols());
  if (n > 12) throw_internal_error("nnls_small: too many columns");
  std::vector<unsigned> masks;
  for (unsigned m = 1; m < (1u << n); ++m) masks.push_back(m);
  // Fewer columns first; among equal counts, lower-numbered columns first (the flop term is column 0).
  std::stable_sort(masks.begin(), masks.end(), [](unsigned x, unsigned y) {
    return popcount(x) < popcount(y);
  });
  Eigen::VectorXd best = Eigen::VectorXd::Zero(n);
  double best_res = std::numeric_limits<double>::infinity();
  const double tie = 1e-12 * (1.0 + b.squaredNorm());
  for (unsigned mask : masks) {
    std::vector<int> cols;
    for (int j = 0; j < n; ++j)
      if (mask & (1u << j)) cols.push_back(j);
    Eigen::MatrixXd sub(a.rows(), static_cast<Eigen::Index>(cols.size()));
    for (size_t j = 0; j < cols.size(); ++j) sub.col(static_cast<Eigen::Index>(j)) = a.col(cols[j]);
    Eigen::VectorXd xs = sub.colPivHouseholderQr().solve(b);
    bool feasible = xs.allFinite();
    for (Eigen::Index j = 0; j < xs.size() && feasible; ++j) feasible = xs(j) >= 0;
    if (!feasible) continue;
    const double res = (sub * xs - b).squaredNorm();
    if (res < best_res - tie) {
      best_res = res;
      best.setZero();
      for (size_t j = 0; j < cols.size(); ++j) best(cols[j]) = xs(static_cast<Eigen::Index>(j));
    }
  }
  return best;
}

double gemm_flops(const GemmShape& s) { return 2.0 * s.m * s.n * s.k * std::max(1, s.groups); }

double gemm_bytes(const GemmShape& s, DType dtype) {
  const double per_group = (s.m * s.k + s.n * s.k) * bytes_of(dtype) + s.m * s.n * kGemmOutBytes;
  return per_group * std::max(1, s.groups);
}

std::vector<GemmCurve> fit_gemm_curves(const std::vector<GemmPoint>& points, DType dtype, Pass pass,
                                       double fixed_bytes_per_s) {
  auto selected = [&](const GemmPoint& p, GemmKind kind) {
    return p.kind == kind && p.dtype == dtype && p.pass == pass && p.flops_per_s > 0;
  };
  // Kinds present, in order dense, grouped.
  std::vector<GemmKind> kinds;
  for (GemmKind kind : {GemmKind::kDense, GemmKind::kGrouped})
    for (const auto& p : points)
      if (selected(p, kind)) {
        kinds.push_back(kind);
        break;
      }
  if (kinds.empty())
    throw_user_error(std::string("no ") + to_string(pass) + " GEMM points for dtype " + to_string(dtype) +
                     " to fit a curve to");
  std::vector<const GemmPoint*> sel;
  for (GemmKind kind : kinds)
    for (const auto& p : points)
      if (selected(p, kind)) sel.push_back(&p);
  // Columns: [flops of kind 0, t0 of kind 0, (flops of kind 1, t0 of kind 1,) bytes]. The bandwidth term
  // is shared: dense and grouped kernels stream operands from the same HBM, and only the dense tables
  // have the small-m points that pin it down. Row i is divided by the observed time t_i so the solve
  // minimises relative error; columns are scaled to O(1) for conditioning and unscaled afterwards.
  const auto rows = static_cast<Eigen::Index>(sel.size());
  const auto nk = static_cast<Eigen::Index>(kinds.size());
  const Eigen::Index bytes_col = 2 * nk;
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(rows, 2 * nk + 1);
  std::vector<Eigen::Index> row_kind(static_cast<size_t>(rows));
  for (Eigen::Index i = 0; i < rows; ++i) {
    const GemmPoint& p = *sel[static_cast<size_t>(i)];
    const Eigen::Index kk = p.kind == kinds[0] ? 0 : 1;
    row_kind[static_cast<size_t>(i)] = kk;
    const GemmShape s{p.m, p.n, p.k, p.groups};
    const double f = gemm_flops(s);
    const double t = f / p.flops_per_s;
    a(i, 2 * kk) = f / t;
    a(i, 2 * kk + 1) = 1.0 / t;
    a(i, bytes_col) = gemm_bytes(s, dtype) / t;
  }
  // With the bandwidth imposed, its share of each observed time moves to the right-hand side and only the
  // compute and overhead columns are solved for.
  const bool fixed = fixed_bytes_per_s > 0;
  const Eigen::MatrixXd solved = fixed ? Eigen::MatrixXd(a.leftCols(bytes_col)) : a;
  Eigen::VectorXd rhs = Eigen::VectorXd::Ones(rows);
  if (fixed) rhs -= a.col(bytes_col) / fixed_bytes_per_s;
  Eigen::VectorXd scale = solved.cwiseAbs().colwise().maxCoeff().transpose();
  for (Eigen::Index j = 0; j < scale.size(); ++j)
    if (scale(j) <= 0) scale(j) = 1;
  const Eigen::VectorXd xs = nnls_small(solved * scale.cwiseInverse().asDiagonal(), rhs).cwiseQuotient(scale);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(a.cols());
  x.head(xs.size()) = xs;
  if (fixed) x(bytes_col) = 1.0 / fixed_bytes_per_s;
  std::vector<GemmCurve> out;
  for (Eigen::Index kk = 0; kk < nk; ++kk) {
    GemmCurve c;
    c.kind = kinds[static_cast<size_t>(kk)];
    c.dtype = dtype;
    c.pass = pass;
    c.peak_flops_per_s = x(2 * kk) > 0 ? 1.0 / x(2 * kk) : 0;
    c.bytes_per_s = x(bytes_col) > 0 ? 1.0 / x(bytes_col) : 0;
    c.overhead_s = x(2 * kk + 1);
    double sq = 0;
    int n = 0;
    for (Eigen::Index i = 0; i < rows; ++i) {
      if (row_kind[static_cast<size_t>(i)] != kk) continue;
      sq += std::pow(a.row(i).dot(x) - 1.0, 2);
      ++n;
    }
    c.nrmse = n > 0 ? std::sqrt(sq / n) : 0;
    c.points = n;
    out.push_back(c);
  }
  return out;
}

GemmCurve fit_gemm_curve(const std::vector<GemmPoint>& points, GemmKind kind, DType dtype) {
  std::vector<GemmPoint> one;
  for (const auto& p : points)
    if (p.kind == kind) one.push_back(p);
  if (one.empty())
    throw_user_error(std::string("no ") + to_string(kind) + " GEMM points for dtype " + to_string(dtype) +
                     " to fit a curve to");
  return fit_gemm_curves(one, dtype).front();
}

MemoryCurve fit_memory_curve(const std::vector<MemoryPoint>& points) {
  MemoryCurve c;
  std::vector<const MemoryPoint*> sized;
  double rate_sum = 0;
  int rate_n = 0;
  for (const auto& p : points) {
    if (p.bytes_per_s <= 0) continue;
    if (p.bytes > 0) sized.push_back(&p);
    rate_sum += p.bytes_per_s;
    ++rate_n;
  }
  if (rate_n == 0) throw_user_error("no memory bandwidth points to fit a curve to");
  c.points = rate_n;
  if (sized.size() < 2) {
    // One size (or none stated): the bandwidth is the observed rate, no overhead can be separated.
    c.bytes_per_s = rate_sum / rate_n;
    c.overhead_s = 0;
    c.nrmse = 0;
    for (const auto& p : points)
      if (p.bytes_per_s > 0) c.nrmse += std::pow(p.bytes_per_s / c.bytes_per_s - 1.0, 2);
    c.nrmse = std::sqrt(c.nrmse / rate_n);
    return c;
  }
  const auto rows = static_cast<Eigen::Index>(sized.size());
  Eigen::MatrixXd a(rows, 2);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const MemoryPoint& p = *sized[static_cast<size_t>(i)];
    const double t = p.bytes / p.bytes_per_s;
    a(i, 0) = p.bytes / t;
    a(i, 1) = 1.0 / t;
  }
  Eigen::VectorXd scale = a.colwise().maxCoeff().transpose();
  Eigen::VectorXd x = nnls_small(a * scale.cwiseInverse().asDiagonal(), Eigen::VectorXd::Ones(rows))
                          .cwiseQuotient(scale);
  c.bytes_per_s = x(0) > 0 ? 1.0 / x(0) : 0;
  c.overhead_s = x(1);
  c.nrmse = relative_rms(a, x);
  c.points = static_cast<int>(rows);
  if (c.bytes_per_s <= 0) throw_user_error("memory points do not support a positive bandwidth");
  return c;
}

CommCurve fit_comm_curve(const std::vector<CommPoint>& points, FabricKind fabric) {
  std::vector<const CommPoint*> sel;
  for (const auto& p : points)
    if (p.fabric == fabric && p.efficiency > 0 && p.message_bytes > 0) sel.push_back(&p);
  if (sel.empty())
    throw_user_error(std::string("no collective points for fabric ") + to_string(fabric));
  // Row i: [1, 1/s_i] . [inv_peak, half_bytes] = 1/eff_i; divided by 1/eff_i for relative error in time.
  const auto rows = static_cast<Eigen::Index>(sel.size());
  Eigen::MatrixXd a(rows, 2);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const CommPoint& p = *sel[static_cast<size_t>(i)];
    a(i, 0) = p.efficiency;
    a(i, 1) = p.efficiency / p.message_bytes;
  }
  Eigen::VectorXd scale = a.colwise().maxCoeff().transpose();
  Eigen::VectorXd x = nnls_small(a * scale.cwiseInverse().asDiagonal(), Eigen::VectorXd::Ones(rows))
                          .cwiseQuotient(scale);
  CommCurve c;
  c.fabric = fabric;
  c.inv_peak = x(0);
  c.half_bytes = x(1);
  c.nrmse = relative_rms(a, x);
  c.points = static_cast<int>(rows);
  return c;
}

void fit_profile(Profile& profile) {
  profile.gemm_curves.clear();
  for (DType dt : {DType::kFp8, DType::kBf16, DType::kFp16, DType::kFp32}) {
    const bool any = std::any_of(profile.gemm_points.begin(), profile.gemm_points.end(),
                                 [&](const GemmPoint& p) { return p.dtype == dt; });
    if (!any) continue;
    double forward_bytes_per_s = 0;
    for (Pass pass : {Pass::kForward, Pass::kBackwardInput, Pass::kBackwardWeight}) {
      const bool has_pass = std::any_of(profile.gemm_points.begin(), profile.gemm_points.end(),
                                        [&](const GemmPoint& p) { return p.dtype == dt && p.pass == pass; });
      if (!has_pass) continue;
      for (GemmCurve& c : fit_gemm_curves(profile.gemm_points, dt, pass, forward_bytes_per_s)) {
        if (pass == Pass::kForward) forward_bytes_per_s = c.bytes_per_s;
        profile.gemm_curves.push_back(c);
      }
    }
  }
  profile.memory_curve = MemoryCurve{};
  if (!profile.memory_points.empty()) profile.memory_curve = fit_memory_curve(profile.memory_points);
  profile.comm_curves.clear();
  for (FabricKind f : {FabricKind::kNvlink, FabricKind::kPcie, FabricKind::kInfiniband, FabricKind::kRoce,
                       FabricKind::kEthernet, FabricKind::kInfinityFabric}) {
    const bool any = std::any_of(profile.comm_points.begin(), profile.comm_points.end(),
                                 [&](const CommPoint& p) { return p.fabric == f; });
    if (any) profile.comm_curves.push_back(fit_comm_curve(profile.comm_points, f));
  }
}

double gemm_time_s(const GemmCurve& c, const GemmShape& shape) {
  double t = c.overhead_s;
  if (c.peak_flops_per_s > 0) t += gemm_flops(shape) / c.peak_flops_per_s;
  if (c.bytes_per_s > 0) t += gemm_bytes(shape, c.dtype) / c.bytes_per_s;
  return t;
}

double memory_time_s(const MemoryCurve& c, double bytes) {
  return (c.bytes_per_s > 0 ? bytes / c.bytes_per_s : 0) + c.overhead_s;
}

double comm_efficiency(const CommCurve& c, double message_bytes) {
  if (message_bytes <= 0) return 0;
  const double denom = c.inv_peak + c.half_bytes / message_bytes;
  if (denom <= 0) return 1.0;
  return std::min(1.0, 1.0 / denom);
}

}  // namespace moeplan
