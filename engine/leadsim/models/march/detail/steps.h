// The steps of March's (1991) model on an explicit state, exposed so that tests can drive each
// step on hand-made states. The simulator (march/model.cpp) composes them; see march/model.h
// for the period order and the readings chosen.
//
// Encoding: every belief, action, reality and code entry is an int8 in {-1, 0, +1} (actions and
// reality never 0). Beliefs and actions are individual-major: entry (i, d) is at i * m + d.
// Scores are integer sums of products over the m dimensions, so |score| <= m.
//
// Randomness: each step takes the rng::Stream it draws from; the simulator gives every step of
// every period its own stream, so how many words one step consumes never shifts another's.
// Coin flips for zero beliefs take one raw bit each from the stream's 64-bit words (an exact
// fair coin); every other draw uses leadsim's own samplers (rng/distributions.h).
//
// Thread safety: State is a plain value; functions touch only their arguments.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"

namespace leadsim::march::detail {

struct State {
  int m = 0;
  int n = 0;
  std::vector<std::int8_t> reality;       // m, each +-1
  std::vector<std::int8_t> code;          // m, each in {-1, 0, +1}
  std::vector<std::int8_t> beliefs;       // n * m
  std::vector<std::int8_t> actions;       // n * m, each +-1 (step 1 of the current period)
  std::vector<std::int32_t> performance;  // n: sum_d action * reality
  std::vector<std::uint8_t> superior;     // n: 1 when performance > code score
  std::vector<std::int32_t> vote_sum;     // m: sum of the superior group's actions

