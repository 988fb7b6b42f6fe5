// Two analytic test models of global sensitivity analysis (docs/ANALYTIC_MODELS.md): functions
// y = f(x) of a few inputs whose Sobol' indices are known in closed form, for checking the
// estimators of a [sensitivity] study against exact answers.
//
//   ishigami  `[run] model = ishigami`: y = sin x1 + a sin^2 x2 + b x3^4 sin x1
//             [org] x1, x2, x3 in [-pi, pi], default uniform(-pi, pi); [model] a = 7, b = 0.1
//   sobol_g   `[run] model = sobol_g`: y = prod_i (|4 x_i - 2| + a_i) / (1 + a_i)
//             [org] x1..x8 in [0, 1], default uniform(0, 1); [model] a1..a8 = 0, 1, 4.5, 9,
//             99, 99, 99, 99
//
// Each has one variant, "model" (also the baseline), one metric y (direction none) and the
// inputs as record fields. An organization is one evaluation of f: it draws each input once
// and nothing else (Model::stochastic() is false). The factors of a configuration are the
// inputs it gives a distribution (not a constant, not swept), in registry order.
//
// Randomness. Input q (name "xq") of model M draws from
//     rng::Stream(seed, k, rng::tag(purpose(M), rng::name_id("xq")), sub)
// with k and sub:
//   organization k's own draw           k = org,          sub = kOrgSub (0)
//   design point j, sample matrix m     k = j (point),    sub = factor_sub(m) = 1 + m
// never keyed by scenario or by draw order: organization k has the same inputs in every
// scenario, and one input's distribution does not move another's draws. The factor draws
// (Simulator::draw_factors) use subs no organization uses. Part of the replay contract: never
// renumber.
#pragma once

#include <cstdint>
#include <span>

#include "leadsim/port/model.h"

namespace leadsim::analytic {

inline constexpr const char* kIshigamiName = "ishigami";
inline constexpr const char* kSobolGName = "sobol_g";
// The single variant (mode) of both models, also their baseline.
inline constexpr const char* kVariant = "model";

// The purpose numbers (rng::tag) of the two models' input streams.
inline constexpr std::uint32_t kIshigamiPurpose = 12;
inline constexpr std::uint32_t kSobolGPurpose = 13;
// The sub of an organization's input draw, and of design point j's draw for sample matrix m.
inline constexpr std::uint64_t kOrgSub = 0;
constexpr std::uint64_t factor_sub(unsigned matrix) {
  return 1 + static_cast<std::uint64_t>(matrix);
}

// The factories named "ishigami" and "sobol_g". Static objects; thread-safe.
const port::ModelFactory& ishigami_factory();
const port::ModelFactory& sobol_g_factory();

// The model functions, exactly as the simulators evaluate them.
// sin x1 + a sin^2 x2 + b x3^4 sin x1, evaluated as s1 + a*s2*s2 + b*(x3*x3)*(x3*x3)*s1.
double ishigami(double x1, double x2, double x3, double a, double b);
// prod_i (|4 x_i - 2| + a_i) / (1 + a_i), i in order; x and a of equal size.
double sobol_g(std::span<const double> x, std::span<const double> a);

}  // namespace leadsim::analytic
