// Collective timing with NCCL across the GPUs one process can see (one communicator per device,
// ncclCommInitAll): all-reduce (BF16 sum) and all-to-all (grouped send/recv), per-rank buffer sizes from the
// caller, warm-up then the median of repeats. Each repeat is timed on the host from the first launch until
// every device's stream has finished, so it is what a framework waiting on the collective sees.
// Header compilable without CUDA or NCCL; the definitions live in moeplan_kernels_cuda and throw a user
// Error when this build has no NCCL or fewer than two devices are visible.
#pragma once

#include <string>
#include <vector>

#include "kernels/timing/collective_bandwidth.h"

namespace moeplan::kernels {

struct CollectiveTiming {
  Collective op = Collective::kAllReduce;
  int ranks = 0;
  double bytes = 0;         // buffer bytes per rank
  double seconds = 0;       // median over repeats
  double bus_Bps = 0;       // nccl-tests bus bandwidth (collective_bandwidth.h)
};

// True when this build links NCCL.
bool nccl_built();

// CUDA devices this process can see (0 when none or no driver).
int cuda_device_count();

// All-reduce and all-to-all over every visible device for each per-rank buffer size.
std::vector<CollectiveTiming> time_nccl_collectives(const std::vector<double>& bytes_per_rank, int repeats);

// A one-line description of the NCCL library version ("NCCL 2.27.7"), or why there is none.
std::string nccl_version();

}  // namespace moeplan::kernels
