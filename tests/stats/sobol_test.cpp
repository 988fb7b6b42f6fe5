// The Sobol' estimators of stats/sobol.h against closed forms: the Ishigami function, the
// Sobol' G function for several `a` vectors, and a stochastic model whose noise is a factor of
// its own. Tolerances are four standard errors of each estimator at the N used, the standard
// error estimated from the same base samples (delta method, the variance taken as known):
// each check fails by chance with probability below 1e-4.
#include "leadsim/stats/sobol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "stats/test_rng.h"

namespace leadsim::stats {
namespace {

using test::SplitMix;
constexpr double kPi = std::numbers::pi;

// f over a design of n base samples: A and B uniform on the box, the points of SobolInput.
template <class F>
std::vector<double> design(std::size_t n, std::size_t k, double lo, double hi, F f,
                           std::uint64_t seed) {
  SplitMix g{seed};
  const std::size_t P = k + 2;
  std::vector<double> v(n * P), a(k), b(k), x(k);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < k; ++i) a[i] = lo + (hi - lo) * g.uniform();
    for (std::size_t i = 0; i < k; ++i) b[i] = lo + (hi - lo) * g.uniform();
    v[j * P] = f(a);
    v[j * P + 1] = f(b);
    for (std::size_t i = 0; i < k; ++i) {
      x = a;
      x[i] = b[i];
      v[j * P + 2 + i] = f(x);
    }
  }
  return v;
}

// Standard errors of S_i and ST_i from the per-sample terms (centred as the estimator does).
struct Errors {
  std::vector<double> first, total;
};
Errors standard_errors(const std::vector<double>& v, std::size_t n, std::size_t k, bool noise,
                       double mu, double V) {
  const std::size_t P = k + 2 + (noise ? 1 : 0);
  const std::size_t F = k + (noise ? 1 : 0);
  Errors e{std::vector<double>(F), std::vector<double>(F)};
  for (std::size_t f = 0; f < F; ++f) {
    double m1 = 0, q1 = 0, m2 = 0, q2 = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double a = v[j * P] - mu, b = v[j * P + 1] - mu, x = v[j * P + 2 + f] - mu;
      const double t1 = b * (f < k ? x - a : a - x), t2 = (a - x) * (a - x) / 2;
      m1 += t1;
      q1 += t1 * t1;
      m2 += t2;
      q2 += t2 * t2;
    }
    const double N = static_cast<double>(n);
    e.first[f] = std::sqrt((q1 / N - (m1 / N) * (m1 / N)) / N) / V;
    e.total[f] = std::sqrt((q2 / N - (m2 / N) * (m2 / N)) / N) / V;
  }
  return e;
}

void expect_indices(const SobolIndices& s, const std::vector<double>& v, std::size_t n,
                    std::size_t k, bool noise, const std::vector<double>& S1,
                    const std::vector<double>& ST, const char* what) {
  const Errors e = standard_errors(v, n, k, noise, s.mean, s.variance);
  for (std::size_t f = 0; f < S1.size(); ++f) {
    EXPECT_NEAR(s.first[f], S1[f], 4 * e.first[f] + 1e-12) << what << " S" << f + 1;
    EXPECT_NEAR(s.total[f], ST[f], 4 * e.total[f] + 1e-12) << what << " ST" << f + 1;
    EXPECT_LT(e.first[f], 0.05) << what << ": the tolerance must be meaningful";
  }
}

