#include "leadsim/stats/moments.h"

#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "leadsim/stats/byte_io.h"

namespace leadsim::stats {
namespace {

DoubleDouble two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}
DoubleDouble quick_two_sum(double a, double b) {
  const double s = a + b;
  return {s, b - (s - a)};
}
DoubleDouble two_prod(double a, double b) {
  // Dekker's product: exact unless a or b exceeds ~2^995 (the callers scale to ~1).
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double p = a * b;
  const double ta = kSplit * a;
  const double ah = ta - (ta - a);
  const double al = a - ah;
  const double tb = kSplit * b;
  const double bh = tb - (tb - b);
  const double bl = b - bh;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}

// Unsigned big integers, little-endian 32-bit digits held in u64 slots.
using Big = std::vector<std::uint64_t>;
constexpr std::uint64_t kDigit = 0xffffffffu;

// r += a * b (schoolbook; every partial fits a u64: (2^32-1)^2 + 2 (2^32-1) < 2^64).
void mul_add(Big& r, const Big& a, std::size_t a0, std::size_t a1, const Big& b, std::size_t b0,
             std::size_t b1, std::size_t shift) {
  for (std::size_t i = a0; i < a1; ++i) {
    if (a[i] == 0) continue;
    std::uint64_t carry = 0;
    std::size_t k = i + b0 + shift;
    for (std::size_t j = b0; j < b1; ++j, ++k) {
      const std::uint64_t t = r[k] + a[i] * b[j] + carry;
      r[k] = t & kDigit;
      carry = t >> 32;
    }
    for (; carry != 0; ++k) {
      const std::uint64_t t = r[k] + carry;
      r[k] = t & kDigit;
      carry = t >> 32;
    }
  }
}

// a -= b, requires a >= b.
void sub_in_place(Big& a, const Big& b) {
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::uint64_t sub = b[i] + borrow;
    borrow = a[i] < sub ? 1 : 0;
    a[i] = (a[i] + (borrow << 32) - sub) & kDigit;
  }
}

// The nonzero digit range [lo, hi) of x.
std::pair<std::size_t, std::size_t> span_of(const Big& x) {
  std::size_t lo = 0;
  while (lo < x.size() && x[lo] == 0) ++lo;
  std::size_t hi = x.size();
  while (hi > lo && x[hi - 1] == 0) --hi;
  return {lo, hi};
}

}  // namespace

DoubleDouble dd_add(DoubleDouble a, DoubleDouble b) {
  DoubleDouble s = two_sum(a.hi, b.hi);
  const DoubleDouble t = two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = quick_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return quick_two_sum(s.hi, s.lo);
}
DoubleDouble dd_sub(DoubleDouble a, DoubleDouble b) {
  return dd_add(a, {-b.hi, -b.lo});
}
DoubleDouble dd_mul(DoubleDouble a, DoubleDouble b) {
  DoubleDouble p = two_prod(a.hi, b.hi);
  p.lo += a.hi * b.lo + a.lo * b.hi;
  return quick_two_sum(p.hi, p.lo);
}
DoubleDouble dd_div(DoubleDouble a, DoubleDouble b) {
  const double q1 = a.hi / b.hi;
  DoubleDouble r = dd_sub(a, dd_mul(b, {q1, 0.0}));
  const double q2 = r.hi / b.hi;
  r = dd_sub(r, dd_mul(b, {q2, 0.0}));
  const double q3 = r.hi / b.hi;
  return dd_add(quick_two_sum(q1, q2), {q3, 0.0});
}

void Moments::merge(const Moments& other) {
  n_ += other.n_;
  s1_.merge(other.s1_);
  s2_.merge(other.s2_);
  if (other.min_ < min_ || (other.min_ == min_ && std::signbit(other.min_))) min_ = other.min_;
  if (other.max_ > max_ || (other.max_ == max_ && !std::signbit(other.max_))) max_ = other.max_;
}

double Moments::mean() const {
  if (n_ == 0) return kNaN;
  const int e = s1_.ilogb();
  if (e == ExactSum::kZeroLogb) return 0.0;
  const DoubleDouble q = dd_div(s1_.dd(e), {static_cast<double>(n_), 0.0});
  return std::ldexp(q.hi, e);
}

