// Plain arrays of a run's statistics: the contract between stats (which fills it) and io
// (which writes and reads it). Shapes are row-major; S scenarios, M modes, K metrics,
// Q quantile levels, B_k bins of metric k.
#pragma once

#include <cstdint>
#include <vector>

namespace leadsim::stats {

struct HistogramArrays {
  std::vector<double> edges;             // [B + 1]
  std::vector<std::uint64_t> counts;     // [S, M, B]
  std::vector<std::uint64_t> underflow;  // [S, M]
  std::vector<std::uint64_t> overflow;   // [S, M]
};

struct Summary {
  std::uint64_t S = 0, M = 0, K = 0, Q = 0;
  std::vector<double> quantile_levels;  // [Q]
  // Per scenario x mode x metric, over the organizations where the metric is finite.
  std::vector<std::uint64_t> count;              // [S, M, K]
  std::vector<std::uint64_t> nan_count;          // [S, M, K] organizations where it was undefined
  std::vector<double> mean, std, sem, min, max;  // [S, M, K]
  std::vector<double> quantiles;                 // [S, M, K, Q]
  std::vector<HistogramArrays> histograms;       // [K]
  // Paired differences Δ = mode - baseline, per organization, where both are finite.
  std::vector<std::uint64_t> paired_count;                                     // [S, M, K]
  std::vector<double> paired_mean, paired_std, paired_ci_low, paired_ci_high;  // [S, M, K]
  // Win: the mode better than the baseline in the metric's direction (MetricDef::better):
  // Δ > 0 for higher, Δ < 0 for lower. NaN rates (and 0 wins) for a metric whose direction
  // is none. tie_rate = ties / paired_count whatever the direction.
  std::vector<double> win_rate, win_rate_ci_low, win_rate_ci_high, tie_rate;  // [S, M, K]
  std::vector<std::uint64_t> wins, ties, greater;  // [S, M, K] wins, Δ == 0, Δ > 0 counts
};

}  // namespace leadsim::stats
