#include "leadsim/stats/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace leadsim::stats {
namespace {

stats::MetricDef def(double lo, double hi, int bins, bool log = false) {
  stats::MetricDef d;
  d.name = "m";
  d.lo = lo;
  d.hi = hi;
  d.bins = bins;
  d.log_bins = log;
  return d;
}

TEST(Bins, EqualBinsEdgesAndAssignment) {
  const Bins b(def(0.0, 1.0, 10));
  ASSERT_EQ(b.edges().size(), 11u);
  EXPECT_EQ(b.edges().front(), 0.0);
  EXPECT_EQ(b.edges().back(), 1.0);
  EXPECT_EQ(b.edges()[3], 0.3);
  EXPECT_EQ(b.index(-1e-300), Bins::kUnderflow);
  EXPECT_EQ(b.index(0.0), 0);
  EXPECT_EQ(b.index(0.05), 0);
  EXPECT_EQ(b.index(0.1), 1);  // left-closed bins
  EXPECT_EQ(b.index(0.3), 3);
  EXPECT_EQ(b.index(std::nextafter(0.3, 0.0)), 2);
  EXPECT_EQ(b.index(1.0), 9);  // x == hi in the last bin
  EXPECT_EQ(b.index(std::nextafter(1.0, 2.0)), 10);
  EXPECT_EQ(b.index(std::numeric_limits<double>::infinity()), 10);
  EXPECT_EQ(b.index(-std::numeric_limits<double>::infinity()), Bins::kUnderflow);
  EXPECT_EQ(b.index(std::numeric_limits<double>::quiet_NaN()), Bins::kNaN);
  // Every edge starts its own bin, and the value just below it is in the previous one.
  for (int i = 1; i < 10; ++i) {
    EXPECT_EQ(b.index(b.edges()[i]), i);
    EXPECT_EQ(b.index(std::nextafter(b.edges()[i], -1.0)), i - 1);
  }
}

TEST(Bins, LogBins) {
  const Bins b(def(1e-3, 1e3, 6, true));
  EXPECT_EQ(b.edges().front(), 1e-3);
  EXPECT_EQ(b.edges().back(), 1e3);
  EXPECT_NEAR(b.edges()[3], 1.0, 1e-14);
  EXPECT_EQ(b.index(5e-4), Bins::kUnderflow);
  EXPECT_EQ(b.index(0.0), Bins::kUnderflow);
  EXPECT_EQ(b.index(0.5), 2);
  EXPECT_EQ(b.index(2.0), 3);
  EXPECT_EQ(b.index(1e3), 5);
  EXPECT_EQ(b.index(1001.0), 6);
  for (int i = 1; i < 6; ++i) EXPECT_EQ(b.index(b.edges()[i]), i);
}

TEST(Bins, InvalidDefinitionsThrow) {
  EXPECT_THROW(Bins(def(0.0, 1.0, 0)), std::invalid_argument);
  EXPECT_THROW(Bins(def(1.0, 1.0, 5)), std::invalid_argument);
  EXPECT_THROW(Bins(def(0.0, 1.0, 5, true)), std::invalid_argument);
  EXPECT_THROW(Bins(def(0.0, std::numeric_limits<double>::infinity(), 5)), std::invalid_argument);
}

TEST(Histogram, CountsUnderOverflowAndMerge) {
  Histogram h(def(-1.0, 1.0, 4));
  for (double x : {-2.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0}) h.add(x);
  h.add(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(h.underflow(), 1u);
  EXPECT_EQ(h.overflow(), 2u);
  EXPECT_EQ(h.counts(), (std::vector<std::uint64_t>{1, 1, 2, 2}));
  Histogram g(def(-1.0, 1.0, 4));
  g.add(0.1);
  g.merge(h);
  EXPECT_EQ(g.counts(), (std::vector<std::uint64_t>{1, 1, 3, 2}));
  Histogram other(def(-1.0, 1.0, 5));
  EXPECT_THROW(g.merge(other), std::invalid_argument);
}

}  // namespace
}  // namespace leadsim::stats
