// Serving-specific measured rates that the calibration profile does not hold: the latency of DeepEP's
// low-latency (decode) dispatch and combine per EP size on a named scale-out fabric. They live in
// calibrate/profiles/serving/ep-low-latency.yaml with their sources; a fabric that is not listed keeps
// the alpha-beta model of ep_comm.h.
#pragma once

#include <string>
#include <vector>

namespace moeplan {

struct LowLatencyA2aPoint {
  int ep = 0;
  double dispatch_s = 0;
  double combine_s = 0;
};

// One fabric's table: measured at `tokens` tokens per GPU of `hidden` channels routed to `top_k` experts,
// FP8 dispatch (1 B + one FP32 scale per 128 channels) and BF16 combine, `nics_per_gpu` NICs per GPU.
struct LowLatencyA2aTable {
  std::string fabric;
  double nics_per_gpu = 1;
  double tokens = 0;
  double hidden = 0;
  double top_k = 0;
  std::string source;
  std::vector<LowLatencyA2aPoint> points;  // ascending ep

  // Effective bytes/s of one GPU's dispatch (or combine) at `ep`: the reference bytes over the latency,
  // interpolated in log2(ep) between measured sizes and held flat beyond them.
  double effective_Bps(int ep, bool dispatch) const;
};

struct ServingRates {
  std::string path;                        // "" = none loaded
  std::vector<LowLatencyA2aTable> low_latency;
  const LowLatencyA2aTable* low_latency_for(const std::string& fabric) const;  // nullptr = not listed
};

// Reads `<profiles_dir>/serving/ep-low-latency.yaml`; an absent file gives empty rates. A malformed
// file is a user Error with file:line:column and the key.
ServingRates load_serving_rates(const std::string& profiles_dir);

}  // namespace moeplan
