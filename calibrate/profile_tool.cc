// moeplan_profile_tool: maintenance of the shipped profiles.
//   moeplan_profile_tool derive <derivations.yaml> <out_dir>   regenerate the published profiles
//   moeplan_profile_tool refit <profile.yaml>...               refit curves from points, rewrite in place
// Exit codes as the CLI: 0 ok, 1 internal error, 2 user error.
#include <cstdio>
#include <filesystem>
#include <string>

#include "calibrate/derive_profile.h"
#include "moeplan/version.h"
#include "sim/calib/curve_fit.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace {

void print_curves(const moeplan::Profile& p) {
  for (const auto& c : p.gemm_curves)
    std::printf("  %-12s %-4s %-15s P %8.1f TFLOP/s  B %7.0f GB/s  t0 %5.2f us  fit error %.1f%% (%d points)\n",
                moeplan::to_string(c.kind), moeplan::to_string(c.dtype), moeplan::to_string(c.pass),
                c.peak_flops_per_s / 1e12,
                c.bytes_per_s / 1e9, c.overhead_s * 1e6, 100 * c.nrmse, c.points);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace moeplan;
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "derive" && argc == 4) {
      for (Profile& p : derive_profiles(argv[2], MOEPLAN_VERSION)) {
        // A target's `file` names the profile when it is not the GPU's default (e.g. an older kernel generation).
        const std::string name = p.path.empty() ? p.header.gpu + ".yaml" : p.path;
        const std::string out = (std::filesystem::path(argv[3]) / name).string();
        write_profile(p, out);
        std::printf("%s\n", out.c_str());
        print_curves(p);
      }
      return 0;
    }
    if (cmd == "refit" && argc >= 3) {
      for (int i = 2; i < argc; ++i) {
        Profile p = read_profile(argv[i]);
        fit_profile(p);
        p.header.moeplan_version = MOEPLAN_VERSION;
        write_profile(p, argv[i]);
        std::printf("%s\n", argv[i]);
        print_curves(p);
      }
      return 0;
    }
    std::fprintf(stderr,
                 "usage: moeplan_profile_tool derive <derivations.yaml> <out_dir>\n"
                 "       moeplan_profile_tool refit <profile.yaml>...\n");
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return e.kind() == ErrorKind::kUser ? 2 : 1;
  }
}