TEST(Sobol, IshigamiMatchesClosedForm) {
  for (const auto& [a, b] : {std::pair{7.0, 0.1}, std::pair{5.0, 0.05}}) {
    const auto f = [a = a, b = b](const std::vector<double>& x) {
      return std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) +
             b * std::pow(x[2], 4) * std::sin(x[0]);
    };
    const double pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
    const double V1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5);
    const double V2 = a * a / 8;
    const double V13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
    const double V = V1 + V2 + V13;
    // A fourth factor that does not enter y: exactly 0, its interval [0, 0].
    const std::size_t n = 1 << 15;
    const auto v = design(n, 4, -kPi, kPi, f, 11);
    const SobolIndices s = sobol_indices({v, n, 4, false}, {200, 0.95, 7, 0});
    EXPECT_EQ(s.used, n);
    EXPECT_NEAR(s.variance, V, 0.05 * V);
    expect_indices(s, v, n, 4, false, {V1 / V, V2 / V, 0.0, 0.0},
                   {(V1 + V13) / V, V2 / V, V13 / V, 0.0}, "ishigami");
    EXPECT_EQ(s.first[3], 0.0);
    EXPECT_EQ(s.total[3], 0.0);
    EXPECT_LE(s.first_low[3], 0.0);
    EXPECT_GE(s.first_high[3], 0.0);
    EXPECT_LE(s.total_low[3], 0.0);
    EXPECT_GE(s.total_high[3], 0.0);
    EXPECT_GT(s.total_low[1], 0.0);
    EXPECT_LE(s.first_low[0], s.first[0]);
    EXPECT_GE(s.first_high[0], s.first[0]);
  }
}

TEST(Sobol, SobolGMatchesClosedFormForSeveralA) {
  for (const std::vector<double>& a : {std::vector<double>{0, 1, 4.5, 9, 99, 99, 99, 99},
                                       std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0},
                                       std::vector<double>{0.5, 3, 9, 99, 99, 99, 99, 99}}) {
    const std::size_t k = a.size();
    const auto f = [&a](const std::vector<double>& x) {
      double y = 1;
      for (std::size_t i = 0; i < x.size(); ++i) y *= (std::abs(4 * x[i] - 2) + a[i]) / (1 + a[i]);
      return y;
    };
    std::vector<double> Vi(k);
    double prod = 1;
    for (std::size_t i = 0; i < k; ++i) {
      Vi[i] = 1.0 / (3 * (1 + a[i]) * (1 + a[i]));
      prod *= 1 + Vi[i];
    }
    const double V = prod - 1;
    std::vector<double> S1(k), ST(k);
    for (std::size_t i = 0; i < k; ++i) {
      S1[i] = Vi[i] / V;
      ST[i] = Vi[i] * (prod / (1 + Vi[i])) / V;
    }
    const std::size_t n = 1 << 14;
    const auto v = design(n, k, 0, 1, f, 23);
    const SobolIndices s = sobol_indices({v, n, k, false}, {0, 0.95, 7, 0});
    expect_indices(s, v, n, k, false, S1, ST, "sobol_g");
    EXPECT_TRUE(std::isnan(s.first_low[0]));  // no bootstrap asked
  }
}

// y = x + sigma * e: x uniform(0, 1) a factor, e standard normal the simulation noise, shared
// by A, B and A_B and redrawn in the last point. S_x = ST_x = (1/12) / V and S_e = ST_e =
// sigma^2 / V with V = 1/12 + sigma^2; a second factor z that does not enter has 0. The
// factors' indices are not inflated by the noise: they are x's share of the total variance.
TEST(Sobol, NoiseIsAFactorOfItsOwn) {
  const double sigma = 0.3;
  const std::size_t n = 1 << 15, k = 2, P = k + 3;
  SplitMix g{31};
  const auto normal = [&g] {
    return std::sqrt(-2 * std::log(g.uniform_pos())) * std::cos(2 * kPi * g.uniform());
  };
  std::vector<double> v(n * P);
  for (std::size_t j = 0; j < n; ++j) {
    const double xa = g.uniform(), za = g.uniform(), xb = g.uniform(), zb = g.uniform();
    const double e = normal(), e2 = normal();
    (void)za;
    (void)zb;
    v[j * P] = xa + sigma * e;       // A
    v[j * P + 1] = xb + sigma * e;   // B: other factors, same noise
    v[j * P + 2] = xb + sigma * e;   // A_B^(x)
    v[j * P + 3] = xa + sigma * e;   // A_B^(z): z does not enter
    v[j * P + 4] = xa + sigma * e2;  // A, noise redrawn
  }
  const SobolIndices s = sobol_indices({v, n, k, true}, {200, 0.95, 3, 0});
  const double V = 1.0 / 12 + sigma * sigma;
  expect_indices(s, v, n, k, true, {1 / 12.0 / V, 0.0, sigma * sigma / V},
                 {1 / 12.0 / V, 0.0, sigma * sigma / V}, "noise");
  EXPECT_EQ(s.first[1], 0.0);  // exactly: A_B^(z) = A
  EXPECT_EQ(s.total[1], 0.0);
  EXPECT_NEAR(s.sum_total, 1.0, 0.05);
}

