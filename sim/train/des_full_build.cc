// Building the des-full task graph: each unit's chunk passes, the EP-group collectives, ZeRO-3 gathers and
// the pipeline sends (see des_full_graph.h).
#include <algorithm>
#include <new>
#include <string>

#include "sim/train/des_full_graph.h"
#include "sim/units/error.h"

namespace moeplan::des_full {

const ChunkCost& FullGraph::chunk_cost(int r, int stage, int direction) const {
  return chunk_cost_of(order_, costs_, r, stage, direction);
}

const std::vector<ChunkPiece>& FullGraph::pieces(const ChunkCost& c, char pass) {
  auto& cache = pieces_[pass == 'F' ? 0 : pass == 'B' ? 1 : 2];
  auto it = cache.find(&c);
  if (it != cache.end()) return it->second;
  std::vector<ChunkPiece> p = chunk_pieces(c, pass);
  for (ChunkPiece& piece : p)
    if (piece.kind == PieceKind::kTpCollective)
      piece.seconds = tp_exposed_comm_s(comm_.tp_allreduce_s(piece.comm_bytes), piece.tp_hide_before_s,
                                        piece.tp_hide_after_s);
  return cache.emplace(&c, std::move(p)).first->second;
}

TaskId FullGraph::add_task(TaskKind kind, double seconds, engine::StreamId stream, int priority, bool hold_sms,
                           int u) {
  TaskSpec spec;
  spec.kind = kind;
  spec.duration = engine::seconds_to_time(std::max(0.0, seconds));
  spec.stream = stream;
  spec.priority = priority;
  // Inside an F&B pair the SM split is static (pair_compute_scale): its compute is pre-scaled, its transfers
  // hold nothing.
  if (pair_scale_ > 1.0) {
    if (kind == TaskKind::kCompute) {
      spec.kind = TaskKind::kFixed;
      spec.duration = engine::seconds_to_time(std::max(0.0, seconds) * pair_scale_);
    }
  } else if (hold_sms) {
    spec.sm_reservation = sms_[u];
  }
  return sim_.add_task(spec);
}

TaskId FullGraph::join(std::span<const TaskId> deps) { return net_.join(deps); }

std::vector<Span> FullGraph::add_pass(int r, int d0, const ChunkCost& c, char pass, int mb, int stage, int priority) {
  const int n = units_per_block_;
  std::vector<Span> spans(n);
  std::vector<TaskId> cur(n, kNoTask);
  // ZeRO-3 prefetch (chunk_pieces.h): per unit, the last gather, the chain task the next gather waits for,
  // and the gather the next chain piece waits for.
  std::vector<TaskId> last_gather(n, kNoTask), gather_gate(n, kNoTask), pending_gather(n, kNoTask);
  auto chain = [&](int j, TaskId t) {
    if (cur[j] != kNoTask) sim_.add_dependency(cur[j], t);
    else if (spans[j].first == kNoTask) spans[j].first = t;
    if (pending_gather[j] != kNoTask) sim_.add_dependency(pending_gather[j], t);
    pending_gather[j] = kNoTask;
    cur[j] = t;
  };
  std::vector<TaskId> members(n);
  for (const ChunkPiece& p : pieces(c, pass)) {
    if (p.prefetched()) {
      // Costed from the closed form per unit, as at `des`: the DP group's gather is not simulated here.
      for (int j = 0; j < n; ++j) {
        const int u = unit(r, d0 + j);
        const TaskId t = add_task(TaskKind::kFixed, p.seconds, comm_stream_[u], priority, true, u);
        comm_tasks_[u].push_back(t);
        if (traced(u)) traced_comm_.push_back({t, u, &p.name});
        if (last_gather[j] != kNoTask) sim_.add_dependency(last_gather[j], t);
        if (gather_gate[j] != kNoTask) sim_.add_dependency(gather_gate[j], t);
        gather_gate[j] = cur[j];
        last_gather[j] = pending_gather[j] = t;
        if (spans[j].first == kNoTask) spans[j].first = t;
      }
      continue;
    }
    if (p.kind == PieceKind::kCompute) {
      for (int j = 0; j < n; ++j) {
        const int u = unit(r, d0 + j);
        const double sec = (p.seconds + routing_.expert_delta(c, pass, p.moe_layer, j, mb, stage)) * speed_[u];
        const TaskId t = add_task(TaskKind::kCompute, sec, compute_[u], priority, false, u);
        compute_tasks_[u].push_back(t);
        nominal_[u] += engine::time_to_seconds(engine::seconds_to_time(std::max(0.0, sec)));
        chain(j, t);
      }
      continue;
    }
    // TP collective: simulated on the node (pieces()); CP exchanges: the closed form of stage_costs.cc.
    double sec = p.seconds;
    if (p.ep_collective() && comm_.has_ep()) {
      const EpBlockDraw& bd = routing_.draw(mb, stage, p.moe_layer);
      sec = p.kind == PieceKind::kDispatch ? bd.dispatch_s : bd.combine_s;
    }
    const bool collective = p.ep_collective() && n > 1;
    if (collective) {
      // The EP collective starts when every member is ready and ends for all members together.
      for (int j = 0; j < n; ++j) {
        if (cur[j] == kNoTask || pending_gather[j] != kNoTask) chain(j, join({}));
        members[j] = cur[j];
      }
      const TaskId ready = join(members);
      for (int j = 0; j < n; ++j) {
        const int u = unit(r, d0 + j);
        members[j] = add_task(TaskKind::kFixed, sec, comm_stream_[u], priority, true, u);
        sim_.add_dependency(ready, members[j]);
        comm_tasks_[u].push_back(members[j]);
        if (traced(u)) traced_comm_.push_back({members[j], u, &p.name});
      }
      const TaskId done = join(members);
      for (int j = 0; j < n; ++j) cur[j] = done;
    } else {
      for (int j = 0; j < n; ++j) {
        const int u = unit(r, d0 + j);
        const TaskId t = add_task(TaskKind::kFixed, sec, comm_stream_[u], priority, true, u);
        comm_tasks_[u].push_back(t);
        if (traced(u)) traced_comm_.push_back({t, u, &p.name});
        chain(j, t);
      }
    }
  }
  for (int j = 0; j < n; ++j) {
    if (cur[j] == kNoTask || pending_gather[j] != kNoTask) {
      const int u = unit(r, d0 + j);
      chain(j, add_task(TaskKind::kFixed, 0, compute_[u], priority, false, u));
    }
    spans[j].last = cur[j];
  }
  return spans;
}

void FullGraph::reserve() {
  // Millions of tasks at DeepSeek-V3 scale: count them first so the engine's arrays grow once.
  std::size_t tasks = 0, edges = 0;
  const std::size_t n = units_per_block_;
  for (int r = 0; r < plan_.pp; ++r) {
    std::size_t per_block = 0;
    auto pass = [&](int stage, int dir, char p) {
      for (const ChunkPiece& piece : pieces(chunk_cost(r, stage, dir), p)) {
        const bool collective = piece.ep_collective() && n > 1;
        per_block += n + (collective ? 2 : 0);
      }
      per_block += n;  // markers, joins and chunk links, roughly one per unit
    };
    for (const Chunk& ch : order_.per_rank[r]) {
      if (ch.kind == ChunkKind::kF || ch.kind == ChunkKind::kFB) pass(ch.stage, ch.direction, 'F');
      if (ch.kind == ChunkKind::kB || ch.kind == ChunkKind::kBW) pass(ch.stage, ch.direction, 'B');
      if (ch.kind == ChunkKind::kW || ch.kind == ChunkKind::kBW) pass(ch.stage, ch.direction, 'W');
      if (ch.kind == ChunkKind::kFB) {
        pass(ch.stage2, ch.direction2, 'B');
        pass(ch.stage2, ch.direction2, 'W');
      }
    }
    tasks += per_block * (dp_ / n);
  }
  edges = tasks * 2;
  try {
    sim_.reserve_tasks(tasks, edges);
    for (int u = 0; u < n_units_; ++u) compute_tasks_[u].reserve(tasks / n_units_ / 2);
  } catch (const std::bad_alloc&) {
    // The graph grows with every rank of the cluster (DeepSeek-V3 at 2048 GPUs: 8.77 M tasks, 1.1 GiB); say
    // so, rather than fail as an internal fault.
    throw_user_error("des-full of " + std::to_string(s_.cluster.n_gpus()) + " GPUs needs a task graph of about " +
                         std::to_string(tasks / 1000000) + " M tasks, more memory than this machine could allocate",
                     ErrorContext{.key_path = "fidelity",
                                  .hint = "use fidelity des (identical data-parallel replicas simulated once) or "
                                          "fewer GPUs"});
  }
}

void FullGraph::build_block(int r, int d0) {
  const int n = units_per_block_;
  routing_.start_block(r, d0);
  std::vector<TaskId> prev(n, kNoTask);
  const auto& list = order_.per_rank[r];
  for (size_t k = 0; k < list.size(); ++k) {
    const Chunk& ch = list[k];
    const int prio = -static_cast<int>(k);  // earlier chunks of the rank's list win: program order
    std::vector<std::vector<Span>> parts;
    auto emit = [&](const std::vector<Span>& sp, const std::string& name, const char* kind, int mb, int dir) {
      if (d0 == 0) emitted_.push_back({sp[0], r, name, kind, mb, dir});
    };
    auto forward = [&](int mb, int stage, int dir) {
      const ChunkCost& cc = chunk_cost(r, stage, dir);
      std::vector<Span> sp = add_pass(r, d0, cc, 'F', mb, stage, prio);
      for (int j = 0; j < n; ++j) {
        fwd_[span_index(mb, stage, dir, d0 + j)] = sp[j];
        if (traced(unit(r, d0 + j))) memory_events_.push_back({sp[j].first, unit(r, d0 + j), cc.activation_bytes});
      }
      if (first_forward_s_[r] < 0) first_forward_s_[r] = cc.f_s + cc.f_comm_s;
      emit(sp, "F" + std::to_string(mb) + (dir ? "'" : ""), "F", mb, dir);
      parts.push_back(std::move(sp));
    };
    auto backward = [&](int mb, int stage, int dir, char kind) {
      const ChunkCost& cc = chunk_cost(r, stage, dir);
      const std::string suffix = std::to_string(mb) + (dir ? "'" : "");
      std::vector<Span> sp;
      if (kind == 'W') {
        sp = add_pass(r, d0, cc, 'W', mb, stage, prio);
        for (int j = 0; j < n; ++j) sim_.add_dependency(bwd_[span_index(mb, stage, dir, d0 + j)].last, sp[j].first);
        emit(sp, "W" + suffix, "W", mb, dir);
      } else {
        sp = add_pass(r, d0, cc, 'B', mb, stage, prio);
        for (int j = 0; j < n; ++j) last_backward_first_[unit(r, d0 + j)] = sp[j].first;
        const TaskId input_last = sp[0].last;
        if (kind == 'A') {
          const std::vector<Span> w = add_pass(r, d0, cc, 'W', mb, stage, prio);
          for (int j = 0; j < n; ++j) {
            sim_.add_dependency(sp[j].last, w[j].first);
            sp[j].last = w[j].last;
          }
        }
        for (int j = 0; j < n; ++j) {
          bwd_[span_index(mb, stage, dir, d0 + j)] = sp[j];
          if (traced(unit(r, d0 + j))) memory_events_.push_back({sp[j].last, unit(r, d0 + j), -cc.activation_bytes});
        }
        emit(sp, "B" + suffix, "B", mb, dir);
        if (kind == 'A' && d0 == 0) emitted_.back().input_last = input_last;
      }
      parts.push_back(std::move(sp));
    };
    switch (ch.kind) {
      case ChunkKind::kF: forward(ch.micro_batch, ch.stage, ch.direction); break;
      case ChunkKind::kB: backward(ch.micro_batch, ch.stage, ch.direction, 'B'); break;
      case ChunkKind::kW: backward(ch.micro_batch, ch.stage, ch.direction, 'W'); break;
      case ChunkKind::kBW: backward(ch.micro_batch, ch.stage, ch.direction, 'A'); break;
      case ChunkKind::kFB:
        pair_scale_ = pair_compute_scale(chunk_cost(r, ch.stage, ch.direction), chunk_cost(r, ch.stage2, ch.direction2),
                                         costs_.sm_fraction_during_comm);
        forward(ch.micro_batch, ch.stage, ch.direction);
        backward(ch.micro_batch2, ch.stage2, ch.direction2, 'A');
        pair_scale_ = 1.0;
        if (d0 == 0) merge_overlapped_pair(emitted_);
        break;
    }
    for (int j = 0; j < n; ++j) {
      for (const auto& sp : parts)
        if (prev[j] != kNoTask) sim_.add_dependency(prev[j], sp[j].first);
      if (parts.size() == 1) {
        prev[j] = parts[0][j].last;
      } else {
        // An F&B pair ends when both halves are done.
        const TaskId both[2] = {parts[0][j].last, parts[1][j].last};
        prev[j] = join(both);
      }
    }
  }
  for (int j = 0; j < n; ++j) rank_end_[unit(r, d0 + j)] = prev[j];
}

TaskId FullGraph::send(int from_unit, int to_unit, TaskId after, TaskId before) {
  const int src = gpu_of(from_unit), dst = gpu_of(to_unit);
  const std::uint64_t key = (static_cast<std::uint64_t>(src) << 32) | static_cast<std::uint32_t>(dst);
  auto it = paths_.find(key);
  if (it == paths_.end()) it = paths_.emplace(key, net_.path(src, dst)).first;
  // A blocking send was charged to the sender's chunk (pp_send_blocking); the receiver waits for no more.
  const TaskId x = net_.transfer(it->second, costs_.pp_send_on_compute ? 0.0 : costs_.pp_send_bytes, {after});
  sim_.add_dependency(x, before);
  if (traced(from_unit)) traced_sends_.push_back({x, from_unit});
  return x;
}

void FullGraph::add_sends() {
  // Activations flow to the next stage, gradients to the previous one, within one DP replica.
  for (int dir = 0; dir < order_.directions; ++dir)
    for (int stage = 0; stage < order_.stages; ++stage)
      for (int mb = 0; mb < order_.micro_batches; ++mb)
        for (int d = 0; d < dp_; ++d) {
          const Span f = fwd_[span_index(mb, stage, dir, d)];
          if (f.first == kNoTask) continue;
          const int here = unit(order_.stage_rank[dir][stage], d);
          if (stage + 1 < order_.stages) {
            const Span next = fwd_[span_index(mb, stage + 1, dir, d)];
            if (next.first != kNoTask) send(here, unit(order_.stage_rank[dir][stage + 1], d), f.last, next.first);
          }
          const Span b = bwd_[span_index(mb, stage, dir, d)];
          if (b.first != kNoTask) sim_.add_dependency(f.last, b.first);
          if (b.first != kNoTask && stage > 0) {
            const Span prev = bwd_[span_index(mb, stage - 1, dir, d)];
            if (prev.first != kNoTask) send(here, unit(order_.stage_rank[dir][stage - 1], d), b.last, prev.first);
          }
        }
}

}  // namespace moeplan::des_full
