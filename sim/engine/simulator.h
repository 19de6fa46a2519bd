// Simulator: the discrete-event core. Tasks with dependencies run on streams, hold SMs, move bytes over
// links with max-min fair sharing, and report when they started and finished.
//
// Usage:
//   Simulator sim;
//   GpuId g = sim.add_gpu(132);                        // an SM domain (H800: 132 SMs)
//   StreamId s = sim.add_stream("gpu0/compute", g);    // exclusive, in submission order by default
//   LinkId l = sim.add_link("gpu0->sw", 160e9);
//   PathId p = sim.add_path({l});
//   TaskId a = sim.add_task({.kind = TaskKind::kCompute, .duration = seconds_to_time(1e-3), .stream = s});
//   TaskId b = sim.add_task({.kind = TaskKind::kTransfer, .duration = latency, .bytes = 1e6, .path = p});
//   sim.add_dependency(a, b);                          // b starts when a has finished
//   sim.run();
//   double t = time_to_seconds(sim.finish_time(b));
//
// Task kinds:
//  - kFixed: lasts `duration` whatever else happens (latencies, host work, markers with duration 0).
//  - kCompute: `duration` is its length at full SM speed. While SM reservations hold N of the GPU's S SMs
//    it progresses at (S - N) / S of full speed; the rate changes the moment a reservation starts or ends.
//  - kTransfer: waits `duration` (the path latency), then sends `bytes` over `path` at its max-min fair share
//    of the links, re-solved whenever a transfer starts or finishes. An empty path or 0 bytes is instant.
// Any task may name a stream (exclusive: one task at a time; order kSubmission = in the order added, like a
// CUDA stream; kReadyFifo = first ready first served; kPriority = highest `priority` first among ready,
// ties by order added) and an SM reservation (active while at least one task holding it runs).
// Ties at one instant resolve in insertion order; the whole run is deterministic.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine/event_queue.h"
#include "sim/engine/ids.h"
#include "sim/engine/max_min_fair.h"
#include "sim/engine/sim_time.h"
#include "sim/units/progress.h"
#include "sim/engine/trace.h"

namespace moeplan::engine {

enum class TaskKind : std::uint8_t { kFixed, kCompute, kTransfer };
enum class StreamOrder : std::uint8_t { kSubmission, kReadyFifo, kPriority };

struct TaskSpec {
  TaskKind kind = TaskKind::kFixed;
  SimTime duration = 0;           // kFixed: length; kCompute: length at full speed; kTransfer: latency
  double bytes = 0;               // kTransfer only
  PathId path = kNoPath;          // kTransfer only
  StreamId stream = kNoStream;
  GpuId gpu = kNoGpu;             // kCompute: SM domain (defaults to the stream's GPU)
  SmReservationId sm_reservation = kNoReservation;
  std::int32_t priority = 0;      // kPriority streams: larger runs first
  LabelId label = kNoLabel;       // name in the trace
  TrackId track = kNoTrack;       // trace track (defaults to the stream's track)
  CounterId counter = kNoCounter; // optional counter changed by this task
  double counter_on_start = 0;    // added to the counter when the task starts (e.g. +bytes allocated)
  double counter_on_finish = 0;   // added when it finishes (e.g. -bytes freed)
};

class Simulator {
 public:
  Simulator() = default;

  GpuId add_gpu(int sm_count);
  // A stream also gets a trace track of the same name.
  StreamId add_stream(std::string name, GpuId gpu = kNoGpu, StreamOrder order = StreamOrder::kSubmission);
  LinkId add_link(std::string name, double capacity_Bps);
  PathId add_path(std::span<const LinkId> links);
  PathId add_path(std::initializer_list<LinkId> links) { return add_path(std::span(links.begin(), links.size())); }
  SmReservationId add_sm_reservation(GpuId gpu, int sms);
  CounterId add_counter(std::string name, double initial = 0);
  TrackId add_track(std::string name) { return trace_.add_track(std::move(name)); }
  LabelId label(std::string_view name) { return trace_.label(name); }

  TaskId add_task(const TaskSpec& spec);
  void add_dependency(TaskId before, TaskId after);
  void reserve_tasks(std::size_t n_tasks, std::size_t n_edges);

  // Transfer completions are rounded up to a multiple of `quantum` (default 1 ps: exact). A coarser grid
  // lets completions that fall close together share one rate re-solve; each transfer then ends at most
  // `quantum` late. Use it for large all-to-alls where thousands of flows end at scattered instants.
  void set_flow_quantum(SimTime quantum);

  // Record spans and counter samples into trace() while running (off by default: it costs memory).
  void set_tracing(bool on) { tracing_ = on; }

  // Report run() to `progress` as a stage named `stage`, one unit per finished task.
  void set_progress(Progress progress, std::string stage) {
    progress_ = std::move(progress);
    progress_stage_ = std::move(stage);
  }

  // Runs every task to completion. Throws an internal Error if some task can never run (a dependency
  // cycle, or compute stalled by reservations holding all SMs). May be called once.
  void run();

