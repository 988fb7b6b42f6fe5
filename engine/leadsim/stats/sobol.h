// Sobol' indices of one output from a Saltelli design, with a noise factor and bootstrap
// confidence intervals (docs/SENSITIVITY.md). Model-neutral: the caller lays out each base
// sample's output values at the design points; nothing here knows what a factor is.
//
// Design points of base sample j (columns of SobolInput::values, row j):
//   0        f(A_j)
//   1        f(B_j)
//   2 + i    f(A_B^(i)_j): A_j with factor i taken from B_j       (i < k)
//   2 + k    f(A_j with the simulation noise redrawn)              (only with `noise`)
// A_j, B_j and every A_B^(i)_j share the noise of base sample j.
//
// Estimators, on values centred by the mean of the f(A) and f(B) values:
//   V      = mean of (f(A)^2 + f(B)^2) / 2                          (the variance of f)
//   S_i    = mean of f(B) (f(A_B^(i)) - f(A)) / V                   Saltelli et al. (2010)
//   ST_i   = mean of (f(A) - f(A_B^(i)))^2 / (2 V)                  Jansen (1999)
//   S_noise  = mean of f(B) (f(A) - f(A_noise)) / V   (B shares only the noise with A, nothing
//                                                      with A_noise)
//   ST_noise = mean of (f(A) - f(A_noise))^2 / (2 V)
// Every sum is exact (ExactSum of exact products of once-rounded differences), so the result
// depends only on the values and their order is irrelevant. A base sample with a non-finite
// value at any point is left out of this output (counted in `used`).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace leadsim::stats {

struct SobolInput {
  std::span<const double> values;  // [n, points()] row-major
  std::size_t n = 0;               // base samples
  std::size_t k = 0;               // factors
  bool noise = false;              // a last column with the noise redrawn
  std::size_t points() const { return k + 2 + (noise ? 1 : 0); }
};

// Percentile bootstrap over base samples: resample r draws n base samples with replacement
// from Stream(seed, key, tag(kBootstrapPurpose, 0), r), the same for every output that shares
// (seed, key). 0 resamples: no intervals (NaN).
struct SobolBootstrap {
  unsigned resamples = 0;
  double confidence = 0.95;
  std::uint64_t seed = 0;
  std::uint64_t key = 0;
};

struct SobolIndices {
  // [k + noise]: the factors, then the noise factor.
  std::vector<double> first, total;
  std::vector<double> first_low, first_high, total_low, total_high;  // NaN without bootstrap
  double mean = 0.0;                        // of the f(A) and f(B) values used
  double variance = 0.0;                    // V
  std::uint64_t used = 0;                   // base samples with every value finite
  double sum_first = 0.0, sum_total = 0.0;  // sums over every factor, noise included
};

// The indices of one output. Throws std::invalid_argument when values.size() != n * points().
// Fewer than 2 usable base samples, or V = 0, give NaN indices.
SobolIndices sobol_indices(const SobolInput& in, const SobolBootstrap& boot);

}  // namespace leadsim::stats
