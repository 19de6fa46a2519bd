// The event loop of the simulator: readiness, streams, SM-partition rate changes and fluid transfers.
//
// One instant is processed as a whole: every event and every transfer completion due at time t is handled
// (in insertion order), and only then are transfer rates re-solved, once, if the set of active transfers
// changed. Batching the re-solve per instant keeps collectives that start or finish many flows together
// from paying one max-min solve per flow.
#include "sim/engine/simulator.h"

#include <algorithm>
#include <string>

#include "sim/units/error.h"

namespace moeplan::engine {

namespace {
constexpr std::uint32_t kTagFinish = 0;
constexpr std::uint32_t kTagActivate = 1;
constexpr double kPsToS = 1e-12;
// Full solves between two searches for separate components while every flow keeps needing a re-solve.
constexpr std::uint32_t kWholeSolvesBetweenChecks = 8;

std::uint32_t make_tag(std::uint32_t version, std::uint32_t type) { return (version << 1) | type; }
}  // namespace

GpuId Simulator::add_gpu(int sm_count) {
  if (sm_count <= 0) throw_internal_error("Simulator::add_gpu: SM count must be positive");
  gpus_.push_back(Gpu{sm_count, 0, {}});
  return GpuId{static_cast<std::uint32_t>(gpus_.size() - 1)};
}

StreamId Simulator::add_stream(std::string name, GpuId gpu, StreamOrder order) {
  if (gpu != kNoGpu && index(gpu) >= gpus_.size()) throw_internal_error("Simulator::add_stream: unknown GPU");
  Stream s;
  s.order = order;
  s.gpu = index(gpu);
  s.track = index(trace_.add_track(std::move(name)));
  streams_.push_back(std::move(s));
  return StreamId{static_cast<std::uint32_t>(streams_.size() - 1)};
}

LinkId Simulator::add_link(std::string name, double capacity_Bps) {
  if (!(capacity_Bps > 0)) throw_internal_error("Simulator::add_link: capacity must be positive (" + name + ")");
  link_capacity_.push_back(capacity_Bps);
  link_bytes_.push_back(0.0);
  link_names_.push_back(std::move(name));
  return LinkId{static_cast<std::uint32_t>(link_capacity_.size() - 1)};
}

PathId Simulator::add_path(std::span<const LinkId> links) {
  for (LinkId l : links)
    if (index(l) >= link_capacity_.size()) throw_internal_error("Simulator::add_path: unknown link");
  // LinkId is an enum over uint32_t, so the span can be viewed as raw indices.
  const std::span<const std::uint32_t> raw(reinterpret_cast<const std::uint32_t*>(links.data()), links.size());
  return PathId{paths_.add(raw)};
}

SmReservationId Simulator::add_sm_reservation(GpuId gpu, int sms) {
  if (index(gpu) >= gpus_.size()) throw_internal_error("Simulator::add_sm_reservation: unknown GPU");
  if (sms < 0) throw_internal_error("Simulator::add_sm_reservation: negative SM count");
  reservations_.push_back(Reservation{index(gpu), sms, 0});
  return SmReservationId{static_cast<std::uint32_t>(reservations_.size() - 1)};
}

CounterId Simulator::add_counter(std::string name, double initial) {
  const CounterId id = trace_.add_counter(std::move(name));
  counters_.push_back(Counter{initial, initial});
  return id;
}

void Simulator::set_flow_quantum(SimTime quantum) {
  if (quantum < 1) throw_internal_error("Simulator::set_flow_quantum: quantum must be >= 1 ps");
  flow_quantum_ = quantum;
}

void Simulator::reserve_tasks(std::size_t n_tasks, std::size_t n_edges) {
  tasks_.reserve(n_tasks);
  edge_from_.reserve(n_edges);
  edge_to_.reserve(n_edges);
}

TaskId Simulator::add_task(const TaskSpec& spec) {
  if (ran_) throw_internal_error("Simulator::add_task after run()");
  if (spec.duration < 0) throw_internal_error("Simulator::add_task: negative duration");
  Task t;
  t.kind = spec.kind;
  t.duration = spec.duration;
  t.priority = spec.priority;
  t.label = index(spec.label);
  if (spec.stream != kNoStream) {
    if (index(spec.stream) >= streams_.size()) throw_internal_error("Simulator::add_task: unknown stream");
    t.stream = index(spec.stream);
  }
  t.track = spec.track != kNoTrack ? index(spec.track) : (t.stream != kNoIndex ? streams_[t.stream].track : kNoIndex);
  if (spec.kind == TaskKind::kCompute) {
    t.gpu = spec.gpu != kNoGpu ? index(spec.gpu) : (t.stream != kNoIndex ? streams_[t.stream].gpu : kNoIndex);
    if (t.gpu != kNoIndex && t.gpu >= gpus_.size()) throw_internal_error("Simulator::add_task: unknown GPU");
  }
  if (spec.kind == TaskKind::kTransfer) {
    if (!(spec.bytes >= 0)) throw_internal_error("Simulator::add_task: negative transfer size");
    if (spec.path != kNoPath && index(spec.path) >= paths_.size())
      throw_internal_error("Simulator::add_task: unknown path");
    t.path = index(spec.path);
    t.remaining = spec.bytes;
    requested_bytes_ += spec.bytes;
  }
  if (spec.sm_reservation != kNoReservation) {
    if (index(spec.sm_reservation) >= reservations_.size())
      throw_internal_error("Simulator::add_task: unknown SM reservation");
    t.reservation = index(spec.sm_reservation);
  }
  if (spec.counter != kNoCounter) {
    if (index(spec.counter) >= counters_.size()) throw_internal_error("Simulator::add_task: unknown counter");
    t.effect = static_cast<std::uint32_t>(effects_.size());
    effects_.push_back(Effect{index(spec.counter), spec.counter_on_start, spec.counter_on_finish});
  }
  if (tasks_.size() >= kNoIndex - 1) throw_internal_error("Simulator: too many tasks");
  const auto id = static_cast<std::uint32_t>(tasks_.size());
  tasks_.push_back(t);
  if (t.stream != kNoIndex && streams_[t.stream].order == StreamOrder::kSubmission)
    streams_[t.stream].submitted.push_back(id);
  return TaskId{id};
}

void Simulator::add_dependency(TaskId before, TaskId after) {
  if (ran_) throw_internal_error("Simulator::add_dependency after run()");
  const std::uint32_t b = index(before), a = index(after);
  if (b >= tasks_.size() || a >= tasks_.size()) throw_internal_error("Simulator::add_dependency: unknown task");
  if (a == b) throw_internal_error("Simulator::add_dependency: a task cannot depend on itself");
  edge_from_.push_back(b);
  edge_to_.push_back(a);
  ++tasks_[a].pending;
}

void Simulator::build_successors() {
  // Counting sort of edges by predecessor, stable so successors fire in the order edges were added.
  succ_begin_.assign(tasks_.size() + 1, 0);
  for (std::uint32_t b : edge_from_) ++succ_begin_[b + 1];
  for (std::size_t i = 0; i < tasks_.size(); ++i) succ_begin_[i + 1] += succ_begin_[i];
  succ_.resize(edge_to_.size());
  std::vector<std::uint32_t> cursor(succ_begin_.begin(), succ_begin_.end() - 1);
  for (std::size_t e = 0; e < edge_from_.size(); ++e) succ_[cursor[edge_from_[e]]++] = edge_to_[e];
  std::vector<std::uint32_t>().swap(edge_from_);
  std::vector<std::uint32_t>().swap(edge_to_);
}

void Simulator::run() {
  if (ran_) throw_internal_error("Simulator::run called twice");
  ran_ = true;
  progress_.begin(progress_stage_, tasks_.size());
  build_successors();
  for (std::uint32_t t = 0; t < tasks_.size(); ++t)
    if (tasks_[t].pending == 0 && tasks_[t].state == State::kWaiting) make_ready(t);
  for (;;) {
    if (flows_dirty_) solve_flows();
    const SimTime t = std::min(events_.top_time(), next_flow_finish_);
    if (t == kTimeNever) break;
    if (t < now_) throw_internal_error("Simulator: time went backwards");
    now_ = t;
    for (;;) {
      if (next_flow_finish_ <= now_) {
        complete_due_flows();
      } else if (!events_.empty() && events_.top().time == now_) {
        const Event e = events_.pop();
        Task& task = tasks_[e.target];
        if ((e.tag & 1u) == kTagActivate) {
          ++events_processed_;
          activate_flow(e.target);
        } else if ((e.tag >> 1) == (task.version & 0x7FFFFFFFu) && task.state == State::kRunning) {
          ++events_processed_;
          finish(e.target);
        }  // else: a stale finish of a compute task whose rate changed
      } else {
        break;
      }
    }
  }
  std::size_t not_done = 0;
  std::uint32_t first = kNoIndex;
  for (std::uint32_t t = 0; t < tasks_.size(); ++t) {
    if (tasks_[t].state != State::kDone) {
      ++not_done;
      if (first == kNoIndex) first = t;
    }
  }
  if (not_done > 0)
    throw_internal_error(std::to_string(not_done) + " tasks never finished (first: #" + std::to_string(first) +
                         " '" + trace_.label_name(LabelId{tasks_[first].label}) +
                         "'): a dependency cycle, or compute stalled because reservations hold every SM");
}

void Simulator::make_ready(std::uint32_t t) {
  Task& task = tasks_[t];
  if (task.stream == kNoIndex) {
    start(t);
    return;
  }
  task.state = State::kQueued;
  Stream& s = streams_[task.stream];
  if (s.order != StreamOrder::kSubmission) {
    const std::int64_t key = s.order == StreamOrder::kPriority ? -static_cast<std::int64_t>(task.priority) : 0;
    // kReadyFifo: ready order; kPriority: priority, then order added (task id).
    const std::uint64_t order = s.order == StreamOrder::kPriority ? t : ready_order_++;
    s.ready.push_back(ReadyEntry{key, order, t});
    std::push_heap(s.ready.begin(), s.ready.end(), [](const ReadyEntry& a, const ReadyEntry& b) {
      return a.key > b.key || (a.key == b.key && a.order > b.order);
    });
  }
  dispatch(task.stream);
}

void Simulator::dispatch(std::uint32_t si) {
  Stream& s = streams_[si];
  if (s.busy) return;
  std::uint32_t next = kNoIndex;
  if (s.order == StreamOrder::kSubmission) {
    if (s.cursor < s.submitted.size() && tasks_[s.submitted[s.cursor]].state == State::kQueued)
      next = s.submitted[s.cursor++];
  } else if (!s.ready.empty()) {
    std::pop_heap(s.ready.begin(), s.ready.end(), [](const ReadyEntry& a, const ReadyEntry& b) {
      return a.key > b.key || (a.key == b.key && a.order > b.order);
    });
    next = s.ready.back().task;
    s.ready.pop_back();
  }
  if (next == kNoIndex) return;
  s.busy = true;
  start(next);
}

void Simulator::start(std::uint32_t t) {
  Task& task = tasks_[t];
  task.state = State::kRunning;
  task.start = now_;
  if (task.reservation != kNoIndex) change_reservation(task.reservation, true);
  if (task.effect != kNoIndex) apply_counter(effects_[task.effect].counter, effects_[task.effect].on_start);
  switch (task.kind) {
    case TaskKind::kFixed:
      events_.push(checked_add(now_, task.duration), t, make_tag(task.version, kTagFinish));
      break;
    case TaskKind::kCompute: {
      if (task.gpu == kNoIndex) {
        events_.push(checked_add(now_, task.duration), t, make_tag(task.version, kTagFinish));
        break;
      }
      Gpu& g = gpus_[task.gpu];
      task.rate = static_cast<double>(std::max(0, g.sm_count - g.held)) / g.sm_count;
      task.remaining = static_cast<double>(task.duration);
      task.last_update = now_;
      g.running_compute.push_back(t);
      const SimTime end = task.rate == 1.0 ? checked_add(now_, task.duration)
                                           : finish_after(now_, task.remaining, task.rate);
      if (end != kTimeNever) events_.push(end, t, make_tag(task.version, kTagFinish));
      break;
    }
    case TaskKind::kTransfer:
      if (task.duration > 0) {
        events_.push(checked_add(now_, task.duration), t, make_tag(0, kTagActivate));
      } else {
        activate_flow(t);
      }
      break;
  }
}

void Simulator::activate_flow(std::uint32_t t) {
  Task& task = tasks_[t];
  if (task.path == kNoIndex || paths_.path(task.path).empty() || !(task.remaining > 0)) {
    // Nothing crosses a link: delivered at once (via the queue, so long chains do not recurse).
    delivered_bytes_ += task.remaining;
    events_.push(now_, t, make_tag(task.version, kTagFinish));
    return;
  }
  flows_.push_back(Flow{t, task.path, task.remaining, 0.0, 0.0, kTimeNever, true});
  flows_dirty_ = true;
}

void Simulator::finish(std::uint32_t t) {
  Task& task = tasks_[t];
  task.state = State::kDone;
  task.finish = now_;
  if (task.kind == TaskKind::kCompute && task.gpu != kNoIndex) {
    auto& running = gpus_[task.gpu].running_compute;
    running.erase(std::find(running.begin(), running.end(), t));
  }
  if (task.reservation != kNoIndex) change_reservation(task.reservation, false);
  if (task.effect != kNoIndex) apply_counter(effects_[task.effect].counter, effects_[task.effect].on_finish);
  if (tracing_ && task.track != kNoIndex) trace_.add_span(LabelId{task.label}, TrackId{task.track}, task.start, now_);
  const std::uint32_t stream = task.stream;
  if (stream != kNoIndex) streams_[stream].busy = false;
  for (std::uint32_t i = succ_begin_[t]; i < succ_begin_[t + 1]; ++i) {
    const std::uint32_t s = succ_[i];
    if (--tasks_[s].pending == 0) make_ready(s);
  }
  if (stream != kNoIndex) dispatch(stream);
  // Told in batches: the handle's atomics are cheap, but not free at millions of tasks.
  if (progress_ && (++tasks_finished_ % 1024 == 0 || tasks_finished_ == tasks_.size())) progress_.update(tasks_finished_);
}

void Simulator::change_reservation(std::uint32_t r, bool activate) {
  Reservation& res = reservations_[r];
  if (activate) {
    if (res.active++ > 0) return;
    gpus_[res.gpu].held += res.sms;
  } else {
    if (--res.active > 0) return;
    gpus_[res.gpu].held -= res.sms;
  }
  update_gpu_rate(res.gpu);
}

void Simulator::update_gpu_rate(std::uint32_t gi) {
  Gpu& g = gpus_[gi];
  const double rate = static_cast<double>(std::max(0, g.sm_count - g.held)) / g.sm_count;
  for (std::uint32_t t : g.running_compute) {
    Task& task = tasks_[t];
    if (task.rate == rate) continue;
    task.remaining -= static_cast<double>(now_ - task.last_update) * task.rate;
    task.last_update = now_;
    task.rate = rate;
    task.version = (task.version + 1) & 0x7FFFFFFFu;
    const SimTime end = finish_after(now_, task.remaining, rate);
    if (end != kTimeNever) events_.push(end, t, make_tag(task.version, kTagFinish));
  }
}

void Simulator::apply_counter(std::uint32_t c, double delta) {
  if (delta == 0) return;
  Counter& counter = counters_[c];
  counter.value += delta;
  counter.peak = std::max(counter.peak, counter.value);
  if (tracing_) trace_.add_sample(CounterId{c}, now_, counter.value);
}

void Simulator::complete_due_flows() {
  due_.clear();
  const double dt_s = static_cast<double>(now_ - flows_updated_at_) * kPsToS;
  SimTime next = kTimeNever;
  std::size_t keep = 0;
  for (std::size_t i = 0; i < flows_.size(); ++i) {
    Flow& f = flows_[i];
    if (f.finish <= now_) {
      // A flow that ended inside its rounding slack has sent exactly what it asked for.
      const double sent = f.sent + std::min(f.rate * dt_s, std::max(f.remaining, 0.0));
      delivered_bytes_ += sent;
      for (std::uint32_t l : paths_.path(f.path)) {
        link_bytes_[l] += sent;
        freed_links_.push_back(l);
      }
      due_.push_back(f.task);
    } else {
      next = std::min(next, f.finish);
      flows_[keep++] = f;
    }
  }
  flows_.resize(keep);
  next_flow_finish_ = next;
  flows_dirty_ = true;
  for (std::uint32_t t : due_) finish(t);
}

std::uint32_t Simulator::link_root(std::uint32_t l) {
  if (link_stamp_[l] != solve_stamp_) {
    link_stamp_[l] = solve_stamp_;
    link_parent_[l] = l;
  }
  while (link_parent_[l] != l) {
    link_parent_[l] = link_parent_[link_parent_[l]];  // path halving (parents are always current)
    l = link_parent_[l];
  }
  return l;
}

void Simulator::solve_flows() {
  ++rate_solves_;
  const double dt_s = static_cast<double>(now_ - flows_updated_at_) * kPsToS;
  for (Flow& f : flows_) {
    const double moved = std::min(f.rate * dt_s, std::max(f.remaining, 0.0));
    f.sent += moved;
    f.remaining -= moved;
  }
  // Max-min rates of separate components (flows linked through shared links) do not depend on each other,
  // so only the components holding a flow that started, or a link a finished flow freed, are re-solved;
  // every other flow keeps its rate, exactly what a full solve would give it again.
  // When the last solve had to re-solve every flow (one component holding them all: an all-to-all in full
  // swing), finding the components again is wasted work: solve everything, and look again every few solves.
  if (whole_streak_ > 0 && whole_streak_ % kWholeSolvesBetweenChecks != 0) {
    ++whole_streak_;
    freed_links_.clear();
    for (Flow& f : flows_) f.fresh = false;
    subset_.resize(flows_.size());
    subset_paths_.resize(flows_.size());
    for (std::uint32_t i = 0; i < flows_.size(); ++i) {
      subset_[i] = i;
      subset_paths_[i] = flows_[i].path;
    }
    finish_solve();
    return;
  }
  if (link_parent_.size() < link_capacity_.size()) {
    link_parent_.resize(link_capacity_.size(), 0);
    link_stamp_.resize(link_capacity_.size(), 0);
    root_dirty_stamp_.resize(link_capacity_.size(), 0);
  }
  ++solve_stamp_;
  for (const Flow& f : flows_) {
    const auto path = paths_.path(f.path);
    const std::uint32_t a = link_root(path[0]);
    for (std::uint32_t l : path.subspan(1)) {
      const std::uint32_t b = link_root(l);
      if (a != b) link_parent_[b] = a;
    }
  }
  for (const Flow& f : flows_)
    if (f.fresh) root_dirty_stamp_[link_root(paths_.path(f.path)[0])] = solve_stamp_;
  for (std::uint32_t l : freed_links_)
    if (link_stamp_[l] == solve_stamp_) root_dirty_stamp_[link_root(l)] = solve_stamp_;
  freed_links_.clear();
  subset_.clear();
  subset_paths_.clear();
  for (std::uint32_t i = 0; i < flows_.size(); ++i) {
    Flow& f = flows_[i];
    f.fresh = false;
    if (root_dirty_stamp_[link_root(paths_.path(f.path)[0])] != solve_stamp_) continue;
    subset_.push_back(i);
    subset_paths_.push_back(f.path);
  }
  whole_streak_ = subset_.size() == flows_.size() && flows_.size() > 1 ? whole_streak_ + 1 : 0;
  finish_solve();
}

void Simulator::finish_solve() {
  solver_.solve(link_capacity_, paths_, subset_paths_, subset_rates_);
  for (std::size_t k = 0; k < subset_.size(); ++k) flows_[subset_[k]].rate = subset_rates_[k];
  SimTime next = kTimeNever;
  for (Flow& f : flows_) {
    f.finish = finish_after(now_, std::max(f.remaining, 0.0), f.rate * kPsToS);
    if (flow_quantum_ > 1 && f.finish != kTimeNever && f.finish % flow_quantum_ != 0)
      f.finish = checked_add(f.finish - f.finish % flow_quantum_, flow_quantum_);
    next = std::min(next, f.finish);
  }
  next_flow_finish_ = next;
  flows_updated_at_ = now_;
  flows_dirty_ = false;
}

}  // namespace moeplan::engine
