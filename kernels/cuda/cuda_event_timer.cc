// CUDA event timing helpers (see cuda_event_timer.h).
#include "kernels/cuda/cuda_event_timer.h"

#include <algorithm>
#include <vector>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/cupti_kernel_recorder.h"
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

namespace {

// Runs the warm-up calls, then the event-timed calls with `between` called before the first timed call and
// after the last one has finished (for CUPTI recording); returns the event times in call order.
std::vector<double> event_times_s(const std::function<void(int)>& run, int warmup, int repeats, cudaStream_t stream,
                                  const std::function<void()>& before, const std::function<void()>& after) {
  if (repeats < 1) throw_user_error("timing needs at least one repeat", ErrorContext{.expected = "repeats >= 1"});
  for (int i = 0; i < warmup; ++i) run(i);
  MOEPLAN_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<EventPair> events(static_cast<std::size_t>(repeats));
  if (before) before();
  for (int r = 0; r < repeats; ++r) {
    MOEPLAN_CUDA_CHECK(cudaEventRecord(events[r].start_, stream));
    run(warmup + r);
    MOEPLAN_CUDA_CHECK(cudaEventRecord(events[r].stop_, stream));
  }
  MOEPLAN_CUDA_CHECK(cudaStreamSynchronize(stream));
  if (after) after();
  std::vector<double> times_s;
  for (auto& e : events) {
    float ms = 0.0f;
    MOEPLAN_CUDA_CHECK(cudaEventElapsedTime(&ms, e.start_, e.stop_));
    times_s.push_back(ms * 1e-3);
  }
  return times_s;
}

double median_of(std::vector<double> v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  return v[mid];
}

}  // namespace

double event_time_s(const std::function<void()>& run, cudaStream_t stream) {
  const EventPair e;
  MOEPLAN_CUDA_CHECK(cudaEventRecord(e.start_, stream));
  run();
  MOEPLAN_CUDA_CHECK(cudaEventRecord(e.stop_, stream));
  MOEPLAN_CUDA_CHECK(cudaEventSynchronize(e.stop_));
  float ms = 0.0f;
  MOEPLAN_CUDA_CHECK(cudaEventElapsedTime(&ms, e.start_, e.stop_));
  return ms * 1e-3;
}

double median_event_time_s(const std::function<void(int)>& run, int warmup, int repeats, cudaStream_t stream) {
  return median_of(event_times_s(run, warmup, repeats, stream, nullptr, nullptr));
}

KernelTime median_kernel_time(const std::function<void(int)>& run, int warmup, int repeats, cudaStream_t stream) {
  KernelTime out;
  std::string why_not;
  bool cupti = false;
  CuptiKernelRecorder recorder;
  std::vector<KernelRecord> records;
  // Recording starts after the warm-up calls; where CUPTI refuses, the events alone time the calls.
  auto start = [&] {
    try {
      recorder.start();
      cupti = true;
    } catch (const Error& e) {
      why_not = e.message();
    }
  };
  out.event_s = median_of(event_times_s(run, warmup, repeats, stream, start, [&] {
    if (cupti) records = recorder.stop();
  }));
  out.seconds = out.event_s;
  if (!cupti) {
    out.method = "CUDA events (CUPTI not used: " + why_not + ")";
    return out;
  }
  const PerCallKernelTime per_call = per_call_kernel_time(std::move(records), repeats);
  if (!per_call.ok) {
    out.method = "CUDA events (CUPTI records not attributable: " + per_call.reason + ")";
    return out;
  }
  out.cupti_s = per_call.median_s;
  out.kernels_per_call = per_call.kernels_per_call;
  out.seconds = out.cupti_s;
  out.method = "CUPTI activity records (" + std::to_string(per_call.kernels_per_call) + " per call)";
  return out;
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
