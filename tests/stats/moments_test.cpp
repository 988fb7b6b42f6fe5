#include "leadsim/stats/moments.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "leadsim/rng/distributions.h"
#include "leadsim/stats/byte_io.h"
#include "stats/test_rng.h"

namespace leadsim::stats {
namespace {

using test::SplitMix;

// Two-pass mean and variance in long double: the reference (tolerance 1e-12 relative).
void two_pass(const std::vector<double>& xs, double& mean, double& var) {
  long double s = 0;
  for (double x : xs) s += x;
  const long double m = s / static_cast<long double>(xs.size());
  long double ss = 0;
  for (double x : xs) ss += (x - m) * (x - m);
  mean = static_cast<double>(m);
  var = static_cast<double>(ss / static_cast<long double>(xs.size() - 1));
}

TEST(Moments, MatchTwoPassIncludingLargeOffset) {
  SplitMix g{3};
  for (double offset : {0.0, 1.0, 1e6, 1e9, -1e12}) {
    std::vector<double> xs(5000);
    for (double& x : xs) x = offset + rng::normal(g, 0.0, 2.0);
    Moments m;
    for (double x : xs) m.add(x);
    double mean, var;
    two_pass(xs, mean, var);
    EXPECT_EQ(m.count(), xs.size());
    EXPECT_NEAR(m.mean(), mean, 1e-12 * std::max(1.0, std::fabs(mean))) << offset;
    EXPECT_NEAR(m.variance(), var, 1e-12 * var) << offset;
    EXPECT_NEAR(m.sem(), std::sqrt(var / 5000.0), 1e-12 * std::sqrt(var / 5000.0));
  }
}

TEST(Moments, ExactSmallCases) {
  Moments m;
  for (double x : {1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0}) m.add(x);
  EXPECT_EQ(m.mean(), 1e9 + 2.0);
  EXPECT_EQ(m.variance(), 1.0);
  EXPECT_EQ(m.min(), 1e9 + 1.0);
  EXPECT_EQ(m.max(), 1e9 + 3.0);
  Moments c;
  for (int i = 0; i < 1000; ++i) c.add(0.1);
  EXPECT_EQ(c.variance(), 0.0);
  EXPECT_EQ(c.mean(), 0.1);
  Moments tiny;  // the squares' low parts underflow a double but not the exact accumulator
  tiny.add(1e-150);
  tiny.add(3e-150);
  EXPECT_NEAR(tiny.variance(), 2e-300, 1e-15 * 2e-300);
}

TEST(Moments, ExtremeCancellationIsHarmless) {
  // x_i = 2^44 + i/8 (exact doubles): mean/sd ~ 5e11, beyond double-double; the variance is exactly
  // (1/64) * 1000 * 1001 / 12.
  Moments m;
  for (int i = 0; i < 1000; ++i) m.add(0x1p44 + i / 8.0);
  const double expect = 1000.0 * 1001.0 / 12.0 / 64.0;
  EXPECT_NEAR(m.variance(), expect, 1e-15 * expect);
  EXPECT_EQ(m.mean(), 0x1p44 + 999.0 / 16.0);
}

TEST(Moments, EmptyAndSingleton) {
  Moments m;
  EXPECT_TRUE(std::isnan(m.mean()));
  EXPECT_TRUE(std::isnan(m.min()));
  EXPECT_TRUE(std::isnan(m.std()));
  m.add(2.5);
  EXPECT_EQ(m.mean(), 2.5);
  EXPECT_TRUE(std::isnan(m.std()));
  EXPECT_TRUE(std::isnan(m.sem()));
}

TEST(Moments, MergeIsExactAndSignedZeroOrderFree) {
  SplitMix g{11};
  std::vector<double> xs(999);
  for (double& x : xs) x = rng::exponential(g) - 0.7;
  xs[5] = -0.0;
  xs[6] = 0.0;
  Moments all, a, b, c;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    all.add(xs[i]);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(xs[i]);
  }
  Moments ab = a;
  ab.merge(b);
  ab.merge(c);
  Moments cb = c;
  cb.merge(b);
  Moments x = a;
  x.merge(cb);
  EXPECT_TRUE(ab == all);
  EXPECT_TRUE(x == all);
  ByteWriter w1, w2;
  all.serialize(w1);
  x.serialize(w2);
  EXPECT_EQ(w1.bytes(), w2.bytes());
  Moments z1, z2;
  z1.add(0.0);
  z1.add(-0.0);
  z2.add(-0.0);
  z2.add(0.0);
  EXPECT_TRUE(z1 == z2);
  EXPECT_TRUE(std::signbit(z1.min()));
  EXPECT_FALSE(std::signbit(z1.max()));
}

}  // namespace
}  // namespace leadsim::stats
