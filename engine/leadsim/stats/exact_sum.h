// ExactSum: an exact superaccumulator of doubles and of products of two doubles. The sum of
// any sequence of finite doubles (subnormals included) is held exactly as a fixed-point
// integer, so add() and merge() are associative and commutative bit for bit: any split or
// order of the same values gives the same state. Not thread-safe; one per thread, then merge.
//
// Representation: 136 signed 64-bit limbs, limb i weighing 2^(32 i - 2148); 2^-2148 is the
// weight of the lowest bit of a product of two subnormals, and bit 4196 is above the top of
// any product, with 64 more bits of headroom for at most 2^64 terms. A normalized state has
// limbs 0..134 in [0, 2^32) and a signed top limb: unique for each value, so two states are
// equal exactly when their sums are. add() is O(1): a double's 53-bit mantissa lands in 3
// limbs (a product's 106 bits in 5), each addend below 2^33 per limb; so after a
// normalization at most kMaxPending = 2^30 - 4 adds (or merged adds) can follow before
// overflow could occur, and add()/merge() normalize automatically at that limit.
//
// Storage: only the window of limbs [base, base + n) that adds have touched is stored (the
// others are zero), so an accumulator of values within a few binades holds a handful of limbs
// (about 100 bytes instead of 1 KB: a sweep of 10^5 scenarios keeps 4 x S x M x K of them).
// The window is normalized on its own (limbs in [0, 2^32) below its signed top limb, which
// then lies in (-2^32, 2^32)); every function that reads the value expands the window to the
// full limbs and normalizes those, so the stored layout never shows in any result.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

#include "leadsim/rng/distributions.h"  // rng::u128

namespace leadsim::stats {

class ByteWriter;
class ByteReader;

// An unevaluated sum hi + lo with |lo| <= ulp(hi) / 2.
struct DoubleDouble {
  double hi = 0.0;
  double lo = 0.0;
};

class ExactSum {
 public:
  static constexpr int kLimbs = 136;
  static constexpr int kMinExponent = -2148;  // weight of bit 0 is 2^kMinExponent
  static constexpr std::uint32_t kMaxPending = (1u << 30) - 4;
  static constexpr int kZeroLogb = std::numeric_limits<int>::min();

  ExactSum() = default;

  // Adds x exactly. Throws std::invalid_argument if x is NaN or infinite.
  void add(double x) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const auto e = static_cast<int>((bits >> 52) & 0x7ffu);
    if (e == 0x7ff) throw_nonfinite();
    std::uint64_t mant = bits & ((std::uint64_t{1} << 52) - 1);
    int idx = -1074 - kMinExponent;  // bit index of the mantissa's lowest bit
    if (e != 0) {
      mant |= std::uint64_t{1} << 52;
      idx = e - 1075 - kMinExponent;
    }
    if (pending_ >= kMaxPending) normalize();
    ++pending_;
    const int l = idx >> 5;
    if (l < base_ || l + 2 >= base_ + static_cast<int>(w_.size())) cover(l, l + 2);
    std::int64_t* p = w_.data() + (l - base_);
    const rng::u128 v = static_cast<rng::u128>(mant) << (idx & 31);
    const std::int64_t neg = -static_cast<std::int64_t>(bits >> 63);
    p[0] += signed_part(static_cast<std::uint64_t>(v) & 0xffffffffu, neg);
    p[1] += signed_part(static_cast<std::uint64_t>(v >> 32) & 0xffffffffu, neg);
    p[2] += signed_part(static_cast<std::uint64_t>(v >> 64), neg);
  }

  // Adds the exact product a * b (no rounding). Throws std::invalid_argument if a or b is not
  // finite.
  void add_product(double a, double b);

  // Adds the exact sum held by other.
  void merge(const ExactSum& other);

  // The exact sum rounded to nearest-even once (±inf if it exceeds the double range).
  double value() const;
  // The exact sum times 2^-scale as a double-double: hi is correctly rounded, lo is the
  // correctly rounded remainder. scale lets callers bring huge or tiny sums into range.
  DoubleDouble dd(int scale = 0) const;
  // floor(log2 |sum|) exactly, or kZeroLogb when the sum is zero.
  int ilogb() const;
  bool is_zero() const;
  // Normalized magnitude of the sum in 32-bit digits (digit i weighs 2^(32 i + kMinExponent));
  // returns true when the sum is negative.
  bool magnitude(std::array<std::uint32_t, kLimbs>& digits) const;

  // Propagates carries within the stored window (does not change the value): afterwards
  // kMaxPending more adds are safe.
  void normalize();

  // Equal exact sums (the raw limbs may differ before normalization).
  bool operator==(const ExactSum& other) const;

  // Sign-magnitude, normalized and trimmed: u8 sign, u16 first limb, u16 count, count x u32.
  void serialize(ByteWriter& w) const;
  // Throws FormatError on a truncated or non-canonical record.
  static ExactSum deserialize(ByteReader& r);

 private:
  static std::int64_t signed_part(std::uint64_t c, std::int64_t neg) {
    return (static_cast<std::int64_t>(c) ^ neg) - neg;
  }
  [[noreturn]] static void throw_nonfinite();
  // Widens the window to hold limbs [lo, hi] (0 <= lo <= hi < kLimbs).
  void cover(int lo, int hi);
  // Every limb, zero outside the window (unnormalized).
  std::array<std::int64_t, kLimbs> full() const;

  std::vector<std::int64_t> w_;  // limbs [base_, base_ + w_.size())
  std::int32_t base_ = 0;
  std::uint32_t pending_ = 0;  // adds since the last normalization
};

}  // namespace leadsim::stats
