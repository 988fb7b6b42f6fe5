// Fixed-bin histograms of one metric (stats::MetricDef). Integer counts, so merge is exact.
//
// Edges (B = def.bins, computed once, deterministically, edges[0] = lo and edges[B] = hi
// exactly, nondecreasing):
//   equal bins:  edges[i] = lo + ((hi - lo) * i) / B
//   log bins:    edges[i] = lo * exp((log(hi) - log(lo)) * i / B)   (requires lo > 0)
// Bin i holds edges[i] <= x < edges[i+1]; x == hi goes in the last bin; x < lo (including
// -inf) is underflow and x > hi (including +inf) overflow. Assignment is decided against
// the stored edges themselves, so it always agrees with edges(). NaN is not counted.
#pragma once

#include <cstdint>
#include <vector>

#include "leadsim/stats/outcome.h"

namespace leadsim::stats {

class Bins {
 public:
  static constexpr int kMaxBins = 1'000'000;
  static constexpr int kUnderflow = -1;
  static constexpr int kNaN = -2;

  // Throws std::invalid_argument unless 1 <= bins <= kMaxBins, lo < hi both finite, and
  // lo > 0 for log bins.
  explicit Bins(const stats::MetricDef& def);

  int size() const { return bins_; }  // B; index() == B means overflow
  const std::vector<double>& edges() const { return edges_; }
  bool log_bins() const { return log_; }
  // kUnderflow, a bin in [0, B), B for overflow, or kNaN.
  int index(double x) const;

  bool operator==(const Bins& o) const {
    return bins_ == o.bins_ && log_ == o.log_ && edges_ == o.edges_;
  }

 private:
  int bins_;
  bool log_;
  double lo_, hi_, inv_width_;
  std::vector<double> edges_;
};

class Histogram {
 public:
  explicit Histogram(const stats::MetricDef& def) : bins_(def), counts_(bins_.size(), 0) {}
  void add(double x);
  // Throws std::invalid_argument when the bins differ.
  void merge(const Histogram& other);
  const Bins& bins() const { return bins_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  std::uint64_t underflow() const { return under_; }
  std::uint64_t overflow() const { return over_; }
  bool operator==(const Histogram& o) const = default;

 private:
  Bins bins_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t under_ = 0;
  std::uint64_t over_ = 0;
};

}  // namespace leadsim::stats
