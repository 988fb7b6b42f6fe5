// QuantileSketch: a mergeable quantile summary with integer counts only, so merge() is exact,
// associative and commutative bit for bit (DDSketch-style, Masson et al. 2019, with the
// linearly interpolated log mapping).
//
// Buckets: |x| < 1e-9 goes to one zero bucket (representative 0). Otherwise |x| is keyed by
// its exponent and top 7 mantissa bits (key = bits(|x|) >> 45): bucket [a, b) with
// b/a <= 1 + 1/128, representative r = 2ab/(a+b); positive and negative values have separate
// stores. Every value in a bucket is within relative (b-a)/(a+b) <= 1/257 < alpha = 0.005 of r.
//
// quantile(q) uses the lower rank convention: the order statistic of 0-based rank
// floor(q * (n - 1)) of the values added; it returns that value's bucket representative,
// clamped to [min, max] (ranks 0 and n-1 return min and max exactly). ERROR BOUND: |quantile(q) -
// x_(floor(q(n-1)))| <= alpha * |x| + 1e-9 with alpha = 0.005 (guaranteed 1/257 + 1e-15 above 1e-9,
// absolute 1e-9 below). Memory: one u64 per bucket between the smallest and largest key seen (128
// per binade). Not thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace leadsim::stats {

class ByteWriter;
class ByteReader;

class QuantileSketch {
 public:
  static constexpr double kAlpha = 0.005;
  static constexpr double kZeroThreshold = 1e-9;

  // Adds a finite x (NaN/inf: std::invalid_argument).
  void add(double x);
  void merge(const QuantileSketch& other);
  std::uint64_t count() const { return n_; }
  // q in [0, 1]; NaN when empty or q is outside [0, 1].
  double quantile(double q) const;
  double min() const { return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : min_; }
  double max() const { return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : max_; }

  bool operator==(const QuantileSketch& o) const;
  void serialize(ByteWriter& w) const;
  static QuantileSketch deserialize(ByteReader& r);

  // Bucket key of |x| >= kZeroThreshold and its representative (exposed for tests).
  static std::int32_t key(double abs_x);
  static double representative(std::int32_t key);

 private:
  struct Store {
    std::int32_t offset = 0;
    std::vector<std::uint64_t> counts;
    void add(std::int32_t key, std::uint64_t c);
    void grow(std::int32_t lo, std::int32_t hi);  // make [lo, hi] addressable
    void merge(const Store& o);
    bool operator==(const Store& o) const;
    void serialize(ByteWriter& w) const;
    static Store deserialize(ByteReader& r, std::uint64_t& total);
  };
  Store pos_;
  Store neg_;
  std::uint64_t zero_ = 0;
  std::uint64_t n_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace leadsim::stats
