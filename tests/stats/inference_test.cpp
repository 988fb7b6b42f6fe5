#include "leadsim/stats/inference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "leadsim/rng/distributions.h"
#include "stats/test_rng.h"

namespace leadsim::stats {
namespace {

using test::SplitMix;

// Reference values: mpmath, 30 digits (inverse regularized incomplete beta).
TEST(TQuantile, KnownValues) {
  EXPECT_NEAR(t_quantile(0.975, 1), 12.7062047361747, 1e-12);
  EXPECT_NEAR(t_quantile(0.975, 2), 4.3026527297494639, 1e-12);
  EXPECT_NEAR(t_quantile(0.975, 3), 3.1824463052837096, 1e-12);
  EXPECT_NEAR(t_quantile(0.975, 10), 2.22813885198627, 1e-12);
  EXPECT_NEAR(t_quantile(0.975, 30), 2.04227245630124, 1e-12);
  EXPECT_NEAR(t_quantile(0.995, 5), 4.0321429835552281, 1e-12);
  EXPECT_NEAR(t_quantile(0.025, 10), -2.22813885198627, 1e-12);
  EXPECT_NEAR(t_quantile(0.975, 1000), 1.9623390808264085, 1e-12);
  EXPECT_NEAR(t_quantile(0.975, 1001), 1.9623367052808799, 1e-12);
  EXPECT_NEAR(t_quantile(0.975, 100000), 1.9599877075346096, 1e-12);
  EXPECT_NEAR(t_quantile(0.9, 1000), 1.2823987214609244, 1e-12);
  EXPECT_NEAR(t_quantile(0.9, 1001), 1.2823978745810513, 1e-12);
  EXPECT_EQ(t_quantile(0.5, 7), 0.0);
  EXPECT_TRUE(std::isnan(t_quantile(0.975, 0)));
}

TEST(NormalQuantile, KnownValues) {
  EXPECT_NEAR(normal_quantile(0.975), kZ975, 1e-15);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-16);
  EXPECT_NEAR(normal_quantile(1e-10), -6.3613409024040562, 1e-12);
  EXPECT_NEAR(normal_quantile(0.9), 1.2815515655446005, 1e-14);
}

TEST(WilsonInterval, PublishedValues) {
  const Interval a = wilson_interval(0, 10);
  EXPECT_EQ(a.low, 0.0);
  EXPECT_NEAR(a.high, 0.2775328, 1e-6);
  const Interval b = wilson_interval(5, 10);
  EXPECT_NEAR(b.low, 0.2365931, 1e-6);
  EXPECT_NEAR(b.high, 0.7634069, 1e-6);
  const Interval c = wilson_interval(10, 10);
  EXPECT_NEAR(c.low, 0.7224672, 1e-6);
  EXPECT_EQ(c.high, 1.0);
  EXPECT_TRUE(std::isnan(wilson_interval(0, 0).low));
}

// Coverage of the paired 95% CI for the mean difference: 2000 repetitions of n = 50 correlated
// normal pairs; tolerance 0.015 ~ 3 binomial standard errors (sqrt(.95 * .05 / 2000) = .0049).
TEST(PairedDiffStatistical, MeanCiCoverage) {
  SplitMix g{2024};
  const double true_diff = 0.3;  // E[mode - base] with base ~ N(5, 2), mode = 0.8 base + N(1.3, .7)
  int covered = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    PairedDiff d;
    for (int i = 0; i < 50; ++i) {
      const double base = rng::normal(g, 5.0, 2.0);
      const double mode = 0.8 * base + rng::normal(g, 1.3, 0.7);
      d.add(mode - base);
    }
    const Interval ci = d.mean_ci95();
    covered += (ci.low <= true_diff && true_diff <= ci.high) ? 1 : 0;
  }
  EXPECT_NEAR(covered / 2000.0, 0.95, 0.015);
}

// Wilson coverage for n = 50: the exact coverage of the Wilson interval at this p (computed
// from the binomial pmf) must lie in [0.93, 0.97], and the simulated coverage must match it
// within 0.015 (~3 binomial SE).
TEST(PairedDiffStatistical, WinRateWilsonCoverage) {
  const double sd = std::sqrt(0.04 * 4.0 + 0.49);
  const double p = 0.5 * std::erfc(-(0.3 / sd) / std::sqrt(2.0));  // P(d > 0)
  double exact = 0.0;
  for (int k = 0; k <= 50; ++k) {
    const Interval w = wilson_interval(static_cast<std::uint64_t>(k), 50);
    if (w.low <= p && p <= w.high)
      exact += std::exp(std::lgamma(51.0) - std::lgamma(k + 1.0) - std::lgamma(51.0 - k) +
                        k * std::log(p) + (50 - k) * std::log1p(-p));
  }
  EXPECT_GE(exact, 0.93);
  EXPECT_LE(exact, 0.97);
  SplitMix g{77};
  int covered = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    PairedDiff d;
    for (int i = 0; i < 50; ++i) {
      const double base = rng::normal(g, 5.0, 2.0);
      d.add(0.8 * base + rng::normal(g, 1.3, 0.7) - base);
    }
    const Interval w = d.win_rate_ci95(Better::kHigher);
    covered += (w.low <= p && p <= w.high) ? 1 : 0;
  }
  EXPECT_NEAR(covered / 2000.0, exact, 0.015);
}

TEST(PairedDiff, WinsTiesAndEmpty) {
  PairedDiff d;
  EXPECT_TRUE(std::isnan(d.win_rate(Better::kHigher)));
  EXPECT_TRUE(std::isnan(d.tie_rate()));
  EXPECT_TRUE(std::isnan(d.mean_ci95().low));
  for (double x : {1.0, -1.0, 0.0, 0.0, 2.0}) d.add(x);
  EXPECT_EQ(d.greater(), 2u);
  EXPECT_EQ(d.less(), 1u);
  EXPECT_EQ(d.ties(), 2u);
  EXPECT_EQ(d.tie_rate(), 0.4);
  // Higher is better: d > 0 wins.
  EXPECT_EQ(d.wins(Better::kHigher), 2u);
  EXPECT_EQ(d.win_rate(Better::kHigher), 0.4);
  // Lower is better: d < 0 wins; the ties win in neither direction.
  EXPECT_EQ(d.wins(Better::kLower), 1u);
  EXPECT_EQ(d.win_rate(Better::kLower), 0.2);
  const Interval lo = d.win_rate_ci95(Better::kLower);
  const Interval expect = wilson_interval(1, 5);
  EXPECT_EQ(lo.low, expect.low);
  EXPECT_EQ(lo.high, expect.high);
  // No direction: no win rate.
  EXPECT_EQ(d.wins(Better::kNone), 0u);
  EXPECT_TRUE(std::isnan(d.win_rate(Better::kNone)));
  EXPECT_TRUE(std::isnan(d.win_rate_ci95(Better::kNone).low));
  EXPECT_TRUE(std::isnan(d.win_rate_ci95(Better::kNone).high));
  EXPECT_THROW((void)d.wins(Better{}), std::invalid_argument);
}

}  // namespace
}  // namespace leadsim::stats
