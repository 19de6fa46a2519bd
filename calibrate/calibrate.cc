// run_calibration: header, backend timing, optional comm points, fit, write; and the text summary.
#include "calibrate/calibrate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include "calibrate/backends.h"
#include "calibrate/shape_grid.h"
#include "moeplan/version.h"
#include "sim/calib/curve_fit.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {

namespace {

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// "model name" and "cpu MHz" of the first processor in /proc/cpuinfo (Linux); empty elsewhere.
void describe_cpu(ProfileHeader& h) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "model name" && h.device.empty()) h.device = value;
    if (key == "cpu MHz" && h.boost_clock_mhz == 0) h.boost_clock_mhz = std::atof(value.c_str());
  }
  if (h.device.empty()) h.device = "unknown CPU";
  h.sm_count = static_cast<int>(std::thread::hardware_concurrency());  // cores stand in for SMs
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int copy_unmeasured_comm_points(const Profile& from, Profile& into) {
  std::vector<FabricKind> measured;
  for (const CommPoint& c : into.comm_points) measured.push_back(c.fabric);
  int copied = 0;
  for (const CommPoint& c : from.comm_points)
    if (std::find(measured.begin(), measured.end(), c.fabric) == measured.end()) {
      into.comm_points.push_back(c);
      ++copied;
    }
  return copied;
}

CalibrationReport run_calibration(const CalibrateOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.backend != "cpu" && options.backend != "cuda") {
    ErrorContext c;
    c.key_path = "backend";
    c.expected = "cpu or cuda";
    throw_user_error("unknown calibration backend `" + options.backend + "`", c);
  }
  if (options.backend == "cpu" && !options.gpu.empty()) {
    ErrorContext c;
    c.key_path = "--gpu";
    c.hint = "--gpu names the GPU the cuda backend measures; the cpu backend measures this CPU";
    throw_user_error("--gpu `" + options.gpu + "` given with --backend cpu", c);
  }
  CalibrationReport report;
  report.backend = options.backend;
  Profile& p = report.profile;
  ProfileHeader& h = p.header;
  h.date = today_utc();
  h.moeplan_version = MOEPLAN_VERSION;
  h.provenance = "measured";
  BackendResult r;
  if (options.backend == "cpu") {
    h.gpu = "cpu";
    h.method = "measured-cpu";
    h.driver = "n/a";
    h.cuda = "n/a";
    describe_cpu(h);
    h.sources.push_back("moeplan calibrate --backend cpu" + std::string(options.quick ? " --quick" : "") +
                        ": CPU reference kernels on DeepSeek-V3 shapes with every dimension / 16");
    r = measure_cpu(deepseek_v3_grid(false), options.quick, p);
  } else {
    h.gpu = options.gpu.empty() ? "cuda-device" : options.gpu;
    h.method = "measured-cuda";
    h.sources.push_back("moeplan calibrate --backend cuda" + std::string(options.quick ? " --quick" : "") +
                        ": DeepSeek-V3 GEMM, MLA decode and copy shapes");
    r = measure_cuda(deepseek_v3_grid(!options.quick), options.quick, options.scale_up, p);
  }
  const bool cpu = options.backend == "cpu";
  const double default_sustain_s = cpu ? (options.quick ? 0.6 : 2.0) : (options.quick ? 15.0 : 60.0);
  const double sustain_s = options.sustain_s >= 0 ? options.sustain_s : default_sustain_s;
  if (sustain_s > 0) {
    if (cpu)
      measure_cpu_sustained(sustain_s, p, r);
    else
      measure_cuda_sustained(sustain_s, p, r);
  } else {
    r.skipped.push_back("sustained-load run: --sustain-seconds 0; the short-run rates are used as they are");
  }
  report.kernels_timed = r.kernels_timed;
  report.skipped = r.skipped;

  if (!options.comm_profile_path.empty()) {
    const int copied = copy_unmeasured_comm_points(read_profile(options.comm_profile_path), p);
    h.notes.push_back("comm points of the fabrics this run did not measure (" + std::to_string(copied) +
                      ") copied from " + options.comm_profile_path);
  }
  for (const auto& s : report.skipped) h.notes.push_back("not measured: " + s);
  fit_profile(p);

  if (!options.out_path.empty()) {
    write_profile(p, options.out_path);
    report.out_path = options.out_path;
    p.path = options.out_path;
  }
  report.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string summarize(const CalibrationReport& r) {
  const Profile& p = r.profile;
  std::string s = "calibration (" + r.backend + ") on " + p.header.device + ": " +
                  std::to_string(r.kernels_timed) + " kernels timed in " + fmt("%.1f", r.wall_time_s) + " s\n";
  s += "  points: " + std::to_string(p.gemm_points.size()) + " GEMM, " +
       std::to_string(p.attention_points.size()) + " attention, " + std::to_string(p.memory_points.size()) +
       " memory, " + std::to_string(p.comm_points.size()) + " comm\n";
  for (const GemmCurve& c : p.gemm_curves)
    s += std::string("  ") + to_string(c.kind) + " " + to_string(c.dtype) +
         (c.pass == Pass::kForward ? std::string() : std::string(" ") + to_string(c.pass)) + ": time = flops / " +
         fmt("%.4g", c.peak_flops_per_s / 1e12) + " TFLOP/s + bytes / " + fmt("%.4g", c.bytes_per_s / 1e9) +
         " GB/s + " + fmt("%.3g", c.overhead_s * 1e6) + " us   (fit error " + fmt("%.1f", 100 * c.nrmse) +
         "% RMS over " + std::to_string(c.points) + " points)\n";
  if (p.memory_curve.bytes_per_s > 0)
    s += "  memory: " + fmt("%.4g", p.memory_curve.bytes_per_s / 1e9) + " GB/s + " +
         fmt("%.3g", p.memory_curve.overhead_s * 1e6) + " us   (fit error " +
         fmt("%.1f", 100 * p.memory_curve.nrmse) + "%)\n";
  for (const CommCurve& c : p.comm_curves)
    s += std::string("  comm ") + to_string(c.fabric) + ": efficiency = 1 / (" + fmt("%.3g", c.inv_peak) +
         " + " + fmt("%.3g", c.half_bytes) + " B / message)\n";
  for (const SustainedPoint& sp : p.sustained_points) {
    s += std::string("  sustained ") + to_string(sp.dtype) + ": " + fmt("%.4g", sp.sustained_flops_per_s / 1e12) +
         " TFLOP/s after " + fmt("%.3g", sp.seconds) + " s vs " + fmt("%.4g", sp.burst_flops_per_s / 1e12) +
         " at the start (x" + fmt("%.3f", sp.ratio()) + ")";
    if (sp.sm_clock_mhz_sustained > 0)
      s += "; SM clock " + fmt("%.0f", sp.sm_clock_mhz_burst) + " -> " + fmt("%.0f", sp.sm_clock_mhz_sustained) +
           " MHz, " + fmt("%.0f", sp.power_w) + " W, " + fmt("%.0f", sp.temperature_c) + " C, limits: " + sp.throttle;
    s += "\n";
  }
  for (const auto& k : r.skipped) s += "  not measured: " + k + "\n";
  if (!r.out_path.empty()) s += "  profile written to " + r.out_path + "\n";
  return s;
}

}  // namespace moeplan
