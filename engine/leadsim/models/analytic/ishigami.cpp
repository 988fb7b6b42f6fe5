// The Ishigami function (Ishigami & Homma 1990) as a model: `[run] model = ishigami`
// (analytic.h, docs/ANALYTIC_MODELS.md).
#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <span>
#include <utility>

#include "leadsim/models/analytic/analytic.h"
#include "leadsim/models/analytic/spec.h"

namespace leadsim::analytic {
namespace {

using config::ParamDef;
using config::ParamKind;

constexpr double kPi = std::numbers::pi;
// uniform(-pi, pi) as config::DistSpec::to_string writes it (the shortest round-trip text).
constexpr const char* kDefaultInput = "uniform(-3.141592653589793,3.141592653589793)";

ParamDef input(const char* name, const char* meaning) {
  return {name, "org", "", "1", meaning, -kPi, kPi, false, ParamKind::kOrg, kDefaultInput};
}

double f(std::span<const double> x, std::span<const double> c) {
  return ishigami(x[0], x[1], x[2], c[0], c[1]);
}

// |sin x1 (1 + b x3^4)| <= G = max over the x3 box of |1 + b x3^4| (at an end of the x3^4
// range), and a sin^2 x2 lies between 0 and a: y in [-G + min(0, a), G + max(0, a)], widened
// to whole numbers ([-11, 18] for the defaults).
std::pair<double, double> range(std::span<const double> lo, std::span<const double> hi,
                                std::span<const double> c) {
  const double a = c[0];
  const double b = c[1];
  const double l4 = std::pow(lo[2], 4.0);
  const double h4 = std::pow(hi[2], 4.0);
  const double t_min = (lo[2] <= 0.0 && hi[2] >= 0.0) ? 0.0 : std::fmin(l4, h4);
  const double t_max = std::fmax(l4, h4);
  const double g = std::fmax(std::fabs(1.0 + b * t_min), std::fabs(1.0 + b * t_max));
  return {std::floor(-g + std::fmin(0.0, a)), std::ceil(g + std::fmax(0.0, a))};
}

const detail::Spec& spec() {
  static const detail::Spec s{
      kIshigamiName,
      "the Ishigami function sin x1 + a sin^2 x2 + b x3^4 sin x1, a test of global sensitivity "
      "analysis with closed-form Sobol' indices (docs/ANALYTIC_MODELS.md)",
      kIshigamiPurpose,
      {input("x1", "input x1 (sin x1, and the interaction with x3)"),
       input("x2", "input x2 (a sin^2 x2)"),
       input("x3", "input x3 (only through b x3^4 sin x1)"),
       {"a", "model", "", "1", "weight of sin^2 x2", -100, 100, false, ParamKind::kConstant, "7"},
       {"b", "model", "", "1", "weight of the interaction x3^4 sin x1", -10, 10, false,
        ParamKind::kConstant, "0.1"}},
      3,
      "sin x1 + a sin^2 x2 + b x3^4 sin x1",
      &f,
      &range,
  };
  return s;
}

}  // namespace

double ishigami(double x1, double x2, double x3, double a, double b) {
  const double s1 = std::sin(x1);
  const double s2 = std::sin(x2);
  return s1 + a * s2 * s2 + b * (x3 * x3) * (x3 * x3) * s1;
}

const port::ModelFactory& ishigami_factory() {
  static const std::unique_ptr<port::ModelFactory> factory = detail::make_factory(spec());
  return *factory;
}

}  // namespace leadsim::analytic
