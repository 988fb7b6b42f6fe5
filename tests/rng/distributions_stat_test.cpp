// Goodness-of-fit tests of every sampler at fixed seeds. Each test is a chi-square test with
// significance alpha = 1e-3: it asserts p > 1e-3 for the Pearson statistic against the exact
// distribution (continuous samplers through the probability integral transform into 40 equal
// bins). Seeds are fixed, so a pass is deterministic; a real bias of a few tenths of a percent
// per bin at these sample sizes drives p far below alpha.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "leadsim/config/dist.h"
#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"

namespace leadsim::rng {
namespace {

constexpr double kAlpha = 1e-3;
constexpr int kDraws = 200000;
constexpr int kBins = 40;

// Regularized upper incomplete gamma Q(a, x) (series below a + 1, Lentz continued fraction
// above), accurate to ~1e-12: enough for a p-value compared against 1e-3.
double gamma_q(double a, double x) {
  if (x <= 0.0) return 1.0;
  const double log_pre = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1.0) {
    double sum = 1.0 / a;
    double term = sum;
    for (int n = 1; n < 10000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-15) break;
    }
    return 1.0 - sum * std::exp(log_pre);
  }
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-15) break;
  }
  return std::exp(log_pre) * h;
}

// Pearson chi-square p-value of observed counts against expected probabilities (summing to 1).
double chi_square_p(const std::vector<std::uint64_t>& observed, const std::vector<double>& prob) {
  double n = 0.0;
  for (auto o : observed) n += static_cast<double>(o);
  double stat = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double e = n * prob[i];
    const double diff = static_cast<double>(observed[i]) - e;
    stat += diff * diff / e;
  }
  const double df = static_cast<double>(observed.size()) - 1.0;
  return gamma_q(df / 2.0, stat / 2.0);
}

TEST(ChiSquareHelper, MatchesTabulatedQuantiles) {
  // chi2 critical values at alpha = 1e-3 from standard tables: df 1 -> 10.828, df 10 -> 29.588,
  // df 39 -> 72.055.
  EXPECT_NEAR(gamma_q(0.5, 10.828 / 2), 1e-3, 2e-6);
  EXPECT_NEAR(gamma_q(5.0, 29.588 / 2), 1e-3, 2e-6);
  EXPECT_NEAR(gamma_q(19.5, 72.055 / 2), 1e-3, 2e-6);
}

// Draws `n` values, maps each through the exact CDF and tests uniformity in kBins bins.
void expect_fits_cdf(std::uint32_t id, const std::function<double(Stream&)>& draw,
                     const std::function<double(double)>& cdf) {
  Stream g(7, 1, tag(kTestPurpose, id));
  std::vector<std::uint64_t> counts(kBins, 0);
  for (int i = 0; i < kDraws; ++i) {
    const double u = cdf(draw(g));
    ASSERT_TRUE(u >= 0.0 && u <= 1.0) << u;
    ++counts[std::min<std::size_t>(kBins - 1, static_cast<std::size_t>(u * kBins))];
  }
  const double p = chi_square_p(counts, std::vector<double>(kBins, 1.0 / kBins));
  EXPECT_GT(p, kAlpha) << "stream id " << id;
}

// Discrete: counts of values 0..prob.size()-1 (anything else fails) against prob.
void expect_fits_pmf(std::uint32_t id, const std::function<std::int64_t(Stream&)>& draw,
                     const std::vector<double>& prob, int draws = kDraws) {
  Stream g(7, 2, tag(kTestPurpose, id));
  std::vector<std::uint64_t> counts(prob.size(), 0);
  for (int i = 0; i < draws; ++i) {
    const std::int64_t k = draw(g);
    ASSERT_TRUE(k >= 0 && static_cast<std::size_t>(k) < prob.size()) << k;
    ++counts[static_cast<std::size_t>(k)];
  }
  EXPECT_GT(chi_square_p(counts, prob), kAlpha) << "stream id " << id;
}

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// P(Binomial(n, x) >= k): the regularized incomplete beta I_x(k, n - k + 1) for integer shapes.
double binomial_tail(int n, int k, double x) {
  double s = 0.0;
  for (int j = k; j <= n; ++j) {
    s += std::exp(std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0)) *
         std::pow(x, j) * std::pow(1.0 - x, n - j);
  }
  return s;
}

