#include "leadsim/stats/exact_sum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "leadsim/stats/byte_io.h"
#include "stats/test_rng.h"

namespace leadsim::stats {
namespace {

using test::SplitMix;

// Correctly rounded sum (Shewchuk partials with Python's math.fsum final rounding): an
// independent exact reference for sums that do not overflow.
double fsum(const std::vector<double>& xs) {
  std::vector<double> p;
  for (double x : xs) {
    std::size_t i = 0;
    for (double y : p) {
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0.0) p[i++] = lo;
      x = hi;
    }
    p.resize(i);
    p.push_back(x);
  }
  std::size_t n = p.size();
  double hi = 0.0;
  if (n > 0) {
    double lo = 0.0;
    hi = p[--n];
    while (n > 0) {
      const double x = hi;
      const double y = p[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0.0) break;
    }
    if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
      const double y = lo * 2;
      const double x = hi + y;
      if (y == x - hi) hi = x;
    }
  }
  return hi;
}

ExactSum sum_of(const std::vector<double>& xs) {
  ExactSum s;
  for (double x : xs) s.add(x);
  return s;
}

std::vector<std::uint8_t> bytes_of(const ExactSum& s) {
  ByteWriter w;
  s.serialize(w);
  return w.bytes();
}

TEST(ExactSum, CancellationThatFloatingPointGetsWrong) {
  EXPECT_EQ(sum_of({1e100, 1.0, -1e100}).value(), 1.0);
  EXPECT_EQ(sum_of({1.0, 1e-300, -1.0}).value(), 1e-300);
  EXPECT_EQ(sum_of({0.1, 0.2, -0.3}).value(), fsum({0.1, 0.2, -0.3}));
  const double big = std::numeric_limits<double>::max();
  EXPECT_EQ(sum_of({big, big, -big}).value(), big);  // naive sum overflows to inf
  EXPECT_EQ(sum_of({big, big}).value(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(sum_of({-big, -big}).value(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ExactSum().value(), 0.0);
  EXPECT_TRUE(ExactSum().is_zero());
}

TEST(ExactSum, SubnormalsAreExact) {
  ExactSum s;
  std::uint64_t k = 0;
  for (std::uint64_t i = 1; i <= 1000; ++i) {
    s.add(std::ldexp(static_cast<double>(i), -1074));
    k += i;
  }
  EXPECT_EQ(s.value(), std::ldexp(static_cast<double>(k), -1074));
  s.add(-std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(s.value(), std::ldexp(static_cast<double>(k - 1), -1074));
  // Half an ulp of the smallest subnormal rounds to even (zero) exactly.
  ExactSum h;
  h.add_product(std::numeric_limits<double>::denorm_min(), 0.5);
  EXPECT_EQ(h.value(), 0.0);
  EXPECT_FALSE(h.is_zero());
  EXPECT_EQ(h.ilogb(), -1075);
}

TEST(ExactSum, RandomSumsAreCorrectlyRounded) {
  SplitMix g{42};
  for (int rep = 0; rep < 200; ++rep) {
    std::vector<double> xs(200);
    for (double& x : xs) {
      const int e = static_cast<int>(g.next_u64() % 200) - 100;
      x = std::ldexp(g.uniform() - 0.5, e);
    }
    EXPECT_EQ(sum_of(xs).value(), fsum(xs)) << "rep " << rep;
  }
}

TEST(ExactSum, OrderAndSplitDoNotChangeState) {
  SplitMix g{7};
  std::vector<double> xs(3000);
  for (double& x : xs)
    x = std::ldexp(g.uniform() - 0.3, static_cast<int>(g.next_u64() % 600) - 300);
  const ExactSum a = sum_of(xs);
  std::vector<double> ys = xs;
  std::reverse(ys.begin(), ys.end());
  std::sort(ys.begin() + 100, ys.end() - 100);
  const ExactSum b = sum_of(ys);
  EXPECT_TRUE(a == b);
  EXPECT_EQ(bytes_of(a), bytes_of(b));
  // Shards merged in different groupings.
  ExactSum s1 = sum_of({xs.begin(), xs.begin() + 1000});
  ExactSum s2 = sum_of({xs.begin() + 1000, xs.begin() + 2000});
  ExactSum s3 = sum_of({xs.begin() + 2000, xs.end()});
  ExactSum left = s1;
  left.merge(s2);
  left.merge(s3);
  ExactSum right = s3;
  ExactSum t = s2;
  t.merge(s1);
  right.merge(t);
  EXPECT_TRUE(left == a);
  EXPECT_TRUE(right == a);
  EXPECT_EQ(bytes_of(right), bytes_of(a));
  EXPECT_EQ(left.value(), fsum(xs));
}

TEST(ExactSum, StoredWindowNeverShows) {
  // Only the limbs adds touch are stored: sums that grow their window downwards, upwards and
  // across disjoint ranges (merges), with negative tops and normalizations in between, equal
  // in value, bytes and == the same values added in one sweep.
  const std::vector<double> xs = {1.0,      -0x1p-1000, 0x1p900, -3.5, 0x1p-1074,
                                  -0x1p900, 1e-300,     -1e300,  2.0,  1e300};
  ExactSum one;
  for (double x : xs) one.add(x);
  ExactSum parts;
  for (double x : xs) {
    ExactSum p;
    p.add(x);
    p.normalize();
    parts.merge(p);
    parts.normalize();
  }
  ExactSum low;  // a window that starts high and grows down
  for (auto it = xs.rbegin(); it != xs.rend(); ++it) low.add(*it);
  EXPECT_TRUE(one == parts);
  EXPECT_TRUE(one == low);
  EXPECT_EQ(bytes_of(one), bytes_of(parts));
  EXPECT_EQ(bytes_of(one), bytes_of(low));
  EXPECT_EQ(one.value(), fsum(xs));
  ExactSum neg;  // a negative sum normalized repeatedly keeps its value
  for (int i = 0; i < 5; ++i) {
    neg.add(-0x1p-40);
    neg.normalize();
  }
  EXPECT_EQ(neg.value(), -5 * 0x1p-40);
}

TEST(ExactSum, ProductsAreExact) {
  // (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104: the last bit is lost by a double product.
  const double a = 1.0 + 0x1p-52;
  ExactSum s;
  s.add_product(a, a);
  s.add(-1.0);
  s.add(-0x1p-51);
  EXPECT_EQ(s.value(), 0x1p-104);
  ExactSum t;
  const double big = 0x1p1000;
  t.add_product(big, big);  // 2^2000 is far beyond a double but held exactly
  t.add_product(-big, big);
  t.add_product(3.0, -4.0);
  EXPECT_EQ(t.value(), -12.0);
}

TEST(ExactSum, DoubleDoubleViewAndScale) {
  ExactSum s;
  s.add(1.0);
  s.add(1e-30);
  const DoubleDouble d = s.dd();
  EXPECT_EQ(d.hi, 1.0);
  EXPECT_EQ(d.lo, 1e-30);
  const DoubleDouble e = s.dd(10);
  EXPECT_EQ(e.hi, 0x1p-10);
  EXPECT_EQ(e.lo, std::ldexp(1e-30, -10));
  ExactSum n;
  n.add(-3.0);
  n.add(-0x1p-70);
  EXPECT_EQ(n.dd().hi, -3.0);
  EXPECT_EQ(n.dd().lo, -0x1p-70);
  EXPECT_EQ(n.ilogb(), 1);
}

TEST(ExactSum, AutomaticNormalizationKeepsManyAddsExact) {
  // Force the pending counter to its limit quickly by merging a heavily loaded sum with
  // itself: 2^30 adds of the largest-limb values must not overflow.
  ExactSum s;
  for (int i = 0; i < 100000; ++i) s.add(-std::numeric_limits<double>::max());
  ExactSum t = s;
  for (int i = 0; i < 14; ++i) t.merge(t);  // 100000 * 2^14 terms ~ 1.6e9 > 2^30
  ExactSum u;
  u.add_product(-std::numeric_limits<double>::max(), 100000.0 * 16384.0);
  EXPECT_TRUE(t == u);
}

TEST(ExactSum, NonFiniteThrows) {
  ExactSum s;
  EXPECT_THROW(s.add(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  EXPECT_THROW(s.add(std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(s.add_product(1.0, -std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST(ExactSum, SerializeRoundTrip) {
  for (double v : {0.0, 1.5, -1.5, -1e-310, 1e308}) {
    ExactSum s;
    s.add(v);
    s.add_product(v, 3.0);
    const auto b = bytes_of(s);
    ByteReader r(b);
    const ExactSum t = ExactSum::deserialize(r);
    EXPECT_TRUE(s == t);
    EXPECT_EQ(r.remaining(), 0u);
  }
}

}  // namespace
}  // namespace leadsim::stats
