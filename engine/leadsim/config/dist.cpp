#include "leadsim/config/dist.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "leadsim/config/param.h"

namespace leadsim::config {
namespace {

// Integers beyond 2^53 are not exactly representable: int_* bounds and counts stop there.
constexpr double kMaxExactInteger = 9007199254740992.0;

struct Call {
  std::string_view name;  // empty for a bare constant
  std::vector<std::string_view> args;
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Splits "name(a, b)" into its name and trimmed arguments; a text without '(' is a constant.
Call split_call(std::string_view text, std::string_view quoted) {
  Call call;
  const auto open = text.find('(');
  if (open == std::string_view::npos) {
    call.args.push_back(text);
    return call;
  }
  call.name = trim(text.substr(0, open));
  if (call.name.empty()) {
    throw ConfigError(std::string(quoted) + ": missing distribution name before '('");
  }
  for (char c : call.name) {
    if (!is_name_char(c) && !(c >= 'A' && c <= 'Z')) {
      throw ConfigError(std::string(quoted) + ": '" + std::string(call.name) +
                        "' is not a distribution name");
    }
  }
  if (text.back() != ')') {
    throw ConfigError(std::string(quoted) + ": expected ')' at the end");
  }
  const std::string_view inner = text.substr(open + 1, text.size() - open - 2);
  if (inner.find_first_of("()") != std::string_view::npos) {
    throw ConfigError(std::string(quoted) + ": unexpected parenthesis inside the arguments");
  }
  if (trim(inner).empty()) return call;
  std::size_t start = 0;
  for (;;) {
    const auto comma = inner.find(',', start);
    const auto arg = trim(inner.substr(start, comma - start));
    if (arg.empty()) throw ConfigError(std::string(quoted) + ": empty argument");
    call.args.push_back(arg);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return call;
}

struct KindName {
  std::string_view name;
  DistSpec::Kind kind;
};
constexpr std::array<KindName, 7> kKinds = {{
    {"uniform", DistSpec::Kind::kUniform},
    {"loguniform", DistSpec::Kind::kLogUniform},
    {"int_uniform", DistSpec::Kind::kIntUniform},
    {"int_loguniform", DistSpec::Kind::kIntLogUniform},
    {"beta_mean", DistSpec::Kind::kBetaMean},
    {"normal", DistSpec::Kind::kNormal},
    {"choice", DistSpec::Kind::kChoice},
}};

std::string_view kind_name(DistSpec::Kind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "constant";
}

[[noreturn]] void unknown_name(std::string_view name, std::string_view quoted,
                               const std::vector<std::string>& known, std::string_view what) {
  std::string msg =
      std::string(quoted) + ": unknown " + std::string(what) + " '" + std::string(name) + "' (";
  const std::string suggestion = closest(name, known);
  if (!suggestion.empty()) msg += "did you mean '" + suggestion + "'?; ";
  msg += "known: ";
  for (std::size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : "") + known[i];
  throw ConfigError(msg + ")");
}

std::vector<double> numbers(const Call& call, std::string_view quoted) {
  std::vector<double> out;
  out.reserve(call.args.size());
  for (auto a : call.args) out.push_back(parse_number(a, quoted));
  return out;
}

void expect_args(const Call& call, std::size_t n, std::string_view quoted) {
  if (call.args.size() != n) {
    throw ConfigError(std::string(quoted) + ": " + std::string(call.name) + " takes " +
                      std::to_string(n) + " arguments, got " + std::to_string(call.args.size()));
  }
}

bool is_integer(double v) {
  return std::floor(v) == v && std::fabs(v) <= kMaxExactInteger;
}

}  // namespace

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
}

double parse_number(std::string_view token, std::string_view context) {
  // The context (a whole list, perhaps) is copied only into an error message: copying it for
  // every number made parsing a list quadratic in its length.
  // The context comes cut already (an excerpt of a value): cutting it again would name the
  // excerpt's length instead of the value's.
  const auto quoted = [&] { return context.empty() ? excerpt(token) : std::string(context); };
  std::string_view t = trim(token);
  if (t.empty()) throw ConfigError(quoted() + ": expected a number, got nothing");
  std::string_view digits = t;
  // from_chars rejects a leading '+', which people write ("+0.5"); allow one.
  if (digits.front() == '+' && digits.size() > 1 && digits[1] != '-') digits.remove_prefix(1);
  double v = 0.0;
  const auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    throw ConfigError(quoted() + ": '" + excerpt(t) + "' is out of the range of a double");
  }
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    throw ConfigError(quoted() + ": '" + excerpt(t) + "' is not a number");
  }
  if (!std::isfinite(v)) {
    throw ConfigError(quoted() + ": '" + excerpt(t) + "' is not a finite number");
  }
  return v;
}

std::string format_number(double v) {
  std::array<char, 32> buf{};
  const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  if (ec != std::errc()) return "nan";  // unreachable: 32 chars hold any shortest double
  return std::string(buf.data(), ptr);
}

double DistSpec::support_min() const {
  switch (kind) {
    case Kind::kBetaMean:
      return 0.0;
    case Kind::kNormal:
      return -std::numeric_limits<double>::infinity();
    case Kind::kChoice: {
      double m = args.at(0);
      for (double v : args) m = std::fmin(m, v);
      return m;
    }
    default:
      return args.at(0);
  }
}

