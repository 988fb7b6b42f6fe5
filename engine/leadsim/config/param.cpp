#include "leadsim/config/param.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "leadsim/core/error.h"

namespace leadsim::config {
namespace {

// Truncation by rejection must finish: a normal() that puts less than this share of its mass
// in the legal range would loop for ~1/share draws per value.
constexpr double kMinNormalMass = 1e-3;

std::string range_text(const ParamDef& def) {
  // Built by append: GCC 12 misreports "literal" + std::string as an overlapping memcpy.
  std::string s = "[";
  s.append(format_number(def.lo)).append(", ").append(format_number(def.hi)).append("]");
  if (def.integer) s.append(" (integer)");
  return s;
}

double normal_cdf(double x, double m, double s) {
  return 0.5 * std::erfc(-(x - m) / (s * std::sqrt(2.0)));
}

}  // namespace

DistSpec parse_value(const ParamDef& def, std::string_view text) {
  if (def.choices.empty()) return parse_dist(text);
  const std::string t(trim(text));
  if (t.find('(') != std::string::npos) {
    // A switch chooses a reading of the model for the whole run: it is never drawn.
    std::string indices;
    for (std::size_t c = 0; c < def.choices.size(); ++c) {
      indices += (c == 0 ? "" : ", ") + std::to_string(c);
    }
    throw ConfigError(def.section + "." + def.name + " = " + excerpt(t) +
                      ": a switch is fixed per run and cannot be drawn from a distribution; "
                      "compare its readings with [sweep] " +
                      def.name + " = list(" + indices + ")");
  }
  for (std::size_t c = 0; c < def.choices.size(); ++c) {
    if (t == def.choices[c] || t == std::to_string(c)) {
      return DistSpec::constant(static_cast<double>(c));
    }
  }
  std::string known;
  for (const auto& c : def.choices) known += (known.empty() ? "" : " | ") + c;
  const std::string near = closest(t, def.choices);
  throw ConfigError(def.section + "." + def.name + " = " + excerpt(t) + ": expected " + known +
                    (near.empty() ? std::string() : " (did you mean '" + near + "'?)"));
}

std::string value_text(const ParamDef& def, const DistSpec& spec) {
  if (def.choices.empty() || !spec.is_constant()) return spec.to_string();
  const double v = spec.value();
  if (v >= 0 && v < static_cast<double>(def.choices.size()) && std::floor(v) == v) {
    return def.choices[static_cast<std::size_t>(v)];
  }
  return spec.to_string();
}

void validate(const ParamDef& def, const DistSpec& spec, std::string_view text) {
  const std::string where = def.section + "." + def.name + " = " + std::string(trim(text)) + ": ";
  if (def.kind == ParamKind::kConstant && !spec.is_constant()) {
    if (!def.drawable || !def.choices.empty()) {
      throw ConfigError(where +
                        "a model constant takes a number, not a distribution (legal range " +
                        range_text(def) + ")");
    }
    // An integer constant (a period count, a period) is drawn as an integer, never rounded.
    const bool integer_valued = spec.kind == DistSpec::Kind::kIntUniform ||
                                spec.kind == DistSpec::Kind::kIntLogUniform ||
                                spec.kind == DistSpec::Kind::kChoice;
    if (def.integer && !integer_valued) {
      throw ConfigError(where +
                        "an integer constant takes an integer distribution (int_uniform, "
                        "int_loguniform or choice of integers), not a continuous one (legal "
                        "range " +
                        range_text(def) + ")");
    }
  }
  for (double v : spec.args) {
    if (!std::isfinite(v)) throw ConfigError(where + "not a finite number");
  }
  if (def.integer) {
    const bool listed = spec.is_constant() || spec.kind == DistSpec::Kind::kChoice;
    if (listed) {
      for (double v : spec.args) {
        if (std::floor(v) != v) {
          throw ConfigError(where + format_number(v) + " is not an integer (legal range " +
                            range_text(def) + ")");
        }
      }
    }
  }
  if (spec.kind == DistSpec::Kind::kNormal) {
    const double m = spec.args.at(0);
    const double s = spec.args.at(1);
    if (m < def.lo || m > def.hi) {
      throw ConfigError(where + "mean " + format_number(m) + " is outside the legal range " +
                        range_text(def));
    }
    // Integer parameters round before the range test, so the accepted band is half wider.
    const double pad = def.integer ? 0.5 : 0.0;
    const double mass = normal_cdf(def.hi + pad, m, s) - normal_cdf(def.lo - pad, m, s);
    if (!(mass >= kMinNormalMass)) {
      throw ConfigError(where + "only " + format_number(mass) +
                        " of its mass lies in the legal range " + range_text(def) +
                        "; truncation by rejection would not finish");
    }
    return;
  }
  const double lo = spec.support_min();
  const double hi = spec.support_max();
  if (lo < def.lo || hi > def.hi) {
    if (spec.is_constant()) {
      throw ConfigError(where + format_number(lo) + " is outside the legal range " +
                        range_text(def));
    }
    throw ConfigError(where + "support [" + format_number(lo) + ", " + format_number(hi) +
                      "] leaves the legal range " + range_text(def));
  }
}

std::string closest(std::string_view name, const std::vector<std::string>& candidates) {
  constexpr std::size_t kMaxEdits = 3;
  std::size_t best = kMaxEdits + 1;
  std::string best_name;
  // Optimal string alignment: Levenshtein plus transposition of adjacent characters.
  std::vector<std::vector<std::size_t>> d;
  for (const auto& c : candidates) {
    const std::size_t n = name.size();
    const std::size_t m = c.size();
    if ((n > m ? n - m : m - n) >= best) continue;
    d.assign(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
      for (std::size_t j = 1; j <= m; ++j) {
        const std::size_t cost = name[i - 1] == c[j - 1] ? 0 : 1;
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && name[i - 1] == c[j - 2] && name[i - 2] == c[j - 1]) {
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    if (d[n][m] < best) {
      best = d[n][m];
      best_name = c;
    }
  }
  return best_name;
}

}  // namespace leadsim::config
