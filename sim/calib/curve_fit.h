// Curve fitting for calibration profiles: non-negative linear least squares (Eigen) of physically
// meaningful time models to measured or published points, and evaluation of the fitted curves.
//
// All fits minimise the relative error of predicted time, sum(((t_pred - t_obs) / t_obs)^2), because
// points span four orders of magnitude of time and a small decode GEMM matters as much as a big one.
// The reported fit error (nrmse) is the RMS of that relative error.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "sim/calib/profile.h"

namespace moeplan {

// Minimises |A x - b|^2 subject to x >= 0 for a handful of columns (exact: tries every subset of columns
// and keeps the best feasible one; with a tie the earlier subset in the order 1, 12, 13, 123, 2, 3, 23...
// of fewer columns wins). Columns left out are returned as 0.
Eigen::VectorXd nnls_small(const Eigen::MatrixXd& a, const Eigen::VectorXd& b);

// Fits time = flops / P_kind + bytes / B + t0_kind jointly to the dense and grouped points of one dtype and
// pass: compute rate and overhead per kind, one shared bandwidth term (both kernels stream from the same HBM;
// only the dense tables have the small-m points that pin it down). `fixed_bytes_per_s` > 0 imposes B instead
// of fitting it: weight-gradient tables reduce over thousands of tokens, so nothing in them is
// bandwidth-bound, and their curve takes the forward fit's HBM rate. Returns one curve per kind present,
// dense first, each with the RMS relative error over its own points. Throws a user Error with no points.
std::vector<GemmCurve> fit_gemm_curves(const std::vector<GemmPoint>& points, DType dtype,
                                       Pass pass = Pass::kForward, double fixed_bytes_per_s = 0);
// The same fit over the points of one kind only.
GemmCurve fit_gemm_curve(const std::vector<GemmPoint>& points, GemmKind kind, DType dtype);
// Fits time = bytes / B + t0; points without a byte count only set B (their mean rate).
MemoryCurve fit_memory_curve(const std::vector<MemoryPoint>& points);
// Fits 1 / efficiency = inv_peak + half_bytes / message_bytes for one fabric kind.
CommCurve fit_comm_curve(const std::vector<CommPoint>& points, FabricKind fabric);

// Replaces every curve of `profile` by a fit to its points (one GEMM curve per (kind, dtype, pass) present;
// a non-forward pass shares the bandwidth term of its dtype's forward fit when there is one).
void fit_profile(Profile& profile);

double gemm_time_s(const GemmCurve& curve, const GemmShape& shape);
double memory_time_s(const MemoryCurve& curve, double bytes);
double comm_efficiency(const CommCurve& curve, double message_bytes);

}  // namespace moeplan
