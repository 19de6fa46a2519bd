// YAML writing of calibration profiles: one flow-style line per point so a reviewer can diff them.
#include <fstream>

#include <yaml-cpp/yaml.h>

#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {

namespace {

constexpr double kTera = 1e12, kGiga = 1e9, kMicro = 1e-6;

void emit_source(YAML::Emitter& out, const PointSource& s) {
  out << YAML::Key << "source" << YAML::Value << s.source;
  if (!s.derived.empty()) out << YAML::Key << "derived" << YAML::Value << s.derived;
  if (s.unverified) out << YAML::Key << "unverified" << YAML::Value << true;
}

}  // namespace

std::string profile_to_yaml(const Profile& p) {
  YAML::Emitter out;
  out.SetDoublePrecision(6);
  out << YAML::BeginMap;
  out << YAML::Key << "moeplan_profile" << YAML::Value << kProfileFormatVersion;

  const ProfileHeader& h = p.header;
  out << YAML::Key << "header" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "gpu" << YAML::Value << h.gpu;
  out << YAML::Key << "device" << YAML::Value << h.device;
  if (h.sm_count > 0) out << YAML::Key << "sm_count" << YAML::Value << h.sm_count;
  if (h.boost_clock_mhz > 0) out << YAML::Key << "boost_clock_mhz" << YAML::Value << h.boost_clock_mhz;
  if (h.memory_clock_mhz > 0) out << YAML::Key << "memory_clock_mhz" << YAML::Value << h.memory_clock_mhz;
  if (!h.driver.empty()) out << YAML::Key << "driver" << YAML::Value << YAML::DoubleQuoted << h.driver;
  if (!h.cuda.empty()) out << YAML::Key << "cuda" << YAML::Value << YAML::DoubleQuoted << h.cuda;
  out << YAML::Key << "date" << YAML::Value << YAML::DoubleQuoted << h.date;
  if (!h.moeplan_version.empty())
    out << YAML::Key << "moeplan_version" << YAML::Value << YAML::DoubleQuoted << h.moeplan_version;
  out << YAML::Key << "method" << YAML::Value << h.method;
  if (!h.provenance.empty()) out << YAML::Key << "provenance" << YAML::Value << h.provenance;
  if (!h.derived_from.empty()) out << YAML::Key << "derived_from" << YAML::Value << h.derived_from;
  out << YAML::Key << "sources" << YAML::Value << h.sources;
  if (!h.notes.empty()) out << YAML::Key << "notes" << YAML::Value << h.notes;
  out << YAML::EndMap;

  if (!p.gemm_points.empty()) {
    out << YAML::Key << "gemm" << YAML::Value << YAML::BeginSeq;
    for (const auto& g : p.gemm_points) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "op" << YAML::Value << (g.kind == GemmKind::kDense ? "gemm" : "grouped_gemm");
      if (g.pass != Pass::kForward) out << YAML::Key << "pass" << YAML::Value << to_string(g.pass);
      out << YAML::Key << "dtype" << YAML::Value << to_string(g.dtype);
      out << YAML::Key << "m" << YAML::Value << g.m << YAML::Key << "n" << YAML::Value << g.n;
      out << YAML::Key << "k" << YAML::Value << g.k;
      if (g.groups != 1) out << YAML::Key << "groups" << YAML::Value << g.groups;
      out << YAML::Key << "tflops" << YAML::Value << g.flops_per_s / kTera;
      emit_source(out, g.src);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!p.attention_points.empty()) {
    out << YAML::Key << "attention" << YAML::Value << YAML::BeginSeq;
    for (const auto& a : p.attention_points) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "pass" << YAML::Value << (a.forward_backward ? "forward_backward" : to_string(a.pass));
      if (a.kernel) out << YAML::Key << "kernel" << YAML::Value << to_string(*a.kernel);
      out << YAML::Key << "dtype" << YAML::Value << to_string(a.dtype);
      out << YAML::Key << "tokens" << YAML::Value << a.tokens;
      if (a.head_dim > 0) out << YAML::Key << "head_dim" << YAML::Value << a.head_dim;
      if (a.causal) out << YAML::Key << "causal" << YAML::Value << *a.causal;
      out << YAML::Key << "tflops" << YAML::Value << a.flops_per_s / kTera;
      emit_source(out, a.src);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!p.memory_points.empty()) {
    out << YAML::Key << "memory" << YAML::Value << YAML::BeginSeq;
    for (const auto& m : p.memory_points) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "kernel" << YAML::Value << m.kernel;
      if (m.bytes > 0) out << YAML::Key << "bytes" << YAML::Value << m.bytes;
      out << YAML::Key << "gb_per_s" << YAML::Value << m.bytes_per_s / kGiga;
      emit_source(out, m.src);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!p.comm_points.empty()) {
    out << YAML::Key << "comm" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : p.comm_points) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "fabric" << YAML::Value << to_string(c.fabric);
      out << YAML::Key << "message_bytes" << YAML::Value << c.message_bytes;
      out << YAML::Key << "efficiency" << YAML::Value << c.efficiency;
      emit_source(out, c.src);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!p.sustained_points.empty()) {
    out << YAML::Key << "sustained" << YAML::Value << YAML::BeginSeq;
    for (const auto& s : p.sustained_points) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "dtype" << YAML::Value << to_string(s.dtype);
      out << YAML::Key << "m" << YAML::Value << s.m << YAML::Key << "n" << YAML::Value << s.n;
      out << YAML::Key << "k" << YAML::Value << s.k;
      out << YAML::Key << "seconds" << YAML::Value << s.seconds;
      out << YAML::Key << "burst_tflops" << YAML::Value << s.burst_flops_per_s / kTera;
      out << YAML::Key << "sustained_tflops" << YAML::Value << s.sustained_flops_per_s / kTera;
      if (s.sm_clock_mhz_burst > 0) out << YAML::Key << "sm_clock_mhz_burst" << YAML::Value << s.sm_clock_mhz_burst;
      if (s.sm_clock_mhz_sustained > 0)
        out << YAML::Key << "sm_clock_mhz_sustained" << YAML::Value << s.sm_clock_mhz_sustained;
      if (s.power_w > 0) out << YAML::Key << "power_w" << YAML::Value << s.power_w;
      if (s.temperature_c > 0) out << YAML::Key << "temperature_c" << YAML::Value << s.temperature_c;
      if (!s.throttle.empty()) out << YAML::Key << "throttle" << YAML::Value << s.throttle;
      emit_source(out, s.src);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (p.overheads.present) {
    const Overheads& o = p.overheads;
    out << YAML::Key << "overheads" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "kernel_gap_us" << YAML::Value << o.kernel_gap_s / kMicro;
    out << YAML::Key << "kernel_gap_graph_us" << YAML::Value << o.kernel_gap_graph_s / kMicro;
    emit_source(out, o.src);
    out << YAML::EndMap;
  }

  out << YAML::Key << "curves" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "gemm" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : p.gemm_curves) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "op" << YAML::Value << (c.kind == GemmKind::kDense ? "gemm" : "grouped_gemm");
    if (c.pass != Pass::kForward) out << YAML::Key << "pass" << YAML::Value << to_string(c.pass);
    out << YAML::Key << "dtype" << YAML::Value << to_string(c.dtype);
    out << YAML::Key << "peak_tflops" << YAML::Value << c.peak_flops_per_s / kTera;
    out << YAML::Key << "bandwidth_gb_per_s" << YAML::Value << c.bytes_per_s / kGiga;
    out << YAML::Key << "overhead_us" << YAML::Value << c.overhead_s / kMicro;
    out << YAML::Key << "nrmse" << YAML::Value << c.nrmse;
    out << YAML::Key << "points" << YAML::Value << c.points;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (p.memory_curve.bytes_per_s > 0) {
    out << YAML::Key << "memory" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "bandwidth_gb_per_s" << YAML::Value << p.memory_curve.bytes_per_s / kGiga;
    out << YAML::Key << "overhead_us" << YAML::Value << p.memory_curve.overhead_s / kMicro;
    out << YAML::Key << "nrmse" << YAML::Value << p.memory_curve.nrmse;
    out << YAML::Key << "points" << YAML::Value << p.memory_curve.points;
    out << YAML::EndMap;
  }
  out << YAML::Key << "comm" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : p.comm_curves) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "fabric" << YAML::Value << to_string(c.fabric);
    out << YAML::Key << "inv_peak" << YAML::Value << c.inv_peak;
    out << YAML::Key << "half_bytes" << YAML::Value << c.half_bytes;
    out << YAML::Key << "nrmse" << YAML::Value << c.nrmse;
    out << YAML::Key << "points" << YAML::Value << c.points;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void write_profile(const Profile& profile, const std::string& path) {
  std::ofstream f(path);
  if (!f) {
    ErrorContext c;
    c.file = path;
    throw_user_error("cannot write calibration profile", c);
  }
  f << profile_to_yaml(profile);
  if (!f) {
    ErrorContext c;
    c.file = path;
    throw_user_error("error while writing calibration profile", c);
  }
}

}  // namespace moeplan
