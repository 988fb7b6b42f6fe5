// Interval estimates: Student t and normal quantiles, Wilson score intervals, and the paired
// difference accumulator. Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "leadsim/stats/moments.h"
#include "leadsim/stats/outcome.h"

namespace leadsim::stats {

inline constexpr double kZ975 = 1.959963984540054;  // Phi^-1(0.975)

// The statistics' version: raised by every change that alters a stored statistic computed
// from the exact state (an interval, a quantile), so that files, shards and checkpoints of
// two versions are never combined (run::results_identity). 2: the Student t quantile from
// Boost.Math (2026-12-03; intervals move in the last bits).
inline constexpr int kStatsVersion = 2;

struct Interval {
  double low;
  double high;
};

// Phi^-1(p) for p in (0, 1), from Boost.Math (boost::math::normal_distribution). NaN outside
// (0, 1).
double normal_quantile(double p);

// Quantile of Student's t with df >= 1 degrees of freedom, p in (0, 1), from Boost.Math
// (boost::math::students_t_distribution). NaN if df == 0 or p outside (0, 1).
double t_quantile(double p, std::uint64_t df);

// Wilson score interval for k successes in n trials at normal quantile z, clamped to [0, 1]
// (exactly 0 for k = 0 and 1 for k = n). n = 0: {NaN, NaN}.
Interval wilson_interval(std::uint64_t k, std::uint64_t n, double z = kZ975);

// Mean ± t(0.975, n-1) * sem of the moments; NaN bounds when n < 2.
Interval mean_ci95(const Moments& m);

// Paired differences d = x_mode - x_baseline of one metric over organizations where both are
// finite and d is finite. Counts d > 0 (greater) and d == 0 (ties); d < 0 is the rest, so
// the win count in either direction is exact and merges exactly. Not thread-safe.
class PairedDiff {
 public:
  void add(double d) {
    m_.add(d);
    greater_ += d > 0.0 ? 1 : 0;
    ties_ += d == 0.0 ? 1 : 0;
  }
  void merge(const PairedDiff& o) {
    m_.merge(o.m_);
    greater_ += o.greater_;
    ties_ += o.ties_;
  }
  const Moments& moments() const { return m_; }
  std::uint64_t greater() const { return greater_; }                    // d > 0
  std::uint64_t ties() const { return ties_; }                          // d == 0
  std::uint64_t less() const { return m_.count() - greater_ - ties_; }  // d < 0
  std::uint64_t count() const { return m_.count(); }
  // Organizations where the mode is better than the baseline in direction b: d > 0 for
  // kHigher, d < 0 for kLower; 0 for kNone. std::invalid_argument for an unset direction.
  std::uint64_t wins(Better b) const;
  // wins(b) / n and its Wilson 95% interval: NaN when n = 0 or b is kNone (no direction, no
  // win rate).
  double win_rate(Better b) const;
  Interval win_rate_ci95(Better b) const;
  // ties / n (NaN when n = 0), whatever the direction.
  double tie_rate() const;
  Interval mean_ci95() const { return stats::mean_ci95(m_); }
  bool operator==(const PairedDiff& o) const = default;

 private:
  friend class RunStats;
  Moments m_;
  std::uint64_t greater_ = 0;
  std::uint64_t ties_ = 0;
};

}  // namespace leadsim::stats
