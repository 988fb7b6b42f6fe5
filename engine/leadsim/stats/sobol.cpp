#include "leadsim/stats/sobol.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"
#include "leadsim/stats/exact_sum.h"

namespace leadsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Percentile (linear interpolation between order statistics, "type 7") of sorted x.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  const double h = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

SobolIndices sobol_indices(const SobolInput& in, const SobolBootstrap& boot) {
  const std::size_t P = in.points();
  if (in.values.size() != in.n * P) {
    throw std::invalid_argument("sobol_indices: values do not hold n x points() numbers");
  }
  const std::size_t F = in.k + (in.noise ? 1 : 0);
  SobolIndices out;
  out.first.assign(F, kNaN);
  out.total.assign(F, kNaN);
  out.first_low.assign(F, kNaN);
  out.first_high.assign(F, kNaN);
  out.total_low.assign(F, kNaN);
  out.total_high.assign(F, kNaN);
  out.mean = out.variance = out.sum_first = out.sum_total = kNaN;

  // The usable base samples and the mean of their f(A), f(B) values (exact sum, one rounding).
  std::vector<std::size_t> rows;
  rows.reserve(in.n);
  ExactSum sum;
  for (std::size_t j = 0; j < in.n; ++j) {
    const double* v = in.values.data() + j * P;
    if (std::all_of(v, v + P, [](double x) { return std::isfinite(x); })) {
      rows.push_back(j);
      sum.add(v[0]);
      sum.add(v[1]);
    }
  }
  out.used = rows.size();
  if (rows.size() < 2) return out;
  const auto n = static_cast<double>(rows.size());
  const double mu = sum.value() / (2.0 * n);
  out.mean = mu;

  // Terms on centred values; their sums exact.
  // Per usable base sample: centred f(A), f(B), and per factor (noise last) the first-order
  // term b·d, the squared difference s² and d.
  const std::size_t m = rows.size();
  std::vector<double> ta(m), tb(m), t_first(m * F), t_total(m * F), t_diff(m * F);
  ExactSum var;
  std::vector<ExactSum> first(F), total(F);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double* v = in.values.data() + rows[r] * P;
    const double a = v[0] - mu;
    const double b = v[1] - mu;
    ta[r] = a;
    tb[r] = b;
    var.add_product(a, a);
    var.add_product(b, b);
    for (std::size_t f = 0; f < F; ++f) {
      const double x = v[2 + f] - mu;  // A_B^(f), or A with the noise redrawn
      // Factor f: B shares it with A_B^(f). Noise: B shares it with A, nothing with A_noise.
      const double d = f < in.k ? x - a : a - x;
      const double s = a - x;
      t_first[r * F + f] = b * d;
      t_total[r * F + f] = s * s;
      t_diff[r * F + f] = d;
      first[f].add_product(b, d);
      total[f].add_product(s, s);
    }
  }
  const double V = var.value() / (2.0 * n);
  out.variance = V;
  if (!(V > 0.0)) return out;
  double sf = 0.0, st = 0.0;
  for (std::size_t f = 0; f < F; ++f) {
    out.first[f] = first[f].value() / n / V;
    out.total[f] = total[f].value() / (2.0 * n) / V;
    sf += out.first[f];
    st += out.total[f];
  }
  out.sum_first = sf;
  out.sum_total = st;

  if (boot.resamples == 0) return out;
  // Resample r: rows.size() draws with replacement, as counts per usable base sample; the
  // weighted sums in base-sample order (plain doubles: the order is fixed, so the result is too).
  std::vector<std::vector<double>> bf(F), bt(F);
  for (std::size_t f = 0; f < F; ++f) {
    bf[f].reserve(boot.resamples);
    bt[f].reserve(boot.resamples);
  }
  std::vector<std::uint32_t> count(rows.size());
  std::vector<double> wf(F), wt(F), wd(F);
  for (unsigned r = 0; r < boot.resamples; ++r) {
    rng::Stream gen(boot.seed, boot.key, rng::tag(rng::kBootstrapPurpose, 0), r);
    std::fill(count.begin(), count.end(), 0u);
    for (std::size_t q = 0; q < rows.size(); ++q) ++count[rng::uniform_index(gen, rows.size())];
    double s1 = 0.0, s2 = 0.0;
    std::fill(wf.begin(), wf.end(), 0.0);
    std::fill(wt.begin(), wt.end(), 0.0);
    std::fill(wd.begin(), wd.end(), 0.0);
    for (std::size_t q = 0; q < rows.size(); ++q) {
      if (count[q] == 0) continue;
      const double c = count[q];
      s1 += c * (ta[q] + tb[q]);
      s2 += c * (ta[q] * ta[q] + tb[q] * tb[q]);
      const double* tf = t_first.data() + q * F;
      const double* tt = t_total.data() + q * F;
      const double* td = t_diff.data() + q * F;
      for (std::size_t f = 0; f < F; ++f) {
        wf[f] += c * tf[f];
        wt[f] += c * tt[f];
        wd[f] += c * td[f];
      }
    }
    const double mb = s1 / (2.0 * n);
    const double vb = s2 / (2.0 * n) - mb * mb;
    if (!(vb > 0.0)) continue;
    for (std::size_t f = 0; f < F; ++f) {
      // Centred on the resample's own mean mb (the values are centred on mu): f(B) - mb.
      bf[f].push_back((wf[f] - mb * wd[f]) / n / vb);
      bt[f].push_back(wt[f] / (2.0 * n) / vb);
    }
  }
  const double alpha = (1.0 - boot.confidence) / 2.0;
  for (std::size_t f = 0; f < F; ++f) {
    std::sort(bf[f].begin(), bf[f].end());
    std::sort(bt[f].begin(), bt[f].end());
    out.first_low[f] = percentile(bf[f], alpha);
    out.first_high[f] = percentile(bf[f], 1.0 - alpha);
    out.total_low[f] = percentile(bt[f], alpha);
    out.total_high[f] = percentile(bt[f], 1.0 - alpha);
  }
  return out;
}

}  // namespace leadsim::stats
