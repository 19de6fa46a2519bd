// Request-level serving simulation; the model is described in request_sim.h.
//
// Simplifications, stated so results can be judged: a decode unit's KV capacity and batch limit are pooled
// over its ranks (sequences are not pinned to a rank, so rank imbalance is not modelled); prefill does not
// split prompts (no chunked prefill); the KV handoff holds only the sending rank's NIC share (its contention
// with the expert all-to-all is accounted on the pools' throughput, capacity.h).
#include "sim/infer/request_sim.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "sim/engine/event_queue.h"
#include "sim/engine/sim_time.h"
#include "sim/units/error.h"
#include "sim/units/random.h"

namespace moeplan {
namespace {

using engine::EventQueue;
using engine::SimTime;

enum Tag : std::uint32_t { kArrival = 0, kPrefillDone = 1, kDecodeDone = 2, kKvArrived = 3 };

struct ReqState {
  double arrival = 0, prefill_start = -1, first_token = -1, finish = -1;
  double handoff_s = -1;                // first KV handoff: prefill end to cache on decode
  int prompt = 0, output = 0, hit = 0;  // prompt/hit change when a preempted request is recomputed
  int original_prompt = 0;
  int generated = 0;
  int context = 0;                      // KV tokens held in decode
  std::uint64_t admitted = 0;           // admission order (preemption takes the newest)
};

struct PrefillUnit {
  bool busy = false;
  std::vector<int> batch;
  std::vector<SimTime> nic_free;  // per attention DP rank: when its NIC share has sent what it was given
};

struct DecodeUnit {
  bool busy = false;
  std::deque<int> waiting;
  std::vector<int> active;
  double kv_used = 0;
  SimTime step_start = 0;
};

class Simulation {
 public:
  Simulation(const std::vector<Request>& reqs, const RequestSimConfig& c)
      : c_(c), rng_(c.seed, "serving.mtp"), prefill_(c.prefill_units), decode_(c.decode_units) {
    if (c.prefill_units < 1 || c.decode_units < 1 || c.prefill_ranks < 1 || c.decode_ranks < 1)
      throw_internal_error("simulate_requests: units and ranks must be >= 1");
    if (!(c.prefill_tokens_per_rank > 0) || !(c.kv_tokens_per_rank > 0))
      throw_internal_error("simulate_requests: prefill budget and KV capacity must be > 0");
    if (!c.prefill_step_s || !c.decode_step_s) throw_internal_error("simulate_requests: step-time callbacks missing");
    kv_capacity_ = c.kv_tokens_per_rank * c.decode_ranks;
    handoff_ = c.kv_handoff_s_per_token > 0 || c.kv_handoff_latency_s > 0;
    for (PrefillUnit& u : prefill_) u.nic_free.assign(c.prefill_ranks, 0);
    batch_limit_ = c.decode_batch_per_rank > 0 ? c.decode_batch_per_rank * c.decode_ranks : 0;
    for (const Request& r : reqs) {
      if (r.arrival_s >= c.duration_s) break;
      ReqState s;
      s.arrival = r.arrival_s;
      s.prompt = s.original_prompt = r.prompt_tokens;
      s.output = r.output_tokens;
      s.hit = r.hit_tokens;
      reqs_.push_back(s);
      queue_.push(engine::seconds_to_time(r.arrival_s), static_cast<std::uint32_t>(reqs_.size() - 1), kArrival);
    }
  }

  LatencyResult run() {
    const SimTime horizon = engine::seconds_to_time(10.0 * c_.duration_s + 3600.0);
    const auto window_s = static_cast<std::size_t>(std::ceil(c_.duration_s));
    c_.progress.begin("serving simulation of " + std::to_string(reqs_.size()) + " requests (simulated seconds)",
                      window_s);
    std::size_t reported_s = 0;
    while (!queue_.empty() && queue_.top_time() <= horizon) {
      const engine::Event e = queue_.pop();
      now_ = e.time;
      if (c_.progress) {
        const auto second = std::min(window_s, static_cast<std::size_t>(now_s()));
        if (second > reported_s) c_.progress.update(reported_s = second);
      }
      if (e.tag == kArrival) {
        prefill_queue_.push_back(static_cast<int>(e.target));
        start_idle_prefill();
      } else if (e.tag == kPrefillDone) {
        prefill_done(static_cast<int>(e.target));
      } else if (e.tag == kKvArrived) {
        to_decode(static_cast<int>(e.target));
      } else {
        decode_done(static_cast<int>(e.target));
      }
    }
    return results();
  }

 private:
  double now_s() const { return engine::time_to_seconds(now_); }
  bool in_window(double t) const { return t >= c_.warmup_s && t <= c_.duration_s; }

  void start_idle_prefill() {
    for (int u = 0; u < c_.prefill_units && !prefill_queue_.empty(); ++u)
      if (!prefill_[u].busy) start_prefill(u);
  }

