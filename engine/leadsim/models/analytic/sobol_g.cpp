// The Sobol' G function (Sobol' 1993; Saltelli & Sobol' 1995) as a model:
// `[run] model = sobol_g` (analytic.h, docs/ANALYTIC_MODELS.md).
#include <cmath>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/models/analytic/analytic.h"
#include "leadsim/models/analytic/spec.h"

namespace leadsim::analytic {
namespace {

using config::ParamDef;
using config::ParamKind;

constexpr std::size_t kInputs = 8;
constexpr const char* kDefaultA[kInputs] = {"0", "1", "4.5", "9", "99", "99", "99", "99"};

double f(std::span<const double> x, std::span<const double> c) {
  return sobol_g(x, c);
}

// Factor i, g_i = (|4 x_i - 2| + a_i) / (1 + a_i), is increasing in |4 x_i - 2|, whose range
// over [lo_i, hi_i] is [0 if the box holds 1/2 else the smaller end, the larger end]. Every
// g_i >= 0 (a_i >= 0), so y lies between the products of the ends.
std::pair<double, double> range(std::span<const double> lo, std::span<const double> hi,
                                std::span<const double> a) {
  double y_lo = 1.0;
  double y_hi = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double dl = std::fabs(4.0 * lo[i] - 2.0);
    const double dh = std::fabs(4.0 * hi[i] - 2.0);
    const double d_min = (lo[i] <= 0.5 && hi[i] >= 0.5) ? 0.0 : std::fmin(dl, dh);
    const double d_max = std::fmax(dl, dh);
    y_lo *= (d_min + a[i]) / (1.0 + a[i]);
    y_hi *= (d_max + a[i]) / (1.0 + a[i]);
  }
  // Widened to tenths: [0, 4.1] for the defaults.
  return {std::floor(y_lo * 10.0) / 10.0, std::ceil(y_hi * 10.0) / 10.0};
}

std::vector<ParamDef> params() {
  std::vector<ParamDef> p;
  for (std::size_t i = 1; i <= kInputs; ++i) {
    std::string x = "x";  // not "x" + to_string(i): GCC 12 warns -Wrestrict on that
    x += std::to_string(i);
    std::string meaning = "input ";
    meaning += x;
    meaning += " (factor ";
    meaning += std::to_string(i);
    meaning += " of the product)";
    p.push_back({x, "org", "", "1", meaning, 0, 1, false, ParamKind::kOrg, "uniform(0,1)"});
  }
  for (std::size_t i = 1; i <= kInputs; ++i) {
    std::string a = "a";
    a += std::to_string(i);
    std::string meaning = "importance of x";
    meaning += std::to_string(i);
    meaning += ": 0 most important, large values make it negligible";
    p.push_back(
        {a, "model", "", "1", meaning, 0, 1e6, false, ParamKind::kConstant, kDefaultA[i - 1]});
  }
  return p;
}

const detail::Spec& spec() {
  static const detail::Spec s{
      kSobolGName,
      "the Sobol' G function prod_i (|4 x_i - 2| + a_i) / (1 + a_i) of 8 inputs, a test of "
      "global sensitivity analysis with closed-form Sobol' indices (docs/ANALYTIC_MODELS.md)",
      kSobolGPurpose,
      params(),
      kInputs,
      "prod_i (|4 x_i - 2| + a_i) / (1 + a_i)",
      &f,
      &range,
  };
  return s;
}

}  // namespace

double sobol_g(std::span<const double> x, std::span<const double> a) {
  double y = 1.0;
  for (std::size_t i = 0; i < x.size(); ++i)
    y *= (std::fabs(4.0 * x[i] - 2.0) + a[i]) / (1.0 + a[i]);
  return y;
}

const port::ModelFactory& sobol_g_factory() {
  static const std::unique_ptr<port::ModelFactory> factory = detail::make_factory(spec());
  return *factory;
}

}  // namespace leadsim::analytic
