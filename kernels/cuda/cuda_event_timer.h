// Median kernel time with CUDA events: warm-up runs, then each timed run between two events on one stream.
// CUDA-only header.
#pragma once

#include <cuda_runtime.h>

#include <functional>

#include "kernels/timing/kernel_time.h"

namespace moeplan::kernels {

// Calls run(i) for i = 0 .. warmup + repeats - 1 (callers rotate input copies by i) and returns the median
// of the last `repeats` event-timed calls in seconds. Throws a user Error when repeats < 1.
double median_event_time_s(const std::function<void(int)>& run, int warmup, int repeats, cudaStream_t stream);

// Seconds between two events recorded on `stream` around one call of `run` (which may launch many kernels:
// a batch timed as one), waiting for the second.
double event_time_s(const std::function<void()>& run, cudaStream_t stream);

// As median_event_time_s, and, when CUPTI can record here, the device time of the kernels (and copies) each
// timed call launched: the median of their per-call sums. `seconds` is that kernel time when recorded, else
// the event time; `method` says which, and why CUPTI was not used when it was not.
KernelTime median_kernel_time(const std::function<void(int)>& run, int warmup, int repeats, cudaStream_t stream);

// How many input copies to rotate through so that their working set (set_bytes each) exceeds twice the L2
// cache, capped by `max_sets` and by a quarter of free device memory.
int rotation_sets(std::size_t set_bytes, int max_sets);

}  // namespace moeplan::kernels
