// des_step: builds the step's task graph on the engine and reads the result back (see des_step.h).
#include "sim/train/des_step.h"

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "sim/engine/simulator.h"
#include "sim/schedule/build_schedule.h"
#include "sim/train/chunk_events.h"
#include "sim/train/chunk_pieces.h"
#include "sim/train/stage_phases.h"
#include "sim/train/step_stats.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

using engine::kNoTask;
using engine::Simulator;
using engine::TaskId;
using engine::TaskKind;
using engine::TaskSpec;

using Key = std::tuple<int, int, int>;  // micro-batch, stage, direction


class StepGraph {
 public:
  StepGraph(const Scenario& s, const StageCosts& costs, const ParallelPlan& plan, bool trace)
      : s_(s), costs_(costs), plan_(plan), trace_(trace) {}
  StepResult run(Timeline* timeline);

 private:
  const ChunkCost& chunk_cost(int rank, int stage, int direction) const;
  // chunk_pieces of (chunk, pass), cut once per step: every micro-batch of a chunk replays the same pieces.
  const std::vector<ChunkPiece>& pieces(const ChunkCost& c, char pass);
  Span add_pass(int rank, const ChunkCost& c, char pass, int priority, const std::string& tag);
  TaskId add_fixed(double seconds, engine::StreamId stream = engine::kNoStream, int priority = 0);
  void add_memory_effect(TaskId t, int rank, double on_start, double on_finish);

  const Scenario& s_;
  const StageCosts& costs_;
  const ParallelPlan& plan_;
  bool trace_;
  Simulator sim_;
  PipelineOrder order_;
  std::vector<engine::StreamId> compute_, comm_;
  std::vector<engine::SmReservationId> comm_sms_;
  // While an F&B pair is built: its compute-time factor (pair_compute_scale); 1 outside pairs.
  double pair_scale_ = 1.0;
  std::vector<std::vector<TaskId>> compute_tasks_, comm_tasks_;
  // Step-end work per rank, kept apart from the chunks' tasks (the trace draws those) but counted in the stats:
  // the optimizer is compute, the DP reduce-scatter and the all-gather's excess are communication.
  std::vector<std::vector<TaskId>> step_end_compute_, step_end_comm_;
  std::vector<Emitted> emitted_;
  struct MemoryEvent {
    TaskId task;
    int rank;
    double delta;  // > 0 at the task's start, < 0 at its finish
  };
  std::vector<MemoryEvent> memory_events_;
  std::unordered_map<const ChunkCost*, std::array<std::optional<std::vector<ChunkPiece>>, 3>> pieces_;
};

// Spans of the passes by (micro-batch, stage, direction) in one flat table whose index order is that
// tuple's lexicographic order, so walking it visits the passes in the order a sorted map would.
class SpanTable {
 public:
  SpanTable(int micro_batches, int stages, int directions)
      : stages_(stages), directions_(directions),
        spans_(static_cast<size_t>(micro_batches) * stages * directions), set_(spans_.size(), false) {}
  bool has(int mb, int stage, int dir) const {
    return stage >= 0 && stage < stages_ && set_[index(mb, stage, dir)];
  }
  Span& operator()(int mb, int stage, int dir) {
    set_[index(mb, stage, dir)] = true;
    return spans_[index(mb, stage, dir)];
  }
  const Span& at(int mb, int stage, int dir) const {
    if (!has(mb, stage, dir)) throw_internal_error("no pass of micro-batch " + std::to_string(mb));
    return spans_[index(mb, stage, dir)];
  }
  size_t size() const { return spans_.size(); }
  bool has_index(size_t i) const { return set_[i]; }
  const Span& by_index(size_t i) const { return spans_[i]; }
  // (micro-batch, stage, direction) of a flat index.
  Key key(size_t i) const {
    const int dir = static_cast<int>(i % directions_);
    const size_t rest = i / directions_;
    return {static_cast<int>(rest / stages_), static_cast<int>(rest % stages_), dir};
  }

 private:
  size_t index(int mb, int stage, int dir) const {
    return (static_cast<size_t>(mb) * stages_ + stage) * directions_ + dir;
  }
  int stages_, directions_;
  std::vector<Span> spans_;
  std::vector<bool> set_;
};

const ChunkCost& StepGraph::chunk_cost(int rank, int stage, int direction) const {
  return chunk_cost_of(order_, costs_, rank, stage, direction);
}

const std::vector<ChunkPiece>& StepGraph::pieces(const ChunkCost& c, char pass) {
  const int which = pass == 'F' ? 0 : pass == 'B' ? 1 : 2;
  auto& cached = pieces_[&c][which];
  if (!cached) cached = chunk_pieces(c, pass);
  return *cached;
}

