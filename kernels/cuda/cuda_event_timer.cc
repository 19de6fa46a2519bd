// CUDA event timing helpers (see cuda_event_timer.h).
#include "kernels/cuda/cuda_event_timer.h"

#include <algorithm>
#include <vector>

#include "kernels/cuda/cuda_check.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

class EventPair {
 public:
  EventPair() {
    MOEPLAN_CUDA_CHECK(cudaEventCreate(&start_));
    MOEPLAN_CUDA_CHECK(cudaEventCreate(&stop_));
  }
  ~EventPair() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  EventPair(const EventPair&) = delete;
  EventPair& operator=(const EventPair&) = delete;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

}  // namespace

double median_event_time_s(const std::function<void(int)>& run, int warmup, int repeats, cudaStream_t stream) {
  if (repeats < 1) throw_user_error("timing needs at least one repeat", ErrorContext{.expected = "repeats >= 1"});
  for (int i = 0; i < warmup; ++i) run(i);
  MOEPLAN_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<EventPair> events(static_cast<std::size_t>(repeats));
  for (int r = 0; r < repeats; ++r) {
    MOEPLAN_CUDA_CHECK(cudaEventRecord(events[r].start_, stream));
    run(warmup + r);
    MOEPLAN_CUDA_CHECK(cudaEventRecord(events[r].stop_, stream));
  }
  MOEPLAN_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<double> times_s;
  for (auto& e : events) {
    float ms = 0.0f;
    MOEPLAN_CUDA_CHECK(cudaEventElapsedTime(&ms, e.start_, e.stop_));
    times_s.push_back(ms * 1e-3);
  }
  std::nth_element(times_s.begin(), times_s.begin() + repeats / 2, times_s.end());
  return times_s[repeats / 2];
}

int rotation_sets(std::size_t set_bytes, int max_sets) {
  int device = 0, l2_bytes = 0;
  MOEPLAN_CUDA_CHECK(cudaGetDevice(&device));
  MOEPLAN_CUDA_CHECK(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, device));
  std::size_t free_bytes = 0, total_bytes = 0;
  MOEPLAN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const std::size_t want = set_bytes == 0 ? 1 : (2 * static_cast<std::size_t>(l2_bytes)) / set_bytes + 1;
  const std::size_t fit = std::max<std::size_t>(1, free_bytes / 4 / std::max<std::size_t>(set_bytes, 1));
  return static_cast<int>(std::max<std::size_t>(1, std::min({want, fit, static_cast<std::size_t>(max_sets)})));
}

}  // namespace moeplan::kernels
