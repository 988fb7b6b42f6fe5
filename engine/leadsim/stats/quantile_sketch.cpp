#include "leadsim/stats/quantile_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "leadsim/stats/byte_io.h"

namespace leadsim::stats {
namespace {
constexpr std::int32_t kMaxKey = 0x7ff << 7;  // keys of finite values are below this
}

std::int32_t QuantileSketch::key(double abs_x) {
  return static_cast<std::int32_t>(std::bit_cast<std::uint64_t>(abs_x) >> 45);
}

double QuantileSketch::representative(std::int32_t k) {
  // Harmonic mean of the bucket ends, from the mantissas so the top bucket cannot overflow.
  const double ma = 1.0 + (k & 127) / 128.0;
  const double mb = ma + 1.0 / 128.0;
  return std::ldexp(2.0 * ma * mb / (ma + mb), (k >> 7) - 1023);
}

void QuantileSketch::Store::grow(std::int32_t lo, std::int32_t hi) {
  if (counts.empty()) {
    offset = lo;
    counts.assign(static_cast<std::size_t>(hi - lo) + 1, 0);
    return;
  }
  const auto size = static_cast<std::int32_t>(counts.size());
  if (lo >= offset && hi < offset + size) return;
  // Grow with slack so that a stream of new extremes costs amortized O(1).
  const std::int32_t slack = std::max<std::int32_t>(16, size / 2);
  const std::int32_t new_lo = lo < offset ? std::max(0, lo - slack) : offset;
  const std::int32_t new_hi =
      hi >= offset + size ? std::min(kMaxKey, hi + slack) : offset + size - 1;
  std::vector<std::uint64_t> c(static_cast<std::size_t>(new_hi - new_lo) + 1, 0);
  std::copy(counts.begin(), counts.end(), c.begin() + (offset - new_lo));
  counts.swap(c);
  offset = new_lo;
}

void QuantileSketch::Store::add(std::int32_t k, std::uint64_t c) {
  grow(k, k);
  counts[static_cast<std::size_t>(k - offset)] += c;
}

void QuantileSketch::Store::merge(const Store& o) {
  std::int32_t first = -1;
  std::int32_t last = -1;
  for (std::size_t i = 0; i < o.counts.size(); ++i) {
    if (o.counts[i] != 0) {
      if (first < 0) first = static_cast<std::int32_t>(i);
      last = static_cast<std::int32_t>(i);
    }
  }
  if (first < 0) return;
  grow(o.offset + first, o.offset + last);
  for (std::int32_t i = first; i <= last; ++i)
    counts[static_cast<std::size_t>(o.offset + i - offset)] +=
        o.counts[static_cast<std::size_t>(i)];
}

namespace {
// Trimmed nonzero range [first, last] of counts, or first > last when empty.
std::pair<std::size_t, std::size_t> trimmed(const std::vector<std::uint64_t>& c) {
  std::size_t f = 0;
  while (f < c.size() && c[f] == 0) ++f;
  std::size_t l = c.size();
  while (l > f && c[l - 1] == 0) --l;
  return {f, l};  // half-open
}
}  // namespace

bool QuantileSketch::Store::operator==(const Store& o) const {
  const auto [f1, l1] = trimmed(counts);
  const auto [f2, l2] = trimmed(o.counts);
  if (l1 - f1 != l2 - f2) return false;
  if (l1 == f1) return true;
  if (offset + static_cast<std::int64_t>(f1) != o.offset + static_cast<std::int64_t>(f2))
    return false;
  return std::equal(counts.begin() + static_cast<std::ptrdiff_t>(f1),
                    counts.begin() + static_cast<std::ptrdiff_t>(l1),
                    o.counts.begin() + static_cast<std::ptrdiff_t>(f2));
}

void QuantileSketch::Store::serialize(ByteWriter& w) const {
  const auto [f, l] = trimmed(counts);
  w.i32(l == f ? 0 : offset + static_cast<std::int32_t>(f));
  w.u32(static_cast<std::uint32_t>(l - f));
  for (std::size_t i = f; i < l; ++i) w.u64(counts[i]);
}

QuantileSketch::Store QuantileSketch::Store::deserialize(ByteReader& r, std::uint64_t& total) {
  Store s;
  s.offset = r.i32();
  const std::uint32_t n = r.u32();
  if (n == 0 && s.offset != 0) r.fail("non-canonical empty sketch store");
  if (n > 0 &&
      (s.offset < 0 || s.offset > kMaxKey || n > static_cast<std::uint32_t>(kMaxKey - s.offset)))
    r.fail("sketch store key range out of bounds");
  r.need(n, 8, "sketch buckets");
  s.counts.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    s.counts[i] = r.u64();
    if ((i == 0 || i + 1 == n) && s.counts[i] == 0) r.fail("non-canonical sketch store");
    if (total + s.counts[i] < total) r.fail("sketch counts overflow");
    total += s.counts[i];
  }
  return s;
}

