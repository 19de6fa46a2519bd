// Tests of sweep expansion and point identities.
#include "sim/plan/sweep_points.h"

#include <set>

#include <gtest/gtest.h>

#include "sim/units/error.h"

namespace moeplan {
namespace {

TEST(Fnv1a, ReferenceVectors) {
  // Published FNV-1a 64-bit test vectors (Fowler/Noll/Vo reference test suite).
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
  EXPECT_EQ(to_hex16(0xaf63dc4c8601ec8cull), "af63dc4c8601ec8c");
  EXPECT_EQ(to_hex16(1), "0000000000000001");
}

TEST(ExpandSweep, CartesianRowMajor) {
  const std::vector<SweepAxis> axes = {{"parallel.pp", {"8", "16"}}, {"cluster.gpu", {"h800", "h100", "b200"}}};
  EXPECT_EQ(sweep_size(axes), 6u);
  const auto pts = expand_sweep(axes);
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].overrides, (std::vector<std::string>{"parallel.pp=8", "cluster.gpu=h800"}));
  EXPECT_EQ(pts[1].overrides, (std::vector<std::string>{"parallel.pp=8", "cluster.gpu=h100"}));
  EXPECT_EQ(pts[3].overrides, (std::vector<std::string>{"parallel.pp=16", "cluster.gpu=h800"}));
  EXPECT_EQ(pts[5].overrides, (std::vector<std::string>{"parallel.pp=16", "cluster.gpu=b200"}));
  // Canonical form sorts keys, so it does not depend on the order the axes were written in.
  EXPECT_EQ(pts[0].canonical, "cluster.gpu=h800;parallel.pp=8");
  EXPECT_EQ(pts[0].id, fnv1a64("cluster.gpu=h800;parallel.pp=8"));
  std::set<std::uint64_t> ids;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    EXPECT_EQ(pts[i].index, i);
    ids.insert(pts[i].id);
  }
  EXPECT_EQ(ids.size(), 6u);

  const std::vector<SweepAxis> swapped = {axes[1], axes[0]};
  std::set<std::uint64_t> swapped_ids;
  for (const auto& p : expand_sweep(swapped)) swapped_ids.insert(p.id);
  EXPECT_EQ(ids, swapped_ids);
}

TEST(ExpandSweep, DeterministicAndEscaped) {
  const std::vector<SweepAxis> axes = {{"a", {"x;y", "x"}}, {"b", {"1"}}};
  const auto p1 = expand_sweep(axes);
  const auto p2 = expand_sweep(axes);
  ASSERT_EQ(p1.size(), 2u);
  for (std::size_t i = 0; i < p1.size(); ++i) EXPECT_EQ(p1[i].id, p2[i].id);
  // "a=x;y" must not read as a=x plus a separate field "y".
  EXPECT_EQ(p1[0].canonical, "a=x\\;y;b=1");
  EXPECT_NE(p1[0].id, p1[1].id);
}

TEST(ExpandSweep, NoAxesIsOnePoint) {
  const auto pts = expand_sweep({});
  ASSERT_EQ(pts.size(), 1u);
  EXPECT_TRUE(pts[0].overrides.empty());
  EXPECT_EQ(pts[0].canonical, "");
}

TEST(ExpandSweep, RejectsBadAxes) {
  EXPECT_THROW(expand_sweep({{"a", {}}}), Error);
  EXPECT_THROW(expand_sweep({{"", {"1"}}}), Error);
  EXPECT_THROW(expand_sweep({{"a", {"1"}}, {"a", {"2"}}}), Error);
  EXPECT_THROW(expand_sweep({{"a=b", {"1"}}}), Error);
}

TEST(SweepId, DependsOnScenarioAndAxes) {
  const std::vector<SweepAxis> axes = {{"parallel.pp", {"8", "16"}}};
  const std::uint64_t id = sweep_id("name: x\n", axes);
  EXPECT_EQ(id, sweep_id("name: x\n", axes));
  EXPECT_NE(id, sweep_id("name: y\n", axes));
  EXPECT_NE(id, sweep_id("name: x\n", {{"parallel.pp", {"8"}}}));
  // Length prefixes keep ("ab","c") and ("a","bc") apart.
  EXPECT_NE(sweep_id("", {{"ab", {"c"}}}), sweep_id("", {{"a", {"bc"}}}));
}

}  // namespace
}  // namespace moeplan
