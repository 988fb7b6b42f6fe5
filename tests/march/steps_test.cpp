// Unit tests of the steps of March's model on hand-made states (march/detail/steps.h).
// Statistical checks use fixed seeds; tolerances are stated as standard errors (SE) of a
// binomial proportion, wide enough (>= 5 SE) that a correct step never fails them.
#include "leadsim/models/march/detail/steps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace leadsim::march::detail {
namespace {

rng::Stream test_stream(std::uint64_t sub) {
  return rng::Stream(7, 3, rng::tag(rng::kTestPurpose, 1), sub);
}

// Tolerance of a proportion estimated from `n` Bernoulli(p) trials.
double se(double p, double n) {
  return std::sqrt(p * (1.0 - p) / n);
}

State make_state(int m, int n) {
  State s;
  s.resize(m, n);
  return s;
}

TEST(MarchAct, KeepsNonZeroBeliefsFlipsFairCoinsForZerosAndScores) {
  State s = make_state(4, 2);
  s.reality = {1, -1, 1, -1};
  s.beliefs = {1, -1, -1, 1,   // individual 0: no zeros
               0, 0,  0,  0};  // individual 1: all coins
  int plus = 0;
  const int kPeriods = 4000;
  for (int t = 0; t < kPeriods; ++t) {
    auto g = test_stream(static_cast<std::uint64_t>(t));
    act(s, g);
    EXPECT_EQ(s.performance[0], 1 + 1 - 1 - 1);
    std::int32_t perf1 = 0;
    for (int d = 0; d < 4; ++d) {
      ASSERT_EQ(s.actions[static_cast<std::size_t>(d)], s.beliefs[static_cast<std::size_t>(d)]);
      const std::int8_t a = s.actions[4 + static_cast<std::size_t>(d)];
      ASSERT_TRUE(a == 1 || a == -1);
      plus += a == 1;
      perf1 += a * s.reality[static_cast<std::size_t>(d)];
    }
    ASSERT_EQ(s.performance[1], perf1);
  }
  const double trials = 4.0 * kPeriods;
  EXPECT_NEAR(plus / trials, 0.5, 5 * se(0.5, trials));
}

TEST(MarchSuperior, IsStrictlyGreaterPerformance) {
  State s = make_state(3, 4);
  s.performance = {2, 1, 3, -1};
  EXPECT_EQ(mark_superior(s, 1), 2);
  EXPECT_EQ(s.superior, (std::vector<std::uint8_t>{1, 0, 1, 0}));  // equal to the code: out
  EXPECT_EQ(mark_superior(s, 3), 0);
  EXPECT_EQ(mark_superior(s, -2), 4);
}

TEST(MarchSocialize, MovesOneStepTowardNonZeroCodeOnly) {
  State s = make_state(3, 3);
  s.code = {1, -1, 0};
  s.beliefs = {-1, 1,  -1,  // both moves are one step; dimension 2 (code 0) untouched
               0,  0,  1,   // zero beliefs reach the code
               1,  -1, 0};  // already equal to the code: nothing to do
  auto g = test_stream(0);
  EXPECT_EQ(socialize(s, 1.0, g), 4);
  EXPECT_EQ(s.beliefs, (std::vector<std::int8_t>{0, 0, -1, 1, -1, 1, 1, -1, 0}));
  EXPECT_EQ(socialize(s, 1.0, g), 2);  // the second step
  EXPECT_EQ(s.beliefs, (std::vector<std::int8_t>{1, -1, -1, 1, -1, 1, 1, -1, 0}));
  EXPECT_EQ(socialize(s, 1.0, g), 0);
  EXPECT_EQ(socialize(s, 0.0, g), 0);
}

TEST(MarchSocialize, MovesWithProbabilityP1AndNeverJumps) {
  const int m = 20;
  const int n = 50;
  const double p1 = 0.3;
  int moved = 0;
  int trials = 0;
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    State s = make_state(m, n);
    for (int d = 0; d < m; ++d) s.code[static_cast<std::size_t>(d)] = d % 3 == 0 ? 0 : 1;
    for (std::size_t c = 0; c < s.beliefs.size(); ++c) s.beliefs[c] = -1;
    const std::vector<std::int8_t> before = s.beliefs;
    auto g = test_stream(rep);
    socialize(s, p1, g);
    for (std::size_t c = 0; c < s.beliefs.size(); ++c) {
      const std::int8_t code = s.code[c % m];
      if (code == 0) {
        ASSERT_EQ(s.beliefs[c], before[c]) << "moved where the code is 0";
        continue;
      }
      ASSERT_TRUE(s.beliefs[c] == -1 || s.beliefs[c] == 0) << "jumped from -1 to +1";
      moved += s.beliefs[c] == 0;
      ++trials;
    }
  }
  EXPECT_NEAR(static_cast<double>(moved) / trials, p1, 5 * se(p1, trials));
}

