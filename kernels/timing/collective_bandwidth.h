// Bus bandwidth of a collective from its measured time, the convention of nccl-tests: the algorithm
// bandwidth (bytes per rank / time) scaled by the fraction of the data each rank must move over its links,
// so that an ideal ring or all-to-all reaches the link bandwidth at every rank count.
//   all-reduce: 2 (n - 1) / n        all-gather, reduce-scatter, all-to-all: (n - 1) / n
// Pure C++, used by the NCCL timing and tested everywhere.
#pragma once

namespace moeplan::kernels {

enum class Collective { kAllReduce, kAllGather, kReduceScatter, kAllToAll };

inline double bus_bandwidth_factor(Collective c, int ranks) {
  if (ranks < 2) return 0;
  const double n = ranks;
  return c == Collective::kAllReduce ? 2 * (n - 1) / n : (n - 1) / n;
}

// `bytes` is the buffer size per rank (the all-reduce vector, or the whole all-to-all send buffer).
inline double bus_bandwidth_Bps(Collective c, int ranks, double bytes, double seconds) {
  return seconds > 0 ? bytes / seconds * bus_bandwidth_factor(c, ranks) : 0;
}

inline const char* to_string(Collective c) {
  switch (c) {
    case Collective::kAllReduce: return "all-reduce";
    case Collective::kAllGather: return "all-gather";
    case Collective::kReduceScatter: return "reduce-scatter";
    case Collective::kAllToAll: return "all-to-all";
  }
  return "?";
}

}  // namespace moeplan::kernels
