#include "leadsim/stats/exact_sum.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "leadsim/stats/byte_io.h"

namespace leadsim::stats {
namespace {

using Limbs = std::array<std::int64_t, ExactSum::kLimbs>;
constexpr int kTop = ExactSum::kLimbs - 1;
constexpr std::uint64_t kMask32 = 0xffffffffu;

void normalize_limbs(Limbs& l) {
  for (int i = 0; i < kTop; ++i) {
    const std::int64_t c = l[i] >> 32;  // arithmetic shift: floor division by 2^32
    l[i] = static_cast<std::int64_t>(static_cast<std::uint64_t>(l[i]) & kMask32);
    l[i + 1] += c;
  }
}

// Adds ±m * 2^(off + 32 k + kMinExponent) for m < 2^106 to the five limbs at `at_k` (limbs
// k..k+4); every limb addend stays below 2^33.
void add_wide(std::int64_t* at_k, bool neg, rng::u128 m, int off) {
  const rng::u128 t0 = static_cast<rng::u128>(static_cast<std::uint64_t>(m)) << off;
  const rng::u128 t1 = static_cast<rng::u128>(static_cast<std::uint64_t>(m >> 64)) << off;
  const std::uint64_t parts[5] = {
      static_cast<std::uint64_t>(t0) & kMask32,
      static_cast<std::uint64_t>(t0 >> 32) & kMask32,
      static_cast<std::uint64_t>(t0 >> 64) + (static_cast<std::uint64_t>(t1) & kMask32),
      static_cast<std::uint64_t>(t1 >> 32) & kMask32,
      static_cast<std::uint64_t>(t1 >> 64),
  };
  for (int i = 0; i < 5; ++i) {
    if (parts[i] == 0) continue;
    const auto v = static_cast<std::int64_t>(parts[i]);
    at_k[i] += neg ? -v : v;
  }
}

// The same on full limbs at bit index idx (idx >> 5 <= kTop - 4).
void add_wide(Limbs& l, bool neg, rng::u128 m, int idx) {
  add_wide(l.data() + (idx >> 5), neg, m, idx & 31);
}

// Normalized magnitude of the sum and its sign; all limbs in [0, 2^32).
struct Magnitude {
  bool neg = false;
  Limbs l{};
  int top_bit() const {  // highest set bit index, -1 when zero
    for (int i = kTop; i >= 0; --i)
      if (l[i] != 0) return 32 * i + 63 - std::countl_zero(static_cast<std::uint64_t>(l[i]));
    return -1;
  }
  std::uint64_t bits(int u) const {  // 64 bits from bit u upward (u >= 0)
    const int w = u >> 5;
    rng::u128 acc = 0;
    for (int i = 2; i >= 0; --i) {
      acc <<= 32;
      if (w + i < ExactSum::kLimbs) acc |= static_cast<std::uint64_t>(l[w + i]);
    }
    return static_cast<std::uint64_t>(acc >> (u & 31));
  }
  bool any_below(int u) const {  // any set bit with index < u
    if (u <= 0) return false;
    const int w = u >> 5;
    if (w >= ExactSum::kLimbs) return top_bit() >= 0;
    for (int i = 0; i < w; ++i)
      if (l[i] != 0) return true;
    const int r = u & 31;
    return r != 0 && (static_cast<std::uint64_t>(l[w]) & ((std::uint64_t{1} << r) - 1)) != 0;
  }
};

Magnitude magnitude_of(Limbs l) {
  normalize_limbs(l);
  Magnitude m;
  m.neg = l[kTop] < 0;
  if (m.neg) {
    for (auto& x : l) x = -x;
    normalize_limbs(l);
  }
  m.l = l;
  return m;
}

// Rounds |sum| * 2^-scale to nearest-even; returns the rounded double and the integer q and
// bit position u with |rounded| = q * 2^(u + kMinExponent) (before the scale).
double round_magnitude(const Magnitude& m, int scale, std::uint64_t& q, int& u) {
  const int p = m.top_bit();
  q = 0;
  u = 0;
  if (p < 0) return 0.0;
  // The result's ulp must not be finer than 2^-1074 after scaling.
  u = std::max(p - 52, -1074 - ExactSum::kMinExponent + scale);
  if (u <= 0) {  // then p <= 52: the whole magnitude fits, no rounding
    u = 0;
    q = m.bits(0);
  } else {
    q = m.bits(u) & ((std::uint64_t{1} << 53) - 1);
    const bool round = ((m.bits(u - 1) & 1u) != 0);
    const bool sticky = m.any_below(u - 1);
    if (round && (sticky || (q & 1u) != 0)) ++q;
  }
  return std::ldexp(static_cast<double>(q), u + ExactSum::kMinExponent - scale);
}

}  // namespace

void ExactSum::throw_nonfinite() {
  throw std::invalid_argument("ExactSum: cannot add a NaN or infinite value");
}

void ExactSum::add_product(double a, double b) {
  const std::uint64_t ba = std::bit_cast<std::uint64_t>(a);
  const std::uint64_t bb = std::bit_cast<std::uint64_t>(b);
  const auto ea = static_cast<int>((ba >> 52) & 0x7ffu);
  const auto eb = static_cast<int>((bb >> 52) & 0x7ffu);
  if (ea == 0x7ff || eb == 0x7ff) throw_nonfinite();
  constexpr std::uint64_t kFrac = (std::uint64_t{1} << 52) - 1;
  std::uint64_t ma = ba & kFrac;
  std::uint64_t mb = bb & kFrac;
  int xa = -1074;
  int xb = -1074;
  if (ea != 0) {
    ma |= kFrac + 1;
    xa = ea - 1075;
  }
  if (eb != 0) {
    mb |= kFrac + 1;
    xb = eb - 1075;
  }
  if (ma == 0 || mb == 0) return;
  if (pending_ >= kMaxPending) normalize();
  ++pending_;
  const int idx = xa + xb - kMinExponent;
  const int k = idx >> 5;
  if (k < base_ || k + 4 >= base_ + static_cast<int>(w_.size())) cover(k, k + 4);
  add_wide(w_.data() + (k - base_), ((ba ^ bb) >> 63) != 0, static_cast<rng::u128>(ma) * mb,
           idx & 31);
}

void ExactSum::cover(int lo, int hi) {
  if (w_.empty()) {
    base_ = lo;
    w_.assign(static_cast<std::size_t>(hi - lo) + 1, 0);
    return;
  }
  const int top = base_ + static_cast<int>(w_.size()) - 1;
  if (hi > top) w_.resize(w_.size() + static_cast<std::size_t>(hi - top), 0);
  if (lo < base_) {
    w_.insert(w_.begin(), static_cast<std::size_t>(base_ - lo), 0);
    base_ = lo;
  }
}

Limbs ExactSum::full() const {
  Limbs l{};
  std::copy(w_.begin(), w_.end(), l.begin() + base_);
  return l;
}

void ExactSum::merge(const ExactSum& other) {
  if (static_cast<std::uint64_t>(pending_) + other.pending_ + 1 > kMaxPending) {
    normalize();
    if (static_cast<std::uint64_t>(other.pending_) + 1 > kMaxPending) {
      ExactSum c = other;
      c.normalize();
      merge(c);
      return;
    }
  }
  if (!other.w_.empty()) {
    cover(other.base_, other.base_ + static_cast<int>(other.w_.size()) - 1);
    std::int64_t* p = w_.data() + (other.base_ - base_);
    for (std::size_t i = 0; i < other.w_.size(); ++i) p[i] += other.w_[i];
  }
  pending_ += other.pending_ + 1;
}

void ExactSum::normalize() {
  // Carries run up the window; the top limb keeps the sign and widens the window while it is
  // 2^32 or more in magnitude (at most a few limbs, never beyond the top limb).
  for (std::size_t i = 0; i < w_.size(); ++i) {
    const int at = base_ + static_cast<int>(i);
    const std::int64_t v = w_[i];
    const bool last = i + 1 == w_.size();
    if (at == kTop || (last && v > -(std::int64_t{1} << 32) && v < (std::int64_t{1} << 32))) {
      break;
    }
    if (last) w_.push_back(0);
    w_[i] = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) & kMask32);
    w_[i + 1] += v >> 32;  // arithmetic shift: floor division by 2^32
  }
  pending_ = 0;
}

