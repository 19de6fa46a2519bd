// Loading and querying the catalog (see catalog.h).
#include "sim/io/catalog.h"
#include "sim/io/data_dir.h"

#include <cstdlib>
#include <filesystem>

#include "moeplan/version.h"
#include "sim/io/hardware_yaml.h"
#include "sim/io/model_yaml.h"
#include "sim/io/software_yaml.h"
#include "sim/io/suggest.h"
#include "sim/io/yaml_reader.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

template <typename T>
std::vector<std::string> keys_of(const std::map<std::string, T>& m) {
  std::vector<std::string> out;
  for (const auto& kv : m) out.push_back(kv.first);
  return out;
}

template <typename T>
const T& lookup(const std::map<std::string, T>& m, const std::string& name, const char* what) {
  auto it = m.find(name);
  if (it != m.end()) return it->second;
  const auto names = keys_of(m);
  throw_user_error(std::string("unknown ") + what + " `" + name + "`",
                   ErrorContext{.expected = std::string("a ") + what + " from the catalog: " + join_names(names),
                                .hint = did_you_mean(name, names)});
}

// Runs a spec validator and gives its error the position of the offending key in the catalog file.
// `prefix` maps the validator's key paths onto the file's ("model." -> "model.<name>.").
template <typename Spec>
void validate_located(const Spec& spec, const YamlSource& source, const std::string& from_prefix,
                      const std::string& to_prefix) {
  try {
    validate(spec);
  } catch (const Error& e) {
    std::string key = e.context().key_path;
    if (key.rfind(from_prefix, 0) != 0) throw e.with_context(source.context(key));
    key = to_prefix + key.substr(from_prefix.size());
    ErrorContext c = e.context();
    c.key_path = key;  // the file's name for the key, with the file's position of it
    throw Error(e.kind(), e.message(), c).with_context(source.context(key));
  }
}

// Runs `read`, renaming the key paths its errors carry from the shipped file's ("gpu.x.memory") to the add-on
// file's ("gpus.x.memory"); the line and column already point into the add-on file.
template <typename Read>
auto relabeled(const std::string& from_prefix, const std::string& to_prefix, Read read) {
  try {
    return read();
  } catch (const Error& e) {
    ErrorContext c = e.context();
    if (c.key_path.rfind(from_prefix, 0) != 0) throw;
    c.key_path = to_prefix + c.key_path.substr(from_prefix.size());
    throw Error(e.kind(), e.message(), c);
  }
}

YamlField open_catalog_file(const std::string& path, const std::string& root_path, YamlSource& source) {
  YamlField root(load_yaml_file(path), root_path, &source);
  root.require_map("a mapping from entry names to entries");
  return root;
}

}  // namespace

Catalog Catalog::load(const std::string& dir) {
  Catalog c;
  c.dir_ = dir;
  // Root paths "fabric"/"gpu"/"model" make entry paths match the key paths spec validation reports
  // ("gpu.h800-sxm.bf16").
  YamlSource fabric_src(dir + "/fabrics.yaml");
  for (const auto& [name, entry] : open_catalog_file(fabric_src.file(), "fabric", fabric_src).entries()) {
    FabricSpec f = read_fabric(entry, name);
    validate_located(f, fabric_src, "", "");
    c.fabrics_[name] = f;
  }
  YamlSource gpu_src(dir + "/gpus.yaml");
  for (const auto& [name, entry] : open_catalog_file(gpu_src.file(), "gpu", gpu_src).entries()) {
    GpuSpec g = read_gpu(entry, name);
    validate_located(g, gpu_src, "", "");
    c.check_gpu_fabrics(g, gpu_src, "gpu." + name, fabric_src.file());
    c.gpus_[name] = g;
  }
  YamlSource model_src(dir + "/models.yaml");
  for (const auto& [name, entry] : open_catalog_file(model_src.file(), "model", model_src).entries()) {
    ModelSpec m = read_model(entry, ModelSpec{});
    m.name = name;
    validate_located(m, model_src, "model.", "model." + name + ".");
    c.models_[name] = m;
  }
  // Software stacks: each preset names what ran and where each setting comes from.
  const std::string software_path = dir + "/software.yaml";
  if (std::filesystem::is_regular_file(software_path)) {
    YamlSource software_src(software_path);
    for (const auto& [name, entry] : open_catalog_file(software_src.file(), "software", software_src).entries()) {
      SoftwareSpec s = read_software_fields(entry, SoftwareSpec{});
      s.name = name;
      if (s.sources.empty()) entry.fail("a software preset needs `sources`", "sources: [citation, ...]");
      c.software_[name] = s;
    }
  }
  return c;
}

