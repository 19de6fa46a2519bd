// Loading `availability:` (spot and volunteer nodes): conversions, cited defaults, and located errors for every
// value without a published default (file:line:column, the key, what was expected, where figures are published).
#include <gtest/gtest.h>

#include <string>

#include "sim/io/scenario_loader.h"
#include "tests/io/scenario_text.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

using test::catalog;
using test::error_of;
using test::replace;

const char* kBase = R"(name: t
model: llama-3.1-8b
cluster: {gpu: h100-sxm, nodes: 4, gpus_per_node: 8, scale_out: ib-ndr}
training:
  phases:
    - {tokens: 1B, seq_len: 4096, global_batch: 64}
)";

const char* kSpot = R"(availability:
  spot:
    preemptions_per_gpu_hour: 0.05
    rate_source: "a trace"
    price: "$1.52/h"
    price_source: "a price page"
    price_date: "2026-04"
    replacement: 50 min
    replacement_source: "the trace"
    recovery: elastic
)";

TEST(AvailabilityYaml, SpotLoadsWithConversions) {
  const Scenario s = load_scenario_text(std::string(kBase) + kSpot, "t.yaml", catalog(), {});
  ASSERT_TRUE(s.availability.spot.enabled);
  EXPECT_FALSE(s.availability.volunteer.enabled);
  EXPECT_NEAR(s.availability.spot.preemptions_per_node_hour, 0.4, 1e-12);  // 0.05 per GPU-hour x 8 GPUs
  EXPECT_NEAR(s.availability.spot.usd_per_gpu_hour, 1.52, 1e-12);
  EXPECT_NEAR(s.availability.spot.replacement_s, 3000, 1e-9);
  EXPECT_EQ(s.availability.spot.recovery, ChurnRecovery::kElastic);
  // No link given: the node's scale-out, 8 NICs x 47 GB/s achievable (catalog ib-ndr).
  EXPECT_NEAR(s.availability.spot.link_Bps, 8 * 47e9, 1e3);
  // A mean run between preemptions is the reciprocal rate.
  const Scenario m = load_scenario_text(
      std::string(kBase) + replace(kSpot, "preemptions_per_gpu_hour: 0.05", "mean_run: 2.5 h"), "t.yaml", catalog(), {});
  EXPECT_NEAR(m.availability.spot.preemptions_per_node_hour, 0.4, 1e-12);
}

TEST(AvailabilityYaml, VolunteerDefaultsToTheCitedLink) {
  const Scenario s = load_scenario_text(std::string(kBase) + R"(availability:
  volunteer:
    session: 4 days
    joins_per_day: 2
    rates_source: "assumed"
)", "t.yaml", catalog(), {});
  EXPECT_NEAR(s.availability.volunteer.leave_per_node_day, 0.25, 1e-12);
  EXPECT_NEAR(s.availability.volunteer.joins_per_day, 2, 1e-12);
  EXPECT_NEAR(s.availability.volunteer.link_Bps, 500e6 / 8, 1e-6);  // INTELLECT-1 §2 low end
  EXPECT_NE(s.availability.volunteer.link_source.find("arXiv:2412.01152"), std::string::npos);
  EXPECT_TRUE(s.availability.volunteer.blocking_fetch);
}

TEST(AvailabilityYaml, MissingRateNamesThePublishedTrace) {
  EXPECT_EQ(error_of(std::string(kBase) + replace(kSpot, "    preemptions_per_gpu_hour: 0.05\n", "")),
            "t.yaml:9:5: `availability.spot`: the preemption rate is required: no default, because no H100/A100 spot "
            "preemption rate is published (expected preemptions_per_node_hour, preemptions_per_gpu_hour or mean_run); "
            "the one published GPU trace (AWS p3.2xlarge, 1x V100, April 2023, spot-traces@221da1a) runs 1.36-3.20 h "
            "between preemptions: 0.31-0.74 per node-hour (docs/churn.md)");
}

TEST(AvailabilityYaml, PriceErrorsAreLocated) {
  EXPECT_EQ(error_of(std::string(kBase) + replace(kSpot, "    price: \"$1.52/h\"\n", "")),
            "t.yaml:9:5: `availability.spot`: the spot price is required (expected price (\"$1.52/h\") or discount "
            "(a fraction off on-demand, e.g. 0.45)); no spot price has a default: quotes vary by provider and month");
  EXPECT_EQ(error_of(std::string(kBase) + replace(kSpot, "price: \"$1.52/h\"", "price: \"$1.52/h\"\n    discount: 0.4")),
            "t.yaml:12:15: `availability.spot.discount`: give price or discount, not both (expected one of the two)");
  EXPECT_EQ(error_of(std::string(kBase) + replace(kSpot, "    price_date: \"2026-04\"\n", "")),
            "t.yaml:9:5: `availability.spot`: `price_date` is required: spot prices move month to month (expected the "
            "month of the quote, e.g. \"2026-04\")");
  EXPECT_EQ(error_of(std::string(kBase) + replace(kSpot, "price: \"$1.52/h\"", "discount: 1.5")),
            "t.yaml:11:15: `availability.spot.discount`: must be in [0, 1) (expected a fraction such as 0.45)");
}

TEST(AvailabilityYaml, UnknownKeysAndValuesAreLocated) {
  EXPECT_EQ(error_of(std::string(kBase) + replace(kSpot, "recovery: elastic", "recovery: elastc")),
            "t.yaml:16:15: `availability.spot.recovery`: unknown recovery `elastc` (expected one of restart, elastic); "
            "did you mean `elastic`?");
  const std::string msg = error_of(std::string(kBase) + replace(kSpot, "replacement: 50 min", "replacment: 50 min"));
  EXPECT_NE(msg.find("t.yaml:14:5: `availability.spot.replacment`: unknown key `replacment`"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean `replacement`?"), std::string::npos) << msg;
  EXPECT_EQ(error_of(std::string(kBase) + replace(kSpot, "replacement: 50 min", "replacement: -5 min")),
            "t.yaml:14:18: `availability.spot.replacement`: must be >= 0 (expected a duration such as \"50 min\" or "
            "\"2 days\")");
}

TEST(AvailabilityYaml, VolunteerRatesAreRequired) {
  EXPECT_EQ(error_of(std::string(kBase) + "availability:\n  volunteer:\n    joins_per_day: 2\n    rates_source: x\n"),
            "t.yaml:9:5: `availability.volunteer`: the leave rate is required: no volunteer session length is "
            "published (expected session (\"2 days\") or leave_per_node_day); INTELLECT-1 publishes no per-contributor "
            "uptime (arXiv:2412.01152 §3.3)");
  EXPECT_EQ(error_of(std::string(kBase) +
                     "availability:\n  volunteer:\n    session: 1 day\n    absence: 2 h\n    joins_per_day: 2\n"),
            "t.yaml:11:20: `availability.volunteer.joins_per_day`: give joins_per_day (arrivals for the whole job) or "
            "absence / join_per_slot_day (per slot), not both (expected one way of giving joins)");
  // Switched off, nothing else is required.
  EXPECT_EQ(error_of(std::string(kBase) + "availability:\n  spot: {enabled: false}\n"), "");
}

}  // namespace
}  // namespace moeplan::io
