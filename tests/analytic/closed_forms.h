// Exact mean, variance and Sobol' indices of the analytic models (docs/ANALYTIC_MODELS.md),
// for tests of sensitivity estimators: `#include "analytic/closed_forms.h"` from any test
// (tests/ is on every test's include path). Header-only, standard library only.
//
// Both assume the default input distributions: Ishigami x1, x2, x3 ~ U(-pi, pi), Sobol' G
// x_i ~ U(0, 1), all independent. tests/analytic/closed_forms_test.cpp checks every formula
// here against brute-force Monte Carlo of the models' own functions.
#pragma once

#include <cstddef>
#include <numbers>
#include <span>
#include <vector>

namespace leadsim::analytic::closed {

struct Indices {
  double mean = 0.0;
  double variance = 0.0;        // V = Var y
  std::vector<double> first;    // S_i = V_i / V, i = 1..k
  std::vector<double> total;    // S_Ti = (V - Var E[y | x_~i]) / V
  std::vector<double> partial;  // V_i (first-order partial variances)
};

// Ishigami y = sin x1 + a sin^2 x2 + b x3^4 sin x1 (Ishigami & Homma 1990; Sobol' & Levitan
// 1999): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8,
// V3 = 0, and one interaction V13 = b^2 pi^8 (1/18 - 1/50); S_T1 = (V1 + V13)/V,
// S_T2 = V2/V, S_T3 = V13/V. Mean a/2.
inline Indices ishigami(double a, double b) {
  constexpr double pi = std::numbers::pi;
  const double pi4 = pi * pi * pi * pi;
  const double pi8 = pi4 * pi4;
  const double v1 = 0.5 * (1.0 + b * pi4 / 5.0) * (1.0 + b * pi4 / 5.0);
  const double v2 = a * a / 8.0;
  const double v3 = 0.0;
  const double v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
  const double v = a * a / 8.0 + b * pi4 / 5.0 + b * b * pi8 / 18.0 + 0.5;
  Indices r;
  r.mean = a / 2.0;
  r.variance = v;
  r.partial = {v1, v2, v3};
  r.first = {v1 / v, v2 / v, v3 / v};
  r.total = {(v1 + v13) / v, v2 / v, v13 / v};
  return r;
}

// Ishigami's interaction variance V13 (the only non-zero higher-order term).
inline double ishigami_v13(double b) {
  constexpr double pi = std::numbers::pi;
  const double pi4 = pi * pi * pi * pi;
  return b * b * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
}

// Sobol' G y = prod_i (|4 x_i - 2| + a_i)/(1 + a_i) (Saltelli & Sobol' 1995): each factor has
// mean 1 and variance V_i = 1/(3 (1 + a_i)^2); V = prod_i (1 + V_i) - 1, S_i = V_i / V,
// S_Ti = V_i prod_{j != i} (1 + V_j) / V. Mean 1.
inline Indices sobol_g(std::span<const double> a) {
  const std::size_t k = a.size();
  std::vector<double> vi(k);
  double prod = 1.0;
  for (std::size_t i = 0; i < k; ++i) {
    vi[i] = 1.0 / (3.0 * (1.0 + a[i]) * (1.0 + a[i]));
    prod *= 1.0 + vi[i];
  }
  Indices r;
  r.mean = 1.0;
  r.variance = prod - 1.0;
  r.partial = vi;
  for (std::size_t i = 0; i < k; ++i) {
    double others = 1.0;
    for (std::size_t j = 0; j < k; ++j) {
      if (j != i) others *= 1.0 + vi[j];
    }
    r.first.push_back(vi[i] / r.variance);
    r.total.push_back(vi[i] * others / r.variance);
  }
  return r;
}

// The defaults of the models' [model] constants.
inline constexpr double kIshigamiA = 7.0;
inline constexpr double kIshigamiB = 0.1;
inline constexpr double kSobolGA[8] = {0, 1, 4.5, 9, 99, 99, 99, 99};

}  // namespace leadsim::analytic::closed
