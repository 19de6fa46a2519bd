// NCCL collective timing (see nccl_collectives.h).
#include "kernels/cuda/nccl_collectives.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_buffer.h"
#include "sim/units/error.h"

#ifdef MOEPLAN_HAVE_NCCL
#include <nccl.h>
#endif

namespace moeplan::kernels {

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear it: no driver or no device means zero devices here
    return 0;
  }
  return n;
}

#ifdef MOEPLAN_HAVE_NCCL

bool nccl_built() { return true; }

std::string nccl_version() {
  int v = 0;
  if (ncclGetVersion(&v) != ncclSuccess) return "NCCL (version unknown)";
  // NCCL_VERSION_CODE: major * 10000 + minor * 100 + patch since 2.9.
  return "NCCL " + std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." + std::to_string(v % 100);
}

namespace {

void nccl_check(ncclResult_t r, const char* expr, const char* file, int line) {
  if (r == ncclSuccess) return;
  throw_internal_error(std::string(expr) + " failed at " + file + ":" + std::to_string(line) + ": " +
                       ncclGetErrorString(r));
}
#define MOEPLAN_NCCL_CHECK(expr) nccl_check((expr), #expr, __FILE__, __LINE__)

// One communicator, stream and pair of buffers per device; destroyed in reverse.
class Clique {
 public:
  Clique(int n, std::size_t bytes) : n_(n), comms_(static_cast<std::size_t>(n)), streams_(static_cast<std::size_t>(n)) {
    std::vector<int> devices(static_cast<std::size_t>(n));
    for (int d = 0; d < n; ++d) devices[d] = d;
    MOEPLAN_NCCL_CHECK(ncclCommInitAll(comms_.data(), n, devices.data()));
    for (int d = 0; d < n; ++d) {
      MOEPLAN_CUDA_CHECK(cudaSetDevice(d));
      MOEPLAN_CUDA_CHECK(cudaStreamCreateWithFlags(&streams_[d], cudaStreamNonBlocking));
      send_.emplace_back(bytes);
      recv_.emplace_back(bytes);
      send_.back().fill_bytes(d + 1);  // any non-zero pattern: NCCL does not look at the values' meaning
      recv_.back().fill_bytes(0);
    }
    MOEPLAN_CUDA_CHECK(cudaSetDevice(0));
  }
  ~Clique() {
    // Each device's resources are released with that device current: its stream, communicator and buffers.
    for (int d = n_ - 1; d >= 0; --d) {
      cudaSetDevice(d);
      cudaStreamSynchronize(streams_[d]);
      cudaStreamDestroy(streams_[d]);
      ncclCommDestroy(comms_[d]);
      if (d < static_cast<int>(send_.size())) send_[d] = DeviceBuffer<std::uint8_t>();
      if (d < static_cast<int>(recv_.size())) recv_[d] = DeviceBuffer<std::uint8_t>();
    }
    cudaSetDevice(0);
  }
  Clique(const Clique&) = delete;
  Clique& operator=(const Clique&) = delete;

  // Launches one collective on every device as one NCCL group.
  void launch(Collective op, std::size_t bytes) {
    MOEPLAN_NCCL_CHECK(ncclGroupStart());
    for (int d = 0; d < n_; ++d) {
      if (op == Collective::kAllReduce) {
        MOEPLAN_NCCL_CHECK(ncclAllReduce(send_[d].get(), recv_[d].get(), bytes / 2, ncclBfloat16, ncclSum, comms_[d],
                                         streams_[d]));
      } else {
        // All-to-all: each rank's buffer is n equal chunks, chunk p goes to rank p.
        const std::size_t chunk = bytes / static_cast<std::size_t>(n_);
        for (int p = 0; p < n_; ++p) {
          MOEPLAN_NCCL_CHECK(ncclSend(send_[d].get() + p * chunk, chunk, ncclUint8, p, comms_[d], streams_[d]));
          MOEPLAN_NCCL_CHECK(ncclRecv(recv_[d].get() + p * chunk, chunk, ncclUint8, p, comms_[d], streams_[d]));
        }
      }
    }
    MOEPLAN_NCCL_CHECK(ncclGroupEnd());
  }

  void wait() {
    for (int d = 0; d < n_; ++d) {
      MOEPLAN_CUDA_CHECK(cudaSetDevice(d));
      MOEPLAN_CUDA_CHECK(cudaStreamSynchronize(streams_[d]));
    }
    MOEPLAN_CUDA_CHECK(cudaSetDevice(0));
  }

 private:
  int n_;
  std::vector<ncclComm_t> comms_;
  std::vector<cudaStream_t> streams_;
  std::vector<DeviceBuffer<std::uint8_t>> send_, recv_;
};

}  // namespace

std::vector<CollectiveTiming> time_nccl_collectives(const std::vector<double>& bytes_per_rank, int repeats) {
  const int n = cuda_device_count();
  if (n < 2)
    throw_user_error("NCCL collectives need at least two visible CUDA devices (found " + std::to_string(n) + ")");
  if (repeats < 1) throw_user_error("timing needs at least one repeat");
  // Round every size down to a whole number of BF16 elements per all-to-all chunk.
  const std::size_t granule = 2 * static_cast<std::size_t>(n);
  std::size_t largest = 0;
  for (double b : bytes_per_rank) largest = std::max(largest, static_cast<std::size_t>(b) / granule * granule);
  if (largest == 0) throw_user_error("collective buffer sizes must be at least 2 bytes per rank");
  Clique clique(n, largest);
  constexpr int kWarmup = 3;
  std::vector<CollectiveTiming> out;
  for (double requested : bytes_per_rank) {
    const std::size_t bytes = static_cast<std::size_t>(requested) / granule * granule;
    if (bytes == 0) continue;
    for (Collective op : {Collective::kAllReduce, Collective::kAllToAll}) {
      for (int i = 0; i < kWarmup; ++i) clique.launch(op, bytes);
      clique.wait();
      std::vector<double> t;
      for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        clique.launch(op, bytes);
        clique.wait();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      std::nth_element(t.begin(), t.begin() + repeats / 2, t.end());
      CollectiveTiming c;
      c.op = op;
      c.ranks = n;
      c.bytes = static_cast<double>(bytes);
      c.seconds = t[static_cast<std::size_t>(repeats / 2)];
      c.bus_Bps = bus_bandwidth_Bps(op, n, c.bytes, c.seconds);
      out.push_back(c);
    }
  }
  return out;
}

#else  // no NCCL in this build

bool nccl_built() { return false; }

std::string nccl_version() { return "no NCCL in this build (nccl.h / libnccl were not found at configure time)"; }

std::vector<CollectiveTiming> time_nccl_collectives(const std::vector<double>&, int) {
  throw_user_error("NCCL collectives: " + nccl_version());
}

#endif

}  // namespace moeplan::kernels
