#include "leadsim/stats/inference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace leadsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// P(|T| <= t) for integer df >= 3 as a function of theta = atan(t / sqrt(df)) (A&S 26.7.3-4).
double t_abs_cdf(double theta, std::uint64_t df) {
  const double c = std::cos(theta);
  const double s = std::sin(theta);
  const double c2 = c * c;
  if (df % 2 == 1) {
    double term = c;
    double sum = c;
    for (std::uint64_t k = 1; 2 * k + 3 <= df; ++k) {
      term *= c2 * static_cast<double>(2 * k) / static_cast<double>(2 * k + 1);
      sum += term;
    }
    return 2.0 / std::numbers::pi * (theta + s * sum);
  }
  double term = 1.0;
  double sum = 1.0;
  for (std::uint64_t k = 1; 2 * k + 2 <= df; ++k) {
    term *= c2 * static_cast<double>(2 * k - 1) / static_cast<double>(2 * k);
    sum += term;
  }
  return s * sum;
}

// Cornish-Fisher expansion of the t quantile in terms of the normal quantile x.
double t_cornish_fisher(double x, double df) {
  const double x2 = x * x;
  const double g1 = (x2 + 1.0) * x / 4.0;
  const double g2 = ((5.0 * x2 + 16.0) * x2 + 3.0) * x / 96.0;
  const double g3 = (((3.0 * x2 + 19.0) * x2 + 17.0) * x2 - 15.0) * x / 384.0;
  const double g4 =
      ((((79.0 * x2 + 776.0) * x2 + 1482.0) * x2 - 1920.0) * x2 - 945.0) * x / 92160.0;
  return x + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

}  // namespace

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) return kNaN;
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  double x;
  if (p < kLow) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - kLow) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // Halley refinement on the exact CDF; work in the tail that erfc resolves.
  for (int it = 0; it < 2; ++it) {
    const double e = x <= 0.0 ? 0.5 * std::erfc(-x / std::numbers::sqrt2) - p
                              : (1.0 - p) - 0.5 * std::erfc(x / std::numbers::sqrt2);
    const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
    x = x - u / (1.0 + x * u / 2.0);
  }
  return x;
}

double t_quantile(double p, std::uint64_t df) {
  if (df == 0 || !(p > 0.0 && p < 1.0)) return kNaN;
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -t_quantile(1.0 - p, df);
  const double nu = static_cast<double>(df);
  if (df == 1) return std::tan(std::numbers::pi * (p - 0.5));
  if (df == 2) return (2.0 * p - 1.0) / std::sqrt(2.0 * p * (1.0 - p));
  if (df > 1000) return t_cornish_fisher(normal_quantile(p), nu);
  // Solve A(theta) = 2p - 1 for theta in (0, pi/2). A is increasing with derivative
  // c * cos^(df-1)(theta); Newton steps are kept inside a shrinking bracket.
  const double target = 2.0 * p - 1.0;
  const double cnu = 2.0 * std::exp(std::lgamma((nu + 1.0) / 2.0) - std::lgamma(nu / 2.0)) /
                     std::sqrt(std::numbers::pi);
  double lo = 0.0;
  double hi = std::numbers::pi / 2.0;
  double theta = std::atan(t_cornish_fisher(normal_quantile(p), nu) / std::sqrt(nu));
  if (!(theta > lo && theta < hi)) theta = 0.5 * (lo + hi);
  for (int it = 0; it < 200; ++it) {
    const double f = t_abs_cdf(theta, df) - target;
    if (f == 0.0) break;
    if (f > 0.0) {
      hi = theta;
    } else {
      lo = theta;
    }
    const double deriv = cnu * std::pow(std::cos(theta), nu - 1.0);
    double next = theta - f / deriv;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - theta) <= 1e-17 * theta || hi - lo <= 4e-16 * hi) {
      theta = next;
      break;
    }
    theta = next;
  }
  return std::sqrt(nu) * std::tan(theta);
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