double ExactSum::value() const {
  const Magnitude m = magnitude_of(full());
  std::uint64_t q;
  int u;
  const double v = round_magnitude(m, 0, q, u);
  return m.neg ? -v : v;
}

DoubleDouble ExactSum::dd(int scale) const {
  const Magnitude m = magnitude_of(full());
  std::uint64_t q;
  int u;
  const double hi = round_magnitude(m, scale, q, u);
  if (std::isinf(hi) || q == 0) return {m.neg ? -hi : hi, 0.0};
  // Remainder |sum| - q * 2^u exactly, then rounded the same way.
  Limbs r = m.l;
  add_wide(r, true, q, u);
  const Magnitude rm = magnitude_of(r);
  std::uint64_t q2;
  int u2;
  double lo = round_magnitude(rm, scale, q2, u2);
  if (rm.neg) lo = -lo;
  return m.neg ? DoubleDouble{-hi, -lo} : DoubleDouble{hi, lo};
}

int ExactSum::ilogb() const {
  const int p = magnitude_of(full()).top_bit();
  return p < 0 ? kZeroLogb : p + kMinExponent;
}

bool ExactSum::magnitude(std::array<std::uint32_t, kLimbs>& digits) const {
  const Magnitude m = magnitude_of(full());
  for (int i = 0; i < kLimbs; ++i) digits[i] = static_cast<std::uint32_t>(m.l[i]);
  return m.neg;
}

