#include "inspect_sensitivity.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace leadsim::cli {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double at(const std::vector<double>& v, std::size_t i) {
  return i < v.size() ? v[i] : kNaN;
}

std::uint64_t at(const std::vector<std::uint64_t>& v, std::size_t i) {
  return i < v.size() ? v[i] : 0;
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

// One column of "0.558 [0.501, 0.612]" cells (x [lo, hi] per row), each number right-aligned
// in its field so that the points and the interval ends line up whatever their signs; "x"
// alone without bootstrap intervals, "-" for NaN.
std::vector<std::string> index_column(const std::vector<double>& x, const std::vector<double>& lo,
                                      const std::vector<double>& hi) {
  std::vector<std::string> sx, slo, shi;
  std::size_t wx = 0, wlo = 0, whi = 0;
  bool intervals = false;
  for (std::size_t r = 0; r < x.size(); ++r) {
    sx.push_back(format_fixed(x[r], 3));
    slo.push_back(format_fixed(lo[r], 3));
    shi.push_back(format_fixed(hi[r], 3));
    wx = std::max(wx, sx.back().size());
    wlo = std::max(wlo, slo.back().size());
    whi = std::max(whi, shi.back().size());
    intervals = intervals || !std::isnan(lo[r]) || !std::isnan(hi[r]);
  }
  std::vector<std::string> out;
  for (std::size_t r = 0; r < x.size(); ++r) {
    std::string cell = pad_left(sx[r], wx);
    if (intervals) cell += " [" + pad_left(slo[r], wlo) + ", " + pad_left(shi[r], whi) + "]";
    out.push_back(std::move(cell));
  }
  return out;
}

std::string method_text(const std::string& method) {
  return method == "sobol" ? "Sobol'" : method;
}

// "95%", "90%", "99.5%".
std::string percent_text(double level) {
  return format_number(level * 100.0, 4) + "%";
}

std::string design_text(const io::SensitivityTables& t) {
  std::string out = method_text(t.method) + ", " + with_commas(t.base_samples) + " base samples, ";
  if (t.bootstrap == 0) return out + "no bootstrap intervals";
  return out + with_commas(t.bootstrap) + " bootstrap resamples, " + percent_text(t.confidence) +
         " intervals";
}

// Factor indices by decreasing total index (NaN last, ties in file order).
std::vector<std::size_t> ranked(const io::SensitivityTables& t, std::size_t row) {
  const std::size_t F = t.factors.size();
  std::vector<std::size_t> order(F);
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto key = [&](std::size_t f) {
    const double v = at(t.total, row * F + f);
    return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
  return order;
}

void json_strings(JsonWriter& j, const char* name, const std::vector<std::string>& v) {
  j.key(name).begin_array();
  for (const auto& s : v) j.value(s);
  j.end_array();
}

// v[S, O, inner] as nested arrays; inner = 0 for v[S, O].
template <class T>
void json_nested(JsonWriter& j, const char* name, const std::vector<T>& v, std::size_t S,
                 std::size_t O, std::size_t inner) {
  j.key(name).begin_array();
  for (std::size_t s = 0; s < S; ++s) {
    j.begin_array();
    for (std::size_t o = 0; o < O; ++o) {
      if (inner == 0) {
        j.value(at(v, s * O + o));
        continue;
      }
      j.begin_array();
      for (std::size_t f = 0; f < inner; ++f) j.value(at(v, (s * O + o) * inner + f));
      j.end_array();
    }
    j.end_array();
  }
  j.end_array();
}

}  // namespace

std::string scenario_heading(const io::ResultsMeta& meta, std::uint64_t s) {
  std::string t = "scenario " + std::to_string(s);
  std::string vals;
  for (std::size_t a = 0; a < meta.sweep_params.size(); ++a) {
    const double v = a < meta.scenario_values.size() && s < meta.scenario_values[a].size()
                         ? meta.scenario_values[a][s]
                         : kNaN;
    vals += (vals.empty() ? "" : ", ") + meta.sweep_params[a] + " = " + format_number(v, 6);
  }
  if (!vals.empty()) t += "  (" + vals + ")";
  return t;
}

void print_sensitivity_text(std::ostream& os, const io::ResultsMeta& meta,
                            const io::SensitivityTables& t, bool all_factors) {
  const std::size_t O = t.outputs.size(), F = t.factors.size();
  os << "\nsensitivity (" << design_text(t) << ")\n";
  std::string factors;
  for (const auto& f : t.factors) factors += (factors.empty() ? "" : ", ") + f;
  os << "factors:        " << factors;
  if (t.noise) {
    os << " (noise: the simulation's own randomness and every factor not analysed)";
  }
  os << '\n' << "ranked by:      the total index ST, largest first; S1: the first-order index";
  if (t.bootstrap > 0) os << "; [lo, hi]: bootstrap percentile interval";
  os << '\n';
  for (std::uint64_t s = 0; s < t.scenarios; ++s) {
    os << '\n' << scenario_heading(meta, s) << '\n';
    for (std::size_t o = 0; o < O; ++o) {
      const std::size_t row = s * O + o;
      os << "  " << t.outputs[o];
      if (o < t.output_units.size() && !t.output_units[o].empty()) {
        os << " [" << t.output_units[o] << "]";
      }
      os << ": sum S1 " << format_fixed(at(t.sum_first, row), 3) << ", sum ST "
         << format_fixed(at(t.sum_total, row), 3);
      const std::uint64_t used = at(t.used, row);
      if (used < t.base_samples) {
        os << "; base samples used " << with_commas(used) << " of " << with_commas(t.base_samples);
      }
      os << '\n';
      bool any = false;
      for (std::size_t f = 0; f < F; ++f) any = any || !std::isnan(at(t.total, row * F + f));
      if (!any) {
        os << "    no indices: fewer than 2 base samples with every value finite, or no "
              "variance\n";
        continue;
      }
      const auto order = ranked(t, row);
      const std::size_t shown = all_factors ? F : std::min(F, kTopFactors);
      // The shown rows' ST, its interval ends, S1, its interval ends.
      const std::vector<double>* src[] = {&t.total, &t.total_low, &t.total_high,
                                          &t.first, &t.first_low, &t.first_high};
      std::vector<std::vector<double>> col(std::size(src));
      for (std::size_t r = 0; r < shown; ++r) {
        for (std::size_t c = 0; c < std::size(src); ++c) {
          col[c].push_back(at(*src[c], row * F + order[r]));
        }
      }
      const auto st = index_column(col[0], col[1], col[2]);
      const auto s1 = index_column(col[3], col[4], col[5]);
      Table table({"factor", "ST", "S1"});
      for (std::size_t r = 0; r < shown; ++r) table.add_row({t.factors[order[r]], st[r], s1[r]});
      table.print(os, "    ");
      if (shown < F) os << "    (" << F - shown << " more; inspect --all-factors)\n";
    }
  }
}

void print_sensitivity_json(JsonWriter& j, const io::SensitivityTables& t) {
  const std::size_t S = t.scenarios, O = t.outputs.size(), F = t.factors.size();
  j.key("sensitivity").begin_object();
  j.key("method").value(t.method);
  j.key("estimators").value(t.estimators);
  j.key("base_samples").value(t.base_samples);
  j.key("bootstrap_resamples").value(static_cast<std::uint64_t>(t.bootstrap));
  j.key("confidence_level").value(t.confidence);
  j.key("noise_factor");
  if (t.noise && F > 0) {
    j.value(t.factors.back());
  } else {
    j.null();
  }
  j.key("scenarios").value(static_cast<std::uint64_t>(S));
  json_strings(j, "factors", t.factors);
  json_strings(j, "outputs", t.outputs);
  json_strings(j, "output_units", t.output_units);
  json_nested(j, "first_order", t.first, S, O, F);
  json_nested(j, "first_order_ci_low", t.first_low, S, O, F);
  json_nested(j, "first_order_ci_high", t.first_high, S, O, F);
  json_nested(j, "total", t.total, S, O, F);
  json_nested(j, "total_ci_low", t.total_low, S, O, F);
  json_nested(j, "total_ci_high", t.total_high, S, O, F);
  json_nested(j, "mean", t.mean, S, O, 0);
  json_nested(j, "variance", t.variance, S, O, 0);
  json_nested(j, "sum_first_order", t.sum_first, S, O, 0);
  json_nested(j, "sum_total", t.sum_total, S, O, 0);
  json_nested(j, "base_samples_used", t.used, S, O, 0);
  j.end_object();
}

}  // namespace leadsim::cli
