// Edit distance and did-you-mean hints.
#include "sim/io/suggest.h"

#include <gtest/gtest.h>

namespace moeplan::io {
namespace {

TEST(Suggest, EditDistanceClosedForms) {
  EXPECT_EQ(edit_distance("", ""), 0);
  EXPECT_EQ(edit_distance("abc", ""), 3);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);  // classic example: 2 substitutions + 1 insertion
  EXPECT_EQ(edit_distance("epp", "ep"), 1);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2);
}

TEST(Suggest, ClosestNameAndHint) {
  const std::vector<std::string> keys = {"tp", "pp", "dp", "ep", "zero", "micro_batch", "schedule"};
  EXPECT_EQ(closest_name("epp", keys), "ep");
  EXPECT_EQ(closest_name("shedule", keys), "schedule");
  EXPECT_EQ(closest_name("microbatch", keys), "micro_batch");
  EXPECT_EQ(closest_name("completely_different", keys), "");
  const std::vector<std::string> gpus = {"a100-80g", "h100-sxm", "h800-sxm", "rtx-4090"};
  EXPECT_EQ(did_you_mean("h800", gpus), "did you mean `h800-sxm`?");
  EXPECT_EQ(did_you_mean("rtx4090", gpus), "did you mean `rtx-4090`?");
  EXPECT_EQ(did_you_mean("tpu-v5", gpus), "");
}

TEST(Suggest, JoinNames) { EXPECT_EQ(join_names({"a", "b", "c"}), "a, b, c"); }

}  // namespace
}  // namespace moeplan::io