bool ExactSum::is_zero() const {
  return magnitude_of(full()).top_bit() < 0;
}

bool ExactSum::operator==(const ExactSum& other) const {
  Limbs a = full();
  Limbs b = other.full();
  normalize_limbs(a);
  normalize_limbs(b);
  return a == b;
}

void ExactSum::serialize(ByteWriter& w) const {
  const Magnitude m = magnitude_of(full());
  int first = 0;
  int last = -1;
  for (int i = 0; i < kLimbs; ++i) {
    if (m.l[i] != 0) {
      if (last < 0) first = i;
      last = i;
    }
  }
  const int count = last < 0 ? 0 : last - first + 1;
  w.u8(count > 0 && m.neg ? 1 : 0);
  w.u16(static_cast<std::uint16_t>(count > 0 ? first : 0));
  w.u16(static_cast<std::uint16_t>(count));
  for (int i = 0; i < count; ++i) w.u32(static_cast<std::uint32_t>(m.l[first + i]));
}

ExactSum ExactSum::deserialize(ByteReader& r) {
  const std::uint8_t sign = r.u8();
  const std::uint16_t first = r.u16();
  const std::uint16_t count = r.u16();
  if (sign > 1) r.fail("exact sum sign byte " + std::to_string(sign));
  if (count == 0 && (sign != 0 || first != 0)) r.fail("non-canonical zero exact sum");
  if (static_cast<int>(first) + count > kTop) r.fail("exact sum limb range out of bounds");
  ExactSum s;
  if (count > 0) s.cover(first, first + count - 1);
  for (int i = 0; i < count; ++i) {
    const std::int64_t v = r.u32();
    if ((i == 0 || i == count - 1) && v == 0) r.fail("non-canonical exact sum limbs");
    s.w_[static_cast<std::size_t>(i)] = sign != 0 ? -v : v;
  }
  s.pending_ = 1;
  s.normalize();
  return s;
}

}  // namespace leadsim::stats