double Moments::variance() const {
  if (n_ < 2) return kNaN;
  if (min_ == max_) return 0.0;
  // num = n S2 - S1^2 exactly, in units of 2^(2 kMinExponent): no cancellation error at all.
  constexpr std::size_t L = ExactSum::kLimbs;
  std::array<std::uint32_t, L> d1{};
  std::array<std::uint32_t, L> d2{};
  s1_.magnitude(d1);
  s2_.magnitude(d2);
  const Big a(d1.begin(), d1.end());
  const Big b(d2.begin(), d2.end());
  const Big nn = {n_ & kDigit, n_ >> 32};
  Big num(2 * L + 4, 0);
  Big sq(2 * L + 4, 0);
  // n S2 is shifted by -kMinExponent bits = 67 digits + 4 bits to share S1^2's units.
  constexpr int kShift = -ExactSum::kMinExponent;
  const auto [b0, b1] = span_of(b);
  const Big n_shifted = {(nn[0] << (kShift % 32)) & kDigit,
                         ((nn[0] >> (32 - kShift % 32)) | (nn[1] << (kShift % 32))) & kDigit,
                         nn[1] >> (32 - kShift % 32)};
  mul_add(num, b, b0, b1, n_shifted, 0, 3, kShift / 32);
  const auto [a0, a1] = span_of(a);
  mul_add(sq, a, a0, a1, a, a0, a1, 0);
  sub_in_place(num, sq);
  const auto [lo, hi] = span_of(num);
  if (hi == lo) return 0.0;
  // Top 96 bits of num as a double-double (relative error < 2^-90), times 2^e.
  const std::size_t t = hi - 1;
  const auto dig = [&](std::size_t i) {
    return i < num.size() ? static_cast<double>(num[i]) : 0.0;
  };
  DoubleDouble top{dig(t), 0.0};
  top = dd_add(top, {std::ldexp(dig(t - 1), -32), 0.0});
  if (t >= 2) top = dd_add(top, {std::ldexp(dig(t - 2), -64), 0.0});
  const int e = 32 * static_cast<int>(t) + 2 * ExactSum::kMinExponent;
  const DoubleDouble n{static_cast<double>(n_), 0.0};
  const DoubleDouble v = dd_div(top, dd_mul(n, dd_sub(n, {1.0, 0.0})));
  return std::ldexp(v.hi, e);
}

double Moments::std() const {
  return std::sqrt(variance());
}

double Moments::sem() const {
  return n_ < 2 ? kNaN : std::sqrt(variance()) / std::sqrt(static_cast<double>(n_));
}

bool Moments::operator==(const Moments& o) const {
  return n_ == o.n_ && std::bit_cast<std::uint64_t>(min_) == std::bit_cast<std::uint64_t>(o.min_) &&
         std::bit_cast<std::uint64_t>(max_) == std::bit_cast<std::uint64_t>(o.max_) &&
         s1_ == o.s1_ && s2_ == o.s2_;
}

void Moments::serialize(ByteWriter& w) const {
  w.u64(n_);
  w.f64(min_);
  w.f64(max_);
  s1_.serialize(w);
  s2_.serialize(w);
}

Moments Moments::deserialize(ByteReader& r) {
  Moments m;
  m.n_ = r.u64();
  m.min_ = r.f64();
  m.max_ = r.f64();
  m.s1_ = ExactSum::deserialize(r);
  m.s2_ = ExactSum::deserialize(r);
  if (m.n_ == 0) {
    if (!(std::isinf(m.min_) && m.min_ > 0 && std::isinf(m.max_) && m.max_ < 0) ||
        !m.s1_.is_zero() || !m.s2_.is_zero())
      r.fail("moments with count 0 are not empty");
  } else if (!std::isfinite(m.min_) || !std::isfinite(m.max_) || !(m.min_ <= m.max_)) {
    r.fail("moments min/max invalid");
  }
  return m;
}

}  // namespace leadsim::stats