TEST(StatisticalDistributions, Uniform) {
  expect_fits_cdf(
      1, [](Stream& g) { return g.uniform(); }, [](double x) { return x; });
  expect_fits_cdf(
      2, [](Stream& g) { return g.uniform_pos(); }, [](double x) { return x; });
  expect_fits_cdf(
      3, [](Stream& g) { return uniform_real(g, -2.0, 6.0); },
      [](double x) { return (x + 2.0) / 8.0; });
}

TEST(StatisticalDistributions, UniformIndexSeven) {
  expect_fits_pmf(
      4, [](Stream& g) { return static_cast<std::int64_t>(uniform_index(g, 7)); },
      std::vector<double>(7, 1.0 / 7.0));
}

TEST(StatisticalDistributions, UniformIndexHasNoModuloBias) {
  // n = 3 * 2^62: word % n would put half of all draws below 2^62 instead of a third.
  const std::uint64_t n = 3ull << 62;
  expect_fits_pmf(
      5, [&](Stream& g) { return static_cast<std::int64_t>(uniform_index(g, n) >> 62); },
      {1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0}, 60000);
}

TEST(StatisticalDistributions, UniformInt) {
  expect_fits_pmf(
      6, [](Stream& g) { return uniform_int(g, -3, 3) + 3; }, std::vector<double>(7, 1.0 / 7.0));
}

TEST(StatisticalDistributions, Normal) {
  expect_fits_cdf(
      7, [](Stream& g) { return normal(g); }, normal_cdf);
  expect_fits_cdf(
      8, [](Stream& g) { return normal(g, 3.0, 0.5); },
      [](double x) { return normal_cdf((x - 3.0) / 0.5); });
}

TEST(StatisticalDistributions, Exponential) {
  expect_fits_cdf(
      9, [](Stream& g) { return exponential(g); }, [](double x) { return -std::expm1(-x); });
}

TEST(StatisticalDistributions, Gamma) {
  // Closed-form CDFs: shape 1/2 is erf(sqrt x); shape 3 is 1 - e^-x (1 + x + x^2/2).
  expect_fits_cdf(
      10, [](Stream& g) { return gamma(g, 0.5); }, [](double x) { return std::erf(std::sqrt(x)); });
  expect_fits_cdf(
      11, [](Stream& g) { return gamma(g, 3.0); },
      [](double x) { return 1.0 - std::exp(-x) * (1.0 + x + 0.5 * x * x); });
}

TEST(StatisticalDistributions, Beta) {
  // Beta(a, b) with integer shapes has CDF P(Binomial(a + b - 1, x) >= a).
  expect_fits_cdf(
      12, [](Stream& g) { return beta(g, 2.0, 5.0); },
      [](double x) { return binomial_tail(6, 2, x); });
  // beta_mean(0.7, 10) = Beta(7, 3).
  expect_fits_cdf(
      13, [](Stream& g) { return beta_mean(g, 0.7, 10.0); },
      [](double x) { return binomial_tail(9, 7, x); });
}

TEST(StatisticalDistributions, LogUniform) {
  expect_fits_cdf(
      14, [](Stream& g) { return loguniform(g, 0.25, 4.0); },
      [](double x) { return std::log(x / 0.25) / std::log(16.0); });
}

