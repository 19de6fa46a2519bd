// AvailabilitySpec: capacity that comes and goes (scenario key `availability`). Spot/preemptible nodes are taken
// back by the provider at a rate and replaced after a wait; volunteer nodes leave when their owners stop and join
// when new ones arrive. Either way the job loses work and time, and spot capacity is priced below on-demand.
// The goodput and dollar accounting lives in sim/cost/churn_model.h; the figures behind the inputs are in
// docs/churn.md (published spot traces, INTELLECT-1's churn).
#pragma once

#include <string>

namespace moeplan {

// What a job does when a node is taken away.
enum class ChurnRecovery {
  kRestart,  // synchronous data parallelism: every replica stops, reloads the last checkpoint, waits for a node
  kElastic,  // the job runs on with fewer replicas; the node loses only its work since the last (outer) sync
};

struct SpotSpec {
  bool enabled = false;
  // Preemptions per node-hour while the node runs (a figure per GPU-hour is converted by the loader with the
  // cluster's GPUs per node). No default: no H100/A100 rate is published (docs/churn.md).
  double preemptions_per_node_hour = 0;
  std::string rate_source;
  // Spot price: a rate, or a discount off the scenario's on-demand rate (exactly one is given).
  double usd_per_gpu_hour = 0;
  double discount = 0;                 // 0.4 = 40 % below on-demand
  std::string price_source;
  std::string price_date;
  double replacement_s = 0;            // from a preemption until a replacement node runs (required)
  std::string replacement_source;
  ChurnRecovery recovery = ChurnRecovery::kRestart;
  bool blocking_fetch = true;          // elastic: a replacement fetches the state before it trains
  double link_Bps = 0;                 // elastic: the replacement's download bandwidth for the state
  std::string link_source;             // the loader fills in the node's scale-out bandwidth when none is given
};

// Volunteers: each replica slot alternates between a session (exponential, rate leave_per_node_day per node of
// the slot) and an absence. Joins are given either per absent slot (finite source) or as arrivals per day for
// the whole job, turned away once every slot is full (an Erlang loss system).
struct VolunteerSpec {
  bool enabled = false;
  double leave_per_node_day = 0;       // 1 / mean session length
  double join_per_slot_day = 0;        // finite source: 1 / mean absence of a slot; 0 when joins_per_day is given
  double joins_per_day = 0;            // arrivals of a replica's worth of nodes per day, whole job
  std::string rates_source;
  double link_Bps = 0;                 // a joining node's download bandwidth for the state
  std::string link_source;
  bool blocking_fetch = true;          // INTELLECT-1 §2.4.2: blocking download 30-60 min
};

struct AvailabilitySpec {
  SpotSpec spot;
  VolunteerSpec volunteer;
  bool enabled() const { return spot.enabled || volunteer.enabled; }
};

}  // namespace moeplan
