#include "leadsim/config/config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "leadsim/config/names.h"
#include "leadsim/core/error.h"

namespace leadsim::config {
namespace {

constexpr double kMaxOrgs = 1e12;
constexpr double kMaxBlockSize = 1048576.0;
// Scenario indices and counts stay exact in a double and far from uint64 overflow.
constexpr double kMaxScenarios = 1e15;

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string suggest(std::string_view name, const std::vector<std::string>& known) {
  const std::string c = closest(name, known);
  return c.empty() ? std::string() : " (did you mean '" + c + "'?)";
}

[[noreturn]] void fail(const Entry& e, const std::string& what) {
  throw ConfigError(e.origin + ": " + what);
}

std::string qualified(const Entry& e) {
  return e.section + "." + e.key;
}

// A whole number in [lo, hi] written as a decimal or in exponent form ("1e6").
double integer_value(const Entry& e, double lo, double hi) {
  double v = 0.0;
  try {
    v = parse_number(e.value, qualified(e) + " = " + excerpt(e.value));
  } catch (const ConfigError& err) {
    fail(e, err.what());
  }
  if (std::floor(v) != v || v < lo || v > hi) {
    fail(e, qualified(e) + " = " + e.value + ": must be an integer in [" + format_number(lo) +
                ", " + format_number(hi) + "]");
  }
  return v;
}

void check_name(const Entry& e, std::string_view name) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
    fail(e, qualified(e) + " = " + e.value + ": '" + std::string(name) +
                "' is not a name (lowercase letters, digits, '_' and '-')");
  }
}

std::uint64_t parse_seed(const Entry& e) {
  std::uint64_t v = 0;
  const auto& s = e.value;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range && ptr == s.data() + s.size()) {
    fail(e, "run.seed = " + excerpt(s) + ": out of range [0, 2^64-1] (18446744073709551615)");
  }
  if (ec != std::errc() || ptr != s.data() + s.size() || s.front() == '-') {
    fail(e, "run.seed = " + excerpt(s) + ": must be an unsigned 64-bit decimal integer");
  }
  return v;
}