TEST(MarchLearningK, CountsTheNetMajority) {
  // Group of 7 with vote sum 3: 5 votes for +1, 2 for -1.
  EXPECT_EQ(learning_k(3, 7, -1, KRule::kNetMajority), 3);
  EXPECT_EQ(learning_k(3, 7, 0, KRule::kNetMajority), 3);
  EXPECT_EQ(learning_k(3, 7, 1, KRule::kNetMajority), 0);   // code holds the majority value
  EXPECT_EQ(learning_k(0, 6, -1, KRule::kNetMajority), 0);  // a tie is no strict majority
  EXPECT_EQ(learning_k(-7, 7, 1, KRule::kNetMajority), 7);
  // The alternative reading differs only where the code is 0: the majority's raw votes.
  EXPECT_EQ(learning_k(3, 7, 0, KRule::kMajorityMinusCode), 5);
  EXPECT_EQ(learning_k(3, 7, -1, KRule::kMajorityMinusCode), 3);
}

TEST(MarchLearnCode, AdoptsMajorityWithProbabilityOneMinusQPowK) {
  // Superior group: individuals 0..4 (performance 5 > code score); individual 5 is not
  // superior and votes against everything, so it must be ignored.
  const int m = 6;
  const int n = 6;
  State base = make_state(m, n);
  base.code = {-1, -1, 0, 1, -1, 1};
  // Per dimension, the group's +1 votes out of 5 and the expected k:
  //   d0: 5 (k 5)   d1: 4 (k 3)   d2: 3 (k 1, code 0)   d3: 4 (code = majority, k 0)
  //   d4: 3 (k 1)   d5: 0 (k 5, majority -1 against code +1)
  const int plus_votes[m] = {5, 4, 3, 4, 3, 0};
  const int expected_k[m] = {5, 3, 1, 0, 1, 5};
  for (int i = 0; i < 5; ++i) {
    for (int d = 0; d < m; ++d) {
      base.actions[static_cast<std::size_t>(i * m + d)] = i < plus_votes[d] ? 1 : -1;
    }
    base.performance[static_cast<std::size_t>(i)] = 5;
  }
  for (int d = 0; d < m; ++d) {
    const std::int8_t majority = plus_votes[d] >= 3 ? 1 : -1;
    base.actions[static_cast<std::size_t>(5 * m + d)] = static_cast<std::int8_t>(-majority);
  }
  base.performance[5] = 0;
  const double p2 = 0.3;
  std::vector<double> q;
  stay_table(p2, n, q);
  ASSERT_EQ(q.size(), 7U);
  EXPECT_DOUBLE_EQ(q[3], 0.7 * 0.7 * 0.7);

  const int kTrials = 20000;
  int changed[m] = {};
  for (int t = 0; t < kTrials; ++t) {
    State s = base;
    ASSERT_EQ(mark_superior(s, 4), 5);
    auto g = test_stream(static_cast<std::uint64_t>(t));
    learn_code(s, q, KRule::kNetMajority, g);
    for (int d = 0; d < m; ++d) {
      const auto du = static_cast<std::size_t>(d);
      if (s.code[du] != base.code[du]) {
        ++changed[d];
        ASSERT_EQ(s.code[du], plus_votes[d] >= 3 ? 1 : -1) << "code must take the majority";
      }
    }
  }
  for (int d = 0; d < m; ++d) {
    const double p = 1.0 - std::pow(1.0 - p2, expected_k[d]);
    if (expected_k[d] == 0) {
      EXPECT_EQ(changed[d], 0) << "dimension " << d;
    } else {
      EXPECT_NEAR(static_cast<double>(changed[d]) / kTrials, p, 5 * se(p, kTrials))
          << "dimension " << d << " k " << expected_k[d];
    }
  }
}

