// `moeplan calibrate`: time the kernels on this machine (CPU reference kernels, or CUDA kernels and
// cuBLASLt on a GPU), fit the efficiency curves and write a profile the simulator can use.
#include <CLI/CLI.hpp>

#include "calibrate/backends.h"
#include "calibrate/calibrate.h"
#include "cli/cli_context.h"
#include "cli/commands.h"
#include "cli/full_binary.h"
#include "sim/units/error.h"

namespace moeplan::cli {

void register_calibrate(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand("calibrate", "Measure kernels, fit efficiency curves, write a calibration profile");
  cmd->add_option("--backend", opts->backend, "cpu | cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  cmd->add_flag("--quick", opts->quick, "Smaller shape grid and fewer repeats");
  cmd->add_option("--out", opts->out_path, "Profile YAML to write")->required();
  cmd->add_option("--gpu", opts->gpu,
                  "Catalog GPU of this machine: names the profile and is the link NCCL bus bandwidth is compared with");
  cmd->add_option("--comm-from", opts->comm_profile_path,
                  "Copy the collective curves of fabrics this run does not measure (with their sources) from this profile");
  cmd->add_option("--sustain-seconds", opts->sustain_s,
                  "Seconds of each sustained-load GEMM run (default: cuda 60, 15 with --quick; cpu 2); 0 skips it")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->callback([opts, &ctx] {
    // This binary loads no CUDA library; moeplan-full has the CUDA backend linked in.
    if (opts->backend == "cuda" && !cuda_backend_built()) exec_full_binary(ctx, "calibrate --backend cuda");
    if (!opts->gpu.empty()) {
      const GpuSpec& gpu = ctx.catalog().gpu(opts->gpu);  // a user Error naming the closest GPU when unknown
      if (!gpu.scale_up_fabric.empty()) {
        const FabricSpec& f = ctx.catalog().fabric(gpu.scale_up_fabric);
        opts->scale_up = CommReference{f.name, f.kind, f.achievable_Bps};
      }
    }
    print(summarize(run_calibration(*opts)));
  });
}

}  // namespace moeplan::cli
