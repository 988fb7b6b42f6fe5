// The closed forms of tests/analytic/closed_forms.h proven by brute force, and the models'
// distribution of y against them (statistical, fixed seeds).
//
// Tolerances. Every quantity checked is the mean of n independent summands (pick-freeze
// estimators below, or y itself); its standard error is the summands' sample standard
// deviation / sqrt(n), and the check is |estimate - exact| <= 5 standard errors: under the
// central limit theorem a correct formula fails with probability about 6e-7 per comparison,
// while a wrong one (a missing factor 2, pi^4 for pi^8, a swapped index) is off by hundreds of
// standard errors at n = 10^6.
#include "analytic/closed_forms.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/models/analytic/analytic.h"
#include "leadsim/models/registry.h"
#include "leadsim/rng/philox.h"

namespace leadsim::analytic {
namespace {

constexpr double kPi = std::numbers::pi;

// NAME followed by the index i ("x3"). (Not "x" + std::to_string(i): GCC 12 warns
// -Wrestrict on that in inlined code.)
std::string indexed(const char* name, std::size_t i) {
  std::string s(name);
  s += std::to_string(i);
  return s;
}

constexpr double kSigmas = 5.0;

// Mean and standard error of a stream of summands.
struct Mean {
  double sum = 0.0;
  double sum_sq = 0.0;
  std::uint64_t n = 0;
  void add(double v) {
    sum += v;
    sum_sq += v * v;
    ++n;
  }
  double mean() const { return sum / static_cast<double>(n); }
  double se() const {
    const double m = mean();
    const double var = (sum_sq / static_cast<double>(n) - m * m) * static_cast<double>(n) /
                       static_cast<double>(n - 1);
    return std::sqrt(var / static_cast<double>(n));
  }
};

void expect_within(const Mean& est, double exact, const std::string& what) {
  EXPECT_LE(std::fabs(est.mean() - exact), kSigmas * est.se())
      << what << ": estimate " << est.mean() << " +- " << est.se() << ", closed form " << exact;
}

// Pick-freeze Monte Carlo with two independent sample matrices A and B (n rows, k columns of
// U(lo, hi)) and A_B^i (A with column i from B):
//   V     = E[(f(A) - mean)^2]                      (the exact mean; y's variance)
//   V_i   = E[f(B) (f(A_B^i) - f(A))]              (Saltelli 2010: first-order partial variance)
//   V_Ti  = E[(f(A) - f(A_B^i))^2] / 2             (Jansen 1999: total partial variance)
// Each an average of iid summands, compared within kSigmas standard errors.
void check_by_pick_freeze(const std::function<double(std::span<const double>)>& f, std::size_t k,
                          double lo, double hi, const closed::Indices& exact, std::uint64_t seed) {
  const std::uint64_t n = 1000000;
  Mean mean;
  Mean var;
  std::vector<Mean> first(k);
  std::vector<Mean> total(k);
  std::vector<double> a(k);
  std::vector<double> b(k);
  std::vector<double> ab(k);
  for (std::uint64_t j = 0; j < n; ++j) {
    rng::Stream g(seed, j, rng::tag(rng::kTestPurpose, 0));
    for (auto& v : a) v = lo + (hi - lo) * g.uniform();
    for (auto& v : b) v = lo + (hi - lo) * g.uniform();
    const double fa = f(a);
    const double fb = f(b);
    mean.add(fa);
    var.add((fa - exact.mean) * (fa - exact.mean));
    for (std::size_t i = 0; i < k; ++i) {
      ab = a;
      ab[i] = b[i];
      const double fab = f(ab);
      first[i].add(fb * (fab - fa));
      total[i].add(0.5 * (fa - fab) * (fa - fab));
    }
  }
  expect_within(mean, exact.mean, "mean");
  expect_within(var, exact.variance, "V");
  for (std::size_t i = 0; i < k; ++i) {
    const std::string x = indexed("x", i + 1);
    expect_within(first[i], exact.first[i] * exact.variance, "V_i of " + x);
    expect_within(total[i], exact.total[i] * exact.variance, "V_Ti of " + x);
    EXPECT_DOUBLE_EQ(exact.first[i] * exact.variance, exact.partial[i]) << x;
  }
}

TEST(ClosedForms, IshigamiIndicesMatchBruteForce) {
  for (const auto& [a, b] : {std::pair{closed::kIshigamiA, closed::kIshigamiB}, {5.0, 0.3}}) {
    SCOPED_TRACE("a = " + std::to_string(a) + ", b = " + std::to_string(b));
    const auto exact = closed::ishigami(a, b);
    // The decomposition is complete: V1 + V2 + V13 = V (V3 = 0), S_T3 = V13 / V.
    EXPECT_NEAR(exact.partial[0] + exact.partial[1] + closed::ishigami_v13(b), exact.variance,
                1e-12 * exact.variance);
    EXPECT_EQ(exact.first[2], 0.0);
    EXPECT_NEAR(exact.total[2] * exact.variance, closed::ishigami_v13(b), 1e-12);
    check_by_pick_freeze(
        [&](std::span<const double> x) { return ishigami(x[0], x[1], x[2], a, b); }, 3, -kPi, kPi,
        exact, 17);
  }
  // Published values for a = 7, b = 0.1 (e.g. Saltelli et al. 2008, Global Sensitivity
  // Analysis: The Primer): V = 13.8446, S = 0.3139, 0.4424, 0; S_T = 0.5576, 0.4424, 0.2437.
  const auto d = closed::ishigami(7, 0.1);
  EXPECT_NEAR(d.variance, 13.8446, 5e-5);
  EXPECT_NEAR(d.first[0], 0.3139, 5e-5);
  EXPECT_NEAR(d.first[1], 0.4424, 5e-5);
  EXPECT_NEAR(d.total[0], 0.5576, 5e-5);
  EXPECT_NEAR(d.total[2], 0.2437, 5e-5);
}

TEST(ClosedForms, SobolGIndicesMatchBruteForce) {
  const std::vector<double> defaults(std::begin(closed::kSobolGA), std::end(closed::kSobolGA));
  for (const auto& a : {defaults, std::vector<double>{0, 0, 0.5, 1, 2, 5, 10, 1000}}) {
    SCOPED_TRACE("a1 = " + std::to_string(a[0]) + ", a8 = " + std::to_string(a[7]));
    const auto exact = closed::sobol_g(a);
    // Independent factors of mean 1: V = prod(1 + V_i) - 1, and sum S_i <= 1 <= sum S_Ti.
    double s = 0.0;
    double st = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      s += exact.first[i];
      st += exact.total[i];
    }
    EXPECT_LE(s, 1.0);
    EXPECT_GE(st, 1.0);
    check_by_pick_freeze([&](std::span<const double> x) { return sobol_g(x, a); }, a.size(), 0.0,
                         1.0, exact, 23);
  }
}

// y over 20,000 organizations of the default configurations, through the registered models:
// the mean within 5 standard errors (sqrt(V / n), V exact) and the variance within 5 standard
// errors of the sample variance (sqrt((m4 - V^2) / n), m4 the sample fourth central moment).
void check_distribution(const std::string& model, const closed::Indices& exact) {
  SCOPED_TRACE(model);
  const auto cfg = models::resolve(config::read_ini("[run]\nmodel = " + model + "\n", "t.ini"));
  const auto m = models::find_model(model).create(cfg);
  const auto sim = m->make_simulator();
  const std::uint64_t n = 20000;
  std::vector<double> y(n);
  stats::OrgOutcome out;
  for (std::uint64_t k = 0; k < n; ++k) {
    sim->simulate(0, k, out);
    y[k] = out.metrics[0];
    ASSERT_GE(y[k], m->metrics()[0].lo);
    ASSERT_LE(y[k], m->metrics()[0].hi);
  }
  double mean = 0.0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n);
  double m2 = 0.0;
  double m4 = 0.0;
  for (double v : y) {
    const double d = (v - mean) * (v - mean);
    m2 += d;
    m4 += d * d;
  }
  m2 /= static_cast<double>(n - 1);
  m4 /= static_cast<double>(n);
  const double se_mean = std::sqrt(exact.variance / static_cast<double>(n));
  const double se_var = std::sqrt((m4 - m2 * m2) / static_cast<double>(n));
  EXPECT_LE(std::fabs(mean - exact.mean), kSigmas * se_mean)
      << "mean " << mean << " want " << exact.mean << " +- " << se_mean;
  EXPECT_LE(std::fabs(m2 - exact.variance), kSigmas * se_var)
      << "variance " << m2 << " want " << exact.variance << " +- " << se_var;
}

TEST(AnalyticDistribution, IshigamiMeanAndVarianceOver20000Organizations) {
  check_distribution("ishigami", closed::ishigami(closed::kIshigamiA, closed::kIshigamiB));
}

TEST(AnalyticDistribution, SobolGMeanAndVarianceOver20000Organizations) {
  check_distribution("sobol_g", closed::sobol_g(closed::kSobolGA));
}

}  // namespace
}  // namespace leadsim::analytic
