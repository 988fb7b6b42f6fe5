// The distributions the models draw from, implemented here so that results replay on any
// standard library (std::*_distribution algorithms differ between implementations).
// Each function takes a generator G with next_u64(), uniform() in [0,1) and uniform_pos() in
// (0,1] (rng::Stream). The number of words a call consumes is part of the replay contract and
// is pinned by golden-value tests: changing an algorithm changes every result.
//
// Accuracy: all samplers are exact in distribution up to double rounding (inversion,
// rejection or exact transformations); none approximates. The tables some keep (ziggurat
// strips, PoissonTable's partial sums) only hold exact quantities computed once.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

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

// poisson(g, mean) for many draws with one mean: for mean < 10 the partial sums that the
// inversion search of poisson() computes one by one (f_0 = e^-mean, f_k = f_(k-1) + p_k,
// p_k = p_(k-1) mean / k, until the tail underflows) are computed once, with the same
// operations in the same order, and a draw counts the sums at or below its uniform. Same
// words, same values as poisson(g, mean), without a division per step. mean >= 10 and
// mean <= 0 go to poisson() unchanged.
class PoissonTable {
 public:
  explicit PoissonTable(double mean) : mean_(mean) {
    if (!(mean > 0.0) || !(mean < 10.0)) return;
    double p = std::exp(-mean);
    double f = p;
    cdf_.push_back(f);
    for (std::int64_t k = 1;; ++k) {
      p *= mean / static_cast<double>(k);
      const double next = f + p;
      if (next == f) break;  // poisson() returns k for every u >= f
      f = next;
      cdf_.push_back(f);
    }
    // Sentinels above every uniform: the search ends at k_max, and the first kHead entries
    // exist even when the table is shorter.
    const std::size_t n = std::max<std::size_t>(cdf_.size() + 1, kHead + 1);
    while (cdf_.size() < n) cdf_.push_back(2.0);
  }

  template <class G>
  std::int64_t operator()(G& g) const {
    if (cdf_.empty()) return poisson(g, mean_);
    const double u = g.uniform();
    const double* f = cdf_.data();
    // The sums increase, so the first k with u < f_k is the count of sums <= u: the first
    // kHead are counted without a branch (the count is what a draw is random about); past
    // them (probability 1e-5 at mean 4) the search goes on one by one.
    std::int64_t k = 0;
    for (std::size_t j = 0; j < kHead; ++j) k += u >= f[j] ? 1 : 0;
    if (k == static_cast<std::int64_t>(kHead)) {
      while (u >= f[k]) ++k;
    }
    return k;
  }

 private:
  static constexpr std::size_t kHead = 16;
  double mean_;
  std::vector<double> cdf_;  // f_0 .. f_(kmax-1), then sentinels (at least kHead + 1 entries)
};

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

// ---------------------------------------------------------------------------------------
// Fast exact samplers (ziggurat). They draw from the same distributions as normal(),
// exponential(), gamma() and beta() above but by other algorithms, so their words and values
// differ from those functions'; they are separate functions so that the pinned ones keep
// their replay contract.
//
// Accuracy: exact rejection samplers, up to double rounding. The ziggurat (Marsaglia & Tsang
// 2000, 256 layers) samples uniformly from a union of 256 equal-area strips that covers the
// density and accepts points under it; the tail beyond the base strip is sampled exactly
// (Marsaglia's normal tail method; the exponential tail is R + Exp(1) by memorylessness), so
// no approximation is made beyond the tables' double precision. The tables are built once
// (thread-safe static initialisation) from std::exp/std::log/std::sqrt/std::erfc, with R
// solved by bisection so that the top strip closes to within rounding.
// Words: one 64-bit word per attempt (layer = low 8 bits, sign = bit 8, 53-bit magnitude from
// the top bits); about 1.2% of attempts need one more word (wedge) and fewer restart.

namespace detail {

struct Ziggurat {
  double x[257];  // x[0] = V / f(R) (base strip), x[1] = R > x[2] > ... > x[256] = 0
  double f[257];  // f(x[i])
};

// Builds the strips for a decreasing density f on [0, inf) with inverse finv and tail mass
// tail(r) = integral of f over [r, inf).
template <class F, class Finv, class Tail>
Ziggurat build_ziggurat(F f, Finv finv, Tail tail, double r_lo, double r_hi) {
  Ziggurat z{};
  // closure(r) > 0: the strips run out before reaching the top (r too small).
  auto fill = [&](double r) {
    const double v = r * f(r) + tail(r);
    z.x[0] = v / f(r);
    z.x[1] = r;
    for (int i = 1; i < 256; ++i) {
      const double y = v / z.x[i] + f(z.x[i]);
      if (i < 255) {
        if (!(y < 1.0)) return 1.0;  // overshoot: r too small
        z.x[i + 1] = finv(y);
      } else {
        return y - 1.0;
      }
    }
    return 0.0;
  };
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (r_lo + r_hi);
    if (mid <= r_lo || mid >= r_hi) break;
    if (fill(mid) > 0.0) {
      r_lo = mid;
    } else {
      r_hi = mid;
    }
  }
  fill(r_hi);
  z.x[256] = 0.0;
  for (int i = 0; i <= 256; ++i) z.f[i] = f(z.x[i]);
  z.f[0] = 0.0;  // unused: the base strip never takes the wedge path
  z.f[256] = 1.0;
  return z;
}

