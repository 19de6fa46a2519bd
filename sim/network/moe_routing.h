// Node-limited top-k expert routing, sampled with a seeded RNG, and its closed-form expectations.
//
// DeepSeek-V3 (arXiv:2412.19437 §2.1.2, §3.2.2) splits E routed experts into G groups (one group per node in
// training) and lets each token use at most M groups; it then picks its top-k experts inside those groups.
// With balanced routing every group and every expert is equally likely, which is what DeepEP's benchmark
// does with random scores (|N(0,1)| + 1): the M groups with the largest maximum score, then the top-k scores
// among their experts. Sampling the same thing directly: M distinct groups uniformly, then k distinct
// experts uniformly among the M x E/G experts of those groups.
#pragma once

#include <span>
#include <vector>

#include "sim/units/random.h"

namespace moeplan::network {

struct MoeRoutingSpec {
  int n_experts = 256;  // routed experts (DeepSeek-V3: 256)
  int top_k = 8;        // experts per token (DeepSeek-V3: 8)
  int n_groups = 8;     // expert groups; experts [g E/G, (g+1) E/G) form group g
  int max_groups = 4;   // M: groups a token may use (DeepSeek-V3: 4 nodes)
};

// Throws a user Error unless E % G == 0, 1 <= M <= G and 1 <= k <= M E / G.
void validate(const MoeRoutingSpec& r);

// Appends n_tokens x top_k expert indices (token-major, distinct within a token) to `experts`.
void sample_routing(const MoeRoutingSpec& r, int n_tokens, Rng& rng, std::vector<int>& experts);

// The same under skewed popularity: group j is chosen with probability proportional to the summed weight
// of its experts (M distinct groups, drawn one after another without replacement), then k distinct experts
// of the chosen groups, one after another in proportion to their weight within their group (the group's
// popularity already counted when it was chosen), so an expert's hit rate follows its weight as closely as
// the M-group limit allows. `expert_weights` has one non-negative entry per expert; groups or experts of
// zero weight are never chosen unless nothing else is left. Uniform weights give the distribution of
// sample_routing (not the same random stream).
void sample_routing_weighted(const MoeRoutingSpec& r, std::span<const double> expert_weights, int n_tokens,
                             Rng& rng, std::vector<int>& experts);

// With the experts split into n_members equal contiguous blocks (EP ranks, or nodes), the expected number
// of distinct blocks one token reaches under balanced routing. Blocks must either nest inside groups or be
// unions of whole groups. Closed form: a block of y experts inside one group is hit with probability
// (M/G) (1 - C(K-y, k)/C(K, k)), K = M E/G; a block of j whole groups sums that over the hypergeometric
// number of its groups selected.
double expected_blocks_hit(const MoeRoutingSpec& r, int n_members);

}  // namespace moeplan::network
