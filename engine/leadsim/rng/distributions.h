// The distributions the models draw from, implemented here so that results replay on any
// standard library (std::*_distribution algorithms differ between implementations).
// Each function takes a generator G with next_u64(), uniform() in [0,1) and uniform_pos() in
// (0,1] (rng::Stream). The number of words a call consumes is part of the replay contract and
// is pinned by golden-value tests: changing an algorithm changes every result.
//
// Accuracy: all samplers are exact in distribution up to double rounding (inversion,
// rejection or exact transformations); none uses tables or approximations.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

namespace leadsim::rng {

__extension__ using u128 = unsigned __int128;

// Uniform integer in [0, n), n >= 1, without modulo bias (Lemire 2019, with rejection).
template <class G>
std::uint64_t uniform_index(G& g, std::uint64_t n) {
  u128 m = static_cast<u128>(g.next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<u128>(g.next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// Uniform integer in [lo, hi], lo <= hi.
template <class G>
std::int64_t uniform_int(G& g, std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (span == 0) return static_cast<std::int64_t>(g.next_u64());  // full 64-bit range
  return lo + static_cast<std::int64_t>(uniform_index(g, span));
}

// Uniform real in [a, b).
template <class G>
double uniform_real(G& g, double a, double b) {
  return a + (b - a) * g.uniform();
}

template <class G>
bool bernoulli(G& g, double p) {
  return g.uniform() < p;
}

// Exp(1) by inversion.
template <class G>
double exponential(G& g) {
  return -std::log(g.uniform_pos());
}

// Standard normal, Marsaglia's polar method; the second variate is discarded so that each
// call's word count depends only on its own rejections.
template <class G>
double normal(G& g) {
  for (;;) {
    const double u = 2.0 * g.uniform() - 1.0;
    const double v = 2.0 * g.uniform() - 1.0;
    const double s = u * u + v * v;
    if (s < 1.0 && s > 0.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

template <class G>
double normal(G& g, double mean, double sd) {
  return mean + sd * normal(g);
}

// Gamma(shape, 1), shape > 0: Marsaglia & Tsang (2000); shape < 1 by the boost
// Gamma(shape) = Gamma(shape + 1) * U^(1/shape).
template <class G>
double gamma(G& g, double shape) {
  if (shape < 1.0) {
    const double x = gamma(g, shape + 1.0);
    return x * std::pow(g.uniform_pos(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x;
    double v;
    do {
      x = normal(g);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = g.uniform_pos();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

// Beta(a, b), a, b > 0, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
template <class G>
double beta(G& g, double a, double b) {
  const double x = gamma(g, a);
  const double y = gamma(g, b);
  const double s = x + y;
  return s > 0.0 ? x / s : (a >= b ? 1.0 : 0.0);
}

// beta_mean(m, kappa) = Beta(m kappa, (1 - m) kappa), 0 < m < 1, kappa > 0.
template <class G>
double beta_mean(G& g, double m, double kappa) {
  return beta(g, m * kappa, (1.0 - m) * kappa);
}

// Log-uniform on [a, b), 0 < a <= b.
template <class G>
double loguniform(G& g, double a, double b) {
  const double la = std::log(a);
  return std::exp(la + (std::log(b) - la) * g.uniform());
}

// Poisson(mean), mean >= 0. Inversion by sequential search for mean < 10 (one uniform);
// Hörmann's PTRS transformed rejection (1993) for mean >= 10. Both exact.
template <class G>
std::int64_t poisson(G& g, double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < 10.0) {
    const double u = g.uniform();
    double p = std::exp(-mean);
    double f = p;
    std::int64_t k = 0;
    while (u >= f) {
      ++k;
      p *= mean / static_cast<double>(k);
      const double next = f + p;
      if (next == f) break;  // the tail underflowed: u sits in the last representable cell
      f = next;
    }
    return k;
  }
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = g.uniform() - 0.5;
    const double v = g.uniform_pos();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1.0)) {
      return static_cast<std::int64_t>(k);
    }
  }
}

// Index drawn with probability proportional to weights[i] (non-negative, positive sum).
template <class G>
std::size_t categorical(G& g, std::span<const double> weights) {
  double total = 0.0;
  for (double w : weights) total += w;
  const double target = g.uniform() * total;
  double acc = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    if (target < acc) return i;
  }
  // Rounding left target == total: the last positive weight.
  for (std::size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0.0) return i;
  }
  return 0;
}

}  // namespace leadsim::rng