  void resize(int dims, int individuals) {
    m = dims;
    n = individuals;
    const auto cells = static_cast<std::size_t>(dims) * static_cast<std::size_t>(individuals);
    reality.assign(static_cast<std::size_t>(dims), 1);
    code.assign(static_cast<std::size_t>(dims), 0);
    beliefs.assign(cells, 0);
    actions.assign(cells, 1);
    performance.assign(static_cast<std::size_t>(individuals), 0);
    superior.assign(static_cast<std::size_t>(individuals), 0);
    vote_sum.assign(static_cast<std::size_t>(dims), 0);
  }
  std::span<std::int8_t> belief_row(int i) {
    return {beliefs.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(m),
            static_cast<std::size_t>(m)};
  }
  std::span<const std::int8_t> belief_row(int i) const {
    return {beliefs.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(m),
            static_cast<std::size_t>(m)};
  }
};

// How k of the code-learning probability 1 - (1 - p2)^k is counted (see march/model.h). The
// model uses kNetMajority; kMajorityMinusCode is the alternative reading, kept for comparison.
enum class KRule {
  kNetMajority,        // votes for the majority value - votes for the other non-zero value
  kMajorityMinusCode,  // votes for the majority value - votes for the code's value
};

// Sum_d a[d] * b[d].
inline std::int32_t dot(std::span<const std::int8_t> a, std::span<const std::int8_t> b) {
  std::int32_t s = 0;
  for (std::size_t d = 0; d < a.size(); ++d) s += a[d] * b[d];
  return s;
}

inline std::int32_t code_score(const State& s) {
  return dot(s.code, s.reality);
}

// Each dimension +1 or -1 with probability 1/2.
inline void draw_reality(State& s, rng::Stream& g) {
  for (auto& r : s.reality) r = rng::bernoulli(g, 0.5) ? 1 : -1;
}

// A fresh individual: each belief -1, 0 or +1 with probability 1/3.
inline void draw_individual(std::span<std::int8_t> row, rng::Stream& g) {
  for (auto& b : row) b = static_cast<std::int8_t>(static_cast<int>(rng::uniform_index(g, 3)) - 1);
}

// Turnover: each individual, in index order, is replaced with probability p3 by a fresh one
// (its fresh beliefs drawn from the same stream right after its replacement draw).
inline void turnover(State& s, double p3, rng::Stream& g) {
  for (int i = 0; i < s.n; ++i) {
    if (rng::bernoulli(g, p3)) draw_individual(s.belief_row(i), g);
  }
}

// Turbulence: each reality dimension flips with probability p4.
inline void turbulence(State& s, double p4, rng::Stream& g) {
  for (auto& r : s.reality) {
    if (rng::bernoulli(g, p4)) r = static_cast<std::int8_t>(-r);
  }
}

// Step 1: every individual acts. A non-zero belief is acted on; a zero belief acts as a fair
// coin +-1. Fills actions and performance.
inline void act(State& s, rng::Stream& g) {
  std::uint64_t bits = 0;
  int left = 0;
  const auto m = static_cast<std::size_t>(s.m);
  for (int i = 0; i < s.n; ++i) {
    const std::int8_t* b = s.beliefs.data() + static_cast<std::size_t>(i) * m;
    std::int8_t* a = s.actions.data() + static_cast<std::size_t>(i) * m;
    std::int32_t perf = 0;
    for (std::size_t d = 0; d < m; ++d) {
      std::int8_t x = b[d];
      if (x == 0) {
        if (left == 0) {
          bits = g.next_u64();
          left = 64;
        }
        x = (bits & 1U) != 0 ? std::int8_t{1} : std::int8_t{-1};
        bits >>= 1;
        --left;
      }
      a[d] = x;
      perf += x * s.reality[d];
    }
    s.performance[static_cast<std::size_t>(i)] = perf;
  }
}

// Marks the superior group: individuals whose performance this period is strictly greater than
// the code's score. Returns its size.
inline int mark_superior(State& s, std::int32_t code_score_value) {
  int count = 0;
  for (int i = 0; i < s.n; ++i) {
    const bool sup = s.performance[static_cast<std::size_t>(i)] > code_score_value;
    s.superior[static_cast<std::size_t>(i)] = sup ? 1 : 0;
    count += sup ? 1 : 0;
  }
  return count;
}

// Step 2: socialization. Where the code is non-zero and differs from a belief, the belief moves
// one step toward the code with probability p1 (+1 -> 0 -> -1 toward a -1 code, never a jump
// from +1 to -1). Uses the code as it stands (the start of the period); draws one uniform per
// (individual, dimension) that differs, individual-major. Returns the number of moves.
inline int socialize(State& s, double p1, rng::Stream& g) {
  int moves = 0;
  if (!(p1 > 0.0)) return 0;
  const auto m = static_cast<std::size_t>(s.m);
  for (int i = 0; i < s.n; ++i) {
    std::int8_t* b = s.beliefs.data() + static_cast<std::size_t>(i) * m;
    for (std::size_t d = 0; d < m; ++d) {
      const std::int8_t c = s.code[d];
      if (c == 0 || b[d] == c) continue;
      if (rng::bernoulli(g, p1)) {
        b[d] = static_cast<std::int8_t>(b[d] + c);
        ++moves;
      }
    }
  }
  return moves;
}

// q_pow[k] = (1 - p2)^k for k = 0..n by repeated multiplication (portable, no libm pow).
inline void stay_table(double p2, int n, std::vector<double>& q_pow) {
  q_pow.assign(static_cast<std::size_t>(n) + 1, 1.0);
  for (std::size_t k = 1; k < q_pow.size(); ++k) q_pow[k] = q_pow[k - 1] * (1.0 - p2);
}

// The k of a dimension given the superior group's vote sum (sum of its +-1 actions), its size
// and the code's value there; 0 when the code already holds the majority value or there is no
// strict majority.
inline int learning_k(std::int32_t vote_sum, int group, std::int8_t code, KRule rule) {
  if (vote_sum == 0) return 0;
  const std::int8_t majority = vote_sum > 0 ? 1 : -1;
  if (code == majority) return 0;
  const int net = vote_sum > 0 ? vote_sum : -vote_sum;
  if (code != 0 || rule == KRule::kNetMajority) return net;
  return (group + net) / 2;  // votes for the majority value; none vote for a 0 code
}

// Step 3: code learning from this period's actions of the superior group (marked by
// mark_superior). On each dimension where a strict majority of the group's actions differs from
// the code, the code takes the majority value with probability 1 - q_pow[k] (k per learning_k).
// One uniform per such dimension, in dimension order. Returns the number of code changes.
inline int learn_code(State& s, const std::vector<double>& q_pow, KRule rule, rng::Stream& g) {
  const auto m = static_cast<std::size_t>(s.m);
  std::fill(s.vote_sum.begin(), s.vote_sum.end(), 0);
  int group = 0;
  for (int i = 0; i < s.n; ++i) {
    if (s.superior[static_cast<std::size_t>(i)] == 0) continue;
    ++group;
    const std::int8_t* a = s.actions.data() + static_cast<std::size_t>(i) * m;
    for (std::size_t d = 0; d < m; ++d) s.vote_sum[d] += a[d];
  }
  if (group == 0) return 0;
  int changes = 0;
  for (std::size_t d = 0; d < m; ++d) {
    const int k = learning_k(s.vote_sum[d], group, s.code[d], rule);
    if (k == 0) continue;
    if (!(g.uniform() < q_pow[static_cast<std::size_t>(k)])) {
      s.code[d] = s.vote_sum[d] > 0 ? std::int8_t{1} : std::int8_t{-1};
      ++changes;
    }
  }
  return changes;
}

// Equilibrium (for p3 = p4 = 0): every individual's beliefs equal the code, and no individual
// could beat the code even with every coin flip lucky: sum_d belief * reality + #zero beliefs
// <= code score for every individual. Then nothing can change any more.
inline bool at_equilibrium(const State& s) {
  const std::int32_t cs = code_score(s);
  for (int i = 0; i < s.n; ++i) {
    const auto row = s.belief_row(i);
    std::int32_t best = 0;
    for (std::size_t d = 0; d < row.size(); ++d) {
      if (row[d] != s.code[d]) return false;
      best += row[d] == 0 ? 1 : row[d] * s.reality[d];
    }
    if (best > cs) return false;
  }
  return true;
}

// Mean over individuals of sum_d belief * reality / m.
inline double mean_individual_knowledge(const State& s) {
  std::int64_t total = 0;
  for (int i = 0; i < s.n; ++i) total += dot(s.belief_row(i), s.reality);
  return static_cast<double>(total) / (static_cast<double>(s.n) * static_cast<double>(s.m));
}

}  // namespace leadsim::march::detail
