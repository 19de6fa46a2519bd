// Where the serving tests find the shipped data (catalog, scenarios, traces, profiles): under the
// repository root, located through the catalog search (MOEPLAN_CATALOG, else the source tree), so the
// tests run from any working directory.
#pragma once

#include <filesystem>
#include <string>

#include "sim/io/catalog.h"

namespace moeplan::test {

// `relative` (e.g. "scenarios/catalog") under the repository root.
inline std::string data_path(const std::string& relative) {
  const std::filesystem::path catalog(io::find_catalog_dir(""));
  return (catalog.parent_path().parent_path() / relative).lexically_normal().string();
}

}  // namespace moeplan::test