// Bins 0..K-1 plus a last bin for k >= K, with K where the tail drops below 5 expected counts.
void expect_poisson_fits(std::uint32_t id, double mean) {
  const int draws = kDraws;
  std::vector<double> pmf;
  double cum = 0.0;
  for (int k = 0;; ++k) {
    const double p = std::exp(-mean + k * std::log(mean) - std::lgamma(k + 1.0));
    if (k > mean && (1.0 - cum - p) * draws < 5.0) break;
    pmf.push_back(p);
    cum += p;
  }
  pmf.push_back(1.0 - cum);
  // Leading bins with tiny expectations (large means) merge into bin 0 as "k <= first".
  std::size_t first = 0;
  double head = 0.0;
  while (first + 1 < pmf.size() && (head + pmf[first]) * draws < 5.0) head += pmf[first++];
  std::vector<double> prob(pmf.begin() + static_cast<std::ptrdiff_t>(first), pmf.end());
  prob[0] += head;
  const auto last = static_cast<std::int64_t>(first + prob.size() - 1);
  expect_fits_pmf(
      id,
      [&](Stream& g) {
        const std::int64_t k = poisson(g, mean);
        return std::clamp(k, static_cast<std::int64_t>(first), last) -
               static_cast<std::int64_t>(first);
      },
      prob, draws);
}

TEST(StatisticalDistributions, PoissonBothAlgorithms) {
  // 0.5, 3, 9.9: sequential inversion; 10 and 250: PTRS rejection.
  expect_poisson_fits(15, 0.5);
  expect_poisson_fits(16, 3.0);
  expect_poisson_fits(17, 9.9);
  expect_poisson_fits(18, 10.0);
  expect_poisson_fits(19, 250.0);
  Stream g(7, 3, tag(kTestPurpose, 20));
  EXPECT_EQ(poisson(g, 0.0), 0);
  EXPECT_EQ(g.blocks(), 0u);  // mean 0 consumes no words
}

TEST(StatisticalDistributions, PoissonMeanAndVariance) {
  // A moment check at a mean between the two algorithms' ranges' edge, 4 sigma tolerance.
  for (double mean : {9.9, 10.0}) {
    Stream g(7, 4, tag(kTestPurpose, 21));
    double s = 0.0;
    double s2 = 0.0;
    const int n = kDraws;
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<double>(poisson(g, mean));
      s += k;
      s2 += k * k;
    }
    const double m = s / n;
    const double var = s2 / n - m * m;
    EXPECT_NEAR(m, mean, 4.0 * std::sqrt(mean / n)) << mean;
    EXPECT_NEAR(var, mean, 4.0 * mean * std::sqrt(2.0 / n + 1.0 / (mean * n))) << mean;
  }
}

TEST(StatisticalDistributions, Categorical) {
  const std::vector<double> w = {0.1, 0.0, 2.0, 0.5, 1.4};
  expect_fits_pmf(22,
                  [&](Stream& g) {
                    return static_cast<std::int64_t>(categorical(g, std::span<const double>(w)));
                  },
                  // The zero-weight index must never occur: with expectation 1e-300 a single hit
                  // makes the statistic astronomically large.
                  {0.1 / 4.0, 1e-300, 2.0 / 4.0, 0.5 / 4.0, 1.4 / 4.0});
}

TEST(StatisticalDistributions, Bernoulli) {
  expect_fits_pmf(23, [](Stream& g) { return static_cast<std::int64_t>(bernoulli(g, 0.3)); },
                  {0.7, 0.3});
  Stream g(7, 5, tag(kTestPurpose, 24));
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(bernoulli(g, 0.0));
    EXPECT_TRUE(bernoulli(g, 1.0));
  }
}

// ---- DistSpec::sample (MODEL.md §11.1) ----

using config::DistSpec;
using Kind = DistSpec::Kind;

