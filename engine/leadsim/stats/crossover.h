// Where a curve sampled at swept points crosses a threshold, with an interval from inverting
// the per-point intervals: the algorithm of the Python package's crossover()
// (python/src/leadsim/analysis.py), for one curve. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace leadsim::stats {

enum class CrossDirection {
  kNone,  // no crossing (or a flat curve through the threshold)
  kUp,    // the curve rises through the threshold: above it beyond the crossover
  kDown,  // the curve falls through the threshold: above it before the crossover
};

// Without a crossing in the swept range: on which side of the range one would lie, judged
// from the trend between the first and the last point; kNone when flat (or with a crossing).
enum class CrossNote { kNone, kBelow, kAbove };

std::string_view cross_direction_name(CrossDirection d);  // "up", "down", ""
std::string_view cross_note_name(CrossNote n);            // "below", "above", ""

struct Crossover {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double crossover = kNaN;  // the x of the first crossing; NaN without one
  double ci_low = kNaN;     // the interval of x where [lo, hi] holds the threshold (see below)
  double ci_high = kNaN;
  CrossDirection direction = CrossDirection::kNone;
  CrossNote note = CrossNote::kNone;
  std::size_t points = 0;  // points used: those with finite x and y
};

// x: the swept values; y: the curve at them, oriented so that above the threshold is better;
// lo, hi: a per-point interval of y (all four of one length; std::invalid_argument
// otherwise). The points are taken in increasing x (ties keep their order); a point whose x
// or y is not finite is skipped.
//
// The curve is interpolated linearly between points and the crossover is its first crossing
// of `threshold` along increasing x: a point exactly on the threshold is the crossover itself
// (its direction from the next point, or the reverse of the previous one at the last point);
// otherwise the root of the segment whose ends lie on either side.
//
// The interval: lo and hi, interpolated linearly between the points where both are finite,
// define the set of x where lo(x) <= threshold <= hi(x) (touching pieces merged; a single point
// counts when its interval holds the threshold). [ci_low, ci_high] is the connected piece of
// that set that holds the crossover (NaN when none does); without a crossing, the whole set's
// extent (NaN when the set is empty). It never reaches beyond the points.
Crossover find_crossover(const std::vector<double>& x, const std::vector<double>& y,
                         const std::vector<double>& lo, const std::vector<double>& hi,
                         double threshold);

}  // namespace leadsim::stats