TaskId StepGraph::add_fixed(double seconds, engine::StreamId stream, int priority) {
  TaskSpec spec;
  spec.kind = TaskKind::kFixed;
  spec.duration = engine::seconds_to_time(seconds);
  spec.stream = stream;
  spec.priority = priority;
  return sim_.add_task(spec);
}

Span StepGraph::add_pass(int rank, const ChunkCost& c, char pass, int priority, const std::string& tag) {
  Span span;
  TaskId last_gather = kNoTask, gather_gate = kNoTask, pending_gather = kNoTask;  // ZeRO-3 prefetch
  for (const ChunkPiece& p : pieces(c, pass)) {
    TaskSpec spec;
    spec.duration = engine::seconds_to_time(p.seconds);
    spec.priority = priority;
    const bool split = pair_scale_ > 1.0;  // inside a pair the SM split is static (pair_compute_scale)
    if (p.comm()) {
      spec.kind = TaskKind::kFixed;
      spec.stream = comm_[rank];
      if (!split) spec.sm_reservation = comm_sms_[rank];
    } else {
      spec.kind = split ? TaskKind::kFixed : TaskKind::kCompute;
      if (split) spec.duration = engine::seconds_to_time(p.seconds * pair_scale_);
      spec.stream = compute_[rank];
    }
    if (trace_) spec.label = sim_.label(p.comm() ? tag + " " + p.name : tag);
    const TaskId t = sim_.add_task(spec);
    (p.comm() ? comm_tasks_ : compute_tasks_)[rank].push_back(t);
    if (p.prefetched()) {
      // Off the chain: after the previous gather and the work before the previous group (one group ahead).
      if (last_gather != kNoTask) sim_.add_dependency(last_gather, t);
      if (gather_gate != kNoTask) sim_.add_dependency(gather_gate, t);
      gather_gate = span.last;
      last_gather = pending_gather = t;
      if (span.first == kNoTask) span.first = t;  // the pass's predecessors gate its first gather
      continue;
    }
    if (span.last != kNoTask) sim_.add_dependency(span.last, t);
    if (pending_gather != kNoTask) sim_.add_dependency(pending_gather, t);
    pending_gather = kNoTask;
    if (span.first == kNoTask) span.first = t;
    span.last = t;
  }
  if (span.last == kNoTask) {
    const TaskId t = add_fixed(0, compute_[rank], priority);
    if (span.first != kNoTask) sim_.add_dependency(span.first, t);
    else span.first = t;
    span.last = t;
  }
  return span;
}

