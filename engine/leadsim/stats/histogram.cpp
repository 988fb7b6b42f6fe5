#include "leadsim/stats/histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace leadsim::stats {

Bins::Bins(const stats::MetricDef& def)
    : bins_(def.bins), log_(def.log_bins), lo_(def.lo), hi_(def.hi), inv_width_(0.0) {
  if (def.bins < 1 || def.bins > kMaxBins)
    throw std::invalid_argument("metric '" + def.name + "': bins must be in [1, 1000000], not " +
                                std::to_string(def.bins));
  if (!std::isfinite(def.lo) || !std::isfinite(def.hi) || !(def.lo < def.hi))
    throw std::invalid_argument("metric '" + def.name + "': histogram needs finite lo < hi");
  if (def.log_bins && !(def.lo > 0.0))
    throw std::invalid_argument("metric '" + def.name + "': log bins need lo > 0");
  edges_.resize(static_cast<std::size_t>(bins_) + 1);
  const double b = bins_;
  if (log_) {
    const double span = std::log(hi_) - std::log(lo_);
    for (int i = 0; i <= bins_; ++i) edges_[i] = lo_ * std::exp(span * i / b);
  } else {
    for (int i = 0; i <= bins_; ++i) edges_[i] = lo_ + ((hi_ - lo_) * i) / b;
    inv_width_ = b / (hi_ - lo_);
  }
  edges_.front() = lo_;
  edges_.back() = hi_;
  // exp() need not be monotone in the last ulp; enforce it so bins are well defined.
  for (int i = 1; i <= bins_; ++i) edges_[i] = std::max(edges_[i], edges_[i - 1]);
  edges_.back() = hi_;
}

int Bins::index(double x) const {
  if (std::isnan(x)) return kNaN;
  if (x < lo_) return kUnderflow;
  if (x > hi_) return bins_;
  int i;
  if (log_) {
    i = static_cast<int>(std::upper_bound(edges_.begin(), edges_.end(), x) - edges_.begin()) - 1;
  } else {
    const double t = (x - lo_) * inv_width_;
    i = t >= static_cast<double>(bins_) ? bins_ - 1 : static_cast<int>(t);
    while (i > 0 && x < edges_[i]) --i;
    while (i < bins_ - 1 && x >= edges_[i + 1]) ++i;
  }
  return std::min(i, bins_ - 1);
}

void Histogram::add(double x) {
  const int i = bins_.index(x);
  if (i == Bins::kNaN) return;
  if (i == Bins::kUnderflow) {
    ++under_;
  } else if (i == bins_.size()) {
    ++over_;
  } else {
    ++counts_[i];
  }
}

void Histogram::merge(const Histogram& other) {
  if (!(bins_ == other.bins_)) throw std::invalid_argument("Histogram::merge: different bins");
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  under_ += other.under_;
  over_ += other.over_;
}

}  // namespace leadsim::stats
