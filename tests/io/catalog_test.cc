// The shipped catalog loads, every entry validates, and key figures match shared/reference/hardware.md and
// published-numbers.md.
#include "sim/io/catalog.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan::io {
namespace {

using units::kGiB;
using units::kGiga;
using units::kTera;

const Catalog& catalog() {
  static const Catalog c = Catalog::load("scenarios/catalog");
  return c;
}

TEST(Catalog, HasEveryListedEntry) {
  const std::vector<std::string> gpus = {"h800-sxm", "h100-sxm", "h100-pcie", "h200", "h20", "a100-80g", "a800",
                                         "b200", "gb200", "rtx-3090", "rtx-4090", "rtx-5090", "l40s", "mi300x",
                                         "b300", "mi355x", "rtx-pro-6000"};
  const std::vector<std::string> fabrics = {"nvlink3", "nvlink3-a800", "nvlink4", "nvlink4-h800", "nvlink5",
                                            "nvlink-bridge-3090", "infinity-fabric", "pcie4", "pcie5", "ib-hdr",
                                            "ib-ndr", "roce-400g", "eth-100g"};
  const std::vector<std::string> models = {"deepseek-v3", "deepseek-v2", "deepseek-v2-lite", "deepseek-67b",
                                           "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "qwen2.5-72b",
                                           "mixtral-8x7b"};
  for (const auto& g : gpus) EXPECT_TRUE(catalog().has_gpu(g)) << g;
  for (const auto& f : fabrics) EXPECT_TRUE(catalog().has_fabric(f)) << f;
  for (const auto& m : models) EXPECT_TRUE(catalog().has_model(m)) << m;
  EXPECT_EQ(catalog().gpu_names().size(), gpus.size());
  EXPECT_EQ(catalog().fabric_names().size(), fabrics.size());
  EXPECT_EQ(catalog().model_names().size(), models.size());
}

TEST(Catalog, EveryEntryValidatesAndIsConsistent) {
  for (const auto& name : catalog().gpu_names()) {
    const GpuSpec& g = catalog().gpu(name);
    EXPECT_NO_THROW(validate(g)) << name;
    EXPECT_EQ(g.name, name);
    EXPECT_EQ(g.profile, name);
    EXPECT_FALSE(g.source.empty()) << name;
    EXPECT_TRUE(catalog().has_fabric(g.host_link)) << name;
    if (!g.scale_up_fabric.empty()) {
      EXPECT_TRUE(catalog().has_fabric(g.scale_up_fabric)) << name;
    }
    if (g.rental.usd_per_gpu_hour > 0) {
      EXPECT_FALSE(g.rental.date.empty()) << name;
    }
    // Dense FP8 is twice dense BF16 wherever FP8 exists (hardware.md §1a), GeForce included (both halved).
    if (g.has_fp8()) {
      EXPECT_NEAR(g.peak_fp8_flops / g.peak_bf16_flops, 2.0, 0.03) << name;
    }
  }
  for (const auto& name : catalog().fabric_names()) EXPECT_NO_THROW(validate(catalog().fabric(name))) << name;
  for (const auto& name : catalog().model_names()) {
    EXPECT_NO_THROW(validate(catalog().model(name))) << name;
    EXPECT_EQ(catalog().model(name).name, name);
  }
}

TEST(Catalog, H800MatchesPublishedFigures) {
  const GpuSpec& g = catalog().gpu("h800-sxm");
  EXPECT_DOUBLE_EQ(g.peak_fp8_flops, 1979 * kTera);  // hardware.md §1a: same tensor rate as H100 SXM
  EXPECT_DOUBLE_EQ(g.peak_bf16_flops, 989 * kTera);
  EXPECT_DOUBLE_EQ(g.hbm_bytes, 80 * kGiB);  // "80 GB" of HBM3 is 5 x 16 GiB stacks: binary, as the chips are
  EXPECT_DOUBLE_EQ(g.hbm_Bps, 3.35 * kTera);
  EXPECT_EQ(g.sm_count, 132);                         // "20 out of the 132 SMs" (DeepSeek-V3 §3.5.1)
  EXPECT_EQ(g.scale_up_fabric, "nvlink4-h800");
  EXPECT_DOUBLE_EQ(g.rental.usd_per_gpu_hour, 2.0);  // Table 1
  const FabricSpec& nv = catalog().fabric("nvlink4-h800");
  EXPECT_DOUBLE_EQ(nv.nominal_Bps, 200 * kGiga);     // ISCA'25 §4: 400 GB/s bidir
  EXPECT_DOUBLE_EQ(nv.achievable_Bps, 160 * kGiga);  // DeepSeek-V3 §3.2.2
  const FabricSpec& ib = catalog().fabric("ib-ndr");
  EXPECT_DOUBLE_EQ(ib.nominal_Bps, 50 * kGiga);      // 400 Gb/s
  EXPECT_DOUBLE_EQ(ib.latency_s, 2.8e-6);            // ISCA'25 Table 5, same leaf
  EXPECT_EQ(ib.kind, FabricKind::kInfiniband);
  // NVLink:IB = 160/50 = 3.2 (DeepSeek-V3 §3.2.2 "roughly 3.2 times").
  EXPECT_NEAR(nv.achievable_Bps / ib.nominal_Bps, 3.2, 1e-12);
}

TEST(Catalog, ConsumerAndAmpereParts) {
  const GpuSpec& g4090 = catalog().gpu("rtx-4090");
  EXPECT_DOUBLE_EQ(g4090.peak_bf16_flops, 165.2 * kTera);  // FP32 accumulate, half the FP16-acc rate
  EXPECT_DOUBLE_EQ(g4090.peak_fp8_flops, 330.3 * kTera);   // Ada whitepaper v2.02 correction
  EXPECT_FALSE(g4090.ecc);
  EXPECT_EQ(g4090.scale_up_fabric, "");
  EXPECT_EQ(g4090.host_link, "pcie4");
  EXPECT_FALSE(catalog().gpu("a100-80g").has_fp8());        // no FP8 on Ampere
  EXPECT_FALSE(catalog().gpu("rtx-3090").has_fp8());
  EXPECT_DOUBLE_EQ(catalog().gpu("rtx-3090").peak_bf16_flops, 71 * kTera);
  EXPECT_DOUBLE_EQ(catalog().fabric("nvlink3-a800").nominal_Bps, 200 * kGiga);
  EXPECT_DOUBLE_EQ(catalog().gpu("b200").peak_fp8_flops, 4500 * kTera);  // dense; 9 PF is sparse
  EXPECT_DOUBLE_EQ(catalog().gpu("h200").hbm_bytes, 141 * kGiga);
}

TEST(Catalog, ModelsMatchPublishedConfigs) {
  const ModelSpec& v3 = catalog().model("deepseek-v3");  // published-numbers.md §1.2, §1.8
  EXPECT_EQ(v3.n_layers, 61);
  EXPECT_EQ(v3.hidden, 7168);
  EXPECT_EQ(v3.attention, AttentionKind::kMla);
  EXPECT_EQ(v3.mla.kv_lora_rank, 512);
  EXPECT_EQ(v3.mla.q_lora_rank, 1536);
  EXPECT_EQ(v3.moe.n_routed_experts, 256);
  EXPECT_EQ(v3.moe.top_k, 8);
  EXPECT_EQ(v3.moe.n_limited_groups, 4);
  EXPECT_EQ(v3.moe.first_k_dense, 3);
  EXPECT_EQ(v3.n_moe_layers(), 58);
  EXPECT_EQ(v3.mtp_depth, 1);
  EXPECT_EQ(v3.vocab, 129280);
  EXPECT_EQ(v3.moe.score_func, "sigmoid");
  const ModelSpec& l405 = catalog().model("llama-3.1-405b");
  EXPECT_EQ(l405.attention, AttentionKind::kGqa);
  // ISCA'25 Table 1: KV cache per token 2 x 8 x 128 x 126 x 2 B = 516,096 B.
  EXPECT_EQ(2LL * l405.n_kv_heads * l405.head_dim * l405.n_layers * 2, 516096);
  const ModelSpec& q = catalog().model("qwen2.5-72b");
  EXPECT_EQ(2LL * q.n_kv_heads * q.head_dim * q.n_layers * 2, 327680);  // ISCA'25 Table 1
  EXPECT_TRUE(q.attention_bias);
  // DeepSeek-V3 MLA: (512 + 64) x 61 x 2 B = 70,272 B (ISCA'25 Table 1).
  EXPECT_EQ((v3.mla.kv_lora_rank + v3.mla.qk_rope_head_dim) * v3.n_layers * 2, 70272);
  const ModelSpec& mix = catalog().model("mixtral-8x7b");
  EXPECT_EQ(mix.n_moe_layers(), 32);
  EXPECT_EQ(catalog().model("deepseek-67b").n_kv_heads, 8);
  EXPECT_EQ(catalog().model("deepseek-v2-lite").mla.q_lora_rank, 0);
}

TEST(Catalog, UnknownNamesHint) {
  try {
    catalog().gpu("h800");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    EXPECT_EQ(e.message(), "unknown GPU `h800`");
    EXPECT_EQ(e.context().hint, "did you mean `h800-sxm`?");
  }
  try {
    catalog().model("deepseek_v3");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.context().hint, "did you mean `deepseek-v3`?");
  }
  EXPECT_THROW(catalog().fabric("infiniband"), Error);
}

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("moeplan_io_test_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(Catalog, LoadErrorsAreLocated) {
  TempDir dir;
  dir.write("fabrics.yaml", "pcie4: {kind: pcie, bandwidth: 31.5 GB/s, achievable: 24.4 GB/s, latency: 3 us, source: x}\n");
  dir.write("models.yaml", "tiny: {n_layers: 2, hidden: 64, n_heads: 4, ffn_dim: 128, vocab: 100}\n");
  dir.write("gpus.yaml",
            "g1:\n  sms: 10\n  bf16: 100 TFLOPS\n  memory: 24 GB\n  memory_bandwidth: 1 TB/s\n"
            "  scale_up: nvlink9\n  host_link: pcie4\n  tdp: 300 W\n  source: test\n");
  try {
    Catalog::load(dir.str());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir.str() + "/gpus.yaml:6:3: `gpu.g1.scale_up`: unknown fabric `nvlink9` "
                                                  "(expected a fabric from " + dir.str() +
                                                  "/fabrics.yaml: pcie4)");
  }
  dir.write("gpus.yaml", "g1:\n  sms: 10\n  bf16: 0 TFLOPS\n  memory: 24 GB\n  memory_bandwidth: 1 TB/s\n"
                         "  scale_up: none\n  host_link: pcie4\n  tdp: 300 W\n  source: test\n");
  try {
    Catalog::load(dir.str());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir.str() + "/gpus.yaml:3:3: `gpu.g1.bf16`: dense BF16 peak must be positive");
  }
  dir.write("gpus.yaml", "g1:\n  sms: 10\n  bf16: 100 TFLOPS\n  memory: 24 GX\n  memory_bandwidth: 1 TB/s\n"
                         "  scale_up: none\n  host_link: pcie4\n  tdp: 300 W\n  source: test\n");
  try {
    Catalog::load(dir.str());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              dir.str() + "/gpus.yaml:4:11: `gpu.g1.memory`: cannot read `24 GX` as a quantity "
                          "(expected a size such as \"80 GiB\", \"80 GB\" or \"512 MiB\")");
  }
}

TEST(Catalog, FindCatalogDir) {
  ::setenv("MOEPLAN_CATALOG", "scenarios/catalog", 1);
  EXPECT_EQ(find_catalog_dir(""), "scenarios/catalog");
  ::unsetenv("MOEPLAN_CATALOG");
  // Falls through to the source tree this binary was built from, which holds the catalog.
  const std::string found = find_catalog_dir("/nonexistent/bin/moeplan");
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(found) / "gpus.yaml")) << found;
}

}  // namespace
}  // namespace moeplan::io