StepResult StepGraph::run(Timeline* timeline) {
  const int pp = plan_.pp;
  order_ = plan_order(plan_, costs_.micro_batches);
  sim_.set_tracing(false);
  compute_tasks_.resize(pp);
  comm_tasks_.resize(pp);
  step_end_compute_.resize(pp);
  step_end_comm_.resize(pp);
  for (int r = 0; r < pp; ++r) {
    const engine::GpuId g = sim_.add_gpu(std::max(1, s_.cluster.gpu.sm_count));
    compute_.push_back(sim_.add_stream("rank" + std::to_string(r) + "/compute", g, engine::StreamOrder::kPriority));
    comm_.push_back(sim_.add_stream("rank" + std::to_string(r) + "/comm", g, engine::StreamOrder::kPriority));
    const int sms = std::min(plan_.comm_sms, std::max(0, s_.cluster.gpu.sm_count - 1));
    comm_sms_.push_back(sms > 0 ? sim_.add_sm_reservation(g, sms) : engine::kNoReservation);
  }

  int micro_batches = 0;
  for (const auto& list : order_.per_rank)
    for (const Chunk& ch : list) micro_batches = std::max({micro_batches, ch.micro_batch + 1, ch.micro_batch2 + 1});
  const int directions = std::max(1, order_.directions);
  SpanTable fwd(micro_batches, order_.stages, directions), bwd(micro_batches, order_.stages, directions);
  std::vector<TaskId> last_backward_first(pp, kNoTask), rank_end(pp, kNoTask), first_forward_end(pp, kNoTask);
  std::vector<double> first_forward_s(pp, 0.0);
  for (int r = 0; r < pp; ++r) {
    TaskId prev = kNoTask;
    const auto& list = order_.per_rank[r];
    for (size_t k = 0; k < list.size(); ++k) {
      const Chunk& ch = list[k];
      // Earlier chunks of the rank's list win when several parts are ready: program order.
      const int prio = -static_cast<int>(k);
      std::vector<Span> parts;
      auto forward = [&](int mb, int stage, int dir) {
        const ChunkCost& cc = chunk_cost(r, stage, dir);
        const std::string tag = "F" + std::to_string(mb) + (dir ? "'" : "");
        const Span sp = add_pass(r, cc, 'F', prio, tag);
        fwd(mb, stage, dir) = sp;
        if (first_forward_end[r] == kNoTask) {
          first_forward_end[r] = sp.last;
          first_forward_s[r] = cc.f_s + cc.f_comm_s;
        }
        // Activations are allocated as the forward starts and freed when the backward ends.
        add_memory_effect(sp.first, r, cc.activation_bytes, 0);
        emitted_.push_back({sp, r, tag, "F", mb, dir});
        parts.push_back(sp);
      };
      auto backward = [&](int mb, int stage, int dir, char kind) {
        const ChunkCost& cc = chunk_cost(r, stage, dir);
        const std::string suffix = std::to_string(mb) + (dir ? "'" : "");
        Span sp;
        if (kind == 'W') {
          sp = add_pass(r, cc, 'W', prio, "W" + suffix);
          sim_.add_dependency(bwd.at(mb, stage, dir).last, sp.first);
          emitted_.push_back({sp, r, "W" + suffix, "W", mb, dir});
        } else {
          sp = add_pass(r, cc, 'B', prio, "B" + suffix);
          Span full = sp;
          if (kind == 'A') {
            const Span w = add_pass(r, cc, 'W', prio, "W" + suffix);
            sim_.add_dependency(sp.last, w.first);
            full.last = w.last;
          }
          bwd(mb, stage, dir) = full;
          last_backward_first[r] = sp.first;
          add_memory_effect(full.last, r, 0, -cc.activation_bytes);
          emitted_.push_back({full, r, "B" + suffix, "B", mb, dir});
          if (kind == 'A') emitted_.back().input_last = sp.last;
          sp = full;
        }
        parts.push_back(sp);
      };
      switch (ch.kind) {
        case ChunkKind::kF: forward(ch.micro_batch, ch.stage, ch.direction); break;
        case ChunkKind::kB: backward(ch.micro_batch, ch.stage, ch.direction, 'B'); break;
        case ChunkKind::kW: backward(ch.micro_batch, ch.stage, ch.direction, 'W'); break;
        case ChunkKind::kBW: backward(ch.micro_batch, ch.stage, ch.direction, 'A'); break;
        case ChunkKind::kFB: {
          pair_scale_ = pair_compute_scale(chunk_cost(r, ch.stage, ch.direction),
                                           chunk_cost(r, ch.stage2, ch.direction2), costs_.sm_fraction_during_comm);
          forward(ch.micro_batch, ch.stage, ch.direction);
          backward(ch.micro_batch2, ch.stage2, ch.direction2, 'A');
          pair_scale_ = 1.0;
          merge_overlapped_pair(emitted_);
          break;
        }
      }
      for (const Span& sp : parts)
        if (prev != kNoTask) sim_.add_dependency(prev, sp.first);
      if (parts.size() == 1) {
        prev = parts[0].last;
      } else {
        // An F&B pair ends when both halves are done.
        prev = add_fixed(0);
        for (const Span& sp : parts) sim_.add_dependency(sp.last, prev);
      }
    }
    rank_end[r] = prev;
  }

  // Activations flow to the next stage, gradients to the previous one, each over one pipeline send.
  const double send = costs_.pp_send_s;
  auto via_send = [&](TaskId from, TaskId to) {
    const TaskId x = add_fixed(send);
    sim_.add_dependency(from, x);
    sim_.add_dependency(x, to);
  };
  for (size_t i = 0; i < fwd.size(); ++i) {
    if (!fwd.has_index(i)) continue;
    const Span& span = fwd.by_index(i);
    const auto [mb, stage, dir] = fwd.key(i);
    if (fwd.has(mb, stage + 1, dir)) via_send(span.last, fwd.at(mb, stage + 1, dir).first);
    if (bwd.has_index(i)) sim_.add_dependency(span.last, bwd.by_index(i).first);
  }
  for (size_t i = 0; i < bwd.size(); ++i) {
    if (!bwd.has_index(i)) continue;
    const Span& span = bwd.by_index(i);
    const auto [mb, stage, dir] = bwd.key(i);
    if (bwd.has(mb, stage - 1, dir)) via_send(span.last, bwd.at(mb, stage - 1, dir).first);
  }

  // Step end: gradient reduce-scatter runs beside the rank's last backward (after all of it when the software
  // does not overlap the DP exchange), then the optimizer; the parameter all-gather hides under the next
  // step's first forward, so only its excess is exposed (all of it when the software does not overlap it).
  TaskId step_end = add_fixed(0);
  for (int r = 0; r < pp; ++r) {
    const RankCosts& rc = costs_.ranks[r];
    const TaskId rs = add_fixed(rc.dp_reduce_scatter_s);
    if (!costs_.dp_overlap) sim_.add_dependency(rank_end[r], rs);
    else if (last_backward_first[r] != kNoTask) sim_.add_dependency(last_backward_first[r], rs);
    const TaskId opt = add_fixed(rc.optimizer_s);
    sim_.add_dependency(rs, opt);
    sim_.add_dependency(rank_end[r], opt);
    const double hidden_ag = costs_.param_gather_overlap ? first_forward_s[r] : 0.0;
    const TaskId ag = add_fixed(std::max(0.0, rc.dp_all_gather_s - hidden_ag));
    sim_.add_dependency(opt, ag);
    sim_.add_dependency(ag, step_end);
    step_end_compute_[r].push_back(opt);
    step_end_comm_[r] = {rs, ag};
  }
  sim_.run();

  StepResult res = step_totals("des", costs_, engine::time_to_seconds(sim_.finish_time(step_end)),
                               s_.cluster.n_gpus(), s_.cluster.gpu.peak_bf16_flops);

  // Per rank: compute busy time, communication not overlapped by compute, and the rest is bubble.
  double idle_sum = 0;
  for (int r = 0; r < pp; ++r) {
    std::vector<SimInterval> comp, comm;
    for (const auto* tasks : {&compute_tasks_[r], &step_end_compute_[r]})
      for (TaskId t : *tasks) comp.push_back({sim_.start_time(t), sim_.finish_time(t)});
    for (const auto* tasks : {&comm_tasks_[r], &step_end_comm_[r]})
      for (TaskId t : *tasks) comm.push_back({sim_.start_time(t), sim_.finish_time(t)});
    const RankBusy rb = rank_busy(comp, comm);
    const double busy = rb.busy_s, exposed = rb.exposed_comm_s;
    StageStats st;
    st.stage = r;
    st.busy_s = busy;
    st.exposed_comm_s = exposed;
    st.idle_s = std::max(0.0, res.time_s - busy - exposed);
    idle_sum += st.idle_s;
    res.exposed_comm_s = std::max(res.exposed_comm_s, exposed);
    res.stages.push_back(st);
  }
  res.bubble_fraction = idle_sum / pp / res.time_s;
  std::vector<double> optimizer_s(pp, 0.0);
  for (int r = 0; r < pp; ++r)
    for (TaskId t : step_end_compute_[r])
      optimizer_s[r] += engine::time_to_seconds(sim_.finish_time(t) - sim_.start_time(t));
  set_stage_phases(res, emitted_, sim_, optimizer_s);

  if (timeline) {
    for (const Emitted& e : emitted_) timeline->events.push_back(chunk_event(e, sim_));
    for (int r = 0; r < pp; ++r)
      for (TaskId t : comm_tasks_[r]) {
        TimelineEvent ev;
        ev.rank = r;
        ev.track = "comm";
        ev.name = "all-to-all";
        ev.kind = "comm";
        ev.start_s = engine::time_to_seconds(sim_.start_time(t));
        ev.duration_s = engine::time_to_seconds(sim_.finish_time(t)) - ev.start_s;
        timeline->events.push_back(ev);
      }
    // Memory per rank over time from the activation allocations and frees.
    std::vector<std::pair<double, std::pair<int, double>>> deltas;
    for (const auto& [t, r, delta] : memory_events_) deltas.push_back({engine::time_to_seconds(
        delta > 0 ? sim_.start_time(t) : sim_.finish_time(t)), {r, delta}});
    std::sort(deltas.begin(), deltas.end());
    std::vector<double> level(pp);
    for (int r = 0; r < pp; ++r) {
      level[r] = costs_.ranks[r].static_memory_bytes;
      timeline->memory.push_back({r, 0.0, level[r]});
    }
    for (const auto& [time, rd] : deltas) {
      level[rd.first] += rd.second;
      timeline->memory.push_back({rd.first, time, level[rd.first]});
    }
  }
  return res;
}

void StepGraph::add_memory_effect(TaskId t, int rank, double on_start, double on_finish) {
  if (on_start != 0) memory_events_.push_back({t, rank, on_start});
  if (on_finish != 0) memory_events_.push_back({t, rank, on_finish});
}

}  // namespace

StepResult des_step(const Scenario& s, const StageCosts& costs, const ParallelPlan& plan, Timeline* timeline) {
  StepGraph g(s, costs, plan, timeline != nullptr);
  return g.run(timeline);
}

}  // namespace moeplan
