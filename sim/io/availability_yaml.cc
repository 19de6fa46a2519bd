// `availability:` section -> AvailabilitySpec (see availability_yaml.h). Every value is checked here, where its
// line is known; a required value that is missing names the published figures a user could take it from.
#include "sim/io/availability_yaml.h"

#include <cmath>
#include <string>

#include "sim/units/units.h"

namespace moeplan::io {
namespace {

const char* kDuration = "a duration such as \"50 min\" or \"2 days\"";
const char* kBandwidth = "a bandwidth such as \"500 Mbps\" or \"1 Gbps\"";

// INTELLECT-1 (arXiv:2412.01152 §2): bandwidth between its nodes over the public internet was "limited to 500 Mb
// to 4 Gb/s"; the lower end is the default download link of a volunteer, the one published figure for it.
constexpr double kIntellect1LowLink_Bps = 500e6 / 8;
const char* kIntellect1LinkSource = "default: 500 Mb/s, the low end of INTELLECT-1's 500 Mb/s-4 Gb/s between nodes "
                                    "(arXiv:2412.01152 §2)";

// A positive rate per `unit` (a plain number), or 1 / a duration under `duration_key` (mean time between events).
// Exactly one of the two may be given; returns 0 when neither is.
double rate_or_mean(const YamlField& f, const std::string& rate_key, const std::string& duration_key,
                    double seconds_per_unit, const std::string& unit_name) {
  const auto rate = f.find(rate_key);
  const auto mean = f.find(duration_key);
  if (rate && mean) mean->fail("give " + rate_key + " or " + duration_key + ", not both", "one of the two");
  if (rate) {
    const double v = rate->as_double("a rate per " + unit_name);
    if (!(v > 0) || !std::isfinite(v)) rate->fail("must be > 0", "a positive rate");
    return v;
  }
  if (mean) {
    const double s = mean->as_quantity(units::parse_duration, kDuration);
    if (!(s > 0) || !std::isfinite(s)) mean->fail("must be > 0", kDuration);
    return seconds_per_unit / s;
  }
  return 0;
}

std::string required_source(const YamlField& f, const std::string& key, const std::string& what) {
  const auto s = f.find(key);
  if (!s) f.fail("`" + key + "` is required: say where the " + what + " comes from", "a source such as a paper, "
                 "price page or trace, with its date");
  const std::string v = s->as_string("a source");
  if (v.empty()) s->fail("must not be empty", "a source");
  return v;
}

bool read_recovery_blocking(const YamlField& f, bool fallback) { return f.get_bool("blocking_fetch", fallback); }

SpotSpec read_spot(const YamlField& f, const ClusterSpec& cluster) {
  f.require_map("{preemptions_per_node_hour, rate_source, price | discount, price_source, price_date, replacement, "
                "replacement_source, recovery, link, blocking_fetch}");
  f.expect_keys({"enabled", "preemptions_per_node_hour", "preemptions_per_gpu_hour", "mean_run", "rate_source",
                 "price", "discount", "price_source", "price_date", "replacement", "replacement_source", "recovery",
                 "link", "link_source", "blocking_fetch"});
  SpotSpec s;
  s.enabled = f.get_bool("enabled", true);
  if (!s.enabled) return s;  // switched off (e.g. by an override): nothing else is needed
  // Per node-hour, per GPU-hour (x GPUs per node) or a mean run between preemptions.
  const int given = static_cast<int>(f.has("preemptions_per_node_hour")) + f.has("preemptions_per_gpu_hour") +
                    f.has("mean_run");
  if (given > 1) f.fail("give one of preemptions_per_node_hour, preemptions_per_gpu_hour, mean_run", "one of them");
  if (auto g = f.find("preemptions_per_gpu_hour")) {
    const double v = g->as_double("preemptions per GPU-hour");
    if (!(v > 0) || !std::isfinite(v)) g->fail("must be > 0", "a positive rate");
    s.preemptions_per_node_hour = v * cluster.gpus_per_node;
  } else {
    s.preemptions_per_node_hour = rate_or_mean(f, "preemptions_per_node_hour", "mean_run", units::kSecondsPerHour, "node-hour");
  }
  if (s.preemptions_per_node_hour <= 0)
    f.fail("the preemption rate is required: no default, because no H100/A100 spot preemption rate is published",
           "preemptions_per_node_hour, preemptions_per_gpu_hour or mean_run",
           "the one published GPU trace (AWS p3.2xlarge, 1x V100, April 2023, spot-traces@221da1a) runs 1.36-3.20 h "
           "between preemptions: 0.31-0.74 per node-hour (docs/churn.md)");
  s.rate_source = required_source(f, "rate_source", "preemption rate");

  const auto price = f.find("price");
  const auto discount = f.find("discount");
  if (price && discount) discount->fail("give price or discount, not both", "one of the two");
  if (!price && !discount)
    f.fail("the spot price is required", "price (\"$1.52/h\") or discount (a fraction off on-demand, e.g. 0.45)",
           "no spot price has a default: quotes vary by provider and month");
  if (price) {
    s.usd_per_gpu_hour = price->as_quantity(units::parse_usd_per_hour, "a price such as \"$1.52/h\"");
    if (!(s.usd_per_gpu_hour > 0)) price->fail("must be > 0", "a price such as \"$1.52/h\"");
  } else {
    s.discount = discount->as_double("a fraction off on-demand in [0, 1)");
    if (!(s.discount >= 0 && s.discount < 1)) discount->fail("must be in [0, 1)", "a fraction such as 0.45");
  }
  s.price_source = required_source(f, "price_source", "spot price");
  const auto date = f.find("price_date");
  if (!date) f.fail("`price_date` is required: spot prices move month to month", "the month of the quote, e.g. \"2026-04\"");
  s.price_date = date->as_string("the month of the quote, e.g. \"2026-04\"");

  const auto r = f.find("replacement");
  if (!r) f.fail("`replacement` is required: how long from a preemption until a replacement node runs",
                 kDuration, "the V100 trace's zones were out of spot capacity for 0.8-3.0 h on average (docs/churn.md)");
  s.replacement_s = r->as_quantity(units::parse_duration, kDuration);
  if (!(s.replacement_s >= 0) || !std::isfinite(s.replacement_s)) r->fail("must be >= 0", kDuration);
  s.replacement_source = required_source(f, "replacement_source", "replacement time");
  if (auto rec = f.find("recovery"))
    s.recovery = rec->as_enum<ChurnRecovery>({{"restart", ChurnRecovery::kRestart}, {"elastic", ChurnRecovery::kElastic}},
                                             "recovery");
  s.blocking_fetch = read_recovery_blocking(f, true);
  // An elastic replacement fetches the state from its peers: over the cluster's scale-out links unless given.
  s.link_Bps = f.get_quantity("link", units::parse_bandwidth, 0, kBandwidth);
  if (f.has("link") && !(s.link_Bps > 0)) f.find("link")->fail("must be > 0", kBandwidth);
  s.link_source = f.get_string("link_source", s.link_Bps > 0 ? "availability.spot.link" : "");
  if (s.link_Bps <= 0) {
    s.link_Bps = cluster.scale_out.achievable_Bps * cluster.nics_per_node;
    s.link_source = "the node's scale-out bandwidth (" + std::to_string(cluster.nics_per_node) + " x " +
                    cluster.scale_out.name + ")";
  }
  return s;
}

VolunteerSpec read_volunteer(const YamlField& f) {
  f.require_map("{session | leave_per_node_day, absence | join_per_slot_day | joins_per_day, rates_source, link, "
                "link_source, blocking_fetch}");
  f.expect_keys({"enabled", "session", "leave_per_node_day", "absence", "join_per_slot_day", "joins_per_day",
                 "rates_source", "link", "link_source", "blocking_fetch"});
  VolunteerSpec v;
  v.enabled = f.get_bool("enabled", true);
  if (!v.enabled) return v;
  v.leave_per_node_day = rate_or_mean(f, "leave_per_node_day", "session", units::kSecondsPerDay, "node-day");
  if (v.leave_per_node_day <= 0)
    f.fail("the leave rate is required: no volunteer session length is published", "session (\"2 days\") or "
           "leave_per_node_day", "INTELLECT-1 publishes no per-contributor uptime (arXiv:2412.01152 §3.3)");
  if (auto j = f.find("joins_per_day")) {
    if (f.has("absence") || f.has("join_per_slot_day"))
      j->fail("give joins_per_day (arrivals for the whole job) or absence / join_per_slot_day (per slot), not both",
              "one way of giving joins");
    v.joins_per_day = j->as_double("arrivals per day");
    if (!(v.joins_per_day > 0) || !std::isfinite(v.joins_per_day)) j->fail("must be > 0", "a positive rate");
  } else {
    v.join_per_slot_day = rate_or_mean(f, "join_per_slot_day", "absence", units::kSecondsPerDay, "slot-day");
  }
  if (v.joins_per_day <= 0 && v.join_per_slot_day <= 0)
    f.fail("the join rate is required", "absence (\"1 day\"), join_per_slot_day or joins_per_day",
           "INTELLECT-1 added nodes \"every few days\" (arXiv:2412.01152 §2.4.2), but publishes no counts");
  v.rates_source = required_source(f, "rates_source", "join and leave rates");
  v.link_Bps = f.get_quantity("link", units::parse_bandwidth, kIntellect1LowLink_Bps, kBandwidth);
  if (!(v.link_Bps > 0)) f.find("link")->fail("must be > 0", kBandwidth);
  v.link_source = f.has("link") ? f.get_string("link_source", "availability.volunteer.link") : kIntellect1LinkSource;
  v.blocking_fetch = read_recovery_blocking(f, true);
  return v;
}

}  // namespace

AvailabilitySpec read_availability(const YamlField& f, const ClusterSpec& cluster) {
  f.require_map("{spot: {...}} or {volunteer: {...}}");
  f.expect_keys({"spot", "volunteer"});
  AvailabilitySpec a;
  if (auto s = f.find("spot")) a.spot = read_spot(*s, cluster);
  if (auto v = f.find("volunteer")) a.volunteer = read_volunteer(*v);
  if (a.spot.enabled && a.volunteer.enabled)
    f.fail("give spot or volunteer nodes, not both: one job runs on one kind of capacity", "spot or volunteer");
  return a;
}

}  // namespace moeplan::io
