// Where moeplan's data (scenarios/catalog, scenarios/validation, calibrate/profiles) is, for a binary that may
// sit in its build folder, be installed under a prefix (bin/ beside share/moeplan/), or be copied anywhere.
// A copied or installed binary never falls back on the source tree it was built from: that checkout may have
// moved on, and its files would be used silently.
#pragma once

#include <string>
#include <vector>

namespace moeplan::io {

// The running binary's path: /proc/self/exe when readable, else `argv0`.
std::string executable_path(const std::string& argv0);

// Candidate data roots, in the order they are tried: $MOEPLAN_DATA; <exe dir>/../share/moeplan (installed);
// <exe dir>/.. and <exe dir> (a binary at or under the top of a checkout or unpacked tree); and the source tree
// the binary was built from, only while the binary is inside that build's folder. Each root holds
// scenarios/catalog and calibrate/profiles.
std::vector<std::string> data_roots(const std::string& exe_path);

}  // namespace moeplan::io