TEST(MarchLearnCode, NoSuperiorGroupNoChangeAndTiesNeverChange) {
  State s = make_state(2, 2);
  s.code = {0, 1};
  s.actions = {1, -1, -1, -1};  // dimension 0 tied 1:1, dimension 1 unanimous -1
  std::vector<double> q;
  stay_table(1.0, 2, q);  // p2 = 1: any k > 0 changes for sure
  s.performance = {0, 0};
  ASSERT_EQ(mark_superior(s, 0), 0);
  auto g = test_stream(0);
  EXPECT_EQ(learn_code(s, q, KRule::kNetMajority, g), 0);
  s.performance = {1, 1};
  ASSERT_EQ(mark_superior(s, 0), 2);
  EXPECT_EQ(learn_code(s, q, KRule::kNetMajority, g), 1);
  EXPECT_EQ(s.code, (std::vector<std::int8_t>{0, -1}));
}

TEST(MarchEquilibrium, PositiveAndNegativeCases) {
  State s = make_state(3, 2);
  s.reality = {1, 1, -1};
  s.code = {1, -1, -1};  // score 1 - 1 + 1 = 1, with a wrong belief on dimension 1
  s.beliefs = {1, -1, -1, 1, -1, -1};
  EXPECT_TRUE(at_equilibrium(s)) << "everyone agrees with a fully non-zero code";
  s.beliefs[4] = 0;
  EXPECT_FALSE(at_equilibrium(s)) << "a belief differs from the code";
  s.code = {1, 0, -1};  // everyone agrees, but a zero belief could beat the code by luck
  s.beliefs = {1, 0, -1, 1, 0, -1};
  EXPECT_FALSE(at_equilibrium(s));
  s.reality = {1, 1, 1};
  s.code = {-1, -1, -1};  // all wrong, all agree, nobody can do better: stable
  s.beliefs = {-1, -1, -1, -1, -1, -1};
  EXPECT_TRUE(at_equilibrium(s));
}

TEST(MarchTurnover, ReplacesWithProbabilityP3WithUniformBeliefs) {
  const int m = 30;
  const int n = 200;
  State s = make_state(m, n);
  std::fill(s.beliefs.begin(), s.beliefs.end(), std::int8_t{5});  // marks the incumbents
  auto g0 = test_stream(0);
  turnover(s, 0.0, g0);
  EXPECT_EQ(std::count(s.beliefs.begin(), s.beliefs.end(), 5), m * n);
  auto g = test_stream(1);
  const double p3 = 0.25;
  turnover(s, p3, g);
  int replaced = 0;
  int counts[3] = {};
  for (int i = 0; i < n; ++i) {
    const auto row = s.belief_row(i);
    if (row[0] == 5) {
      ASSERT_EQ(std::count(row.begin(), row.end(), 5), m);
      continue;
    }
    ++replaced;
    for (auto b : row) {
      ASSERT_TRUE(b >= -1 && b <= 1);
      ++counts[b + 1];
    }
  }
  EXPECT_NEAR(static_cast<double>(replaced) / n, p3, 5 * se(p3, n));
  const double cells = static_cast<double>(replaced) * m;
  for (int v = 0; v < 3; ++v) EXPECT_NEAR(counts[v] / cells, 1.0 / 3, 5 * se(1.0 / 3, cells));
}

TEST(MarchTurbulence, FlipsEachDimensionWithProbabilityP4) {
  State s = make_state(5000, 1);
  auto g = test_stream(0);
  turbulence(s, 1.0, g);
  EXPECT_EQ(std::count(s.reality.begin(), s.reality.end(), -1), 5000);
  turbulence(s, 0.1, g);
  const double flipped = static_cast<double>(std::count(s.reality.begin(), s.reality.end(), 1));
  EXPECT_NEAR(flipped / 5000, 0.1, 5 * se(0.1, 5000));
}

}  // namespace
}  // namespace leadsim::march::detail
