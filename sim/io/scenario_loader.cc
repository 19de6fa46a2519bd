// Scenario files -> Scenario (see scenario_loader.h; schema in docs/scenario-format.md).
#include "sim/io/scenario_loader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/io/availability_yaml.h"
#include "sim/io/constraints_yaml.h"
#include "sim/io/hf_config.h"
#include "sim/io/hf_hub.h"
#include "sim/io/input_file.h"
#include "sim/io/model_yaml.h"
#include "sim/io/scenario_sections.h"
#include "sim/io/sites_yaml.h"
#include "sim/io/yaml_override.h"
#include "sim/io/yaml_reader.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTopLevelKeys = {"name", "description", "model", "cluster", "parallel",
                                                "precision", "training", "price", "failures", "routing",
                                                "gpu_variation", "software", "calibration", "fidelity", "seed",
                                                "sweep", "validation", "availability",
                                                "constraints", "sites", "wan", "compare"};

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || (s.size() > 5 && s.compare(s.size() - 5, 5, ".json") == 0);
}

ModelSpec read_model_field(const YamlField& f, const Catalog& catalog, const std::string& base_dir) {
  if (f.is_map()) {
    ModelSpec base;
    std::string name;
    if (auto from = f.find("from")) {
      const std::string base_name = from->as_string("a catalog model name");
      try {
        base = catalog.model(base_name);
      } catch (const Error& e) {
        throw e.with_context(from->context());
      }
      name = base.name + "-custom";
    }
    if (auto n = f.find("name")) name = n->as_string("a model name");
    if (name.empty()) f.at("name", "a name for the inline model (or `from: <catalog model>`)");
    ModelSpec m = read_model(f, base, {"name", "from"});
    m.name = name;
    if (m.source.empty()) m.source = "inline in scenario";
    return m;
  }
  const std::string text =
      f.as_string("a catalog model name, a path to a config.json, hf:<org>/<name> (local cache), or a mapping");
  try {
    if (text.rfind("hf:", 0) == 0) return load_hf_hub_model(text.substr(3));
    if (!looks_like_path(text)) return catalog.model(text);
    fs::path p(text);
    if (p.is_relative() && !base_dir.empty() && fs::exists(fs::path(base_dir) / p)) p = fs::path(base_dir) / p;
    return load_hf_config(p.string());
  } catch (const Error& e) {
    // The config file's own errors keep their file; the scenario position goes into the hint.
    if (!e.context().file.empty()) {
      const ErrorContext here = f.context();
      ErrorContext c = e.context();
      const std::string where = here.file + (here.line > 0 ? ":" + std::to_string(here.line) : "");
      c.hint = (c.hint.empty() ? "" : c.hint + "; ") + "referenced from " + where;
      throw Error(e.kind(), e.message(), c);
    }
    throw e.with_context(f.context());
  }
}

std::vector<SweepAxis> read_sweep(const YamlField& f) {
  f.require_map("{dotted.key: [values...], ...}");
  std::vector<SweepAxis> axes;
  for (const auto& [key, values] : f.entries()) {
    SweepAxis axis;
    try {
      axis.key = normalize_key_path(key);
    } catch (const Error& e) {
      throw e.with_context(values.context());  // a malformed axis key is placed at its line in the file
    }
    const std::string top = axis.key.substr(0, axis.key.find_first_of(".["));
    bool known = false;
    for (const std::string& k : kTopLevelKeys) known = known || (k == top && k != "sweep" && k != "compare");
    if (!known) values.fail("sweep axis `" + key + "` does not name a scenario key", "a dotted key such as parallel.pp");
    auto as_text = [](const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : YAML::Dump(n); };
    if (values.is_sequence()) {
      for (const YamlField& v : values.items("a list of values")) axis.values.push_back(as_text(v.node()));
    } else {
      axis.values.push_back(as_text(values.node()));
    }
    if (axis.values.empty()) values.fail("a sweep axis needs at least one value", "a list of values");
    axes.push_back(axis);
  }
  return axes;
}

