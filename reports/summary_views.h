// Views for the smaller subcommands: `moeplan model` (a model's summary), `moeplan memory` (memory per
// stage and the fit verdict) and `moeplan catalog` (GPUs, fabrics, models). Renderers only.
#pragma once

#include <string>
#include <vector>

#include "reports/table.h"
#include "sim/spec/hardware_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

// format: text | json | md
std::string render_model_view(const ModelSpec& spec, const ModelSummary& summary, int seq_len,
                              const std::string& format);
std::string render_memory_view(const RunResult& result, const std::string& format, int table_width = kTextWidth);
std::string render_gpu_catalog(const std::vector<GpuSpec>& gpus, const std::string& format);
std::string render_fabric_catalog(const std::vector<FabricSpec>& fabrics, const std::string& format);
std::string render_model_catalog(const std::vector<ModelSpec>& models, const std::vector<ModelSummary>& summaries,
                                 const std::string& format);

}  // namespace moeplan::reports
