// Renderers over ServeResult: JSON (keys documented in docs/serving.md) and text (an aligned table and a
// one-paragraph summary). They format only; every number comes from the result.
#pragma once

#include <string>

#include "sim/infer/serve_result.h"

namespace moeplan {

std::string render_serve_json(const ServeResult& r);
std::string render_serve_text(const ServeResult& r);

}  // namespace moeplan