inline const Ziggurat& ziggurat_normal() {
  static const Ziggurat z = build_ziggurat(
      [](double x) { return std::exp(-0.5 * x * x); },
      [](double y) { return std::sqrt(-2.0 * std::log(y)); },
      [](double r) { return 1.2533141373155002512 * std::erfc(r * 0.70710678118654752440); }, 3.0,
      4.5);
  return z;
}

inline const Ziggurat& ziggurat_exponential() {
  static const Ziggurat z =
      build_ziggurat([](double x) { return std::exp(-x); }, [](double y) { return -std::log(y); },
                     [](double r) { return std::exp(-r); }, 6.0, 9.0);
  return z;
}

}  // namespace detail

// Standard normal by the ziggurat (see above). Exact; ~1.02 words per call.
template <class G>
double normal_zig(G& g) {
  const detail::Ziggurat& z = detail::ziggurat_normal();
  for (;;) {
    const std::uint64_t w = g.next_u64();
    const unsigned i = static_cast<unsigned>(w & 0xffu);
    const double sign = (w & 0x100u) != 0 ? -1.0 : 1.0;
    const double x = static_cast<double>(w >> 11) * 0x1.0p-53 * z.x[i];
    if (x < z.x[i + 1]) return sign * x;
    if (i == 0) {
      // Tail beyond R (Marsaglia 1964): exact.
      const double r = z.x[1];
      for (;;) {
        const double e = -std::log(g.uniform_pos()) / r;
        const double y = -std::log(g.uniform_pos());
        if (y + y >= e * e) return sign * (r + e);
      }
    }
    // Wedge: a uniform height within strip i, accepted under the density.
    const double y = z.f[i] + g.uniform() * (z.f[i + 1] - z.f[i]);
    if (y < std::exp(-0.5 * x * x)) return sign * x;
  }
}

namespace detail {

// exponential_zig() after its first attempt missed strip i with x: the same loop, continued
// (kept out of line; about 1% of calls get here).
template <class G>
[[gnu::noinline]] double exponential_zig_rest(G& g, unsigned i, double x) {
  const Ziggurat& z = ziggurat_exponential();
  double shift = 0.0;
  for (;;) {
    if (i == 0) {
      // Memorylessness: beyond R the variate is R + Exp(1).
      shift += z.x[1];
    } else {
      const double y = z.f[i] + g.uniform() * (z.f[i + 1] - z.f[i]);
      if (y < std::exp(-x)) return shift + x;
    }
    const std::uint64_t w = g.next_u64();
    i = static_cast<unsigned>(w & 0xffu);
    x = static_cast<double>(w >> 11) * 0x1.0p-53 * z.x[i];
    if (x < z.x[i + 1]) return shift + x;
  }
}

}  // namespace detail

// Exp(1) by the ziggurat (see above). Exact; ~1.01 words per call. The first attempt is
// inline (it returns about 99% of the time); the rest of the loop is out of line.
template <class G>
inline double exponential_zig(G& g) {
  const detail::Ziggurat& z = detail::ziggurat_exponential();
  const std::uint64_t w = g.next_u64();
  const unsigned i = static_cast<unsigned>(w & 0xffu);
  const double x = static_cast<double>(w >> 11) * 0x1.0p-53 * z.x[i];
  if (x < z.x[i + 1]) return 0.0 + x;  // 0.0 + x: the value the loop's shift + x gives
  return detail::exponential_zig_rest(g, i, x);
}

// Gamma(shape, 1) with the constants precomputed: Marsaglia & Tsang (2000) driven by
// normal_zig(); shape < 1 by the boost Gamma(shape + 1) * U^(1/shape). Exact.
struct GammaZig {
  double d = 0.0;      // shape' - 1/3, shape' = max(shape, shape + 1 if shape < 1)
  double c = 0.0;      // 1 / sqrt(9 d)
  double boost = 0.0;  // 1/shape when shape < 1, else 0
  explicit GammaZig(double shape = 1.0) {
    const double s = shape < 1.0 ? shape + 1.0 : shape;
    d = s - 1.0 / 3.0;
    c = 1.0 / std::sqrt(9.0 * d);
    boost = shape < 1.0 ? 1.0 / shape : 0.0;
  }
};

template <class G>
double gamma_zig(G& g, const GammaZig& p) {
  double out;
  for (;;) {
    double x;
    double v;
    do {
      x = normal_zig(g);
      v = 1.0 + p.c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = g.uniform_pos();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2 || std::log(u) < 0.5 * x2 + p.d * (1.0 - v + std::log(v))) {
      out = p.d * v;
      break;
    }
  }
  if (p.boost > 0.0) out *= std::pow(g.uniform_pos(), p.boost);
  return out;
}

template <class G>
double gamma_zig(G& g, double shape) {
  return gamma_zig(g, GammaZig(shape));
}

// Beta(a, b), a, b > 0, as X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b) by gamma_zig. Exact.
// Precompute BetaZig once per (a, b): ~4.1 words and no transcendental call on most draws.
struct BetaZig {
  GammaZig ga, gb;
  bool a_ge_b = true;
  BetaZig(double a = 1.0, double b = 1.0) : ga(a), gb(b), a_ge_b(a >= b) {}
};

template <class G>
double beta_zig(G& g, const BetaZig& p) {
  const double x = gamma_zig(g, p.ga);
  const double y = gamma_zig(g, p.gb);
  const double s = x + y;
  return s > 0.0 ? x / s : (p.a_ge_b ? 1.0 : 0.0);
}

}  // namespace leadsim::rng
