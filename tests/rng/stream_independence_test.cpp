// Streams with neighbouring keys and counters must be statistically unrelated: organizations
// k and k+1, seeds s and s+1, neighbouring purposes, ids and subs. Each test correlates n
// uniforms from two streams and asserts |r| < 4/sqrt(n) (r of independent uniforms is
// approximately N(0, 1/n), so each check has a false-alarm rate of ~6e-5; seeds are fixed).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "leadsim/rng/philox.h"

namespace leadsim::rng {
namespace {

constexpr int kN = 100000;

double correlation(Stream a, Stream b, int n = kN) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (int i = 0; i < n; ++i) {
    const double x = a.uniform();
    const double y = b.uniform();
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const double cov = sab / n - (sa / n) * (sb / n);
  const double va = saa / n - (sa / n) * (sa / n);
  const double vb = sbb / n - (sb / n) * (sb / n);
  return cov / std::sqrt(va * vb);
}

const double kLimit = 4.0 / std::sqrt(static_cast<double>(kN));

TEST(StreamIndependence, NeighbouringOrganizations) {
  for (std::uint64_t k : {0ull, 1ull, 1000ull, 0xffffffffull}) {
    const auto c0 = tag(3u, 3);
    EXPECT_LT(std::fabs(correlation(Stream(42, k, c0), Stream(42, k + 1, c0))), kLimit) << k;
  }
}

TEST(StreamIndependence, NeighbouringSeeds) {
  const auto c0 = tag(1u, name_id("info_reach"));
  EXPECT_LT(std::fabs(correlation(Stream(1, 9, c0), Stream(2, 9, c0))), kLimit);
}

TEST(StreamIndependence, NeighbouringPurposesIdsAndSubs) {
  EXPECT_LT(std::fabs(correlation(Stream(42, 5, tag(3u, 7)), Stream(42, 5, tag(4u, 7)))), kLimit);
  EXPECT_LT(std::fabs(correlation(Stream(42, 5, tag(3u, 7)), Stream(42, 5, tag(3u, 8)))), kLimit);
  EXPECT_LT(std::fabs(correlation(Stream(42, 5, tag(5u, 7), 11), Stream(42, 5, tag(5u, 7), 12))),
            kLimit);
}

TEST(StreamIndependence, FirstDrawAcrossOrganizations) {
  // The way models use streams: one short stream per organization. The first uniform of org
  // k against that of org k + 1, over k.
  const auto c0 = tag(1u, name_id("workers"));
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  double prev = Stream(3, 0, c0).uniform();
  for (int k = 1; k <= kN; ++k) {
    const double cur = Stream(3, static_cast<std::uint64_t>(k), c0).uniform();
    sa += prev;
    sb += cur;
    saa += prev * prev;
    sbb += cur * cur;
    sab += prev * cur;
    prev = cur;
  }
  const double n = kN;
  const double r = (sab / n - sa / n * sb / n) /
                   std::sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
  EXPECT_LT(std::fabs(r), kLimit);
  EXPECT_NEAR(sa / n, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
}

}  // namespace
}  // namespace leadsim::rng