// `compare:`: a list of {name, set: {dotted.key: value, ...}}; values may be whole YAML lists or mappings
// (e.g. a different `sites:` list).
std::vector<CompareOption> read_compare(const YamlField& f) {
  std::vector<CompareOption> out;
  for (const YamlField& item : f.items("a list of {name, set: {dotted.key: value}}")) {
    item.require_map("{name, set: {dotted.key: value, ...}}");
    item.expect_keys({"name", "set"});
    CompareOption o;
    o.name = item.at("name", "a name for the option").as_string("a name");
    if (auto set = item.find("set")) {
      set->require_map("{dotted.key: value, ...}");
      for (const auto& [key, value] : set->entries()) {
        const std::string top = key.substr(0, key.find_first_of(".["));
        bool known = false;
        for (const std::string& k : kTopLevelKeys) known = known || (k == top && k != "sweep" && k != "compare");
        if (!known) value.fail("`" + key + "` does not name a scenario key", "a dotted key such as parallel.pp");
        o.overrides.push_back(key + "=" + YAML::Dump(value.node()));
      }
    }
    out.push_back(o);
  }
  if (out.empty()) f.fail("`compare:` lists no option", "at least one {name, set}");
  return out;
}

// Converts every section except `sweep` (read separately by load(), which also checks its values).
Scenario convert(const YAML::Node& root_node, YamlSource& source, const Catalog& catalog,
                 const std::string& base_dir) {
  YamlField root(root_node, "", &source);
  if (!root.is_map()) root.fail("a scenario file must be a mapping", "name, model, cluster, parallel, training, ...");
  root.expect_keys(kTopLevelKeys);
  Scenario s;
  s.name = root.get_string("name", fs::path(source.file()).stem().string());
  s.model = read_model_field(root.at("model", "a catalog model name, a config.json path, or a mapping"), catalog,
                             base_dir);
  if (auto sites = root.find("sites")) {
    // Multi-site: the sites are the cluster (sites_yaml.h); `cluster:` beside them would be ambiguous.
    if (auto c = root.find("cluster"))
      c->fail("a scenario gives either `cluster:` or `sites:`, not both", "one of them",
              "move the cluster's GPUs into a site");
    s.sites = read_sites(*sites, root.find("wan"), catalog);
    s.cluster = whole_cluster_of(s.sites);
  } else {
    if (auto w = root.find("wan")) w->fail("`wan:` joins sites, and this scenario lists none", "a `sites:` list");
    s.cluster = read_cluster(root.at("cluster", "{gpu, nodes, gpus_per_node, ...} (or `sites:`)"), catalog);
  }
  const int gpus = s.cluster.n_gpus();
  if (auto p = root.find("parallel")) {
    s.parallel = read_parallel(*p, ParallelPlan{}, gpus, true);
  } else {
    s.parallel.dp = gpus;  // no plan given: pure data parallelism
    if (gpus == 1) s.parallel.zero_stage = 0;
  }
  if (auto p = root.find("precision")) s.precision = read_precision(*p);
  s.training = read_training(root.at("training", "{phases: [...]}"), s.parallel, s.cluster, catalog);
  if (auto p = root.find("price")) s.price = read_price(*p);
  // No rental price given: the GPU's dated catalog quote, named as such.
  if (s.price.mode == PriceSpec::Mode::kRental && s.price.usd_per_gpu_hour == 0 &&
      s.cluster.gpu.rental.usd_per_gpu_hour > 0) {
    use_catalog_rental(s.price, s.cluster.gpu);
  }
  if (auto p = root.find("failures")) s.failures = read_failures(*p);
  if (auto p = root.find("availability")) s.availability = read_availability(*p, s.cluster);
  if (auto p = root.find("routing")) s.routing = read_routing(*p);
  if (auto p = root.find("gpu_variation")) s.gpu_variation = read_gpu_variation(*p);
  if (auto p = root.find("software")) s.software = read_software(*p, catalog);
  if (auto p = root.find("constraints")) {
    s.constraints = read_constraints(*p);
    if (auto fw = p->find("framework"))
      apply_framework(s.constraints, read_software(*fw, catalog), *fw);
  }
  s.calibration = root.get_string("calibration", "");
  if (auto p = root.find("fidelity"))
    s.fidelity = p->as_enum<Fidelity>(
        {{"analytic", Fidelity::kAnalytic}, {"des", Fidelity::kDes}, {"des-full", Fidelity::kDesFull}}, "fidelity");
  if (auto p = root.find("seed")) {
    const long long seed = p->as_int64("a non-negative integer");
    if (seed < 0) p->fail("seed must be >= 0", "a non-negative integer");
    s.seed = static_cast<std::uint64_t>(seed);
  }
  return s;
}

