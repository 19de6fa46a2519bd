// Speed work on the engine and the step drivers must not move a result: the step time of every shipped
// training scenario at `analytic` and `des` (first phase, its own plan) is pinned to the last bit. A change
// that is meant to move results (a documented fix, a modelling change) updates the table from this test's
// output, which prints each value as a hex float ready to paste.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

using test::Loaded;
using test::main_shape;

struct Pin {
  const char* scenario;
  Fidelity fidelity;
  double step_s;  // bit-exact step time of the first phase
};

constexpr Pin kPins[] = {
#include "tests/train/step_time_pins.inc"
};

TEST(StepTimePin, ShippedScenariosAreBitIdentical) {
  Loaded l;
  for (const Pin& p : kPins) {
    Scenario s = l.load(p.scenario);
    auto calib = l.calib(s);
    s.fidelity = p.fidelity;
    const double got = simulate_step(s, *calib, main_shape(s)).time_s;
    std::printf("  {\"%s\", Fidelity::%s, %a},  // %.17g s (pinned %.17g s)\n", p.scenario,
                p.fidelity == Fidelity::kDes ? "kDes" : "kAnalytic", got, got, p.step_s);
    EXPECT_EQ(got, p.step_s) << p.scenario;
  }
}

}  // namespace
}  // namespace moeplan
