// CUPTI activity recording (see cupti_kernel_recorder.h).
#include "kernels/cuda/cupti_kernel_recorder.h"

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <utility>

#include "kernels/cuda/cuda_check.h"
#include "sim/units/error.h"

#ifdef MOEPLAN_HAVE_CUPTI
#include <cupti.h>
#endif

namespace moeplan::kernels {

#ifdef MOEPLAN_HAVE_CUPTI
namespace {

// The record structs are versioned; the fields read here (kind, start, end, name / bytes) sit at the same
// place in every version since CUDA 11, and these are the current ones of each toolkit generation.
#if CUPTI_API_VERSION >= 130000
using KernelActivity = CUpti_ActivityKernel10;
using MemcpyActivity = CUpti_ActivityMemcpy6;
#else
using KernelActivity = CUpti_ActivityKernel9;
using MemcpyActivity = CUpti_ActivityMemcpy5;
#endif

constexpr std::size_t kBufferBytes = 8u << 20;
constexpr std::size_t kBufferAlign = 8;  // CUPTI requires 8-byte aligned activity buffers

// CUPTI delivers records to plain C callbacks with no user pointer, once per process, so the records
// collect in this one process-wide buffer; CuptiKernelRecorder is its only reader and clears it on start().
std::mutex g_mutex;
std::vector<KernelRecord> g_records;
bool g_callbacks_registered = false;

std::string cupti_message(CUptiResult r) {
  const char* text = nullptr;
  if (cuptiGetResultString(r, &text) == CUPTI_SUCCESS && text != nullptr) return text;
  return "CUPTI error " + std::to_string(static_cast<int>(r));
}

void CUPTIAPI buffer_requested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
  *buffer = static_cast<std::uint8_t*>(std::aligned_alloc(kBufferAlign, kBufferBytes));
  *size = *buffer != nullptr ? kBufferBytes : 0;  // a zero size makes CUPTI drop records rather than crash
  *max_records = 0;                                // as many as fit
}

void CUPTIAPI buffer_completed(CUcontext, std::uint32_t, std::uint8_t* buffer, std::size_t, std::size_t valid) {
  std::vector<KernelRecord> got;
  CUpti_Activity* record = nullptr;
  while (cuptiActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS) {
    if (record->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL || record->kind == CUPTI_ACTIVITY_KIND_KERNEL) {
      const auto* k = reinterpret_cast<const KernelActivity*>(record);
      got.push_back(KernelRecord{k->name != nullptr ? k->name : "kernel", k->start, k->end});
    } else if (record->kind == CUPTI_ACTIVITY_KIND_MEMCPY) {
      const auto* m = reinterpret_cast<const MemcpyActivity*>(record);
      got.push_back(KernelRecord{"memcpy " + std::to_string(m->bytes) + " B", m->start, m->end});
    }
  }
  std::free(buffer);
  std::lock_guard<std::mutex> lock(g_mutex);
  g_records.insert(g_records.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
}

void check(CUptiResult r, const char* what) {
  if (r != CUPTI_SUCCESS) throw_user_error(std::string("CUPTI: ") + what + " failed: " + cupti_message(r));
}

const CUpti_ActivityKind kKinds[] = {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY};

}  // namespace

void CuptiKernelRecorder::start() {
  if (recording_) return;
  if (!g_callbacks_registered) {
    check(cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed), "registering activity buffers");
    g_callbacks_registered = true;
  }
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_records.clear();
  }
  for (CUpti_ActivityKind kind : kKinds) {
    const CUptiResult r = cuptiActivityEnable(kind);
    if (r != CUPTI_SUCCESS) {
      for (CUpti_ActivityKind k : kKinds) cuptiActivityDisable(k);
      check(r, "enabling kernel activity records");
    }
  }
  recording_ = true;
}

std::vector<KernelRecord> CuptiKernelRecorder::stop() {
  if (!recording_) return {};
  MOEPLAN_CUDA_CHECK(cudaDeviceSynchronize());
  const CUptiResult flushed = cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  for (CUpti_ActivityKind kind : kKinds) cuptiActivityDisable(kind);
  recording_ = false;
  check(flushed, "flushing activity records");
  std::lock_guard<std::mutex> lock(g_mutex);
  return std::exchange(g_records, {});
}

CuptiKernelRecorder::~CuptiKernelRecorder() {
  if (!recording_) return;
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  for (CUpti_ActivityKind kind : kKinds) cuptiActivityDisable(kind);
}

#else  // no CUPTI in this build

void CuptiKernelRecorder::start() {
  throw_user_error("CUPTI: this build has no CUPTI (libcupti was not found at configure time)");
}

std::vector<KernelRecord> CuptiKernelRecorder::stop() { return {}; }

CuptiKernelRecorder::~CuptiKernelRecorder() = default;

#endif

}  // namespace moeplan::kernels