double DistSpec::support_max() const {
  switch (kind) {
    case Kind::kConstant:
      return args.at(0);
    case Kind::kBetaMean:
      return 1.0;
    case Kind::kNormal:
      return std::numeric_limits<double>::infinity();
    case Kind::kChoice: {
      double m = args.at(0);
      for (double v : args) m = std::fmax(m, v);
      return m;
    }
    default:
      return args.at(1);
  }
}

std::string DistSpec::to_string() const {
  if (kind == Kind::kConstant) return format_number(args.at(0));
  std::string s(kind_name(kind));
  s += '(';
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i) s += ',';
    s += format_number(args[i]);
  }
  return s + ')';
}

DistSpec parse_dist(std::string_view text) {
  const std::string_view t = trim(text);
  const std::string quoted = t.empty() ? std::string("''") : excerpt(t);
  if (t.empty()) throw ConfigError("'': empty value (expected a number or a distribution)");
  const Call call = split_call(t, quoted);
  if (call.name.empty()) return DistSpec::constant(parse_number(t, quoted));

  const KindName* found = nullptr;
  for (const auto& k : kKinds) {
    if (k.name == call.name) found = &k;
  }
  if (found == nullptr) {
    std::vector<std::string> known;
    for (const auto& k : kKinds) known.emplace_back(k.name);
    unknown_name(call.name, quoted, known, "distribution");
  }
  DistSpec spec;
  spec.kind = found->kind;
  if (spec.kind == DistSpec::Kind::kChoice) {
    if (call.args.empty()) throw ConfigError(quoted + ": choice needs at least one value");
    spec.args = numbers(call, quoted);
    return spec;
  }
  expect_args(call, 2, quoted);
  spec.args = numbers(call, quoted);
  const double a = spec.args[0];
  const double b = spec.args[1];
  const std::string fa = format_number(a);
  const std::string fb = format_number(b);
  switch (spec.kind) {
    case DistSpec::Kind::kBetaMean:
      if (!(a > 0.0 && a < 1.0)) throw ConfigError(quoted + ": mean " + fa + " must be in (0,1)");
      if (!(b > 0.0)) throw ConfigError(quoted + ": concentration " + fb + " must be > 0");
      return spec;
    case DistSpec::Kind::kNormal:
      if (!(b > 0.0)) throw ConfigError(quoted + ": standard deviation " + fb + " must be > 0");
      return spec;
    case DistSpec::Kind::kIntUniform:
    case DistSpec::Kind::kIntLogUniform:
      if (!is_integer(a) || !is_integer(b)) {
        throw ConfigError(quoted + ": bounds must be integers of magnitude <= 2^53");
      }
      break;
    default:
      break;
  }
  if (a > b) throw ConfigError(quoted + ": lower bound " + fa + " exceeds upper bound " + fb);
  if ((spec.kind == DistSpec::Kind::kLogUniform || spec.kind == DistSpec::Kind::kIntLogUniform) &&
      !(a > 0.0)) {
    throw ConfigError(quoted + ": lower bound " + fa + " must be > 0 for a log scale");
  }
  // loguniform draws through log and exp: bounds that overflow there are not usable.
  if (spec.kind == DistSpec::Kind::kUniform && !std::isfinite(b - a)) {
    throw ConfigError(quoted + ": the width b - a overflows a double");
  }
  return spec;
}

std::vector<double> parse_axis(std::string_view text) {
  const std::string_view t = trim(text);
  const std::string quoted = t.empty() ? std::string("''") : excerpt(t);
  if (t.empty()) throw ConfigError("'': empty sweep axis (expected linspace(a,b,n) or list(...))");
  const Call call = split_call(t, quoted);
  if (call.name == "list") {
    if (call.args.empty()) throw ConfigError(quoted + ": list needs at least one value");
    if (call.args.size() > kMaxAxisPoints) throw ConfigError(quoted + ": too many values");
    return numbers(call, quoted);
  }
  if (call.name == "linspace") {
    expect_args(call, 3, quoted);
    const std::vector<double> v = numbers(call, quoted);
    const double n = v[2];
    if (!is_integer(n) || n < 1.0 || n > static_cast<double>(kMaxAxisPoints)) {
      throw ConfigError(quoted + ": point count " + format_number(n) +
                        " must be an integer in [1, " + std::to_string(kMaxAxisPoints) + "]");
    }
    const auto count = static_cast<std::size_t>(n);
    const double a = v[0];
    const double b = v[1];
    if (!std::isfinite(b - a)) throw ConfigError(quoted + ": the width b - a overflows a double");
    std::vector<double> out(count);
    for (std::size_t i = 0; i < count; ++i) {
      out[i] =
          count == 1 ? a : a + static_cast<double>(i) * (b - a) / static_cast<double>(count - 1);
    }
    // The formula can miss b by one ulp; the endpoint is what people compare against.
    if (count > 1) out.back() = b;
    return out;
  }
  if (call.name.empty()) {
    throw ConfigError(quoted + ": expected linspace(a,b,n) or list(v1,v2,...)");
  }
  unknown_name(call.name, quoted, {"linspace", "list"}, "sweep axis");
}

}  // namespace leadsim::config