  void start_prefill(int u) {
    PrefillUnit& unit = prefill_[u];
    const double budget = c_.prefill_tokens_per_rank * c_.prefill_ranks;
    double tokens = 0, weighted_context = 0;
    while (!prefill_queue_.empty()) {
      ReqState& r = reqs_[prefill_queue_.front()];
      const double miss = r.prompt - r.hit;
      if (!unit.batch.empty() && tokens + miss > budget) break;
      unit.batch.push_back(prefill_queue_.front());
      prefill_queue_.pop_front();
      if (r.prefill_start < 0) r.prefill_start = now_s();
      tokens += miss;
      weighted_context += miss * (r.hit + 0.5 * miss);  // mean attended positions of the computed tokens
    }
    if (unit.batch.empty()) return;
    unit.busy = true;
    const double dt = c_.prefill_step_s(tokens / c_.prefill_ranks, weighted_context / tokens);
    queue_.push(engine::checked_add(now_, engine::seconds_to_time(dt)), static_cast<std::uint32_t>(u), kPrefillDone);
  }

  void prefill_done(int u) {
    PrefillUnit& unit = prefill_[u];
    const double end = now_s();
    for (std::size_t i = 0; i < unit.batch.size(); ++i) {
      const int id = unit.batch[i];
      ReqState& r = reqs_[id];
      const bool first = r.generated == 0;
      if (first) r.generated = 1;  // prefill produces the first output token
      r.context = r.prompt;        // KV of the prompt (a recomputed request's prompt is its whole context)
      if (r.generated >= r.output) {
        // Nothing left to decode: the request ends with its prefill and its cache stays where it is.
        first_token_out(r, end);
        r.finish = end;
        continue;
      }
      if (!handoff_) {
        if (first) r.handoff_s = 0;
        to_decode(id);
        continue;
      }
      // The cache leaves through its rank's NIC share once that share has sent the requests before it.
      SimTime& free = unit.nic_free[i % unit.nic_free.size()];
      const SimTime start = std::max(now_, free);
      free = engine::checked_add(start, engine::seconds_to_time(r.prompt * c_.kv_handoff_s_per_token));
      const SimTime arrive = engine::checked_add(free, engine::seconds_to_time(c_.kv_handoff_latency_s));
      if (first) r.handoff_s = engine::time_to_seconds(arrive) - end;
      queue_.push(arrive, static_cast<std::uint32_t>(id), kKvArrived);
    }
    unit.batch.clear();
    unit.busy = false;
    start_idle_prefill();
  }

  // TTFT: the first token is counted out when decoding can continue (or when the request ends at prefill).
  void first_token_out(ReqState& r, double t) {
    if (r.first_token >= 0) return;
    r.first_token = t;
    if (in_window(t)) input_tokens_ += r.original_prompt;
  }

  // The request's cache is on the decode side: it joins the least-loaded decode unit.
  void to_decode(int id) {
    ReqState& r = reqs_[id];
    first_token_out(r, now_s());
    int best = 0;
    for (int d = 1; d < c_.decode_units; ++d)
      if (load(d) < load(best)) best = d;
    decode_[best].waiting.push_back(id);
    if (!decode_[best].busy) start_decode(best);
  }

  std::size_t load(int d) const { return decode_[d].active.size() + decode_[d].waiting.size(); }

  void start_decode(int d) {
    DecodeUnit& unit = decode_[d];
    while (!unit.waiting.empty()) {
      ReqState& r = reqs_[unit.waiting.front()];
      const bool slot = batch_limit_ == 0 || static_cast<int>(unit.active.size()) < batch_limit_;
      if (!slot || unit.kv_used + r.context + 1 > kv_capacity_) {
        if (unit.active.empty())
          throw_user_error("a request's context (" + std::to_string(r.context) +
                               " tokens) does not fit the decode unit's KV capacity (" +
                               std::to_string(static_cast<long long>(kv_capacity_)) + " tokens)",
                           ErrorContext{.key_path = "arrivals", .expected = "shorter requests or more KV memory"});
        break;
      }
      r.admitted = next_admission_++;
      unit.kv_used += r.context;
      unit.active.push_back(unit.waiting.front());
      unit.waiting.pop_front();
    }
    if (unit.active.empty()) {
      unit.busy = false;
      return;
    }
    unit.busy = true;
    unit.step_start = now_;
    const int per_rank = static_cast<int>((unit.active.size() + c_.decode_ranks - 1) / c_.decode_ranks);
    const double dt = c_.decode_step_s(per_rank, unit.kv_used / unit.active.size());
    queue_.push(engine::checked_add(now_, engine::seconds_to_time(dt)), static_cast<std::uint32_t>(d), kDecodeDone);
  }

