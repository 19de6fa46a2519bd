// Streaming DiLoCo / DiLoCo compute-utilisation rows (see streaming_diloco_rows.h and the data file's header).
#include "sim/validate/streaming_diloco_rows.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "sim/io/dp_sync_yaml.h"
#include "sim/io/yaml_reader.h"
#include "sim/units/units.h"
#include "sim/workload/outer_sync.h"

namespace moeplan {
namespace {

namespace fs = std::filesystem;

struct PaperModel {
  std::string name;
  double params = 0;
  int layers = 0;
  double step_s = 0;
};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

PaperModel read_model(const io::YamlField& f) {
  f.require_map("{name, params, layers, step_time}");
  f.expect_keys({"name", "params", "layers", "step_time"});
  PaperModel m;
  m.name = f.at("name", "the paper's model name").as_string();
  m.params = f.at("params", "a parameter count such as 10e9").as_double("a parameter count");
  m.layers = f.at("layers", "the transformer blocks").as_int_in(1, 1 << 16);
  m.step_s = f.at("step_time", "a duration such as \"0.8 s\"").as_quantity(units::parse_duration, "a duration");
  if (!(m.params > 0)) f.find("params")->fail("must be positive");
  if (!(m.step_s > 0)) f.find("step_time")->fail("must be positive");
  return m;
}

// One compute-utilisation figure: the cost model run with the paper's inputs at `gbps`.
double predicted_cu(const PaperModel& pm, const DpSyncSpec& sync, double gbps, int replicas, double backward_share,
                    double latency_s, const io::YamlField& sync_field) {
  OuterSyncInput in;
  in.step_compute_s = pm.step_s;
  in.backward_s = backward_share * pm.step_s;
  in.params = pm.params;
  in.n_layers = pm.layers;
  in.replicas = replicas;
  in.wan = WanPath{.bandwidth_Bps = gbps * 1e9 / 8, .latency_s = latency_s, .hops = 1};
  in.sync = sync;
  try {
    validate_against_layers(in.sync, pm.layers, sync_field.path());
  } catch (const Error& e) {
    throw e.with_context(sync_field.context());
  }
  return 100 * outer_sync_cost(in).compute_utilisation;
}

DpSyncSpec read_sync(const io::YamlField& f) {
  const DpSyncSpec sync = io::read_dp_sync(f);
  try {
    validate(sync, f.path());
  } catch (const Error& e) {
    throw e.with_context(f.context());
  }
  return sync;
}

std::string group_of(const std::string& source) {
  return source.find("2501.18512") != std::string::npos ? "Streaming DiLoCo" : "DiLoCo scaling laws";
}

}  // namespace

std::vector<ScaleOutValidationRow> streaming_diloco_rows_from_file(const std::string& path) {
  io::YamlSource source(path);
  const io::YamlField root(io::load_yaml_file(path), "", &source);
  root.require_map("{cu_levels, replicas, backward_share, latency, tables, points}");
  root.expect_keys({"cu_levels", "replicas", "backward_share", "latency", "tables", "points"});
  std::vector<double> levels;
  for (const io::YamlField& l : root.at("cu_levels", "the CU levels of the table's columns").items("percentages"))
    levels.push_back(l.as_double("a percentage"));
  const int replicas = root.at("replicas", "M, the replicas the papers simulate").as_int_in(1, 1 << 20);
  const double backward_share = root.at("backward_share", "the backward pass's share of a step").as_double();
  if (!(backward_share >= 0 && backward_share <= 1)) root.find("backward_share")->fail("must lie in [0, 1]");
  const double latency_s = root.get_quantity("latency", units::parse_duration, 0, "a duration such as \"10 ms\"");

  std::vector<ScaleOutValidationRow> rows;
  for (const io::YamlField& table : root.at("tables", "a list of {source, models, methods}").items("tables")) {
    table.require_map("{source, models, methods}");
    table.expect_keys({"source", "models", "methods"});
    const std::string src = table.at("source", "the paper and table").as_string();
    std::map<std::string, PaperModel> models;
    std::vector<std::string> order;
    for (const io::YamlField& m : table.at("models", "the table's models").items("models")) {
      PaperModel pm = read_model(m);
      order.push_back(pm.name);
      models[pm.name] = pm;
    }
    for (const io::YamlField& method : table.at("methods", "the table's methods").items("methods")) {
      method.require_map("{name, dp_sync, gbps}");
      method.expect_keys({"name", "dp_sync", "gbps"});
      const std::string name = method.at("name", "the method's row label").as_string();
      const io::YamlField sync_field = method.at("dp_sync", "a parallel.dp_sync value");
      const DpSyncSpec sync = read_sync(sync_field);
      const io::YamlField gbps = method.at("gbps", "{model: [Gbit/s per CU level]}");
      gbps.require_map("{model: [Gbit/s per CU level]}");
      gbps.expect_keys(order);
      for (const std::string& model_name : order) {
        const auto cells = gbps.find(model_name);
        if (!cells) continue;
        const std::vector<io::YamlField> values = cells->items("one bandwidth (or null) per CU level");
        if (values.size() != levels.size())
          cells->fail(std::to_string(values.size()) + " bandwidths for " + std::to_string(levels.size()) + " CU levels",
                      "one per CU level (null where the paper gives none)");
        const PaperModel& pm = models.at(model_name);
        for (size_t i = 0; i < values.size(); ++i) {
          if (values[i].is_null()) continue;
          const double g = values[i].as_double("Gbit/s");
          if (!(g > 0)) values[i].fail("must be positive", "Gbit/s");
          ScaleOutValidationRow row;
          row.group = group_of(src);
          row.name = pm.name + ", " + name + ", " + number(levels[i]) + " % CU at " + number(g) + " Gbit/s";
          row.metric = "compute utilisation %";
          row.source = src;
          row.published = levels[i];
          row.predicted = predicted_cu(pm, sync, g, replicas, backward_share, latency_s, sync_field);
          row.tolerance_points = kStreamingDilocoTolerancePoints;
          rows.push_back(row);
        }
      }
    }
  }
  if (auto points = root.find("points")) {
    for (const io::YamlField& p : points->items("a list of {source, model, method, dp_sync, gbps, cu}")) {
      p.require_map("{source, model, method, dp_sync, gbps, cu}");
      p.expect_keys({"source", "model", "method", "dp_sync", "gbps", "cu"});
      const PaperModel pm = read_model(p.at("model", "{name, params, layers, step_time}"));
      const io::YamlField sync_field = p.at("dp_sync", "a parallel.dp_sync value");
      const DpSyncSpec sync = read_sync(sync_field);
      const double g = p.at("gbps", "Gbit/s").as_double("Gbit/s");
      if (!(g > 0)) p.find("gbps")->fail("must be positive", "Gbit/s");
      ScaleOutValidationRow row;
      row.source = p.at("source", "the paper and table").as_string();
      row.group = group_of(row.source);
      row.name = pm.name + ", " + p.at("method", "the method's label").as_string() + ", CU at " + number(g) + " Gbit/s";
      row.metric = "compute utilisation %";
      row.published = p.at("cu", "the published (or derived) CU in percent").as_double("a percentage");
      row.predicted = predicted_cu(pm, sync, g, replicas, backward_share, latency_s, sync_field);
      row.tolerance_points = kStreamingDilocoTolerancePoints;
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<ScaleOutValidationRow> run_streaming_diloco_rows(const std::string& validation_dir) {
  const fs::path path = fs::path(validation_dir) / "scale-out" / "streaming-diloco-cu.yaml";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {};
  return streaming_diloco_rows_from_file(path.string());
}

}  // namespace moeplan
