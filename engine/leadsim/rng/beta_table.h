// Beta(a, b) for a, b >= 1 by rejection from a 128-bin table: an exact sampler for the case of
// many draws with one (a, b), such as an organization's problem weights w_p (MODEL.md §8.1).
//
// Method (a piecewise-constant hat with a piecewise-constant squeeze; cf. Ahrens 1993, "Sampling
// from general distributions by suboptimal division of domains"): [0, 1] is cut into 128 equal
// bins. For a, b >= 1 the density f(x) ∝ x^(a-1) (1-x)^(b-1) is bounded and unimodal, so on
// each bin its maximum h_j is at an end or at the mode and its minimum s_j at an end. The
// region under the hat is split into 256 slabs: bin j's squeeze slab [x_j, x_j+1) x [0, s_j)
// and its cap slab [x_j, x_j+1) x [s_j, h_j). A slab is chosen with probability proportional
// to its area by Walker's alias method, then a point uniform in it:
//   - in a squeeze slab every point lies under f, so x uniform in the bin is returned at once;
//   - in a cap slab the point is accepted if its height is below f(x), else everything starts
//     again.
// That is rejection sampling from the hat h, so the result has exactly the Beta(a, b) law; the
// squeeze only saves evaluating f. With 128 bins the caps hold a few per cent of the area for
// the shapes of the default configuration, so a draw takes about 2.05 words and one density
// evaluation (log, log1p, exp) on a few per cent of draws.
//
// Accuracy: exact up to double rounding. The hat and squeeze are padded by a relative 1e-9, far
// more than the error of evaluating f (a few ulp), so no rounding can put the squeeze above f
// or the hat below it; Walker's thresholds carry the slabs' relative areas to about 1e-14.
// Words per attempt: one for the slab (top 8 bits) and its alias coin (low 53 bits, disjoint
// bits of the same word), one for the position in the bin, and on a cap slab one for the height.
//
// Setup: 129 density evaluations and a 256-entry alias table (a few microseconds), made once
// per (a, b); tables are plain values (about 4.6 KiB), safe to copy and to share read-only.
// The tables are computed with std::log/std::log1p/std::exp, as the ziggurat tables are: results
// replay bit for bit on any platform whose libm rounds these the same way (glibc on x86-64).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "leadsim/rng/distributions.h"

namespace leadsim::rng {

class BetaTable {
 public:
  static constexpr int kBins = 128;
  static constexpr int kSlabs = 2 * kBins;

  // Whether the table method applies to Beta(a, b): a >= 1 and b >= 1, both finite.
  static bool applies(double a, double b) {
    return a >= 1.0 && b >= 1.0 && std::isfinite(a) && std::isfinite(b);
  }

  BetaTable() : BetaTable(1.0, 1.0) {}
  // Requires applies(a, b).
  BetaTable(double a, double b) : am1_(a - 1.0), bm1_(b - 1.0) {
    // Mode of the density (any point for the uniform a = b = 1).
    const double mode = am1_ + bm1_ > 0.0 ? am1_ / (am1_ + bm1_) : 0.5;
    log_top_ = 0.0;
    log_top_ = log_density(mode);
    constexpr double kUp = 1.0 + 1e-9;
    constexpr double kDown = 1.0 - 1e-9;
    std::array<double, kSlabs> area{};
    double fx0 = density(0.0);
    double total = 0.0;
    double squeeze_total = 0.0;
    for (int j = 0; j < kBins; ++j) {
      const double x0 = static_cast<double>(j) * kWidth;
      const double x1 = static_cast<double>(j + 1) * kWidth;
      const double fx1 = density(x1);
      const double lo = std::fmin(fx0, fx1);
      const double hi = mode >= x0 && mode <= x1 ? 1.0 : std::fmax(fx0, fx1);
      const auto k = static_cast<std::size_t>(j);
      squeeze_[k] = lo * kDown;
      hat_[k] = hi * kUp;
      area[2 * k] = squeeze_[k];
      area[2 * k + 1] = hat_[k] - squeeze_[k];
      total += hat_[k];
      squeeze_total += squeeze_[k];
      fx0 = fx1;
    }
    fast_share_ = total > 0.0 ? squeeze_total / total : 0.0;
    build_alias(area, total);
  }

  // Share of the hat's area under the squeeze: the probability that an attempt returns on the
  // fast path. It falls when the density is narrow against a bin (a + b in the hundreds).
  double fast_share() const { return fast_share_; }

