// Range-checked arithmetic on numbers that come from users.
//
// Degrees, counts and sizes read from a scenario, a profile or a config.json are bounded before any
// arithmetic uses them, and products of them are formed in 64 bits with an overflow check, so a hostile
// input ends in a user Error instead of a wrapped product, a division by zero or an undefined float-to-int
// cast. The helpers throw without a location; loaders add theirs with Error::with_context.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace moeplan {

// Explicit bounds for user numbers. They sit far above any real cluster or model (the largest public
// training runs use ~10^5 GPUs) and far below where 64-bit products of a few of them could overflow.
inline constexpr long long kMaxGpus = 1LL << 24;         // GPUs in one cluster, and any parallel degree
inline constexpr long long kMaxNodes = 1LL << 21;        // nodes in one cluster
inline constexpr long long kMaxGpusPerNode = 1LL << 10;  // GPUs behind one node's fabric
inline constexpr long long kMaxModelDim = 1LL << 24;     // hidden, FFN, vocab, head, expert widths
inline constexpr long long kMaxLayers = 1LL << 16;       // layers of a model
inline constexpr long long kMaxExperts = 1LL << 20;      // routed experts of a layer
inline constexpr long long kMaxSeqLen = 1LL << 27;       // tokens in one sequence (128 Mi)
inline constexpr long long kMaxMicroBatchesPerStep = 1LL << 20;  // micro-batches (and sequences each) per step
inline constexpr long long kMaxScheduleSlots = 1LL << 20;  // micro-batches x pipeline chunks of one step

// Narrows a double to an integer in [lo, hi]; throws a user Error naming `what` when the value is not
// finite, not whole (when `whole` is set) or out of range. No undefined float-to-int conversion happens.
long long checked_integer(double value, long long lo, long long hi, const std::string& what, bool whole = true);

// Checks an integer against [lo, hi]; throws a user Error naming `what` otherwise.
long long checked_range(long long value, long long lo, long long hi, const std::string& what);

// The product of non-negative `factors` when it is at most `cap`, else cap + 1 (never overflows; 0 when a
// factor is 0 or negative). For "tp x cp x pp x dp" with each degree already bounded.
long long bounded_product(std::initializer_list<long long> factors, long long cap);

// a * b in 64 bits; throws a user Error naming `what` when the product overflows.
long long checked_mul(long long a, long long b, const std::string& what);

// Throws a user Error naming `what` when `value` is infinite or NaN; returns it otherwise.
double checked_finite(double value, const std::string& what);

}  // namespace moeplan