void Catalog::check_gpu_fabrics(const GpuSpec& g, const YamlSource& source, const std::string& entry_path,
                                const std::string& fabrics_from) const {
  for (const char* key : {"scale_up", "host_link"}) {
    const std::string& fabric = std::string(key) == "scale_up" ? g.scale_up_fabric : g.host_link;
    if (fabric.empty() || has_fabric(fabric)) continue;
    ErrorContext ctx = source.context(entry_path + "." + key);
    ctx.expected = "a fabric from " + fabrics_from + ": " + join_names(fabric_names());
    ctx.hint = did_you_mean(fabric, fabric_names());
    throw_user_error("unknown fabric `" + fabric + "`", ctx);
  }
}

void Catalog::add_file(const std::string& path) {
  YamlSource src(path);
  const YamlField root = open_catalog_file(src.file(), "", src);
  root.expect_keys({"fabrics", "gpus", "models", "software"});
  // The spec validators report "gpu.<name>.<key>"; the file's paths are "gpus.<name>.<key>".
  if (auto fabrics = root.find("fabrics")) {
    fabrics->require_map("a mapping from fabric names to fabrics (the format of fabrics.yaml)");
    for (const auto& [name, entry] : fabrics->entries()) {
      FabricSpec f = relabeled("fabric.", "fabrics.", [&e = entry, &n = name] { return read_fabric(e, n); });
      validate_located(f, src, "fabric.", "fabrics.");
      fabrics_[name] = f;
    }
  }
  if (auto gpus = root.find("gpus")) {
    gpus->require_map("a mapping from GPU names to GPUs (the format of gpus.yaml)");
    for (const auto& [name, entry] : gpus->entries()) {
      GpuSpec g = relabeled("gpu.", "gpus.", [&e = entry, &n = name] { return read_gpu(e, n); });
      validate_located(g, src, "gpu.", "gpus.");
      check_gpu_fabrics(g, src, "gpus." + name, "the catalog or " + path);
      gpus_[name] = g;
    }
  }
  if (auto models = root.find("models")) {
    models->require_map("a mapping from model names to models (the format of models.yaml)");
    for (const auto& [name, entry] : models->entries()) {
      ModelSpec m = relabeled("model.", "models.", [&e = entry] { return read_model(e, ModelSpec{}); });
      m.name = name;
      validate_located(m, src, "model.", "models." + name + ".");
      models_[name] = m;
    }
  }
  if (auto software = root.find("software")) {
    software->require_map("a mapping from preset names to software stacks (the format of software.yaml)");
    for (const auto& [name, entry] : software->entries()) {
      SoftwareSpec s = read_software_fields(entry, SoftwareSpec{});
      s.name = name;
      if (s.sources.empty()) entry.fail("a software preset needs `sources`", "sources: [citation, ...]");
      software_[name] = s;
    }
  }
  added_.push_back(path);
}

const GpuSpec& Catalog::gpu(const std::string& name) const { return lookup(gpus_, name, "GPU"); }
const FabricSpec& Catalog::fabric(const std::string& name) const { return lookup(fabrics_, name, "fabric"); }
const ModelSpec& Catalog::model(const std::string& name) const { return lookup(models_, name, "model"); }
const SoftwareSpec& Catalog::software(const std::string& name) const {
  return lookup(software_, name, "software preset");
}

std::vector<std::string> Catalog::gpu_names() const { return keys_of(gpus_); }
std::vector<std::string> Catalog::fabric_names() const { return keys_of(fabrics_); }
std::vector<std::string> Catalog::model_names() const { return keys_of(models_); }
std::vector<std::string> Catalog::software_names() const { return keys_of(software_); }

void Catalog::add_gpu(const GpuSpec& g) {
  validate(g);
  gpus_[g.name] = g;
}
void Catalog::add_fabric(const FabricSpec& f) {
  validate(f);
  fabrics_[f.name] = f;
}
void Catalog::add_software(const SoftwareSpec& s) { software_[s.name] = s; }
void Catalog::add_model(const ModelSpec& m) {
  validate(m);
  models_[m.name] = m;
}

std::string find_catalog_dir(const std::string& exe_path) {
  namespace fs = std::filesystem;
  std::vector<std::string> tried;
  auto usable = [&](const fs::path& p) {
    tried.push_back(p.string());
    std::error_code ec;
    return fs::is_regular_file(p / "gpus.yaml", ec);
  };
  if (const char* env = std::getenv("MOEPLAN_CATALOG"); env != nullptr && *env != '\0') {
    if (usable(env)) return env;
  }
  for (const std::string& root : data_roots(exe_path)) {
    const fs::path p = fs::path(root) / "scenarios" / "catalog";
    if (usable(p)) return p.lexically_normal().string();
  }
  throw_user_error("cannot find the catalog (gpus.yaml, fabrics.yaml, models.yaml)",
                   ErrorContext{.expected = "one of: " + join_names(tried),
                                .hint = "pass --data-dir DIR or set MOEPLAN_DATA to a folder holding "
                                        "scenarios/catalog and calibrate/profiles (an install's share/moeplan)"});
}

}  // namespace moeplan::io
