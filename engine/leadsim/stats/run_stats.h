// Statistics of a whole run: for every scenario x mode x metric, moments, histogram and
// quantile sketch, plus paired differences against the baseline mode. Exact and mergeable:
// merge() is associative and commutative bit for bit, so any split of the organizations
// (threads, blocks, shards, ranks, checkpoints) gives identical results.
// (Contract written by the lead; the stats helper implements it and may add members.)
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "leadsim/stats/inference.h"
#include "leadsim/stats/moments.h"
#include "leadsim/stats/outcome.h"
#include "leadsim/stats/quantile_sketch.h"
#include "leadsim/stats/summary.h"

namespace leadsim::stats {

// Default quantile levels written to results files.
inline const std::vector<double> kDefaultQuantileLevels = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

// Contract details (stats helper):
// - The constructor throws std::invalid_argument unless scenarios >= 1, modes >= 1,
//   baseline_mode < modes, every metric's bins are valid (see histogram.h) and every metric
//   declares its direction of better (MetricDef::better).
// - add(): throws std::invalid_argument if scenario >= S or metrics.size() != M*K. A value
//   that is NaN or ±inf is undefined: it only increments nan_count (summary "nan_count" counts
//   both). Paired differences use organizations where both the mode's and the baseline's value
//   are finite and their difference is finite; the baseline against itself gives d = 0 (win
//   rate 0 for higher and lower metrics, ties = n). Cost: O(M*K) with O(1) work per value (no
//   allocation once the sketches have seen the range of values).
// - merge(): std::invalid_argument when S, M, K, baseline or any metric definition differ
//   (its direction of better included).
// - serialize(): "LSRS", u32 version 2, u64 S, M, K, baseline, orgs, the metric definitions
//   (name, unit, description, u8 better, lo, hi, bins, log), per cell the undefined count,
//   moments and sketch, the flat histogram counts, the paired cells (moments, the Δ > 0 and
//   Δ == 0 counts), and a trailing FNV-1a 64 checksum of everything before it; all
//   little-endian. Equal states serialize to equal bytes. deserialize() verifies the
//   checksum, every length, range and cross-count (and that each direction is one of the
//   three) before use and throws leadsim::FormatError with the reason and byte offset; it
//   never reads out of bounds.
// - summarize(): Summary with every array filled (shapes as in summary.h); quantiles from the
//   sketches (error bound in quantile_sketch.h); paired CI mean ± t(0.975, n-1) * sem; the win
//   rate in the metric's direction of better (Δ > 0 for higher, Δ < 0 for lower; NaN for
//   none) with the Wilson 95% interval, and the tie rate. Empty cells give NaN statistics and
//   zero counts. Throws std::invalid_argument if a quantile level is outside [0, 1].
// Thread safety: none; use one RunStats per thread and merge.
class RunStats {
 public:
  RunStats(std::uint64_t scenarios, std::uint64_t modes, std::vector<stats::MetricDef> metrics,
           std::uint64_t baseline_mode);
  ~RunStats();
  RunStats(const RunStats&);
  RunStats& operator=(const RunStats&);
  RunStats(RunStats&&) noexcept;
  RunStats& operator=(RunStats&&) noexcept;

  // Adds one organization's outcomes: metrics[m * K + k]. NaN = undefined, counted apart.
  void add(std::uint64_t scenario, std::span<const double> metrics);
  // Adds another accumulator of the same shape (throws std::invalid_argument otherwise).
  void merge(const RunStats& other);
  // Organizations added so far.
  std::uint64_t orgs() const;

  // Bytes a RunStats of this shape holds once `orgs_per_scenario` organizations were added to
  // each scenario, computed without allocating it. It grows with scenarios x modes x metrics;
  // organizations matter only through the quantile sketches, whose buckets span the values
  // seen: one bucket for one organization, else (the sketch being dense between its extremes)
  // the metric's histogram range, [lo, hi] for log bins and 20 binades below hi (and below
  // -lo) for linear ones, with the sketch's growth slack. An estimate for metrics whose values
  // stay within those spans, not a bound for arbitrary values.
  static double estimated_bytes(std::uint64_t scenarios, std::uint64_t modes,
                                const std::vector<stats::MetricDef>& metrics,
                                std::uint64_t orgs_per_scenario);

  // Byte serialization for checkpoints, shards and MPI (versioned, checked on load:
  // FormatError on a bad or truncated buffer or a shape mismatch).
  std::vector<std::uint8_t> serialize() const;
  static RunStats deserialize(std::span<const std::uint8_t> bytes);
  bool operator==(const RunStats& other) const;  // identical state

  Summary summarize(const std::vector<double>& quantile_levels = kDefaultQuantileLevels) const;

  // Shape and per-cell read access (cells indexed scenario, mode, metric).
  std::uint64_t scenarios() const;
  std::uint64_t modes() const;
  std::uint64_t baseline_mode() const;
  const std::vector<stats::MetricDef>& metrics() const;
  const Moments& moments(std::uint64_t s, std::uint64_t m, std::uint64_t k) const;
  const QuantileSketch& sketch(std::uint64_t s, std::uint64_t m, std::uint64_t k) const;
  const PairedDiff& paired(std::uint64_t s, std::uint64_t m, std::uint64_t k) const;
  std::uint64_t nan_count(std::uint64_t s, std::uint64_t m, std::uint64_t k) const;
  // Bin counts [B], then underflow, then overflow.
  std::span<const std::uint64_t> histogram(std::uint64_t s, std::uint64_t m, std::uint64_t k) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadsim::stats
