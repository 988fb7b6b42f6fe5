#include "leadsim/stats/crossover.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace leadsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// y ± w at every point.
Crossover band(const std::vector<double>& x, const std::vector<double>& y, double w,
               double threshold) {
  std::vector<double> lo, hi;
  for (double v : y) {
    lo.push_back(v - w);
    hi.push_back(v + w);
  }
  return find_crossover(x, y, lo, hi, threshold);
}

TEST(Crossover, LinearCrossingInterpolatesTheRootAndInvertsTheBand) {
  // y = 2x - 3 crosses 0 at 1.5; y - 1.5 <= 0 up to 2.25, y + 1.5 >= 0 from 0.75.
  const auto c = band({0, 1, 2, 3}, {-3, -1, 1, 3}, 1.5, 0.0);
  EXPECT_EQ(c.crossover, 1.5);
  EXPECT_EQ(c.direction, CrossDirection::kUp);
  EXPECT_EQ(c.note, CrossNote::kNone);
  EXPECT_EQ(c.ci_low, 0.75);
  EXPECT_EQ(c.ci_high, 2.25);
  EXPECT_EQ(c.points, 4u);
}

TEST(Crossover, ThresholdIsSubtractedFromTheCurveOnly) {
  // A win rate crossing 0.5 between the second and third points at 0.25 of the way.
  const auto c = find_crossover({10, 20, 30}, {0.25, 0.375, 0.875}, {0.125, 0.25, 0.75},
                                {0.375, 0.5, 1.0}, 0.5);
  EXPECT_EQ(c.crossover, 22.5);
  EXPECT_EQ(c.direction, CrossDirection::kUp);
  // hi reaches 0.5 at x = 20; lo stays below 0.5 until it is 0.5 at 20 + 10 * 0.25 / 0.5.
  EXPECT_EQ(c.ci_low, 20.0);
  EXPECT_EQ(c.ci_high, 25.0);
}

TEST(Crossover, DownCrossing) {
  const auto c = band({0, 1, 2}, {2, 1, -3}, 0.5, 0.0);
  EXPECT_EQ(c.crossover, 1.25);
  EXPECT_EQ(c.direction, CrossDirection::kDown);
  EXPECT_EQ(c.note, CrossNote::kNone);
  // y - 0.5 <= 0 from 1.125; y + 0.5 >= 0 up to 1.375.
  EXPECT_EQ(c.ci_low, 1.125);
  EXPECT_EQ(c.ci_high, 1.375);
}

TEST(Crossover, PointOnTheThresholdIsTheCrossover) {
  auto c = band({1, 2, 3}, {0.25, 0.5, 0.75}, 0.125, 0.5);
  EXPECT_EQ(c.crossover, 2.0);
  EXPECT_EQ(c.direction, CrossDirection::kUp);  // from the next point
  EXPECT_EQ(c.ci_low, 1.5);
  EXPECT_EQ(c.ci_high, 2.5);
  // At the last point: the reverse of the previous one's side.
  c = band({1, 2, 3}, {0.75, 0.625, 0.5}, 0.0, 0.5);
  EXPECT_EQ(c.crossover, 3.0);
  EXPECT_EQ(c.direction, CrossDirection::kDown);
  EXPECT_EQ(c.ci_low, 3.0);
  EXPECT_EQ(c.ci_high, 3.0);
  // The first point on it comes before a later sign change; a flat stretch has no direction.
  c = band({1, 2, 3}, {0.5, 0.5, 0.25}, 0.0, 0.5);
  EXPECT_EQ(c.crossover, 1.0);
  EXPECT_EQ(c.direction, CrossDirection::kNone);
  // A segment ending on the threshold is not crossed: its end point is the crossover.
  c = band({1, 2, 3}, {-1, 0, 1}, 0.0, 0.0);
  EXPECT_EQ(c.crossover, 2.0);
  EXPECT_EQ(c.direction, CrossDirection::kUp);
  // A single point on the threshold.
  c = band({4}, {0.5}, 0.125, 0.5);
  EXPECT_EQ(c.crossover, 4.0);
  EXPECT_EQ(c.direction, CrossDirection::kNone);
  EXPECT_EQ(c.ci_low, 4.0);
  EXPECT_EQ(c.ci_high, 4.0);
  EXPECT_EQ(c.points, 1u);
}

TEST(Crossover, NoCrossingNotesTheSideOfTheRange) {
  // Above the threshold and rising: a crossing would lie below the range.
  auto c = band({0, 1, 2}, {1, 2, 3}, 1.5, 0.0);
  EXPECT_TRUE(std::isnan(c.crossover));
  EXPECT_EQ(c.direction, CrossDirection::kNone);
  EXPECT_EQ(c.note, CrossNote::kBelow);
  // The whole set's extent: y - 1.5 <= 0 up to x = 0.5.
  EXPECT_EQ(c.ci_low, 0.0);
  EXPECT_EQ(c.ci_high, 0.5);
  // Above and falling: above the range.
  c = band({0, 1, 2}, {3, 2, 1}, 0.25, 0.0);
  EXPECT_EQ(c.note, CrossNote::kAbove);
  EXPECT_TRUE(std::isnan(c.ci_low));  // the interval excludes 0 everywhere
  EXPECT_TRUE(std::isnan(c.ci_high));
  // Below and rising: above; below and falling: below.
  EXPECT_EQ(band({0, 1, 2}, {-3, -2, -1}, 0.25, 0.0).note, CrossNote::kAbove);
  EXPECT_EQ(band({0, 1, 2}, {-1, -2, -3}, 0.25, 0.0).note, CrossNote::kBelow);
  // Flat (first and last equal): no side.
  c = band({0, 1, 2}, {1, 2, 1}, 0.25, 0.0);
  EXPECT_EQ(c.note, CrossNote::kNone);
  EXPECT_TRUE(std::isnan(c.crossover));
  // Nothing at all.
  c = find_crossover({}, {}, {}, {}, 0.5);
  EXPECT_TRUE(std::isnan(c.crossover));
  EXPECT_TRUE(std::isnan(c.ci_low));
  EXPECT_EQ(c.note, CrossNote::kNone);
  EXPECT_EQ(c.points, 0u);
}

