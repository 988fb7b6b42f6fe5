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

#include "leadsim/model/api.h"
#include "leadsim/stats/summary.h"

namespace leadsim::stats {

// Default quantile levels written to results files.
inline const std::vector<double> kDefaultQuantileLevels = {0.01, 0.05, 0.25, 0.5,
                                                           0.75, 0.95, 0.99};

class RunStats {
 public:
  RunStats(std::uint64_t scenarios, std::uint64_t modes, std::vector<model::MetricDef> metrics,
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

  // Byte serialization for checkpoints, shards and MPI (versioned, checked on load:
  // FormatError on a bad or truncated buffer or a shape mismatch).
  std::vector<std::uint8_t> serialize() const;
  static RunStats deserialize(std::span<const std::uint8_t> bytes);
  bool operator==(const RunStats& other) const;  // identical state

  Summary summarize(const std::vector<double>& quantile_levels = kDefaultQuantileLevels) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadsim::stats
