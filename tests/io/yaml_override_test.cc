// Dotted-key overrides of a YAML tree.
#include "sim/io/yaml_override.h"

#include <gtest/gtest.h>

#include "sim/units/error.h"

namespace moeplan::io {
namespace {

TEST(YamlOverride, SetsExistingAndNewKeys) {
  YAML::Node root = YAML::Load("parallel: {pp: 16, dp: 128}\ncluster: {gpu: h800-sxm}\n");
  apply_override(root, "parallel.pp", "8");
  apply_override(root, "cluster.gpu", "rtx-4090");
  apply_override(root, "routing.skew", "0.5");  // missing mapping is created
  EXPECT_EQ(root["parallel"]["pp"].as<int>(), 8);
  EXPECT_EQ(root["parallel"]["dp"].as<int>(), 128);  // siblings untouched
  EXPECT_EQ(root["cluster"]["gpu"].as<std::string>(), "rtx-4090");
  EXPECT_DOUBLE_EQ(root["routing"]["skew"].as<double>(), 0.5);
}

TEST(YamlOverride, SequenceIndexBothSpellings) {
  YAML::Node root = YAML::Load("training: {phases: [{seq_len: 4096}, {seq_len: 32768}]}");
  apply_override(root, "training.phases[1].global_batch", "1920");
  apply_override(root, "training.phases.0.seq_len", "8192");
  EXPECT_EQ(root["training"]["phases"][1]["global_batch"].as<int>(), 1920);
  EXPECT_EQ(root["training"]["phases"][1]["seq_len"].as<int>(), 32768);
  EXPECT_EQ(root["training"]["phases"][0]["seq_len"].as<int>(), 8192);
  EXPECT_EQ(normalize_key_path("training.phases.1.parallel.tp"), "training.phases[1].parallel.tp");
}

TEST(YamlOverride, ValueIsParsedAsYaml) {
  YAML::Node root = YAML::Load("a: 1");
  apply_override(root, "sweep.parallel.pp", "[8, 16]");
  ASSERT_TRUE(root["sweep"]["parallel"]["pp"].IsSequence());
  EXPECT_EQ(root["sweep"]["parallel"]["pp"].size(), 2u);
}

TEST(YamlOverride, Errors) {
  YAML::Node root = YAML::Load("model: deepseek-v3\ntraining: {phases: [{seq_len: 1}]}");
  try {
    apply_override(root, "model.n_layers", "8");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "`model`: cannot set `model.n_layers`: `model` is not a mapping");
  }
  try {
    apply_override(root, "training.phases[5].seq_len", "8");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "`training.phases[5]`: index 5 is past the end of `training.phases` (1 elements)");
  }
  EXPECT_THROW(apply_override(root, "parallel..pp", "8"), Error);
  EXPECT_THROW(apply_override(root, "parallel.pp", ""), Error);
  EXPECT_THROW(split_override("parallel.pp"), Error);
  EXPECT_EQ(split_override("parallel.pp=8").second, "8");
  EXPECT_EQ(split_override("price.usd_per_gpu_hour=$2/h").second, "$2/h");
}

}  // namespace
}  // namespace moeplan::io
