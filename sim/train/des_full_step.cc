// des_full_step: every unit's task graph on one engine, and the result read back (see des_full_step.h).
#include "sim/train/des_full_step.h"

#include <algorithm>
#include <cmath>

#include "sim/train/des_full_graph.h"
#include "sim/train/stage_phases.h"
#include "sim/train/step_stats.h"
#include "sim/units/error.h"
#include "sim/workload/gpu_speed.h"

namespace moeplan::des_full {

FullGraph::FullGraph(const Scenario& s, const Calibration& calib, const StepShape& shape, const StageCosts& costs,
                     const DesFullOptions& options, bool timeline)
    : s_(s),
      costs_(costs),
      plan_(shape.plan),
      options_(options),
      timeline_(timeline),
      topo_(network::Topology::from_cluster(s.cluster)),
      comm_(s, calib, shape, topo_, options.ep_draws),
      layout_(comm_.layout()),
      net_(sim_, topo_),
      routing_(s, calib, shape, comm_) {
  dp_ = plan_.dp;
  n_units_ = plan_.pp * plan_.dp;
  speed_ = unit_time_factors(s.gpu_variation, s.seed, plan_);
  units_per_block_ = routing_.units_per_block();
  if (dp_ % units_per_block_ != 0) throw_user_error("EP groups must tile the DP x CP x TP ranks of a stage",
                                                    ErrorContext{.key_path = "parallel.ep"});
}

StepResult FullGraph::run(Timeline* timeline) {
  const int pp = plan_.pp;
  order_ = plan_order(plan_, costs_.micro_batches);
  sim_.set_tracing(false);
  sim_.set_progress(options_.progress, "des-full step");
  sim_.set_flow_quantum(std::max<engine::SimTime>(1, engine::seconds_to_time(options_.flow_quantum_s)));
  const int sms = std::min(plan_.comm_sms, std::max(0, s_.cluster.gpu.sm_count - 1));
  for (int u = 0; u < n_units_; ++u) {
    const engine::GpuId g = sim_.add_gpu(std::max(1, s_.cluster.gpu.sm_count));
    const std::string name = "gpu" + std::to_string(gpu_of(u));
    compute_.push_back(sim_.add_stream(name + "/compute", g, engine::StreamOrder::kPriority));
    comm_stream_.push_back(sim_.add_stream(name + "/comm", g, engine::StreamOrder::kPriority));
    sms_.push_back(sms > 0 ? sim_.add_sm_reservation(g, sms) : engine::kNoReservation);
  }
  compute_tasks_.resize(n_units_);
  comm_tasks_.resize(n_units_);
  step_end_compute_.resize(n_units_);
  step_end_comm_.resize(n_units_);
  nominal_.assign(n_units_, 0.0);
  last_backward_first_.assign(n_units_, kNoTask);
  rank_end_.assign(n_units_, kNoTask);
  first_forward_s_.assign(pp, -1.0);
  const std::size_t n_spans = span_index(0, 0, order_.directions, 0);
  fwd_.assign(n_spans, Span{});
  bwd_.assign(n_spans, Span{});
  reserve();
  for (int r = 0; r < pp; ++r)
    for (int d0 = 0; d0 < dp_; d0 += units_per_block_) build_block(r, d0);
  add_sends();

  // Step end per pipeline rank: the DP reduce-scatter waits for every replica's last backward to start (it
  // runs beside it), each optimizer for the reduce-scatter and its own last chunk, and the parameter
  // all-gather for every optimizer; it hides under the next step's first forward except for its excess.
  const TaskId step_end = join({});
  std::vector<TaskId> group;
  for (int r = 0; r < pp; ++r) {
    const RankCosts& rc = costs_.ranks[r];
    group.clear();
    for (int d = 0; d < dp_; ++d)
      group.push_back(costs_.dp_overlap ? last_backward_first_[unit(r, d)] : rank_end_[unit(r, d)]);
    const TaskId ready = join(group);
    const TaskId rs = add_task(TaskKind::kFixed, comm_.dp_reduce_scatter_s(rc), engine::kNoStream, 0, false, 0);
    sim_.add_dependency(ready, rs);
    group.clear();
    for (int d = 0; d < dp_; ++d) {
      const double opt_s = rc.optimizer_s * speed_[unit(r, d)];
      const TaskId opt = add_task(TaskKind::kFixed, opt_s, engine::kNoStream, 0, false, 0);
      nominal_[unit(r, d)] += engine::time_to_seconds(engine::seconds_to_time(std::max(0.0, opt_s)));
      sim_.add_dependency(rs, opt);
      sim_.add_dependency(rank_end_[unit(r, d)], opt);
      group.push_back(opt);
      step_end_compute_[unit(r, d)].push_back(opt);
    }
    const TaskId updated = join(group);
    const double hidden_ag = costs_.param_gather_overlap ? std::max(0.0, first_forward_s_[r]) : 0.0;
    const double ag_exposed = std::max(0.0, comm_.dp_all_gather_s(rc) - hidden_ag);
    const TaskId ag = add_task(TaskKind::kFixed, ag_exposed, engine::kNoStream, 0, false, 0);
    sim_.add_dependency(updated, ag);
    sim_.add_dependency(ag, step_end);
    for (int d = 0; d < dp_; ++d) step_end_comm_[unit(r, d)] = {rs, ag};
  }
  sim_.run();

  StepResult res = step_totals("des-full", costs_, engine::time_to_seconds(sim_.finish_time(step_end)),
                               s_.cluster.n_gpus(), s_.cluster.gpu.peak_bf16_flops);

  // Per unit: busy, exposed communication and bubble; a stage reports its worst unit.
  res.stages.resize(pp);
  double idle_sum = 0;
  std::vector<SimInterval> comp, comms;
  for (int u = 0; u < n_units_; ++u) {
    comp.clear();
    comms.clear();
    for (const auto* tasks : {&compute_tasks_[u], &step_end_compute_[u]})
      for (TaskId t : *tasks) comp.push_back({sim_.start_time(t), sim_.finish_time(t)});
    for (const auto* tasks : {&comm_tasks_[u], &step_end_comm_[u]})
      for (TaskId t : *tasks) comms.push_back({sim_.start_time(t), sim_.finish_time(t)});
    const RankBusy rb = rank_busy(comp, comms);
    const double idle = std::max(0.0, res.time_s - rb.busy_s - rb.exposed_comm_s);
    idle_sum += idle;
    StageStats& st = res.stages[u / dp_];
    st.stage = u / dp_;
    st.busy_s = std::max(st.busy_s, rb.busy_s);
    st.exposed_comm_s = std::max(st.exposed_comm_s, rb.exposed_comm_s);
    res.exposed_comm_s = std::max(res.exposed_comm_s, rb.exposed_comm_s);
    if (options_.unit_stats)
      options_.unit_stats->push_back({gpu_of(u), u / dp_, u % dp_, rb.busy_s, rb.exposed_comm_s, nominal_[u],
                                      static_cast<int>(compute_tasks_[u].size())});
  }
  for (StageStats& st : res.stages) st.idle_s = std::max(0.0, res.time_s - st.busy_s - st.exposed_comm_s);
  res.bubble_fraction = idle_sum / n_units_ / res.time_s;
  // The phase breakdown of each stage is its first DP replica's.
  std::vector<double> optimizer_s(pp, 0.0);
  for (int r = 0; r < pp; ++r)
    for (TaskId t : step_end_compute_[unit(r, 0)])
      optimizer_s[r] += engine::time_to_seconds(sim_.finish_time(t) - sim_.start_time(t));
  set_stage_phases(res, emitted_, sim_, optimizer_s);

  if (timeline) {
    timeline->rank_label = "GPU";
    auto interval = [&](TaskId first, TaskId last, TimelineEvent& ev) {
      ev.start_s = engine::time_to_seconds(sim_.start_time(first));
      ev.duration_s = engine::time_to_seconds(sim_.finish_time(last)) - ev.start_s;
    };
    for (const Emitted& e : emitted_) {
      TimelineEvent ev = chunk_event(e, sim_);
      ev.rank = layout_.gpu(e.rank, 0);
      timeline->events.push_back(ev);
    }
    for (const auto& [t, u, name] : traced_comm_) {
      TimelineEvent ev{.rank = gpu_of(u), .track = "comm", .name = *name, .kind = "comm"};
      interval(t, t, ev);
      timeline->events.push_back(ev);
    }
    for (const auto& [t, u] : traced_sends_) {
      TimelineEvent ev{.rank = gpu_of(u), .track = "pp-send", .name = "pp-send", .kind = "comm"};
      interval(t, t, ev);
      timeline->events.push_back(ev);
    }
    std::vector<std::pair<double, std::pair<int, double>>> deltas;
    for (const auto& [t, u, delta] : memory_events_)
      deltas.push_back({engine::time_to_seconds(delta > 0 ? sim_.start_time(t) : sim_.finish_time(t)), {u, delta}});
    std::sort(deltas.begin(), deltas.end());
    std::vector<double> level(n_units_, 0.0);
    for (int r = 0; r < pp; ++r) {
      const int u = unit(r, 0);
      level[u] = costs_.ranks[r].static_memory_bytes;
      timeline->memory.push_back({gpu_of(u), 0.0, level[u]});
    }
    for (const auto& [time, ud] : deltas) {
      level[ud.first] += ud.second;
      timeline->memory.push_back({gpu_of(ud.first), time, level[ud.first]});
    }
  }
  return res;
}

}  // namespace moeplan::des_full

namespace moeplan {

StepResult des_full_step(const Scenario& s, const Calibration& calib, const StepShape& shape, const StageCosts& costs,
                         Timeline* timeline, const DesFullOptions& options) {
  if (static_cast<int>(costs.ranks.size()) != shape.plan.pp)
    throw_internal_error("des_full_step: stage costs for another pipeline depth");
  options.progress.begin("building the des-full graph", 0);
  des_full::FullGraph g(s, calib, shape, costs, options, timeline != nullptr);
  return g.run(timeline);
}

}  // namespace moeplan
