// The identity of what shapes a sweep point besides its own overrides: the moeplan version and the content
// of every profile, catalog file and model config the sweep can read.
//
// A results store row carries this identity. When a profile, the catalog, an HF config.json or the binary
// changes, the identity changes, and a resumed sweep recomputes those rows instead of serving stale ones.
// Folders are hashed file by file (relative name and content, in sorted order), so the identity does not
// depend on where the data lives or on file times.
#pragma once

#include <string>
#include <vector>

namespace moeplan {

// Sixteen hex digits over `version` and the content of each path (a file, or a folder walked recursively).
// Paths that do not exist contribute their absence. Files are read with the input size limit.
std::string inputs_identity(const std::string& version, const std::vector<std::string>& paths);

}  // namespace moeplan
