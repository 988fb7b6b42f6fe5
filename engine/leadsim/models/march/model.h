// March (1991), "Exploration and exploitation in organizational learning", Organization
// Science 2(1):71-87: mutual learning between an organizational code and its members.
//
// State. Reality has m dimensions, each +1 or -1 with probability 1/2. The code and n
// individuals hold beliefs in {-1, 0, +1} per dimension; the code starts all 0, individuals
// uniform over {-1, 0, +1}.
//
// Period t = 1, 2, ... in this order:
//   0a. turnover: each individual is replaced with probability p3 by a fresh uniform one;
//   0b. turbulence: each reality dimension flips with probability p4;
//   1.  act: a non-zero belief is acted on, a zero belief acts as a fair coin +-1; an
//       individual's performance is sum_d action * reality;
//   2.  socialization: on each dimension where the code is non-zero and differs from a belief,
//       with probability p1 the belief moves ONE STEP toward the code (-1 -> 0 -> +1 toward a
//       +1 code; never a jump), as in March's original program (Christensen 2015; Rodan 2005);
//   3.  code learning: the superior group is the individuals whose performance in step 1 is
//       strictly greater than the code's score sum_d code * reality (the code at the start of
//       the period). On each dimension where a strict majority of the group's step-1 actions
//       differs from the code, the code takes the majority value with probability
//       1 - (1 - p2)^k.
// Readings chosen (where March's text leaves room):
//   * Socialization (step 2) uses the code at the start of the period: the code changes only
//     in step 3, after every individual has been socialized.
//   * Code learning (step 3) uses the actions of step 1 of the same period, i.e. the beliefs
//     before this period's socialization (coin flips included); the superior group is judged
//     on the same actions.
//   * k = votes for the majority value - votes for the other value (the net majority). Where
//     the code is non-zero this is "votes for the majority value - votes for the code's
//     value"; where the code is 0 (no one's action equals it) it is the net majority, as in
//     March's original program as reconstructed by Christensen (2015) and in the published
//     re-implementations, not the majority's raw vote count. Measured (1000 runs/cell): with
//     the raw count (detail::KRule::kMajorityMinusCode) the code locks in early, the p2 = 0.1
//     curve falls monotonically to about 0.70 and loses Figure 1's dip-and-rise; with the net
//     majority all 27 cells of the p1 x p2 grid lie within 0.007 (under 3 standard errors)
//     of the 10,000-run re-implementation of March's figure by Workiewicz (2019).
//   * Equilibrium (p3 = p4 = 0): checked after each period; every individual's beliefs equal
//     the code and no individual could beat the code even with every coin flip lucky
//     (sum_d belief * reality + #zero beliefs <= code score). Nothing can change after it.
//     The run stops there, or after max_periods periods (hit_cap = 1).
//   * With p3 > 0 or p4 > 0 there is no equilibrium: the run lasts exactly `periods` periods
//     and the metrics describe the state after the last one (hit_cap = 0).
//
// Randomness: run (organization) k of seed s draws from rng::Stream(s, k, tag(kModel, id),
// sub) with one id per purpose (StreamId) and sub = period for the per-period steps, never
// by scenario: run k sees the same reality and initial individuals in every scenario, so the
// cells of a p1 x p2 grid are paired (common random numbers).
//
// Thread safety: simulate_run() touches only its arguments.
#pragma once

#include <cstdint>

#include "leadsim/models/march/detail/steps.h"
#include "leadsim/port/model.h"

namespace leadsim::march {

inline constexpr const char* kModelName = "march1991";

// The purpose number of every March stream (rng::tag), and the stream ids under it. Part of
// the replay contract: never renumber.
inline constexpr std::uint32_t kStreamPurpose = 11;
enum class StreamId : std::uint32_t {
  kReality = 1,         // sub 0
  kInitialBeliefs = 2,  // sub 0
  kTurnover = 3,        // sub = period
  kTurbulence = 4,      // sub = period
  kActions = 5,         // sub = period
  kSocialization = 6,   // sub = period
  kCodeLearning = 7,    // sub = period
};

// No defaults here: the values come from the registry (factory.cpp; default_params()).
struct Params {
  int m;                     // dimensions of reality
  int n;                     // individuals
  double p1;                 // socialization rate
  double p2;                 // code learning rate
  double p3;                 // turnover per individual per period
  double p4;                 // turbulence per dimension per period
  std::int64_t max_periods;  // cap on the run to equilibrium (p3 = p4 = 0)
  std::int64_t periods;      // run length when p3 > 0 or p4 > 0
  bool fixed_length() const { return p3 > 0.0 || p4 > 0.0; }
};

struct RunResult {
  double knowledge = 0.0;             // sum_d code * reality / m, in [-1, 1]
  double code_correct = 0.0;          // share of dimensions where code == reality
  std::int64_t periods = 0;           // periods run
  double individual_knowledge = 0.0;  // mean_i sum_d belief * reality / m
  bool hit_cap = false;               // stopped by max_periods before equilibrium
  std::uint64_t rng_blocks = 0;       // Philox blocks drawn
};

// Simulates run k of `seed` with parameters p. `state` is a scratch buffer (resized here).
// `trace`, when given, gets begin(kModelName, {period, knowledge, individual_knowledge,
// superior}) and one row per period (after code learning; superior = superior group size).
// Preconditions (checked by the factory, not here): m, n >= 1; p1..p4 in [0, 1];
// max_periods, periods >= 1.
RunResult simulate_run(const Params& p, std::uint64_t seed, std::uint64_t run, detail::State& state,
                       port::TraceSink* trace = nullptr,
                       detail::KRule rule = detail::KRule::kNetMajority);

}  // namespace leadsim::march