void QuantileSketch::add(double x) {
  if (!std::isfinite(x)) throw std::invalid_argument("QuantileSketch: non-finite value");
  const double a = std::fabs(x);
  if (a < kZeroThreshold) {
    ++zero_;
  } else if (x > 0) {
    pos_.add(key(a), 1);
  } else {
    neg_.add(key(a), 1);
  }
  ++n_;
  if (x < min_ || (x == min_ && std::signbit(x))) min_ = x;
  if (x > max_ || (x == max_ && !std::signbit(x))) max_ = x;
}

void QuantileSketch::merge(const QuantileSketch& o) {
  pos_.merge(o.pos_);
  neg_.merge(o.neg_);
  zero_ += o.zero_;
  n_ += o.n_;
  if (o.min_ < min_ || (o.min_ == min_ && std::signbit(o.min_))) min_ = o.min_;
  if (o.max_ > max_ || (o.max_ == max_ && !std::signbit(o.max_))) max_ = o.max_;
}

double QuantileSketch::quantile(double q) const {
  if (n_ == 0 || !(q >= 0.0 && q <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(n_ - 1)));
  if (rank == 0) return min_;
  if (rank >= n_ - 1) return max_;
  std::uint64_t seen = 0;
  double v = 0.0;
  bool found = false;
  // Ascending order: negatives by decreasing magnitude, zeros, positives.
  for (std::size_t i = neg_.counts.size(); i-- > 0 && !found;) {
    seen += neg_.counts[i];
    if (seen > rank) {
      v = -representative(neg_.offset + static_cast<std::int32_t>(i));
      found = true;
    }
  }
  if (!found) {
    seen += zero_;
    if (seen > rank) found = true;
  }
  for (std::size_t i = 0; i < pos_.counts.size() && !found; ++i) {
    seen += pos_.counts[i];
    if (seen > rank) {
      v = representative(pos_.offset + static_cast<std::int32_t>(i));
      found = true;
    }
  }
  return std::clamp(v, min_, max_);
}

bool QuantileSketch::operator==(const QuantileSketch& o) const {
  return n_ == o.n_ && zero_ == o.zero_ &&
         std::bit_cast<std::uint64_t>(min_) == std::bit_cast<std::uint64_t>(o.min_) &&
         std::bit_cast<std::uint64_t>(max_) == std::bit_cast<std::uint64_t>(o.max_) &&
         pos_ == o.pos_ && neg_ == o.neg_;
}

void QuantileSketch::serialize(ByteWriter& w) const {
  w.u64(n_);
  w.u64(zero_);
  w.f64(min_);
  w.f64(max_);
  pos_.serialize(w);
  neg_.serialize(w);
}

QuantileSketch QuantileSketch::deserialize(ByteReader& r) {
  QuantileSketch s;
  s.n_ = r.u64();
  s.zero_ = r.u64();
  s.min_ = r.f64();
  s.max_ = r.f64();
  std::uint64_t total = s.zero_;
  s.pos_ = Store::deserialize(r, total);
  s.neg_ = Store::deserialize(r, total);
  if (total != s.n_) r.fail("sketch bucket counts do not add up to its count");
  if (s.n_ == 0 ? !(std::isinf(s.min_) && s.min_ > 0 && std::isinf(s.max_) && s.max_ < 0)
                : !(std::isfinite(s.min_) && std::isfinite(s.max_) && s.min_ <= s.max_))
    r.fail("sketch min/max invalid");
  return s;
}

}  // namespace leadsim::stats