// Spec validation, with each error placed at the line of the key it names.
void validate_located(const Scenario& s, const YamlSource& source) {
  auto locate = [&](const Error& e, std::string key) -> Error {
    if (key.rfind("gpu.", 0) == 0) key = "cluster.gpu";       // catalog GPU fields
    if (key.rfind("fabric.", 0) == 0) key = "cluster";        // catalog fabric fields
    ErrorContext c = source.context(key);
    c.key_path = e.context().key_path.empty() ? key : e.context().key_path;
    return e.with_context(c);
  };
  // Phase plans first, so that their errors name the phase rather than the scenario's plan.
  for (size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    if (!ph.parallel_overridden) continue;
    try {
      validate(ph.parallel);
    } catch (const Error& e) {
      std::string key = e.context().key_path;
      const std::string prefix = "training.phases[" + std::to_string(i) + "].";
      if (key.rfind("parallel", 0) == 0) key = prefix + key;
      ErrorContext c = source.context(key);
      ErrorContext inner = e.context();
      inner.key_path = key;
      inner.file = c.file;
      inner.line = c.line;
      inner.column = c.column;
      throw Error(e.kind(), e.message(), inner);
    }
  }
  try {
    validate(s);
  } catch (const Error& e) {
    throw locate(e, e.context().key_path);
  }
}

Scenario load(const std::string& text, const std::string& file_for_messages, const std::string& base_dir,
              const Catalog& catalog, const std::vector<std::string>& overrides) {
  YAML::Node root = parse_yaml(text, file_for_messages);
  YamlSource source(file_for_messages);
  for (const std::string& o : overrides) {
    const auto [key, value] = split_override(o);
    try {
      apply_override(root, key, value);
    } catch (const Error& e) {
      throw e.with_context(ErrorContext{.file = "override `" + o + "`"});
    }
    source.mark_override(normalize_key_path(key), o);
  }
  Scenario s = convert(root, source, catalog, base_dir);
  // Every comparison option must load on its own (placed at the option when it does not).
  // (`compare: []`, as the comparison itself loads each option, turns the list off.)
  if (auto cmp = YamlField(root, "", &source).find("compare"); cmp && !(cmp->is_sequence() && cmp->node().size() == 0)) {
    s.compare = read_compare(*cmp);
    for (size_t i = 0; i < s.compare.size(); ++i) {
      YAML::Node copy = YAML::Clone(root);
      copy.remove("compare");
      YamlSource option_source(file_for_messages);
      try {
        for (const std::string& o : s.compare[i].overrides) {
          const auto [key, value] = split_override(o);
          apply_override(copy, key, value);
          option_source.mark_override(normalize_key_path(key), o);
        }
        validate_located(convert(copy, option_source, catalog, base_dir), option_source);
      } catch (const Error& e) {
        ErrorContext c = source.context("compare[" + std::to_string(i) + "]");
        c.expected = e.context().expected;
        c.hint = e.context().hint;
        throw Error(e.kind(), "comparison option `" + s.compare[i].name + "`: " + e.message(), c);
      }
    }
  }
  // Check every sweep value converts on its own (types, units, names), so a typo fails now rather than
  // hours into a sweep. Combinations are validated when the sweep runs them.
  if (auto sw = YamlField(root, "", &source).find("sweep")) {
    s.sweep = read_sweep(*sw);
    for (const SweepAxis& axis : s.sweep) {
      for (const std::string& value : axis.values) {
        YAML::Node copy = YAML::Clone(root);
        copy.remove("sweep");
        YamlSource sweep_source(file_for_messages);
        try {
          apply_override(copy, axis.key, value);
          sweep_source.mark_override(axis.key, axis.key + "=" + value);
          convert(copy, sweep_source, catalog, base_dir);
        } catch (const Error& e) {
          // Report at the sweep axis in the file, naming the value that failed.
          ErrorContext c = source.context("sweep." + axis.key);
          c.expected = e.context().expected;
          c.hint = e.context().hint;
          throw Error(e.kind(), "sweep value `" + value + "`: " + e.message(), c);
        }
      }
    }
  }
  validate_located(s, source);
  return s;
}

}  // namespace

Scenario load_scenario(const std::string& path, const Catalog& catalog, const std::vector<std::string>& overrides) {
  Scenario s = load(read_input_file(path, "scenario file"), path, fs::path(path).parent_path().string(), catalog, overrides);
  s.file = path;
  return s;
}

Scenario load_scenario_text(const std::string& yaml, const std::string& name_for_messages, const Catalog& catalog,
                            const std::vector<std::string>& overrides) {
  return load(yaml, name_for_messages, "", catalog, overrides);
}

}  // namespace moeplan::io
