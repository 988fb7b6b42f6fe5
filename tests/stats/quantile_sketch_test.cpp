#include "leadsim/stats/quantile_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "leadsim/rng/distributions.h"
#include "leadsim/stats/byte_io.h"
#include "stats/test_rng.h"

namespace leadsim::stats {
namespace {

using test::SplitMix;

// The stated bound: |est - x_(floor(q(n-1)))| <= alpha |x| + 1e-9 at every level.
void check_bound(std::vector<double> xs, const char* what) {
  QuantileSketch s;
  for (double x : xs) s.add(x);
  std::sort(xs.begin(), xs.end());
  const auto n = static_cast<double>(xs.size());
  for (int i = 0; i <= 1000; ++i) {
    const double q = i / 1000.0;
    const double truth = xs[static_cast<std::size_t>(std::floor(q * (n - 1)))];
    const double est = s.quantile(q);
    ASSERT_LE(std::fabs(est - truth), QuantileSketch::kAlpha * std::fabs(truth) + 1e-9)
        << what << " q=" << q << " truth=" << truth << " est=" << est;
  }
  EXPECT_EQ(s.quantile(0.0), xs.front());
  EXPECT_EQ(s.quantile(1.0), xs.back());
}

TEST(QuantileSketch, BoundOnUniform) {
  SplitMix g{1};
  std::vector<double> xs(20000);
  for (double& x : xs) x = g.uniform();
  check_bound(xs, "uniform");
}

TEST(QuantileSketch, BoundOnExponential) {
  SplitMix g{2};
  std::vector<double> xs(20000);
  for (double& x : xs) x = 3.0 * rng::exponential(g);
  check_bound(xs, "exponential");
}

TEST(QuantileSketch, BoundOnMixtureWithZerosNegativesAndTinyValues) {
  SplitMix g{3};
  std::vector<double> xs(20000);
  for (double& x : xs) {
    const double u = g.uniform();
    if (u < 0.2) {
      x = 0.0;
    } else if (u < 0.25) {
      x = (g.uniform() - 0.5) * 1e-9;  // in the zero bucket
    } else if (u < 0.55) {
      x = -std::exp(rng::normal(g, 0.0, 3.0));
    } else {
      x = std::exp(rng::normal(g, 1.0, 5.0));
    }
  }
  check_bound(xs, "mixture");
}

TEST(QuantileSketch, RepresentativeWithinRelativeBound) {
  for (double x : {1e-9, 0.1, 1.0, 1.0078125, 1.99999, 3.7e5, 1.7e308}) {
    const double r = QuantileSketch::representative(QuantileSketch::key(x));
    EXPECT_LE(std::fabs(r - x), x / 257.0 * (1 + 1e-12)) << x;
  }
}

TEST(QuantileSketch, LowerRankConventionAndEdgeCases) {
  QuantileSketch s;
  EXPECT_TRUE(std::isnan(s.quantile(0.5)));
  for (double x : {1.0, 2.0, 3.0, 4.0}) s.add(x);
  // floor(0.5 * 3) = 1 -> the second smallest value, 2.
  EXPECT_NEAR(s.quantile(0.5), 2.0, 2.0 / 257.0);
  EXPECT_NEAR(s.quantile(0.99), 3.0, 3.0 / 257.0);
  EXPECT_TRUE(std::isnan(s.quantile(1.5)));
  EXPECT_THROW(s.add(std::nan("")), std::invalid_argument);
}

TEST(QuantileSketch, MergeOrderFreeAndRoundTrip) {
  SplitMix g{4};
  QuantileSketch all, a, b;
  for (int i = 0; i < 5000; ++i) {
    const double x = rng::normal(g, 0.0, 10.0);
    all.add(x);
    (i % 2 == 0 ? a : b).add(x);
  }
  QuantileSketch ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  EXPECT_TRUE(ab == all);
  EXPECT_TRUE(ba == all);
  ByteWriter w1, w2;
  ab.serialize(w1);
  all.serialize(w2);
  EXPECT_EQ(w1.bytes(), w2.bytes());
  ByteReader r(w1.bytes());
  EXPECT_TRUE(QuantileSketch::deserialize(r) == all);
}

}  // namespace
}  // namespace leadsim::stats
