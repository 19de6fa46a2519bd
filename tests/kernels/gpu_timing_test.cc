// The CUDA timing host API: with a GPU each timing is a positive, finite median and memory copies reach a
// plausible bandwidth; without one the API says so cleanly (false + reason, or a user Error), never exits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "gpu_test_util.h"
#include "kernels/cuda/cuda_timing.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

TEST(CudaTiming, ReportsMissingDeviceCleanly) {
  std::string reason;
  if (cuda_device_available(&reason)) GTEST_SKIP() << "a CUDA device is present; this checks the no-device path";
  std::printf("no CUDA device: %s\n", reason.c_str());
  EXPECT_FALSE(reason.empty());
  try {
    time_fp8_gemm_cuda(128, 128, 128, 3);
    FAIL() << "timing without a device must throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    EXPECT_NE(std::string(e.what()).find("no CUDA device"), std::string::npos) << e.what();
  }
  EXPECT_THROW(time_d2d_copy(1 << 20, 3), Error);
  EXPECT_THROW(time_mla_decode_cuda(MlaDecodeShape{1, 16, 128, 576, 512, 64}, 3), Error);
  EXPECT_THROW(run_sustained_cublaslt_gemm(1024, 1024, 1024, false, 1.0, 0.1), Error);
}

TEST(CudaTiming, TimesKernelsOnDevice) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  const int m = 2048, n = 2048, k = 2048;
  const KernelTime fp8 = time_fp8_gemm_cuda(m, n, k, 10);
  const KernelTime grouped = time_grouped_fp8_gemm_cuda(8, 256, n, k, 10);
  const KernelTime bf16 = time_cublaslt_gemm(m, n, k, false, 10);
  const double copy_bytes = 256.0 * (1 << 20);
  const KernelTime copy = time_d2d_copy(static_cast<std::size_t>(copy_bytes), 10);
  const KernelTime mla = time_mla_decode_cuda(MlaDecodeShape{32, 128, 1024, 576, 512, 64}, 10);
  for (const KernelTime* t : {&fp8, &grouped, &bf16, &copy, &mla}) {
    EXPECT_TRUE(std::isfinite(t->seconds));
    EXPECT_GT(t->seconds, 0.0);
    EXPECT_GT(t->event_s, 0.0);
    EXPECT_FALSE(t->method.empty());
    if (t->cupti_s >= 0) {
      // Device time of the launched kernels cannot exceed the events around them (events add launch gaps),
      // beyond timer resolution.
      EXPECT_LE(t->cupti_s, t->event_s * 1.05 + 5e-6) << t->method;
      EXPECT_GE(t->kernels_per_call, 1);
      EXPECT_DOUBLE_EQ(t->seconds, t->cupti_s);
    }
  }
  const double flops = 2.0 * m * n * k;
  std::printf("timing method: %s\n", fp8.method.c_str());
  std::printf("fp8_gemm_cuda %dx%dx%d: %.3f ms (events %.3f ms), %.1f TFLOP/s\n", m, n, k, fp8.seconds * 1e3,
              fp8.event_s * 1e3, flops / fp8.seconds / 1e12);
  std::printf("grouped fp8 8x256x%dx%d: %.3f ms\n", n, k, grouped.seconds * 1e3);
  std::printf("cuBLASLt bf16 %dx%dx%d: %.3f ms, %.1f TFLOP/s (%s)\n", m, n, k, bf16.seconds * 1e3,
              flops / bf16.seconds / 1e12, bf16.method.c_str());
  std::printf("d2d copy 256 MiB: %.1f GB/s (read + write; %s)\n", 2.0 * copy_bytes / copy.seconds / 1e9,
              copy.method.c_str());
  std::printf("mla decode b=32 h=128 L=1024: %.3f ms\n", mla.seconds * 1e3);
  EXPECT_GT(2.0 * copy_bytes / copy.seconds, 10e9);  // any datacenter or desktop GPU copies faster than 10 GB/s
}

TEST(CudaTiming, SustainedRunWindowsAndSensors) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  // Two seconds of back-to-back BF16 GEMMs in ~0.2 s windows: every window did work in positive time, the
  // windows add up to the run, and where NVML answers, the SM clock and power are those of a working GPU.
  std::string no_sensors;
  const std::vector<LoadWindow> w = run_sustained_cublaslt_gemm(4096, 4096, 4096, false, 2.0, 0.2, &no_sensors);
  ASSERT_GE(w.size(), 3u);
  double total = 0;
  for (const LoadWindow& x : w) {
    EXPECT_GT(x.seconds, 0);
    EXPECT_GT(x.flops, 0);
    total += x.seconds;
    EXPECT_EQ(x.sensors, no_sensors.empty());  // every window is read, or none is and the reason says why
    if (x.sensors) {
      EXPECT_GT(x.sm_clock_mhz, 100);
      EXPECT_GT(x.power_w, 0);
    }
  }
  EXPECT_GE(total, 2.0);
  const LoadWindow& last = w.back();
  std::printf("sustained bf16 4096^3: first window %.1f TFLOP/s, last %.1f TFLOP/s; sensors %s (SM %.0f MHz, "
              "%.0f W, %.0f C, limits %s)\n",
              w.front().flops / w.front().seconds / 1e12, last.flops / last.seconds / 1e12,
              last.sensors ? "read" : ("not read: " + no_sensors).c_str(), last.sm_clock_mhz, last.power_w, last.temperature_c,
              clock_limit_names(last.clock_limit_mask).c_str());
  EXPECT_THROW(run_sustained_cublaslt_gemm(64, 64, 64, false, 0.1, 0.5), Error);  // window longer than the run
}

}  // namespace
}  // namespace moeplan::kernels