  template <class G>
  double operator()(G& g) const {
    for (;;) {
      const std::uint64_t w = g.next_u64();
      auto k = static_cast<unsigned>(w >> 56);
      const double coin = static_cast<double>(w & ((std::uint64_t{1} << 53) - 1)) * 0x1.0p-53;
      const unsigned alt = alias_[k];  // loaded either way: the coin is not a branch
      k = coin < prob_[k] ? k : alt;
      const unsigned bin = k >> 1;
      const double x = static_cast<double>(bin) * kWidth + g.uniform() * kWidth;
      if ((k & 1u) == 0) return x;  // squeeze slab: under the density everywhere
      const double y = squeeze_[bin] + g.uniform() * (hat_[bin] - squeeze_[bin]);
      if (y < density(x)) return x;
    }
  }

 private:
  static constexpr double kWidth = 1.0 / kBins;

  // log f(x) - log f(mode); a zero exponent contributes nothing (no 0 * log 0).
  double log_density(double x) const {
    double r = -log_top_;
    if (am1_ != 0.0) r += am1_ * std::log(x);
    if (bm1_ != 0.0) r += bm1_ * std::log1p(-x);
    return r;
  }
  double density(double x) const { return std::exp(log_density(x)); }

  // Walker's alias method (Vose's stable construction) over the slab areas.
  void build_alias(const std::array<double, kSlabs>& area, double total) {
    std::array<double, kSlabs> p{};
    std::array<int, kSlabs> small{};
    std::array<int, kSlabs> large{};
    int ns = 0;
    int nl = 0;
    for (int k = 0; k < kSlabs; ++k) {
      const auto kz = static_cast<std::size_t>(k);
      p[kz] = area[kz] * static_cast<double>(kSlabs) / total;
      alias_[kz] = static_cast<std::uint8_t>(k);
      if (p[kz] < 1.0) {
        small[static_cast<std::size_t>(ns++)] = k;
      } else {
        large[static_cast<std::size_t>(nl++)] = k;
      }
    }
    while (ns > 0 && nl > 0) {
      const int s = small[static_cast<std::size_t>(--ns)];
      const int l = large[static_cast<std::size_t>(nl - 1)];
      const auto sz = static_cast<std::size_t>(s);
      const auto lz = static_cast<std::size_t>(l);
      prob_[sz] = p[sz];
      alias_[sz] = static_cast<std::uint8_t>(l);
      p[lz] = (p[lz] + p[sz]) - 1.0;
      if (p[lz] < 1.0) {
        --nl;
        small[static_cast<std::size_t>(ns++)] = l;
      }
    }
    // What is left has probability 1 up to rounding: it keeps its own slab.
    while (nl > 0) prob_[static_cast<std::size_t>(large[static_cast<std::size_t>(--nl)])] = 1.0;
    while (ns > 0) prob_[static_cast<std::size_t>(small[static_cast<std::size_t>(--ns)])] = 1.0;
  }

  double am1_ = 0.0;
  double bm1_ = 0.0;
  double log_top_ = 0.0;
  double fast_share_ = 1.0;
  std::array<double, kSlabs> prob_{};
  std::array<std::uint8_t, kSlabs> alias_{};
  std::array<double, kBins> squeeze_{};
  std::array<double, kBins> hat_{};
};

// Beta(a, b), a, b > 0, for many draws with one (a, b): BetaTable where it applies and at least
// kMinFastShare of its hat lies under the squeeze, else beta_zig. Both are exact; which one a
// given (a, b) uses is a fixed rule, so draws replay. Cost at Beta(5.5, 4.5) on the development
// machine: table ~13 ns and ~2.05 words per draw, 4.3 us per setup; beta_zig ~40 ns and ~4.1
// words (bench/rng_bench.cpp: BM_BetaTable, BM_BetaTableSetup, BM_BetaZig).
class BetaSampler {
 public:
  static constexpr double kMinFastShare = 0.75;

  BetaSampler() = default;
  BetaSampler(double a, double b) { set(a, b); }
  // Re-targets the sampler; cheap when (a, b) is unchanged, so callers can keep one sampler per
  // distribution across organizations.
  void set(double a, double b) {
    if (a == a_ && b == b_) return;
    a_ = a;
    b_ = b;
    use_table_ = false;
    if (BetaTable::applies(a, b)) {
      table_ = BetaTable(a, b);
      use_table_ = table_.fast_share() >= kMinFastShare;
    }
    zig_ = BetaZig(a, b);
  }
  bool uses_table() const { return use_table_; }

  template <class G>
  double operator()(G& g) const {
    return use_table_ ? table_(g) : beta_zig(g, zig_);
  }

 private:
  double a_ = -1.0;
  double b_ = -1.0;
  bool use_table_ = false;
  BetaTable table_;
  BetaZig zig_;
};

}  // namespace leadsim::rng
