// Request streams; see arrivals.h.
#include "sim/infer/arrivals.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "sim/io/input_file.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

int round_tokens(double x) { return std::max(1, static_cast<int>(std::lround(x))); }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

[[noreturn]] void trace_error(const std::string& path, int line, const std::string& msg, const std::string& expected) {
  throw_user_error(msg, ErrorContext{.file = path, .line = line, .column = 0, .key_path = "arrivals.trace",
                                     .expected = expected});
}

double parse_number(const std::string& path, int line, const std::string& cell, const std::string& column) {
  try {
    size_t used = 0;
    const double v = std::stod(cell, &used);
    if (used != cell.size() || !std::isfinite(v) || v < 0) throw std::invalid_argument(cell);
    return v;
  } catch (const std::exception&) {
    trace_error(path, line, "bad value `" + cell + "` in column " + column, "a non-negative number");
  }
}

}  // namespace

int sample_length(const LengthDist& d, Rng& rng) {
  switch (d.kind) {
    case LengthKind::kFixed:
      return round_tokens(d.mean);
    case LengthKind::kLognormal: {
      const double mu = std::log(d.mean) - 0.5 * d.sigma * d.sigma;
      return round_tokens(rng.lognormal(mu, d.sigma));
    }
    case LengthKind::kUniform:
      return round_tokens(rng.uniform(d.min, d.max));
  }
  throw_internal_error("sample_length: unknown distribution");
}

std::vector<Request> poisson_requests(double rate_per_s, const LengthDist& prompt, const LengthDist& output,
                                      double prefix_hit_fraction, double duration_s, Rng& rng) {
  if (!(rate_per_s > 0)) throw_internal_error("poisson_requests: rate must be > 0");
  std::vector<Request> out;
  double t = 0;
  for (;;) {
    t += rng.exponential(rate_per_s);
    if (t >= duration_s) break;
    Request r;
    r.arrival_s = t;
    r.prompt_tokens = sample_length(prompt, rng);
    r.output_tokens = sample_length(output, rng);
    r.hit_tokens = std::min(r.prompt_tokens - 1, static_cast<int>(std::floor(prefix_hit_fraction * r.prompt_tokens)));
    out.push_back(r);
  }
  return out;
}

std::vector<Request> read_trace_csv(const std::string& path, double prefix_hit_fraction) {
  // A regular file within the input size limit, read whole: /dev/zero or a FIFO fails here at once.
  std::istringstream in(io::read_input_file(path, "request trace"));
  std::string line;
  int line_no = 0;
  std::vector<std::string> header;
  while (header.empty() && std::getline(in, line)) {
    ++line_no;
    if (!trim(line).empty() && trim(line)[0] != '#') header = split_csv(line);
  }
  const std::vector<std::string> names = {"arrival_s", "prompt_tokens", "output_tokens"};
  int col[3] = {-1, -1, -1};
  for (size_t i = 0; i < header.size(); ++i) {
    auto it = std::find(names.begin(), names.end(), header[i]);
    if (it == names.end())
      trace_error(path, line_no, "unknown trace column `" + header[i] + "`", "arrival_s, prompt_tokens, output_tokens");
    col[it - names.begin()] = static_cast<int>(i);
  }
  for (int k = 0; k < 3; ++k)
    if (col[k] < 0) trace_error(path, line_no, "trace has no column " + names[k], "a header arrival_s,prompt_tokens,output_tokens");
  std::vector<Request> out;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const auto cells = split_csv(line);
    if (cells.size() != header.size()) trace_error(path, line_no, "row has " + std::to_string(cells.size()) + " cells", std::to_string(header.size()) + " cells");
    Request r;
    r.arrival_s = parse_number(path, line_no, cells[col[0]], names[0]);
    r.prompt_tokens = round_tokens(parse_number(path, line_no, cells[col[1]], names[1]));
    r.output_tokens = round_tokens(parse_number(path, line_no, cells[col[2]], names[2]));
    r.hit_tokens = std::min(r.prompt_tokens - 1, static_cast<int>(std::floor(prefix_hit_fraction * r.prompt_tokens)));
    if (!out.empty() && r.arrival_s < out.back().arrival_s)
      trace_error(path, line_no, "arrivals are not sorted", "non-decreasing arrival_s");
    out.push_back(r);
  }
  if (out.empty()) trace_error(path, line_no, "trace has no requests", "at least one row");
  return out;
}

std::vector<Request> scenario_requests(const ServeScenario& s) {
  const ArrivalSpec& a = s.arrivals;
  if (!a.enabled) throw_internal_error("scenario_requests: the scenario has no arrivals");
  if (!a.trace_path.empty()) return read_trace_csv(a.trace_path, a.prefix_hit_fraction);
  Rng rng(s.seed, "serving.arrivals");
  return poisson_requests(a.rate_per_s, a.prompt_tokens, a.output_tokens, a.prefix_hit_fraction, s.duration_s, rng);
}

}  // namespace moeplan