TEST(StatisticalDistSpecSample, IntLogUniformFollowsTheSpecDefinition) {
  // floor(exp U(ln a, ln(b + 1))) gives P(v) = ln((v + 1) / v) / ln((b + 1) / a).
  const DistSpec d{Kind::kIntLogUniform, {1, 20}};
  std::vector<double> prob;
  for (int v = 1; v <= 20; ++v) prob.push_back(std::log((v + 1.0) / v) / std::log(21.0));
  expect_fits_pmf(
      30, [&](Stream& g) { return static_cast<std::int64_t>(d.sample(g, 1, 100, true)) - 1; },
      prob);
}

TEST(StatisticalDistSpecSample, IntLogUniformStaysInRangeAndReachesBothEnds) {
  const DistSpec d{Kind::kIntLogUniform, {10, 500}};
  Stream g(7, 6, tag(kTestPurpose, 31));
  double lo = 1e9;
  double hi = -1e9;
  for (int i = 0; i < kDraws; ++i) {
    const double x = d.sample(g, 1, 1e6, true);
    ASSERT_EQ(x, std::floor(x));
    ASSERT_GE(x, 10.0);
    ASSERT_LE(x, 500.0);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  // P(500) = ln(501/500)/ln(50.1) = 5.1e-4: ~100 expected hits of each end.
  EXPECT_EQ(lo, 10.0);
  EXPECT_EQ(hi, 500.0);
}

TEST(StatisticalDistSpecSample, IntUniformAndChoiceAreEquallyLikely) {
  const DistSpec iu{Kind::kIntUniform, {3, 12}};
  expect_fits_pmf(
      32, [&](Stream& g) { return static_cast<std::int64_t>(iu.sample(g, 2, 100, true)) - 3; },
      std::vector<double>(10, 0.1));
  const DistSpec ch{Kind::kChoice, {1, 2.5, 4}};
  expect_fits_pmf(33,
                  [&](Stream& g) {
                    const double x = ch.sample(g, 0, 10, false);
                    return static_cast<std::int64_t>(x == 1 ? 0 : x == 2.5 ? 1 : x == 4 ? 2 : 99);
                  },
                  {1.0 / 3, 1.0 / 3, 1.0 / 3});
}

TEST(StatisticalDistSpecSample, ContinuousOnIntegerParamIsRounded) {
  // uniform(0,10) rounded half away from zero: 0 and 10 get half a unit each.
  const DistSpec d{Kind::kUniform, {0, 10}};
  std::vector<double> prob(11, 0.1);
  prob.front() = prob.back() = 0.05;
  expect_fits_pmf(
      34, [&](Stream& g) { return static_cast<std::int64_t>(d.sample(g, 0, 10, true)); }, prob);
}

TEST(StatisticalDistSpecSample, TruncatedNormalStaysInLegalRange) {
  const DistSpec d{Kind::kNormal, {0.5, 0.3}};
  const double z = normal_cdf(-0.5 / 0.3);
  expect_fits_cdf(
      35, [&](Stream& g) { return d.sample(g, 0.0, 1.0, false); },
      [&](double x) {
        // Truncated CDF; values outside [0,1] map outside [0,1] and fail the range assertion.
        return (normal_cdf((x - 0.5) / 0.3) - z) / (1.0 - 2.0 * z);
      });
}

TEST(StatisticalDistSpecSample, TruncatedNormalOnIntegerParam) {
  // Rounded first, then rejected outside [0, 5]: P(k) proportional to the mass that rounds to k.
  const DistSpec d{Kind::kNormal, {2, 3}};
  std::vector<double> prob;
  double total = 0.0;
  for (int k = 0; k <= 5; ++k) {
    prob.push_back(normal_cdf((k + 0.5 - 2.0) / 3.0) - normal_cdf((k - 0.5 - 2.0) / 3.0));
    total += prob.back();
  }
  for (double& p : prob) p /= total;
  expect_fits_pmf(
      36, [&](Stream& g) { return static_cast<std::int64_t>(d.sample(g, 0, 5, true)); }, prob);
}

}  // namespace
}  // namespace leadsim::rng