std::vector<std::string> parse_modes(const Entry& e) {
  std::vector<std::string> modes;
  std::string_view rest = e.value;
  for (;;) {
    const auto comma = rest.find(',');
    const auto name = trim(rest.substr(0, comma));
    check_name(e, name);
    if (std::find(modes.begin(), modes.end(), name) != modes.end()) {
      fail(e, "run.modes = " + e.value + ": mode '" + std::string(name) + "' listed twice");
    }
    modes.emplace_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return modes;
}

// A real number in [lo, hi].
double real_value(const Entry& e, double lo, double hi) {
  double v = 0.0;
  try {
    v = parse_number(e.value, qualified(e) + " = " + excerpt(e.value));
  } catch (const ConfigError& err) {
    fail(e, err.what());
  }
  if (!(v >= lo && v <= hi)) {
    fail(e, qualified(e) + " = " + e.value + ": must be in [" + format_number(lo) + ", " +
                format_number(hi) + "]");
  }
  return v;
}

// Comma-separated names that may hold '/' (outputs such as delta/distributed/value); empty
// text: none. Each listed once.
std::vector<std::string> parse_name_list(const Entry& e) {
  std::vector<std::string> names;
  if (trim(e.value).empty()) return names;
  std::string_view rest = e.value;
  for (;;) {
    const auto comma = rest.find(',');
    const auto name = trim(rest.substr(0, comma));
    if (name.empty() || name.front() == '/' || name.back() == '/' ||
        !std::all_of(name.begin(), name.end(),
                     [](char c) { return is_name_char(c) || c == '/'; })) {
      fail(e, qualified(e) + " = " + excerpt(e.value) + ": '" + std::string(name) +
                  "' is not a name (lowercase letters, digits, '_', '-' and '/')");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      fail(e,
           qualified(e) + " = " + excerpt(e.value) + ": '" + std::string(name) + "' listed twice");
    }
    names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

std::int64_t parse_samples(const Entry& e) {
  if (e.value == "all") return -1;
  if (e.value == "none") return 0;
  try {
    return static_cast<std::int64_t>(integer_value(e, 0.0, kMaxOrgs));
  } catch (const ConfigError&) {
    fail(e, "output.samples = " + e.value + ": expected 'all', 'none' or an integer in [0, 1e+12]");
  }
}

// A run-level key ([run], [output]): its ParamDef (for `leadsim params`), how an entry sets
// its field of ResolvedConfig (parsing and validating the text), and its to_ini() text
// ("" leaves the key out).
struct RunKey {
  ParamDef def;
  void (*apply)(const Entry& e, ResolvedConfig& cfg);
  std::string (*write)(const ResolvedConfig& cfg);
};

// Every run key, in to_ini() and `leadsim params` order; sections in order of appearance.
const std::vector<RunKey>& run_keys() {
  static const std::vector<RunKey> keys = {
      {{"model", "run", "", "name", "model to simulate (leadsim params lists them)", 0, 0, false,
        ParamKind::kConstant, "leadership"},
       // find_schema() has set it from the last [run] model before any entry is applied.
       [](const Entry&, ResolvedConfig&) {},
       [](const ResolvedConfig& cfg) { return cfg.model; }},
      {{"seed", "run", "", "1", "base seed: organization k of every scenario is keyed by (seed, k)",
        0, 18446744073709551615.0, true, ParamKind::kConstant, "1"},
       [](const Entry& e, ResolvedConfig& cfg) { cfg.seed = parse_seed(e); },
       [](const ResolvedConfig& cfg) { return std::to_string(cfg.seed); }},
      {{"orgs", "run", "n", "organizations", "organizations simulated per scenario", 1, kMaxOrgs,
        true, ParamKind::kConstant, "1000"},
       [](const Entry& e, ResolvedConfig& cfg) {
         cfg.orgs = static_cast<std::uint64_t>(integer_value(e, 1.0, kMaxOrgs));
       },
       // A sensitivity study's organizations are its base samples ([sensitivity]).
       [](const ResolvedConfig& cfg) {
         return cfg.sensitivity.enabled ? std::string() : std::to_string(cfg.orgs);
       }},
      {{"block_size", "run", "", "organizations",
        "organizations per block: the unit of scheduling, reduction and checkpoints", 1,
        kMaxBlockSize, true, ParamKind::kConstant, "64"},
       [](const Entry& e, ResolvedConfig& cfg) {
         cfg.block_size = static_cast<std::uint32_t>(integer_value(e, 1.0, kMaxBlockSize));
       },
       [](const ResolvedConfig& cfg) { return std::to_string(cfg.block_size); }},
      {{"modes", "run", "", "names", "comma-separated modes to compare (empty: the model's)", 0, 0,
        false, ParamKind::kConstant, ""},
       [](const Entry& e, ResolvedConfig& cfg) { cfg.modes = parse_modes(e); },
       [](const ResolvedConfig& cfg) { return join(cfg.modes, ", "); }},
      {{"baseline", "run", "", "name", "mode that paired differences are taken against", 0, 0,
        false, ParamKind::kConstant, ""},
       [](const Entry& e, ResolvedConfig& cfg) {
         check_name(e, e.value);
         cfg.baseline = e.value;
       },
       [](const ResolvedConfig& cfg) { return cfg.baseline; }},
      {{"allow_huge", "run", "", "bool",
        "true lifts the up-front size limits (278 core-hours, 1 TB of records; RELIABILITY.md)", 0,
        0, false, ParamKind::kConstant, "false"},
       [](const Entry& e, ResolvedConfig& cfg) {
         if (e.value != "true" && e.value != "false") {
           fail(e, "run.allow_huge = " + e.value + ": expected 'true' or 'false'");
         }
         cfg.allow_huge = e.value == "true";
       },
       [](const ResolvedConfig& cfg) { return std::string(cfg.allow_huge ? "true" : ""); }},
      // The results path is where a run writes, not what it computes: to_ini() leaves it out.
      {{"path", "output", "", "file", "results file (HDF5)", 0, 0, false, ParamKind::kConstant,
        "leadsim.h5"},
       [](const Entry& e, ResolvedConfig& cfg) { cfg.output = e.value; },
       [](const ResolvedConfig&) { return std::string(); }},
      {{"samples", "output", "", "organizations",
        "per-organization records kept per scenario: all, none or the first N", 0, kMaxOrgs, true,
        ParamKind::kConstant, "none"},
       [](const Entry& e, ResolvedConfig& cfg) { cfg.samples = parse_samples(e); },
       [](const ResolvedConfig& cfg) {
         if (cfg.sensitivity.enabled) return std::string();  // always all
         return cfg.samples < 0    ? std::string("all")
                : cfg.samples == 0 ? std::string("none")
                                   : std::to_string(cfg.samples);
       }},
      // [sensitivity] (docs/SENSITIVITY.md): any entry makes the run a sensitivity study.
      {{"method", "sensitivity", "", "name",
        "sensitivity method: sobol (Saltelli design; Saltelli 2010 first-order and Jansen 1999 "
        "total-effect estimators)",
        0, 0, false, ParamKind::kConstant, "sobol"},
       [](const Entry& e, ResolvedConfig& cfg) {
         if (e.value != "sobol") fail(e, qualified(e) + " = " + e.value + ": expected sobol");
         cfg.sensitivity.enabled = true;
         cfg.sensitivity.method = e.value;
       },
       [](const ResolvedConfig& cfg) {
         return cfg.sensitivity.enabled ? cfg.sensitivity.method : std::string();
       }},
      {{"base_samples", "sensitivity", "N", "base samples",
        "base samples: each evaluates k + 2 organizations (k factors), k + 3 with the noise "
        "factor",
        2, kMaxOrgs, true, ParamKind::kConstant, "1024"},
       [](const Entry& e, ResolvedConfig& cfg) {
         cfg.sensitivity.enabled = true;
         cfg.sensitivity.base_samples = static_cast<std::uint64_t>(integer_value(e, 2.0, kMaxOrgs));
       },
       [](const ResolvedConfig& cfg) {
         return cfg.sensitivity.enabled ? std::to_string(cfg.sensitivity.base_samples)
                                        : std::string();
       }},
      {{"factors", "sensitivity", "", "names",
        "comma-separated factors (empty: every parameter and constant given a distribution)", 0, 0,
        false, ParamKind::kConstant, ""},
       [](const Entry& e, ResolvedConfig& cfg) {
         cfg.sensitivity.enabled = true;
         cfg.sensitivity.factors = parse_name_list(e);
       },
       [](const ResolvedConfig& cfg) { return join(cfg.sensitivity.factors, ", "); }},
      {{"outputs", "sensitivity", "", "names",
        "comma-separated outputs MODE/METRIC or delta/MODE/METRIC (empty: every metric of every "
        "mode and every paired difference against the baseline)",
        0, 0, false, ParamKind::kConstant, ""},
       [](const Entry& e, ResolvedConfig& cfg) {
         cfg.sensitivity.enabled = true;
         cfg.sensitivity.outputs = parse_name_list(e);
       },
       [](const ResolvedConfig& cfg) { return join(cfg.sensitivity.outputs, ", "); }},
      {{"bootstrap", "sensitivity", "", "resamples",
        "bootstrap resamples over base samples for the confidence intervals (0: none)", 0, 100000,
        true, ParamKind::kConstant, "200"},
       [](const Entry& e, ResolvedConfig& cfg) {
         cfg.sensitivity.enabled = true;
         cfg.sensitivity.bootstrap = static_cast<std::uint32_t>(integer_value(e, 0.0, 100000.0));
       },
       [](const ResolvedConfig& cfg) {
         return cfg.sensitivity.enabled ? std::to_string(cfg.sensitivity.bootstrap) : std::string();
       }},
      {{"confidence", "sensitivity", "", "probability",
        "confidence level of the bootstrap intervals", 0.5, 0.9999, false, ParamKind::kConstant,
        "0.95"},
       [](const Entry& e, ResolvedConfig& cfg) {
         cfg.sensitivity.enabled = true;
         cfg.sensitivity.confidence = real_value(e, 0.5, 0.9999);
       },
       [](const ResolvedConfig& cfg) {
         return cfg.sensitivity.enabled ? format_number(cfg.sensitivity.confidence) : std::string();
       }},
  };
  return keys;
}

const RunKey* find_run_key(std::string_view name) {
  for (const auto& k : run_keys()) {
    if (k.def.name == name) return &k;
  }
  return nullptr;
}

std::vector<std::string> run_key_names(std::string_view section) {
  std::vector<std::string> names;
  for (const auto& k : run_keys()) {
    if (k.def.section == section) names.push_back(k.def.name);
  }
  return names;
}

// The sections resolve() knows for a schema: the run keys' sections, [sweep], the parameters'
// sections, and the model's own section prefixes.
struct SchemaView {
  const ModelSchema& schema;
  std::vector<std::string> param_names;
  std::vector<std::string> sections;

  explicit SchemaView(const ModelSchema& m)
      : schema(m), sections({"run", "output", "sensitivity", "sweep"}) {
    for (const auto& d : *m.params) {
      param_names.push_back(d.name);
      if (std::find(sections.begin(), sections.end(), d.section) == sections.end()) {
        sections.push_back(d.section);
      }
    }
  }
  const ParamDef* find_def(std::string_view name) const {
    for (const auto& d : *schema.params) {
      if (d.name == name) return &d;
    }
    return nullptr;
  }
  bool is_param_section(const std::string& section) const {
    return section != "run" && section != "output" && section != "sensitivity" &&
           section != "sweep" &&
           std::find(sections.begin(), sections.end(), section) != sections.end();
  }
  bool is_extra_section(const std::string& section) const {
    return std::any_of(schema.section_prefixes.begin(), schema.section_prefixes.end(),
                       [&](const std::string& p) { return section.compare(0, p.size(), p) == 0; });
  }
  // Throws "'KEY' belongs in section [HOME]" when the key is known in another section.
  void check_misplaced(const Entry& e) const {
    std::string home;
    if (const ParamDef* d = find_def(e.key)) {
      home = d->section;
    } else if (const RunKey* k = find_run_key(e.key)) {
      home = k->def.section;
    }
    if (!home.empty() && home != e.section) {
      fail(e, qualified(e) + ": '" + e.key + "' belongs in section [" + home + "]");
    }
  }
};

// Step 1: the model named by the last [run] model (default "leadership") among `models`.
const ModelSchema& find_schema(const ConfigTree& tree, std::span<const ModelSchema> models,
                               ResolvedConfig& cfg) {
  // The model decides which parameter keys exist, so find it first (last setting wins).
  const Entry* model_entry = nullptr;
  for (const auto& e : tree) {
    if (e.section == "run" && e.key == "model") model_entry = &e;
  }
  if (model_entry != nullptr) cfg.model = model_entry->value;
  std::vector<std::string> model_names;
  for (const auto& m : models) {
    model_names.push_back(m.name);
    if (m.name == cfg.model) return m;
  }
  const std::string msg =
      "run.model = " + cfg.model + ": unknown model" + suggest(cfg.model, model_names) +
      " (known: " + (model_names.empty() ? "none" : join(model_names, ", ")) + ")";
  throw ConfigError((model_entry != nullptr ? model_entry->origin : "default") + ": " + msg);
}

// Step 2: a [run] or [output] entry through its row of run_keys().
void apply_run_key(const Entry& e, const SchemaView& view, ResolvedConfig& cfg) {
  const RunKey* k = find_run_key(e.key);
  if (k != nullptr && k->def.section == e.section) {
    k->apply(e, cfg);
    return;
  }
  view.check_misplaced(e);
  const std::vector<std::string> known = run_key_names(e.section);
  fail(e, "unknown key '" + qualified(e) + "'" + suggest(e.key, known) + " (known in [" +
              e.section + "]: " + join(known, ", ") + ")");
}

// Step 3: a parameter entry ([org], [model]...): parsed, validated, kept as canonical text.
void apply_param(const Entry& e, const SchemaView& view,
                 std::map<std::string, std::string>& set_text) {
  const ParamDef* d = view.find_def(e.key);
  if (d == nullptr) {
    view.check_misplaced(e);
    std::vector<std::string> here;
    for (const auto& p : *view.schema.params) {
      if (p.section == e.section) here.push_back(p.name);
    }
    fail(e, "unknown key '" + qualified(e) + "'" + suggest(e.key, here));
  }
  if (d->section != e.section) view.check_misplaced(e);
  DistSpec spec;
  try {
    spec = parse_value(*d, e.value);
  } catch (const ConfigError& err) {
    fail(e, d->choices.empty() ? qualified(e) + ": " + err.what() : std::string(err.what()));
  }
  try {
    validate(*d, spec, e.value);
  } catch (const ConfigError& err) {
    fail(e, err.what());
  }
  set_text[d->name] = value_text(*d, spec);
}

// Step 4: a [sweep] entry: the axis values, each validated against the parameter's range
// (the one place sweep values are checked), and the parameter's unit. The value "none"
// removes the axis (from the command line: --set sweep.NAME=none).
void apply_sweep(const Entry& e, const SchemaView& view, ResolvedConfig& cfg) {
  if (e.value == "none") {
    std::erase_if(cfg.sweep, [&](const SweepAxis& a) { return a.param == e.key; });
    return;
  }
  const ParamDef* d = view.find_def(e.key);
  if (d == nullptr) {
    fail(e, "sweep." + e.key + ": '" + e.key + "' is not a parameter of model '" + cfg.model + "'" +
                suggest(e.key, view.param_names));
  }
  SweepAxis axis{e.key, e.value, {}, d->unit};
  try {
    axis.values = parse_axis(e.value);
    for (double v : axis.values) validate(*d, DistSpec::constant(v), format_number(v));
  } catch (const ConfigError& err) {
    fail(e, "sweep." + e.key + " = " + e.value + ": " + err.what());
  }
  auto same = std::find_if(cfg.sweep.begin(), cfg.sweep.end(),
                           [&](const SweepAxis& a) { return a.param == e.key; });
  if (same == cfg.sweep.end()) {
    cfg.sweep.push_back(std::move(axis));
  } else {
    *same = std::move(axis);  // a later source overrides, keeping the axis order
  }
}

// An entry of a section that is neither a run-key, sweep nor parameter section: the model's
// own (kept for it in `extra`) or an unknown section.
void apply_extra(const Entry& e, const SchemaView& view, ResolvedConfig& cfg) {
  if (!view.is_extra_section(e.section)) {
    std::string known = join(view.sections, ", ");
    for (const auto& p : view.schema.section_prefixes) known += ", " + p + "*";
    const std::string near = closest(e.section, view.sections);
    fail(e, "unknown section [" + e.section + "]" +
                (near.empty() ? std::string() : " (did you mean [" + near + "]?)") +
                " (known: " + known + ")");
  }
  cfg.extra.push_back(e);
}

// Step 5: what the entries say together: baseline among modes, the scenario count, then
// every parameter (set or default) in registry order.
void finish(const SchemaView& view, const std::map<std::string, std::string>& set_text,
            ResolvedConfig& cfg) {
  if (!cfg.baseline.empty() && !cfg.modes.empty() &&
      std::find(cfg.modes.begin(), cfg.modes.end(), cfg.baseline) == cfg.modes.end()) {
    throw ConfigError("run.baseline = " + cfg.baseline + ": not among run.modes (" +
                      join(cfg.modes, ", ") + ")");
  }
  double scenarios = 1.0;
  for (const auto& a : cfg.sweep) scenarios *= static_cast<double>(a.values.size());
  if (scenarios > kMaxScenarios) {
    throw ConfigError("[sweep]: " + format_number(scenarios) + " scenarios exceed the limit of " +
                      format_number(kMaxScenarios));
  }
  for (const auto& d : *view.schema.params) {
    const auto it = set_text.find(d.name);
    const std::string& text = it != set_text.end() ? it->second : d.default_spec;
    DistSpec spec;
    try {
      spec = parse_value(d, text);
      validate(d, spec, text);
    } catch (const ConfigError& err) {
      // Only a model's own registry can get here: its default is not a legal value.
      throw ConfigError("model '" + cfg.model + "' default: " + err.what());
    }
    cfg.params[d.name] = spec;
    cfg.param_text[d.name] = value_text(d, spec);
    cfg.param_order.emplace_back(d.section, d.name);
  }
}

}  // namespace

namespace {

// The source of an entry: the file of "FILE:LINE", else the origin itself ("--set", "-o").
std::string_view source_of(const std::string& origin) {
  const auto colon = origin.rfind(':');
  if (origin.rfind("--", 0) == 0 || colon == std::string::npos) return origin;
  return std::string_view(origin).substr(0, colon);
}

// Entries with their sections: a section-less --set KEY=VALUE gets the section of the one
// parameter or run key of that name, else an error that suggests the qualified key.
ConfigTree qualify(const ConfigTree& tree, const SchemaView& view) {
  ConfigTree out = tree;
  for (auto& e : out) {
    if (!e.section.empty()) continue;
    if (const ParamDef* d = view.find_def(e.key)) {
      e.section = d->section;
    } else if (const RunKey* k = find_run_key(e.key)) {
      e.section = k->def.section;
    } else {
      std::vector<std::string> names, full;
      for (const auto& p : *view.schema.params) {
        names.push_back(p.name);
        full.push_back(p.section + "." + p.name);
      }
      for (const auto& r : run_keys()) {
        names.push_back(r.def.name);
        full.push_back(r.def.section + "." + r.def.name);
      }
      const std::string name = closest(e.key, names);
      std::string near;
      for (std::size_t i = 0; i < names.size() && near.empty(); ++i) {
        if (!name.empty() && names[i] == name) near = full[i];
      }
      fail(e, "unknown key '" + e.key + "'" +
                  (near.empty() ? std::string() : " (did you mean '" + near + "'?)") +
                  "; expected SECTION.KEY=VALUE");
    }
  }
  return out;
}

// Two settings of one key from one source (two lines of a file, or --set twice) are an
// error naming both: last-wins silently dropped the first. A later source (--set after the
// file) overrides.
void check_duplicates(const ConfigTree& entries) {
  std::map<std::pair<std::string, std::string>, const Entry*> seen;
  for (const auto& e : entries) {
    const auto [it, fresh] = seen.emplace(std::make_pair(e.section, e.key), &e);
    if (!fresh && source_of(it->second->origin) == source_of(e.origin)) {
      fail(e,
           qualified(e) + " is set twice (also at " + it->second->origin + "); keep one setting");
    }
    it->second = &e;
  }
}

// A parameter set on the command line while a sweep axis still varies it would be silently
// overridden by the sweep: refuse it, naming both places and the fix.
void check_set_on_swept(const ConfigTree& entries, const ResolvedConfig& cfg) {
  for (const auto& axis : cfg.sweep) {
    const Entry* set = nullptr;
    const Entry* sweep = nullptr;
    for (const auto& e : entries) {
      if (e.key != axis.param) continue;
      if (e.section == "sweep") sweep = &e;
      if (e.section != "sweep" && e.origin.rfind("--set", 0) == 0) set = &e;
    }
    if (set == nullptr || sweep == nullptr) continue;
    const std::string fixed =
        set->section + "." + set->key + "=" + excerpt(set->value) + " (" + set->origin + ")";
    if (sweep->origin.rfind("--set", 0) == 0) {
      // Both on the command line: the axis is what the user asked for; the fixed value is
      // the contradiction.
      throw ConfigError(fixed + " contradicts sweep." + axis.param + "=" + excerpt(sweep->value) +
                        " (" + sweep->origin + "); give one of them");
    }
    throw ConfigError(fixed + " is swept by [sweep] " + axis.param + " (" + sweep->origin +
                      "); to fix it at one value use --set sweep." + axis.param + "=list(" +
                      excerpt(set->value) + "), or drop the axis with --set sweep." + axis.param +
                      "=none");
  }
}

// A sensitivity study runs its base samples as organizations and keeps every record: run.orgs
// and any other output.samples contradict it.
void finish_sensitivity(const ConfigTree& entries, ResolvedConfig& cfg) {
  if (!cfg.sensitivity.enabled) return;
  for (const auto& e : entries) {
    if (e.section == "run" && e.key == "orgs") {
      fail(e, "run.orgs = " + excerpt(e.value) +
                  ": a sensitivity study runs sensitivity.base_samples base samples; set that "
                  "instead");
    }
    if (e.section == "output" && e.key == "samples" && e.value != "all") {
      fail(e, "output.samples = " + excerpt(e.value) +
                  ": a sensitivity study keeps every record (leave output.samples out)");
    }
  }
  cfg.orgs = cfg.sensitivity.base_samples;
  cfg.samples = -1;
}

}  // namespace

ResolvedConfig resolve(const ConfigTree& tree, std::span<const ModelSchema> models) {
  ResolvedConfig cfg;
  const SchemaView view(find_schema(tree, models, cfg));
  const ConfigTree entries = qualify(tree, view);
  check_duplicates(entries);
  std::map<std::string, std::string> set_text;  // param -> value as written
  for (const auto& e : entries) {
    if (e.section == "run" || e.section == "output" || e.section == "sensitivity") {
      apply_run_key(e, view, cfg);
    } else if (e.section == "sweep") {
      apply_sweep(e, view, cfg);
    } else if (view.is_param_section(e.section)) {
      apply_param(e, view, set_text);
    } else {
      apply_extra(e, view, cfg);
    }
  }
  check_set_on_swept(entries, cfg);
  finish(view, set_text, cfg);
  finish_sensitivity(entries, cfg);
  check_work(cfg);
  return cfg;
}

WorkEstimate estimate_work(const ResolvedConfig& cfg) {
  WorkEstimate w;
  // Doubles throughout: the products overflow uint64 for legal but absurd inputs.
  w.org_simulations = static_cast<double>(cfg.orgs);
  for (const auto& a : cfg.sweep) w.org_simulations *= static_cast<double>(a.values.size());
  if (cfg.sensitivity.enabled) {
    // Each base sample is k + 3 evaluations (A, B, every A_B^(i), A with the noise redrawn;
    // docs/SENSITIVITY.md). Without a factors list the model decides k: count at least one.
    const double k = std::fmax(1.0, static_cast<double>(cfg.sensitivity.factors.size()));
    w.org_simulations *= k + 3.0;
  }
  w.variants = cfg.modes.empty() ? 1.0 : static_cast<double>(cfg.modes.size());
  auto smallest = [&](const char* name) {
    const auto it = cfg.params.find(name);
    return it == cfg.params.end() ? 1.0 : std::fmax(1.0, it->second.support_min());
  };
  w.agent_periods = w.org_simulations * w.variants * smallest("periods") * smallest("workers");
  w.cpu_seconds = std::fmax(w.agent_periods / kAgentPeriodsPerSecond,
                            w.org_simulations * w.variants / kOrgVariantsPerSecond);
  const double per_scenario =
      cfg.samples < 0 ? static_cast<double>(cfg.orgs)
                      : std::fmin(static_cast<double>(cfg.samples), static_cast<double>(cfg.orgs));
  const double scenarios = cfg.orgs == 0 ? 0.0 : w.org_simulations / static_cast<double>(cfg.orgs);
  w.record_bytes = per_scenario * scenarios * (2.0 + w.variants) * 8.0;
  return w;
}

void check_work(const ResolvedConfig& cfg) {
  if (cfg.allow_huge) return;
  const WorkEstimate w = estimate_work(cfg);
  auto sci = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return std::string(buf);
  };
  const std::string what =
      sci(w.org_simulations) + " organization simulations x " + sci(w.variants) + " modes";
  if (w.cpu_seconds > kMaxCpuSeconds) {
    throw ConfigError("run too large: " + what + " need at least " + sci(w.cpu_seconds / 3600.0) +
                      " core-hours (limit " + sci(kMaxCpuSeconds / 3600.0) +
                      "); reduce run.orgs or the sweep, or set run.allow_huge = true");
  }
  if (w.record_bytes > kMaxRecordBytes) {
    throw ConfigError("run too large: output.samples would store at least " +
                      sci(w.record_bytes / 1e9) + " GB of records (limit " +
                      sci(kMaxRecordBytes / 1e9) +
                      " GB); lower output.samples, or set run.allow_huge = true");
  }
}

std::string ResolvedConfig::to_ini() const {
  std::string s;
  std::string run_section;
  for (const auto& k : run_keys()) {
    const std::string value = k.write(*this);
    if (value.empty()) continue;
    if (k.def.section != run_section) {
      run_section = k.def.section;
      s += (s.empty() ? "[" : "\n[") + run_section + "]\n";
    }
    s += k.def.name + " = " + value + "\n";
  }

  std::vector<std::string> sections;  // in registry order of first appearance
  for (const auto& [section, name] : param_order) {
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      sections.push_back(section);
    }
  }
  for (const auto& sec : sections) {
    s += "\n[" + sec + "]\n";
    for (const auto& [section, name] : param_order) {
      if (section != sec) continue;
      const auto it = param_text.find(name);
      if (it != param_text.end()) s += name + " = " + it->second + "\n";
    }
  }
  if (!sweep.empty()) {
    s += "\n[sweep]\n";
    for (const auto& a : sweep) s += a.param + " = " + a.text + "\n";
  }
  std::vector<std::string> extra_sections;
  for (const auto& e : extra) {
    if (std::find(extra_sections.begin(), extra_sections.end(), e.section) ==
        extra_sections.end()) {
      extra_sections.push_back(e.section);
    }
  }
  for (const auto& sec : extra_sections) {
    s += "\n[" + sec + "]\n";
    for (const auto& e : extra) {
      if (e.section == sec) s += e.key + " = " + e.value + "\n";
    }
  }
  return s;
}

std::uint64_t ResolvedConfig::scenario_count() const {
  std::uint64_t n = 1;
  for (const auto& a : sweep) n *= a.values.size();
  return n;
}

std::vector<double> ResolvedConfig::scenario_values(std::uint64_t s) const {
  if (s >= scenario_count()) {
    throw std::out_of_range("scenario " + std::to_string(s) + " of " +
                            std::to_string(scenario_count()));
  }
  std::vector<double> values(sweep.size());
  for (std::size_t i = sweep.size(); i-- > 0;) {
    const auto n = sweep[i].values.size();
    values[i] = sweep[i].values[s % n];
    s /= n;
  }
  return values;
}

const std::vector<ParamDef>& run_params() {
  static const std::vector<ParamDef> defs = [] {
    std::vector<ParamDef> d;
    for (const auto& k : run_keys()) d.push_back(k.def);
    return d;
  }();
  return defs;
}

}  // namespace leadsim::config
