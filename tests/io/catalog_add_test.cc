// --catalog-add: a user's file of GPUs, fabrics, models and software merged over the shipped catalog, with
// errors that name the file, the line and the key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/io/catalog.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

namespace fs = std::filesystem;

class CatalogAdd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("moeplan-catalog-add-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    catalog_ = Catalog::load("scenarios/catalog");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  // The user Error add_file throws for `text`, as "file:line:col: message".
  std::string error_of(const std::string& text) {
    const std::string file = write("bad.yaml", text);
    try {
      catalog_.add_file(file);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUser);
      EXPECT_EQ(e.context().file, file);
      return e.what();
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return "";
  }
  fs::path dir_;
  Catalog catalog_;
};

constexpr const char* kMine = R"(fabrics:
  my-ib:
    kind: infiniband
    bandwidth: 50 GB/s
    achievable: 45 GB/s
    latency: 2 us
    source: "our own nccl-tests, 2026-11"
gpus:
  my-h100:
    display_name: Our H100 (power-capped)
    vendor: nvidia
    arch: hopper
    sms: 132
    fp8: 1700 TFLOPS
    bf16: 850 TFLOPS
    fp32: 60 TFLOPS
    memory: 80 GiB
    memory_bandwidth: 3.35 TB/s
    scale_up: nvlink4
    host_link: pcie5
    tdp: 500 W
    rental: {price: "$1.10/h", date: 2026-11, source: "our internal rate"}
    source: "our measurements"
  h100-sxm:
    display_name: NVIDIA H100 SXM5 (our contract price)
    vendor: nvidia
    arch: hopper
    sms: 132
    fp8: 1979 TFLOPS
    bf16: 989 TFLOPS
    fp32: 67 TFLOPS
    memory: 80 GiB
    memory_bandwidth: 3.35 TB/s
    scale_up: nvlink4
    host_link: pcie5
    tdp: 700 W
    rental: {price: "$1.85/h", date: 2026-10, source: "our contract"}
    source: "shipped entry with our price"
)";

TEST_F(CatalogAdd, AddsNewEntriesAndReplacesShippedOnes) {
  const std::size_t shipped_gpus = catalog_.gpu_names().size();
  const double shipped_price = catalog_.gpu("h100-sxm").rental.usd_per_gpu_hour;
  catalog_.add_file(write("mine.yaml", kMine));
  EXPECT_EQ(catalog_.gpu_names().size(), shipped_gpus + 1);  // one new, one replaced
  EXPECT_DOUBLE_EQ(catalog_.fabric("my-ib").nominal_Bps, 50e9);
  EXPECT_DOUBLE_EQ(catalog_.gpu("my-h100").rental.usd_per_gpu_hour, 1.10);
  EXPECT_NE(shipped_price, 1.85);
  EXPECT_DOUBLE_EQ(catalog_.gpu("h100-sxm").rental.usd_per_gpu_hour, 1.85);
  EXPECT_EQ(catalog_.gpu("h100-sxm").display_name, "NVIDIA H100 SXM5 (our contract price)");
  ASSERT_EQ(catalog_.added_files().size(), 1u);
  // Everything else is still the shipped catalog.
  EXPECT_TRUE(catalog_.has_model("deepseek-v3"));
  EXPECT_TRUE(catalog_.has_fabric("nvlink4"));
}

TEST_F(CatalogAdd, UnknownSectionNamesTheFourAndTheClosest) {
  const std::string what = error_of("gpu:\n  x: {}\n");
  EXPECT_NE(what.find("bad.yaml:1:1"), std::string::npos) << what;
  EXPECT_NE(what.find("gpus"), std::string::npos) << what;
}

TEST_F(CatalogAdd, BadValueIsLocatedAtItsKey) {
  std::string text = kMine;
  text.replace(text.find("memory: 80 GiB"), std::string("memory: 80 GiB").size(), "memory: -80 GiB");
  const std::string what = error_of(text);
  EXPECT_NE(what.find("gpus.my-h100.memory"), std::string::npos) << what;
  EXPECT_NE(what.find("bad.yaml:17:"), std::string::npos) << what;  // the `memory:` line of my-h100
}

TEST_F(CatalogAdd, GpuOnAnUnknownFabricNamesTheClosest) {
  std::string text = kMine;
  text.replace(text.find("scale_up: nvlink4"), std::string("scale_up: nvlink4").size(), "scale_up: nvlinc4");
  const std::string what = error_of(text);
  EXPECT_NE(what.find("unknown fabric `nvlinc4`"), std::string::npos) << what;
  EXPECT_NE(what.find("gpus.my-h100.scale_up"), std::string::npos) << what;
  EXPECT_NE(what.find("nvlink4"), std::string::npos) << what;
}

TEST_F(CatalogAdd, MissingFileIsAUserError) {
  EXPECT_THROW(catalog_.add_file((dir_ / "absent.yaml").string()), Error);
}

}  // namespace
}  // namespace moeplan::io
