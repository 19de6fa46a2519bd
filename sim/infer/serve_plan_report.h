// Renderers over the `serve --plan` result (serve_plan.h): an aligned text table and JSON (keys in
// docs/serving.md). They format only.
#pragma once

#include <string>
#include <vector>

#include "sim/infer/serve_plan.h"

namespace moeplan {

std::string render_serve_plan_text(const std::vector<GpuPlan>& plans);
std::string render_serve_plan_json(const std::vector<GpuPlan>& plans);

}  // namespace moeplan
