// The deterministic event queue: a binary min-heap ordered by (time, insertion sequence).
//
// Two events at the same instant come out in the order they were pushed, so a run is reproducible bit for
// bit. Events are 24-byte plain structs in one vector (no allocation per event, no std::function); the
// payload is a 32-bit target index and a 32-bit tag the simulator interprets.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/engine/sim_time.h"

namespace moeplan::engine {

struct Event {
  SimTime time = 0;
  std::uint64_t seq = 0;
  std::uint32_t target = 0;
  std::uint32_t tag = 0;
};

class EventQueue {
 public:
  void push(SimTime time, std::uint32_t target, std::uint32_t tag) {
    Event e{time, next_seq_++, target, tag};
    std::size_t hole = heap_.size();
    heap_.push_back(e);
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / 2;
      if (!earlier(e, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = e;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }
  SimTime top_time() const { return heap_.empty() ? kTimeNever : heap_.front().time; }
  void reserve(std::size_t n) { heap_.reserve(n); }

  Event pop() {
    const Event result = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n > 0) {
      std::size_t hole = 0;
      for (;;) {
        std::size_t child = 2 * hole + 1;
        if (child >= n) break;
        if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
        if (!earlier(heap_[child], last)) break;
        heap_[hole] = heap_[child];
        hole = child;
      }
      heap_[hole] = last;
    }
    return result;
  }

 private:
  static bool earlier(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace moeplan::engine
