// The parameter registry: one table per model that drives validation, `leadsim params`,
// --help and docs. Run-level keys ([run], [output]) live in run_params().
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "leadsim/config/dist.h"

namespace leadsim::config {

enum class ParamKind {
  kOrg,       // drawn once per organization: constant or distribution (MODEL.md §2)
  kPerAgent,  // a distribution over agents: each agent draws its own value (§11.1)
  kConstant,  // a model constant: a number, same for every organization (sweepable); a
              // `drawable` one also takes a distribution, drawn once per organization
};

struct ParamDef {
  std::string name;     // key, unique within the model: "info_reach"
  std::string section;  // INI section: "org" or "model"
  std::string symbol;   // MODEL.md symbol, may be empty: "ι"
  std::string unit;     // "share", "problems/worker/period", "1"...
  std::string meaning;  // one line
  double lo;            // legal range, inclusive
  double hi;
  bool integer;
  ParamKind kind;
  std::string default_spec;  // text accepted by parse_value()
  // A switch (a kConstant over [0, n-1], integer): its value is one of these names, stored as
  // its index (sweeps list indices). Empty for a number.
  std::vector<std::string> choices{};
  // kConstant only: the model draws it per organization when given a distribution (as a kOrg
  // parameter); an integer one takes only integer-valued distributions. A switch never is.
  bool drawable = false;
};

// A parameter's value from its text: for a switch, one of its choice names (or the index);
// otherwise parse_dist(text). Throws ConfigError naming the parameter and the choices.
DistSpec parse_value(const ParamDef& def, std::string_view text);
// The canonical text of a value: the choice name of a switch, else spec.to_string().
std::string value_text(const ParamDef& def, const DistSpec& spec);

// Validates a value for a parameter: the distribution must be legal for the kind (constants
// only for a kConstant that is not `drawable`; integer-valued distributions only for an
// integer drawable one), proper (uniform(2,1) is not), and its support inside [lo, hi]
// (normal is truncated, so only its mean must lie inside). Throws ConfigError whose message
// names the parameter and the text: "org.info_reach = uniform(0,2): support [0, 2] leaves
// the legal range [0, 1]".
void validate(const ParamDef& def, const DistSpec& spec, std::string_view text);

// Closest name by edit distance (Damerau-Levenshtein), "" when nothing is within 3 edits.
std::string closest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace leadsim::config