TEST(Sobol, NonFiniteBaseSamplesAreLeftOutAndOrderDoesNotMatter) {
  const std::size_t n = 4000, k = 3;
  const auto f = [](const std::vector<double>& x) { return x[0] + 2 * x[1] * x[2]; };
  auto v = design(n, k, 0, 1, f, 5);
  const SobolIndices all = sobol_indices({v, n, k, false}, {50, 0.9, 1, 2});
  // The same base samples in reverse order: bit-identical point estimates (exact sums).
  std::vector<double> r(v.size());
  for (std::size_t j = 0; j < n; ++j) {
    std::copy(v.begin() + static_cast<std::ptrdiff_t>(j * (k + 2)),
              v.begin() + static_cast<std::ptrdiff_t>((j + 1) * (k + 2)),
              r.begin() + static_cast<std::ptrdiff_t>((n - 1 - j) * (k + 2)));
  }
  const SobolIndices rev = sobol_indices({r, n, k, false}, {50, 0.9, 1, 2});
  for (std::size_t i = 0; i < k; ++i) {
    EXPECT_EQ(all.first[i], rev.first[i]);
    EXPECT_EQ(all.total[i], rev.total[i]);
  }
  EXPECT_EQ(all.variance, rev.variance);
  // A NaN anywhere in a base sample removes that base sample.
  v[7 * (k + 2) + 3] = std::numeric_limits<double>::quiet_NaN();
  v[9 * (k + 2)] = std::numeric_limits<double>::infinity();
  const SobolIndices some = sobol_indices({v, n, k, false}, {0, 0.9, 1, 2});
  EXPECT_EQ(some.used, n - 2);
  EXPECT_TRUE(std::isfinite(some.first[0]));
  // Too few base samples or a constant output: NaN, never a number.
  const std::vector<double> flat(10 * (k + 2), 3.0);
  EXPECT_TRUE(std::isnan(sobol_indices({flat, 10, k, false}, {0, 0.9, 1, 2}).first[0]));
  EXPECT_THROW(sobol_indices({flat, 11, k, false}, {0, 0.9, 1, 2}), std::invalid_argument);
}

TEST(Sobol, BootstrapIsKeyedBySeedAndKey) {
  const std::size_t n = 2000, k = 2;
  const auto f = [](const std::vector<double>& x) { return x[0] * x[0] + x[1]; };
  const auto v = design(n, k, 0, 1, f, 9);
  const auto a = sobol_indices({v, n, k, false}, {100, 0.95, 1, 0});
  const auto b = sobol_indices({v, n, k, false}, {100, 0.95, 1, 0});
  const auto c = sobol_indices({v, n, k, false}, {100, 0.95, 2, 0});
  EXPECT_EQ(a.first_low, b.first_low);
  EXPECT_EQ(a.total_high, b.total_high);
  EXPECT_NE(a.first_low, c.first_low);
  EXPECT_EQ(a.first, c.first);  // point estimates do not depend on the bootstrap
  for (std::size_t i = 0; i < k; ++i) {
    EXPECT_LT(a.first_low[i], a.first_high[i]);
    EXPECT_LT(a.total_low[i], a.total_high[i]);
  }
}

}  // namespace
}  // namespace leadsim::stats
