#include "leadsim/stats/inference.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace leadsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Boost.Math's policy for these quantiles: no exceptions (the arguments are checked before
// the call); otherwise Boost's defaults.
using Policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

}  // namespace

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) return kNaN;
  return boost::math::quantile(boost::math::normal_distribution<double, Policy>(0.0, 1.0), p);
}

double t_quantile(double p, std::uint64_t df) {
  if (df == 0 || !(p > 0.0 && p < 1.0)) return kNaN;
  if (p == 0.5) return 0.0;
  return boost::math::quantile(
      boost::math::students_t_distribution<double, Policy>(static_cast<double>(df)), p);
}

Interval wilson_interval(std::uint64_t k, std::uint64_t n, double z) {
  if (n == 0 || k > n) return {kNaN, kNaN};
  const double nn = static_cast<double>(n);
  const double ph = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double center = (ph + z2 / (2.0 * nn)) / denom;
  const double half = z / denom * std::sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn));
  Interval r{std::clamp(center - half, 0.0, 1.0), std::clamp(center + half, 0.0, 1.0)};
  if (k == 0) r.low = 0.0;
  if (k == n) r.high = 1.0;
  return r;
}

Interval mean_ci95(const Moments& m) {
  if (m.count() < 2) return {kNaN, kNaN};
  const double mean = m.mean();
  const double h = t_quantile(0.975, m.count() - 1) * m.sem();
  return {mean - h, mean + h};
}

std::uint64_t PairedDiff::wins(Better b) const {
  switch (b) {
    case Better::kHigher:
      return greater_;
    case Better::kLower:
      return less();
    case Better::kNone:
      return 0;
  }
  throw std::invalid_argument("PairedDiff::wins: direction of better not set");
}

double PairedDiff::win_rate(Better b) const {
  const std::uint64_t w = wins(b);
  if (b == Better::kNone || count() == 0) return kNaN;
  return static_cast<double>(w) / static_cast<double>(count());
}

Interval PairedDiff::win_rate_ci95(Better b) const {
  const std::uint64_t w = wins(b);
  if (b == Better::kNone) return {kNaN, kNaN};
  return wilson_interval(w, count());
}

double PairedDiff::tie_rate() const {
  return count() == 0 ? kNaN : static_cast<double>(ties_) / static_cast<double>(count());
}

}  // namespace leadsim::stats
