// A parameter's value: a constant or a distribution spec (MODEL.md §2, readings §11.1).
//   constant            "0.7"
//   uniform(a,b)        U[a,b)
//   loguniform(a,b)     exp U[ln a, ln b),          0 < a <= b
//   int_uniform(a,b)    uniform integer in [a,b]
//   int_loguniform(a,b) floor(exp U[ln a, ln(b+1))) clipped to [a,b]
//   beta_mean(m,k)      Beta(m k, (1-m) k),         0 < m < 1, k > 0
//   normal(m,s)         N(m, s^2) truncated to the parameter's legal range by rejection
//   choice(v1,v2,...)   one of the values, equally likely
// An integer parameter given a continuous distribution is rounded (half away from zero).
// Thread safety: immutable after parsing; sample() is const.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/rng/distributions.h"

namespace leadsim::config {

struct DistSpec {
  enum class Kind {
    kConstant,
    kUniform,
    kLogUniform,
    kIntUniform,
    kIntLogUniform,
    kBetaMean,
    kNormal,
    kChoice
  };
  Kind kind = Kind::kConstant;
  std::vector<double> args;  // constant {v}; two-argument kinds {a, b}; choice {v1, ...}

  static DistSpec constant(double v) { return DistSpec{Kind::kConstant, {v}}; }
  bool is_constant() const { return kind == Kind::kConstant; }
  double value() const { return args.at(0); }  // constant only

  // Smallest and largest value the distribution can produce (normal: +-infinity).
  double support_min() const;
  double support_max() const;
  // Canonical text that parse_dist() accepts back ("uniform(0.3,0.8)", "4").
  std::string to_string() const;

  // One draw. [legal_lo, legal_hi] truncates normal(); integer rounds continuous kinds.
  template <class G>
  double sample(G& g, double legal_lo, double legal_hi, bool integer) const {
    double x = 0.0;
    switch (kind) {
      case Kind::kConstant:
        x = args[0];
        break;
      case Kind::kUniform:
        x = rng::uniform_real(g, args[0], args[1]);
        break;
      case Kind::kLogUniform:
        x = rng::loguniform(g, args[0], args[1]);
        break;
      case Kind::kIntUniform:
        return static_cast<double>(rng::uniform_int(g, static_cast<std::int64_t>(args[0]),
                                                    static_cast<std::int64_t>(args[1])));
      case Kind::kIntLogUniform: {
        const double v = std::floor(rng::loguniform(g, args[0], args[1] + 1.0));
        return std::fmin(std::fmax(v, args[0]), args[1]);
      }
      case Kind::kBetaMean:
        x = rng::beta_mean(g, args[0], args[1]);
        break;
      case Kind::kNormal:
        do {
          x = rng::normal(g, args[0], args[1]);
          if (integer) x = std::round(x);
        } while (x < legal_lo || x > legal_hi);
        return x;
      case Kind::kChoice:
        x = args[rng::uniform_index(g, args.size())];
        break;
    }
    return integer ? std::round(x) : x;
  }
};

// Parses a value as written in a configuration file. Throws ConfigError naming the text and
// what is wrong ("uniform(2,1): lower bound 2 exceeds upper bound 1").
DistSpec parse_dist(std::string_view text);

// A finite double from its decimal text ("0.7", "-1e-3", "+2"). NaN, infinities and values out
// of double range are errors. Throws ConfigError quoting `context` (the whole value, already
// cut by excerpt(); the token itself, cut, when empty).
double parse_number(std::string_view token, std::string_view context = {});

// Shortest text that parses back to exactly v (std::to_chars): "0.1", "1e+20", "-0".
std::string format_number(double v);

// s without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);

// The most values one sweep axis may have (list or linspace).
inline constexpr std::size_t kMaxAxisPoints = 1000000;

// A sweep axis: "linspace(a,b,n)" (n >= 2 points, a and b included; n = 1 gives a) or
// "list(v1,v2,...)". Throws ConfigError on bad syntax or an empty list. linspace values are
// a + i (b - a) / (n - 1), the last exactly b; at most 10^6 points per axis.
std::vector<double> parse_axis(std::string_view text);

}  // namespace leadsim::config
