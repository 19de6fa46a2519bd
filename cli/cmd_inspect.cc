// `moeplan memory SCENARIO`, `moeplan model NAME|PATH` and `moeplan catalog gpus|models|fabrics`.
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/commands.h"
#include "moeplan/version.h"
#include "reports/summary_views.h"
#include "sim/io/hf_config.h"
#include "sim/io/hf_hub.h"
#include "sim/train/training_run.h"
#include "sim/units/error.h"

namespace moeplan::cli {
namespace {

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || (s.size() > 5 && s.substr(s.size() - 5) == ".json");
}

}  // namespace

void register_memory(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string scenario;
    CommonOptions common;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("memory", "Memory per GPU under the plan, with its breakdown and fit verdict");
  cmd->add_option("scenario", args->scenario, "Scenario YAML file")->required();
  add_common_options(*cmd, args->common, false);
  cmd->callback([&ctx, args] {
    require_format(args->common.format, {"text", "json", "md"});
    const Scenario s = ctx.load(args->scenario, args->common);
    CliContext::require_one_cluster(s, "memory");
    print(reports::render_memory_view(evaluate_memory(s, MOEPLAN_VERSION), args->common.format,
                                             args->common.table_width()));
  });
}

void register_model(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string name;
    std::string format = "text";
    int seq_len = 4096;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("model", "Parameters, FLOPs per token and KV cache of a catalog model or config.json");
  cmd->add_option("model", args->name, "Catalog model name, path to a HuggingFace config.json, or hf:ORG/NAME from the local cache")->required();
  cmd->add_option("--seq-len", args->seq_len, "Sequence length for attention FLOPs (default 4096)");
  cmd->add_option("--format", args->format, "text | json | md");
  cmd->callback([&ctx, args] {
    require_format(args->format, {"text", "json", "md"});
    if (args->seq_len <= 0)
      throw_user_error("must be positive", ErrorContext{.key_path = "--seq-len", .expected = "a length such as 4096"});
    const ModelSpec m = args->name.rfind("hf:", 0) == 0 ? io::load_hf_hub_model(args->name.substr(3))
                        : looks_like_path(args->name) ? io::load_hf_config(args->name)
                                                      : ctx.catalog().model(args->name);
    validate(m);
    print(reports::render_model_view(m, summarize_model(m, args->seq_len), args->seq_len, args->format));
  });
}

void register_catalog(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string what;
    std::string format = "text";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("catalog", "List the GPUs, models or fabrics moeplan knows");
  cmd->add_option("what", args->what, "gpus | models | fabrics")->required()->check(CLI::IsMember({"gpus", "models", "fabrics"}));
  cmd->add_option("--format", args->format, "text | json | md");
  cmd->callback([&ctx, args] {
    require_format(args->format, {"text", "json", "md"});
    const io::Catalog& c = ctx.catalog();
    if (args->what == "gpus") {
      std::vector<GpuSpec> gpus;
      for (const auto& n : c.gpu_names()) gpus.push_back(c.gpu(n));
      print(reports::render_gpu_catalog(gpus, args->format));
    } else if (args->what == "fabrics") {
      std::vector<FabricSpec> fabrics;
      for (const auto& n : c.fabric_names()) fabrics.push_back(c.fabric(n));
      print(reports::render_fabric_catalog(fabrics, args->format));
    } else {
      std::vector<ModelSpec> models;
      std::vector<ModelSummary> summaries;
      for (const auto& n : c.model_names()) {
        models.push_back(c.model(n));
        summaries.push_back(summarize_model(models.back(), 4096));
      }
      print(reports::render_model_catalog(models, summaries, args->format));
    }
  });
}

}  // namespace moeplan::cli
