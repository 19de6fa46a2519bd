// The catalog: named GPUs, fabrics and models, loaded from scenarios/catalog/{gpus,fabrics,models}.yaml, and
// the software stacks of scenarios/catalog/software.yaml.
//
// Scenarios refer to catalog entries by name (`cluster.gpu: h800-sxm`, `model: deepseek-v3`). Every entry
// is validated when loaded, and looking up an unknown name throws a user Error with the closest name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/spec/hardware_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/software_spec.h"

namespace moeplan::io {

class YamlSource;

class Catalog {
 public:
  Catalog() = default;

  // Loads <dir>/gpus.yaml, <dir>/fabrics.yaml, <dir>/models.yaml and <dir>/software.yaml (when present); validates every entry and checks that
  // each GPU's scale_up and host_link name a catalog fabric. Errors carry file:line:column.
  static Catalog load(const std::string& dir);

  // Merges a user's catalog file over this one (`--catalog-add FILE`): a mapping with any of `fabrics`, `gpus`,
  // `models` and `software`, each holding entries in the format of the shipped file of that name. An entry with
  // a shipped name replaces it; fabrics merge first, so a new GPU may use a new fabric. Errors carry the file,
  // line and key ("gpus.my-gpu.memory"); an unknown section is an error naming the four.
  void add_file(const std::string& path);

  // The files add_file merged, in order.
  const std::vector<std::string>& added_files() const { return added_; }

  const GpuSpec& gpu(const std::string& name) const;
  const FabricSpec& fabric(const std::string& name) const;
  const ModelSpec& model(const std::string& name) const;
  const SoftwareSpec& software(const std::string& name) const;
  bool has_gpu(const std::string& name) const { return gpus_.count(name) > 0; }
  bool has_fabric(const std::string& name) const { return fabrics_.count(name) > 0; }
  bool has_model(const std::string& name) const { return models_.count(name) > 0; }
  bool has_software(const std::string& name) const { return software_.count(name) > 0; }

  // Sorted names.
  std::vector<std::string> gpu_names() const;
  std::vector<std::string> fabric_names() const;
  std::vector<std::string> model_names() const;
  std::vector<std::string> software_names() const;

  // For catalogs built in code (tests, tools): adds or replaces an entry after validating it.
  void add_gpu(const GpuSpec& g);
  void add_fabric(const FabricSpec& f);
  void add_model(const ModelSpec& m);
  void add_software(const SoftwareSpec& s);

  // The directory this catalog was loaded from ("" when built in code).
  const std::string& dir() const { return dir_; }

 private:
  void check_gpu_fabrics(const GpuSpec& g, const YamlSource& source, const std::string& entry_path,
                         const std::string& fabrics_from) const;

  std::string dir_;
  std::vector<std::string> added_;
  std::map<std::string, GpuSpec> gpus_;
  std::map<std::string, FabricSpec> fabrics_;
  std::map<std::string, ModelSpec> models_;
  std::map<std::string, SoftwareSpec> software_;
};

// Where the catalog lives, first match wins: $MOEPLAN_CATALOG; then scenarios/catalog under each data root
// (data_dir.h: $MOEPLAN_DATA, the install's share/moeplan, the binary's own tree, the source tree of a binary
// still in its build folder). A candidate counts when it holds gpus.yaml. Throws a user Error listing the
// places tried when none does.
std::string find_catalog_dir(const std::string& exe_path);

}  // namespace moeplan::io