  void decode_done(int d) {
    DecodeUnit& unit = decode_[d];
    // KV occupancy over the step, clipped to the measurement window.
    const double t0 = std::max(engine::time_to_seconds(unit.step_start), c_.warmup_s);
    const double t1 = std::min(now_s(), c_.duration_s);
    if (t1 > t0) {
      kv_time_integral_ += unit.kv_used / kv_capacity_ * (t1 - t0);
      kv_peak_ = std::max(kv_peak_, unit.kv_used / kv_capacity_);
    }
    std::vector<int> still;
    for (int id : unit.active) {
      ReqState& r = reqs_[id];
      int gain = 1 + (c_.mtp && rng_.uniform() < c_.mtp_acceptance ? 1 : 0);
      gain = std::min(gain, r.output - r.generated);
      r.generated += gain;
      r.context += gain;
      unit.kv_used += gain;
      if (in_window(now_s())) output_tokens_ += gain;
      if (r.generated >= r.output) {
        r.finish = now_s();
        unit.kv_used -= r.context;
      } else {
        still.push_back(id);
      }
    }
    unit.active = std::move(still);
    // Out of KV: preempt the newest sequences and recompute them (vLLM's recompute preemption).
    while (unit.kv_used > kv_capacity_ && unit.active.size() > 1) {
      auto newest = std::max_element(unit.active.begin(), unit.active.end(),
                                     [&](int a, int b) { return reqs_[a].admitted < reqs_[b].admitted; });
      ReqState& r = reqs_[*newest];
      unit.kv_used -= r.context;
      r.prompt = r.context;
      r.hit = 0;
      prefill_queue_.push_front(*newest);
      unit.active.erase(newest);
      ++preemptions_;
    }
    start_idle_prefill();
    start_decode(d);
  }

  LatencyResult results() const {
    LatencyResult out;
    out.simulated = true;
    out.prefill_units = c_.prefill_units;
    out.decode_units = c_.decode_units;
    out.preemptions = preemptions_;
    std::vector<double> ttft, tpot, e2e, queue, handoff;
    std::uint64_t ttft_ok = 0, tpot_ok = 0;
    for (const ReqState& r : reqs_) {
      if (r.arrival < c_.warmup_s || r.finish < 0) continue;
      ttft.push_back(r.first_token - r.arrival);
      e2e.push_back(r.finish - r.arrival);
      queue.push_back(r.prefill_start - r.arrival);
      if (r.handoff_s >= 0) handoff.push_back(r.handoff_s);
      const double tp = r.output > 1 ? (r.finish - r.first_token) / (r.output - 1) : 0.0;
      if (r.output > 1) tpot.push_back(tp);
      ttft_ok += (c_.slo_ttft_s <= 0 || ttft.back() <= c_.slo_ttft_s) ? 1 : 0;
      tpot_ok += (c_.slo_tpot_s <= 0 || r.output <= 1 || tp <= c_.slo_tpot_s) ? 1 : 0;
    }
    out.requests_finished = ttft.size();
    if (!ttft.empty()) {
      out.slo_ttft_attainment = static_cast<double>(ttft_ok) / ttft.size();
      out.slo_tpot_attainment = static_cast<double>(tpot_ok) / ttft.size();
    }
    out.ttft_s = percentiles(ttft);
    out.tpot_s = percentiles(tpot);
    out.e2e_s = percentiles(e2e);
    out.queue_s = percentiles(queue);
    out.kv_handoff_s = percentiles(handoff);
    out.ttft_at_slo_percentile_s = percentile_at(ttft, c_.slo_ttft_percentile);
    const double window = c_.duration_s - c_.warmup_s;
    out.kv_utilisation_mean = kv_time_integral_ / (window * c_.decode_units);
    out.kv_utilisation_peak = kv_peak_;
    const double decode_gpus = static_cast<double>(c_.decode_units) * c_.gpus_per_decode_unit;
    out.output_tokens_per_s_per_gpu = output_tokens_ / window / decode_gpus;
    out.output_tokens_per_s_per_node = out.output_tokens_per_s_per_gpu * c_.gpus_per_node;
    const double prefill_nodes = static_cast<double>(c_.prefill_units) * c_.gpus_per_prefill_unit / c_.gpus_per_node;
    out.input_tokens_per_s_per_node = input_tokens_ / window / prefill_nodes;
    return out;
  }

  const RequestSimConfig& c_;
  Rng rng_;
  EventQueue queue_;
  SimTime now_ = 0;
  std::vector<ReqState> reqs_;
  std::deque<int> prefill_queue_;
  std::vector<PrefillUnit> prefill_;
  std::vector<DecodeUnit> decode_;
  double kv_capacity_ = 0;
  bool handoff_ = false;
  int batch_limit_ = 0;
  std::uint64_t next_admission_ = 0;
  std::uint64_t preemptions_ = 0;
  double output_tokens_ = 0, input_tokens_ = 0;
  double kv_time_integral_ = 0, kv_peak_ = 0;
};

}  // namespace

namespace {

// Linear interpolation between order statistics of sorted values; q in [0, 1].
double interpolate(const std::vector<double>& sorted, double q) {
  const double pos = q * (sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

}  // namespace

double percentile_at(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return interpolate(values, std::clamp(q, 0.0, 1.0));
}

Percentiles percentiles(std::vector<double> values) {
  Percentiles p;
  p.count = values.size();
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  p.p50 = interpolate(values, 0.50);
  p.p90 = interpolate(values, 0.90);
  p.p99 = interpolate(values, 0.99);
  double sum = 0;
  for (double v : values) sum += v;
  p.mean = sum / values.size();
  return p;
}

LatencyResult simulate_requests(const std::vector<Request>& requests, const RequestSimConfig& config) {
  Simulation sim(requests, config);
  return sim.run();
}

}  // namespace moeplan
