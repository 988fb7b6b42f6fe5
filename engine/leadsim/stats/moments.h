// Moments: count, exact sums of x and x^2, min and max of finite values. Mergeable exactly
// (merge is associative and commutative bit for bit). Not thread-safe.
//
// Accuracy: mean() is the exact sum divided by n in double-double arithmetic, then rounded
// (within 1 ulp, almost always correctly rounded). variance() = (n S2 - S1^2) / (n (n-1)) from
// the exact sums S1 = sum x, S2 = sum x^2 (x^2 accumulated exactly): the numerator is formed
// exactly in big-integer arithmetic, so cancellation (mean >> spread) costs nothing; only the
// final division rounds (relative error < 1e-15, for any data). n = 0: mean, min,
// max NaN; n < 2: variance, std, sem NaN. All values equal: variance exactly 0.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "leadsim/stats/exact_sum.h"

namespace leadsim::stats {

// Double-double helpers (no FMA; -ffp-contract=off keeps them exact).
DoubleDouble dd_add(DoubleDouble a, DoubleDouble b);
DoubleDouble dd_sub(DoubleDouble a, DoubleDouble b);
DoubleDouble dd_mul(DoubleDouble a, DoubleDouble b);
DoubleDouble dd_div(DoubleDouble a, DoubleDouble b);

class Moments {
 public:
  // Adds a finite x (throws std::invalid_argument otherwise).
  void add(double x) {
    s1_.add(x);
    s2_.add_product(x, x);
    ++n_;
    // -0.0 orders below +0.0 so min/max do not depend on arrival order.
    if (x < min_ || (x == min_ && std::signbit(x))) min_ = x;
    if (x > max_ || (x == max_ && !std::signbit(x))) max_ = x;
  }
  void merge(const Moments& other);

  std::uint64_t count() const { return n_; }
  double min() const { return n_ == 0 ? kNaN : min_; }
  double max() const { return n_ == 0 ? kNaN : max_; }
  const ExactSum& sum() const { return s1_; }
  const ExactSum& sum_squares() const { return s2_; }
  double mean() const;
  double variance() const;
  double std() const;
  double sem() const;  // std / sqrt(n)

  bool operator==(const Moments& other) const;
  void serialize(ByteWriter& w) const;
  static Moments deserialize(ByteReader& r);  // FormatError when inconsistent

 private:
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t n_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  ExactSum s1_;
  ExactSum s2_;
};

}  // namespace leadsim::stats