TEST(Crossover, NaNPointsAreSkipped) {
  // The NaN point (x = 1) would otherwise be the first crossing.
  const std::vector<double> x = {0, 1, 2, 3, kNaN};
  const std::vector<double> y = {-1, 5, -1, 1, 7};
  auto c = band(x, y, 0.5, 0.0);
  EXPECT_EQ(c.points, 4u);  // x = NaN skipped as well
  EXPECT_EQ(band({0, 1, 2, 3}, {-1, kNaN, -1, 1}, 0.5, 0.0).points, 3u);
  c = band({0, 1, 2, 3}, {-1, kNaN, -1, 1}, 0.5, 0.0);
  EXPECT_EQ(c.crossover, 2.5);
  EXPECT_EQ(c.direction, CrossDirection::kUp);
  EXPECT_EQ(c.ci_low, 2.25);
  EXPECT_EQ(c.ci_high, 2.75);
  // A point with a NaN bound counts for the curve but not for the interval: the interval's
  // interpolation joins its neighbours instead.
  c = find_crossover({0, 1, 2}, {-1, 1, 3}, {-2, kNaN, 2}, {0, 2, 4}, 0.0);
  EXPECT_EQ(c.points, 3u);
  EXPECT_EQ(c.crossover, 0.5);
  EXPECT_EQ(c.ci_low, 0.0);  // hi(0) = 0 holds 0; lo joins -2 to 2 over [0, 2]: 0 at 1
  EXPECT_EQ(c.ci_high, 1.0);
}

TEST(Crossover, IntervalIsClippedToTheSweptRange) {
  // Wide intervals hold the threshold at every point: the interval is the whole range.
  const auto c = band({0.5, 1, 1.5}, {-0.25, 0.25, 0.75}, 2.0, 0.0);
  EXPECT_EQ(c.crossover, 0.75);
  EXPECT_EQ(c.ci_low, 0.5);
  EXPECT_EQ(c.ci_high, 1.5);
}

TEST(Crossover, IntervalIsThePieceThatHoldsTheCrossover) {
  // Zero-width intervals: the set is the three crossings {0.5}, {1.5}, {2.5}; the first
  // crossing picks its own piece.
  const std::vector<double> x = {0, 1, 2, 3};
  const std::vector<double> y = {-1, 1, -1, 1};
  auto c = band(x, y, 0.0, 0.0);
  EXPECT_EQ(c.crossover, 0.5);
  EXPECT_EQ(c.ci_low, 0.5);
  EXPECT_EQ(c.ci_high, 0.5);
  // Without a crossing, the extent spans every piece: intervals that hold 0 on [0, 0.5] and
  // [1.5, 2.5] only, around a curve that stays above.
  c = find_crossover(x, {1, 1, 1, 1}, {-1, 1, -1, 1}, {2, 2, 2, 2}, 0.0);
  EXPECT_TRUE(std::isnan(c.crossover));
  EXPECT_EQ(c.note, CrossNote::kNone);
  EXPECT_EQ(c.ci_low, 0.0);
  EXPECT_EQ(c.ci_high, 2.5);
  // A crossover outside every piece (bounds that exclude it) has no interval.
  c = find_crossover({0, 1}, {-1, 1}, {1, 1}, {2, 2}, 0.0);
  EXPECT_EQ(c.crossover, 0.5);
  EXPECT_TRUE(std::isnan(c.ci_low));
  EXPECT_TRUE(std::isnan(c.ci_high));
}

TEST(Crossover, PointsAreTakenInIncreasingX) {
  const auto c = band({3, 1, 2, 0}, {3, -1, 1, -3}, 1.5, 0.0);
  EXPECT_EQ(c.crossover, 1.5);
  EXPECT_EQ(c.ci_low, 0.75);
  EXPECT_EQ(c.ci_high, 2.25);
}

TEST(Crossover, LengthsMustAgree) {
  EXPECT_THROW(find_crossover({0, 1}, {0}, {0, 1}, {0, 1}, 0.0), std::invalid_argument);
  EXPECT_THROW(find_crossover({0, 1}, {0, 1}, {0, 1}, {0}, 0.0), std::invalid_argument);
}

TEST(Crossover, Names) {
  EXPECT_EQ(cross_direction_name(CrossDirection::kUp), "up");
  EXPECT_EQ(cross_direction_name(CrossDirection::kDown), "down");
  EXPECT_EQ(cross_direction_name(CrossDirection::kNone), "");
  EXPECT_EQ(cross_note_name(CrossNote::kBelow), "below");
  EXPECT_EQ(cross_note_name(CrossNote::kAbove), "above");
  EXPECT_EQ(cross_note_name(CrossNote::kNone), "");
}

}  // namespace
}  // namespace leadsim::stats