  SimTime now() const { return now_; }
  SimTime start_time(TaskId t) const { return tasks_.at(index(t)).start; }
  SimTime finish_time(TaskId t) const { return tasks_.at(index(t)).finish; }
  std::size_t n_tasks() const { return tasks_.size(); }
  std::uint64_t events_processed() const { return events_processed_; }
  std::uint64_t rate_solves() const { return rate_solves_; }
  // Bytes carried by a link (counted at each crossing), and totals over all transfers.
  double link_bytes(LinkId l) const { return link_bytes_.at(index(l)); }
  double link_capacity_Bps(LinkId l) const { return link_capacity_.at(index(l)); }
  const std::string& link_name(LinkId l) const { return link_names_.at(index(l)); }
  std::size_t n_links() const { return link_capacity_.size(); }
  double requested_bytes() const { return requested_bytes_; }
  double delivered_bytes() const { return delivered_bytes_; }
  double counter_value(CounterId c) const { return counters_.at(index(c)).value; }
  double counter_peak(CounterId c) const { return counters_.at(index(c)).peak; }
  const TraceRecorder& trace() const { return trace_; }
  TraceRecorder& trace() { return trace_; }

 private:
  enum class State : std::uint8_t { kWaiting, kQueued, kRunning, kDone };
  struct Task {
    SimTime start = kTimeNever;
    SimTime finish = kTimeNever;
    SimTime duration = 0;
    SimTime last_update = 0;  // kCompute: when `remaining` was last brought up to date
    double remaining = 0;     // kCompute: full-speed ps left; kTransfer: bytes requested
    double rate = 1.0;        // kCompute: fraction of full speed
    std::uint32_t path = kNoIndex;
    std::uint32_t stream = kNoIndex;
    std::uint32_t gpu = kNoIndex;
    std::uint32_t reservation = kNoIndex;
    std::uint32_t label = kNoIndex;
    std::uint32_t track = kNoIndex;
    std::uint32_t effect = kNoIndex;  // index into effects_
    std::uint32_t pending = 0;        // unfinished predecessors
    std::uint32_t version = 0;        // bumps when a compute task's finish is rescheduled
    std::int32_t priority = 0;
    TaskKind kind = TaskKind::kFixed;
    State state = State::kWaiting;
  };
  struct ReadyEntry {
    std::int64_t key;  // smaller runs first
    std::uint64_t order;
    std::uint32_t task;
  };
  struct Stream {
    StreamOrder order;
    std::uint32_t gpu;
    std::uint32_t track;
    bool busy = false;
    std::vector<std::uint32_t> submitted;  // kSubmission: all tasks in order added
    std::size_t cursor = 0;
    std::vector<ReadyEntry> ready;  // other orders: heap of ready tasks
  };
  struct Gpu {
    int sm_count;
    int held = 0;
    std::vector<std::uint32_t> running_compute;
  };
  struct Reservation {
    std::uint32_t gpu;
    int sms;
    std::uint32_t active = 0;
  };
  struct Counter {
    double value;
    double peak;
  };
  struct Effect {
    std::uint32_t counter;
    double on_start;
    double on_finish;
  };
  struct Flow {
    std::uint32_t task;
    std::uint32_t path;
    double remaining;  // bytes
    double sent;       // bytes integrated from rate x time
    double rate;       // bytes/s
    SimTime finish;
    bool fresh;        // started since the last rate solve
  };

  void make_ready(std::uint32_t t);
  void dispatch(std::uint32_t s);
  void start(std::uint32_t t);
  void finish(std::uint32_t t);
  void activate_flow(std::uint32_t t);
  void change_reservation(std::uint32_t r, bool activate);
  void update_gpu_rate(std::uint32_t g);
  void apply_counter(std::uint32_t counter, double delta);
  void complete_due_flows();
  void solve_flows();
  void finish_solve();
  std::uint32_t link_root(std::uint32_t l);
  void build_successors();

  std::vector<Task> tasks_;
  std::vector<std::uint32_t> edge_from_, edge_to_;
  std::vector<std::uint32_t> succ_begin_, succ_;
  std::vector<Stream> streams_;
  std::vector<Gpu> gpus_;
  std::vector<Reservation> reservations_;
  std::vector<Counter> counters_;
  std::vector<Effect> effects_;
  std::vector<double> link_capacity_;
  std::vector<double> link_bytes_;
  std::vector<std::string> link_names_;
  PathPool paths_;
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> due_;
  // Re-solving only what changed: links freed by finished flows since the last solve, and a union-find of
  // the links the active flows connect (valid where link_stamp_ equals solve_stamp_).
  std::vector<std::uint32_t> freed_links_;
  std::vector<std::uint32_t> link_parent_, link_stamp_, root_dirty_stamp_;
  std::uint32_t solve_stamp_ = 0;
  std::uint32_t whole_streak_ = 0;  // consecutive solves that re-solved every flow
  std::vector<std::uint32_t> subset_, subset_paths_;
  std::vector<double> subset_rates_;
  MaxMinSolver solver_;
  SimTime flows_updated_at_ = 0;
  SimTime flow_quantum_ = 1;
  SimTime next_flow_finish_ = kTimeNever;
  bool flows_dirty_ = false;
  EventQueue events_;
  TraceRecorder trace_;
  SimTime now_ = 0;
  std::uint64_t ready_order_ = 0;
  std::uint64_t events_processed_ = 0;
  std::uint64_t rate_solves_ = 0;
  double requested_bytes_ = 0;
  double delivered_bytes_ = 0;
  bool tracing_ = false;
  Progress progress_;
  std::string progress_stage_;
  std::size_t tasks_finished_ = 0;
  bool ran_ = false;
};

}  // namespace moeplan::engine
