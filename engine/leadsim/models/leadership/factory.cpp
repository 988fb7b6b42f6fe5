#include "leadsim/models/leadership/factory.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/config/param.h"
#include "leadsim/core/error.h"
#include "leadsim/models/leadership/params.h"
#include "leadsim/models/leadership/sim.h"
#include "leadsim/models/leadership/streams.h"
#include "leadsim/rng/philox.h"

namespace leadsim::leadership {
namespace {

using port::FieldDef;
using port::MetricDef;
using port::Model;
using port::ModelFactory;
using port::OrgOutcome;
using port::Simulator;
using port::TraceSink;

std::vector<ModeDef> builtin_modes() {
  return {
      {"centralized", Route::kManager, true, false, 0.0, 0.0, std::nullopt, {}, {}, {}},
      {"exception", Route::kException, false, false, 0.0, 0.0, std::nullopt, {}, {}, {}},
      {"delegated", Route::kWorker, false, false, 0.0, 0.0, std::nullopt, {}, {}, {}},
      {"coaching", Route::kWorker, false, false, std::nullopt, 0.0, std::nullopt, {}, {}, {}},
      {"distributed",
       Route::kWorker,
       false,
       true,
       std::nullopt,
       std::nullopt,
       std::nullopt,
       {},
       {},
       {}},
  };
}

std::string where(const config::Entry& e) {
  return e.section + "." + e.key + " = " + e.value +
         (e.origin.empty() ? "" : " (" + e.origin + ")");
}

bool parse_bool(const config::Entry& e) {
  const std::string& v = e.value;
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw ConfigError(where(e) + ": expected true or false");
}

double parse_share(const config::Entry& e) {
  const std::string& v = e.value;
  errno = 0;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || errno != 0 || !std::isfinite(x)) {
    throw ConfigError(where(e) + ": expected a number");
  }
  if (x < 0.0 || x > 1.0) throw ConfigError(where(e) + ": must lie in [0, 1]");
  return x;
}

bool valid_mode_name(const std::string& n) {
  if (n.empty()) return false;
  for (char ch : n) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

std::string join(const std::vector<ModeDef>& modes) {
  std::string s;
  for (const auto& m : modes) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

// The built-in modes, then the [mode.NAME] sections' overrides and definitions.
std::vector<ModeDef> known_modes(const std::vector<config::Entry>& extra) {
  std::vector<ModeDef> known = builtin_modes();
  std::map<std::string, config::Entry> peer_at;                // mode -> its `peer` line
  std::map<std::string, std::vector<config::Entry>> flags_at;  // mode -> its flag lines
  for (const auto& en : extra) {
    if (en.section.rfind("mode.", 0) != 0) {
      throw ConfigError(where(en) + ": the leadership model owns no section " + en.section);
    }
    const std::string name = en.section.substr(5);
    if (!valid_mode_name(name)) {
      throw ConfigError(where(en) + ": mode names use letters, digits, '_' and '-'");
    }
    ModeDef* md = nullptr;
    for (auto& m : known) {
      if (m.name == name) md = &m;
    }
    if (md == nullptr) {
      ModeDef fresh = builtin_modes()[2];  // unset fields of a new mode: those of delegated
      fresh.name = name;
      known.push_back(fresh);
      md = &known.back();
    }
    if (en.key == "route") {
      if (en.value == "manager") {
        md->route = Route::kManager;
      } else if (en.value == "exception") {
        md->route = Route::kException;
      } else if (en.value == "worker") {
        md->route = Route::kWorker;
      } else {
        throw ConfigError(where(en) + ": expected manager, exception or worker");
      }
    } else if (en.key == "supervise") {
      md->supervise = parse_bool(en);
    } else if (en.key == "peer") {
      md->peer = parse_bool(en);
      if (peer_at.count(name) != 0) {
        throw ConfigError(where(en) + ": peer is set twice for mode " + name);
      }
      peer_at[name] = en;
    } else if (en.key == "consult" || en.key == "peer_coaching" || en.key == "round_robin") {
      std::optional<bool>& flag = en.key == "consult"         ? md->consult
                                  : en.key == "peer_coaching" ? md->peer_coaching
                                                              : md->round_robin;
      flag = parse_bool(en);
      flags_at[name].push_back(en);
    } else if (en.key == "coach_share") {
      md->coach_share = parse_share(en);
    } else if (en.key == "teach_share") {
      md->teach_share = parse_share(en);
    } else if (en.key == "theta") {
      md->theta = parse_share(en);
    } else {
      throw ConfigError(where(en) + ": unknown key " + en.section + "." + en.key +
                        " (known: route, supervise, peer, consult, peer_coaching, round_robin, "
                        "coach_share, teach_share, theta)");
    }
  }
  // `peer = true` means all three mechanisms and `peer = false` none: a section that also
  // sets one of them to the other value contradicts itself.
  for (const auto& [name, flags] : flags_at) {
    const auto it = peer_at.find(name);
    if (it == peer_at.end()) continue;
    for (const auto& f : flags) {
      if (parse_bool(f) != parse_bool(it->second)) {
        throw ConfigError(where(f) + " contradicts " + where(it->second) + ": peer = " +
                          it->second.value + " means consult, peer_coaching and round_robin " +
                          "are all " + (parse_bool(it->second) ? "on" : "off") +
                          "; set the three flags alone instead of peer");
      }
    }
  }
  return known;
}

// Scenario values in registry order -> the drawn specs, constants and policies they fill.
// A [model] constant with a distribution (not swept here) goes to sc.drawn; its Constants or
// Policy field keeps a placeholder, which the draw of each organization overwrites.
void fill_scenario(const std::vector<config::DistSpec>& spec, const std::vector<ModeDef>& modes,
                   ScenarioSpec& sc) {
  const auto& table = param_table();
  sc.policies.clear();
  sc.drawn.clear();
  Policy defaults;  // the [model] theta and shares, for the modes that leave them unset
  Policy highest;   // their largest possible values (a drawn one: its support's top)
  for (std::size_t q = 0; q < table.size(); ++q) {
    const ParamEntry& e = table[q];
    const auto idx = static_cast<std::size_t>(e.index);
    switch (e.category) {
      case ParamCategory::kOrg:
        sc.org[idx] = spec[q];
        break;
      case ParamCategory::kAgent:
        sc.agent[idx] = spec[q];
        break;
      case ParamCategory::kConstant:
        if (spec[q].is_constant()) {
          set_constant(e, spec[q].value(), sc.constants);
          if (e.policy_field != nullptr) {
            defaults.*e.policy_field = highest.*e.policy_field = spec[q].value();
          }
        } else {
          sc.drawn.push_back(DrawnConstant{&e, spec[q], rng::name_id(e.def.name.c_str()), {}});
          if (e.policy_field != nullptr) {
            defaults.*e.policy_field = std::numeric_limits<double>::quiet_NaN();
            highest.*e.policy_field = std::min(spec[q].support_max(), e.def.hi);
          }
        }
        break;
    }
  }
  for (const auto& md : modes) {
    Policy p;
    p.name = md.name;
    p.route = md.route;
    p.supervise = md.supervise;
    p.peer = md.peer;
    p.consult = md.consult;
    p.peer_coaching = md.peer_coaching;
    p.round_robin = md.round_robin;
    p.coach_share = md.coach_share.value_or(defaults.coach_share);
    p.teach_share = md.teach_share.value_or(defaults.teach_share);
    p.theta = md.theta.value_or(defaults.theta);
    const double shares =
        md.coach_share.value_or(highest.coach_share) + md.teach_share.value_or(highest.teach_share);
    if (shares > 1.0) {
      if (std::isnan(p.coach_share) || std::isnan(p.teach_share)) {
        throw ConfigError("mode." + md.name + ": coach_share + teach_share can reach " +
                          std::to_string(shares) +
                          ", more than 1 (a drawn [model] share counts at the top of its "
                          "support)");
      }
      throw ConfigError("mode." + md.name +
                        ": coach_share + teach_share = " + std::to_string(shares) + " exceeds 1");
    }
    // The modes that take a drawn [model] theta or share get the organization's value.
    const std::size_t v = sc.policies.size();
    for (auto& dc : sc.drawn) {
      double Policy::*const f = dc.entry->policy_field;
      const bool follows = (f == &Policy::theta && !md.theta) ||
                           (f == &Policy::coach_share && !md.coach_share) ||
                           (f == &Policy::teach_share && !md.teach_share);
      if (follows) dc.policies.push_back(v);
    }
    sc.policies.push_back(std::move(p));
  }
}

}  // namespace

config::ResolvedConfig default_config() {
  config::ResolvedConfig cfg;
  for (const auto& e : param_table()) {
    cfg.params[e.def.name] = e.default_value;
    cfg.param_text[e.def.name] = e.def.default_spec;
  }
  return cfg;
}

ModelSetup resolve_setup(const config::ResolvedConfig& cfg) {
  ModelSetup out;
  out.seed = cfg.seed;
  const std::vector<ModeDef> known = known_modes(cfg.extra);
  std::vector<ModeDef> selected;
  if (cfg.modes.empty()) {
    selected = builtin_modes();
    // Overrides of built-ins apply to the default selection too.
    for (auto& s : selected) {
      for (const auto& k : known) {
        if (k.name == s.name) s = k;
      }
    }
  } else {
    for (const auto& name : cfg.modes) {
      const ModeDef* md = nullptr;
      for (const auto& k : known) {
        if (k.name == name) md = &k;
      }
      if (md == nullptr) {
        throw ConfigError("run.modes: unknown mode " + name + " (known: " + join(known) + ")");
      }
      for (const auto& s : selected) {
        if (s.name == name) throw ConfigError("run.modes: mode " + name + " is listed twice");
      }
      selected.push_back(*md);
    }
  }
  for (const auto& s : selected) out.variants.push_back(s.name);
  // A [mode.NAME] section that no selected mode uses is a typo or a forgotten run.modes entry:
  // its settings would be silently lost.
  for (const auto& e : cfg.extra) {
    if (e.section.rfind("mode.", 0) != 0) continue;
    const std::string name = e.section.substr(5);
    if (std::find(out.variants.begin(), out.variants.end(), name) != out.variants.end()) continue;
    const std::string near = config::closest(name, out.variants);
    throw ConfigError(e.origin + ": [" + e.section + "] configures mode '" + name +
                      "', which this run does not run" +
                      (near.empty() ? std::string() : " (did you mean [mode." + near + "]?)") +
                      "; run.modes: " + join(selected));
  }
  // A mode's random stream is keyed by the 32-bit hash of its name (docs/MODEL.md §10.2), so
  // two modes whose names hash alike would make the same random choices. The built-in names
  // are distinct; a configured pair that collides is refused.
  for (std::size_t a = 0; a < selected.size(); ++a) {
    for (std::size_t b = a + 1; b < selected.size(); ++b) {
      if (rng::name_id(selected[a].name.c_str()) == rng::name_id(selected[b].name.c_str())) {
        throw ConfigError("mode." + selected[b].name +
                          ": its name has the same 32-bit stream id "
                          "as mode " +
                          selected[a].name +
                          " (its random choices would be the "
                          "same); rename one of them");
      }
    }
  }
  if (cfg.baseline.empty()) {
    out.baseline = out.variants.front();
    for (const auto& v : out.variants) {
      if (v == "centralized") out.baseline = v;
    }
  } else {
    bool found = false;
    for (const auto& v : out.variants) found = found || v == cfg.baseline;
    if (!found) {
      throw ConfigError("run.baseline = " + cfg.baseline + ": not among the run's modes (" +
                        join(selected) + "; known modes: " + join(known) + ")");
    }
    out.baseline = cfg.baseline;
  }

  out.modes = std::move(selected);

  // Registry values (the defaults where a hand-built configuration leaves a parameter out);
  // per scenario the swept ones become constants. resolve() has validated every value.
  const auto& table = param_table();
  out.values.reserve(table.size());
  for (const auto& e : table) {
    auto it = cfg.params.find(e.def.name);
    out.values.push_back(it != cfg.params.end() ? it->second : e.default_value);
  }
  for (const auto& ax : cfg.sweep) {
    const ParamEntry* pe = find_param(ax.param);
    if (pe == nullptr) throw ConfigError("sweep." + ax.param + ": unknown parameter");
    out.axis_pos.push_back(static_cast<std::size_t>(pe - table.data()));
  }
  out.grid.sweep = cfg.sweep;
  for (std::size_t q = 0; q < table.size(); ++q) {
    const bool swept = std::find(out.axis_pos.begin(), out.axis_pos.end(), q) != out.axis_pos.end();
    if (table[q].category == ParamCategory::kConstant && !out.values[q].is_constant() && !swept) {
      out.drawn_pos.push_back(q);
    }
  }
  // Every scenario's modes must be valid (coach_share + teach_share <= 1): build each once.
  ScenarioSpec scratch;
  for (std::uint64_t s = 0; s < out.scenario_count(); ++s) out.fill(s, scratch);
  return out;
}

void ModelSetup::fill(std::uint64_t s, ScenarioSpec& out) const {
  std::vector<config::DistSpec> spec = values;
  const std::vector<double> v = grid.scenario_values(s);
  for (std::size_t a = 0; a < v.size(); ++a) spec[axis_pos[a]] = config::DistSpec::constant(v[a]);
  fill_scenario(spec, modes, out);
}

ScenarioSpec ModelSetup::scenario(std::uint64_t s) const {
  ScenarioSpec sc;
  fill(s, sc);
  return sc;
}

namespace {

class LeadershipModel;

class LeadershipSimulator final : public Simulator {
 public:
  // The bulk path needs only the metrics: no per-problem record.
  explicit LeadershipSimulator(const LeadershipModel& m) : model_(m) {
    engine_.set_problem_detail(false);
  }
  void simulate(std::uint64_t scenario, std::uint64_t org, OrgOutcome& out,
                TraceSink* trace) override;
  void draw_factors(std::uint64_t scenario, std::uint64_t point, unsigned matrix,
                    std::span<double> x) override;
  void simulate_at(std::uint64_t scenario, std::span<const double> x, std::uint64_t noise,
                   OrgOutcome& out, TraceSink* trace) override;

 private:
  // The spec of `scenario` (spec_), filled when the scenario changes.
  const ScenarioSpec& spec(std::uint64_t scenario, std::uint64_t org);
  // The organization drawn last: its record fields and every mode's metrics.
  void run_modes(const Constants& c, const std::vector<Policy>& policies, OrgOutcome& out,
                 TraceSink* trace);

  const LeadershipModel& model_;
  OrgSimulator engine_;
  ScenarioSpec spec_;  // of scenario spec_of_, rebuilt when the scenario changes
  std::uint64_t spec_of_ = ~std::uint64_t{0};
  ScenarioSpec at_spec_;  // simulate_at: spec_ with the org factors fixed at their values
  // With drawn constants only: the organization's constants and policies (the policies are
  // copied once per scenario, their drawn fields written per organization) and drawn values.
  Constants org_constants_{};
  std::vector<Policy> org_policies_;
  std::vector<double> drawn_values_;
};

class LeadershipModel final : public Model {
 public:
  explicit LeadershipModel(ModelSetup setup) : setup_(std::move(setup)) {
    for (const auto& e : param_table()) {
      if (e.category == ParamCategory::kOrg)
        fields_.push_back({e.def.name, e.def.unit, e.def.meaning});
    }
    fields_.push_back({"levels", "levels", "manager levels L"});
    fields_.push_back({"managers", "managers", "managers, all levels"});
    fields_.push_back({"problems", "problems", "problems that arrived over the run"});
    fields_.push_back({"manager_load", "1",
                       "decision_rate x span / manager_capacity: the load of a level-1 manager "
                       "deciding every problem of its team (NaN when manager_capacity = 0)"});
    // A field per drawn [model] constant only: a run without one records what it always did.
    for (std::size_t q : setup_.drawn_pos) {
      const config::ParamDef& d = param_table()[q].def;
      fields_.push_back({d.name, d.unit, d.meaning + " (model constant drawn per organization)"});
    }
    const auto& table = param_table();
    for (std::size_t q = 0; q < table.size(); ++q) {
      const ParamEntry& e = table[q];
      const bool swept =
          std::find(setup_.axis_pos.begin(), setup_.axis_pos.end(), q) != setup_.axis_pos.end();
      const auto drawn = std::find(setup_.drawn_pos.begin(), setup_.drawn_pos.end(), q);
      Factor f{&e, false, 0, rng::name_id(e.def.name.c_str())};
      if (e.category == ParamCategory::kOrg && !swept && !setup_.values[q].is_constant()) {
        f.index = static_cast<std::size_t>(e.index);
      } else if (drawn != setup_.drawn_pos.end()) {
        f.constant = true;
        f.index = static_cast<std::size_t>(drawn - setup_.drawn_pos.begin());
      } else {
        continue;
      }
      factors_.push_back(f);
      factor_names_.push_back(e.def.name);
    }
  }
  const std::vector<MetricDef>& metrics() const override { return metric_defs(); }
  const std::vector<std::string>& variants() const override { return setup_.variants; }
  const std::vector<FieldDef>& record_fields() const override { return fields_; }
  std::unique_ptr<Simulator> make_simulator() const override {
    return std::make_unique<LeadershipSimulator>(*this);
  }
  std::string baseline() const override { return setup_.baseline; }
  std::string event_unit() const override { return "problem-mode events"; }
  // 2: the diagnostics escalated, consulted and consult_failed (2026-12-02).
  std::uint32_t results_version() const override { return 2; }
  std::string variant_noun() const override { return "leadership mode"; }
  const ModelSetup& setup() const { return setup_; }
  // Sensitivity factors: the [org] parameters with a distribution (not swept), then the drawn
  // [model] constants, in registry order. Per-agent parameters are not factors: their draws
  // are part of the noise.
  struct Factor {
    const ParamEntry* entry = nullptr;
    bool constant = false;  // a drawn constant (index: its position in ScenarioSpec::drawn)
    std::size_t index = 0;  // OrgParam, or the drawn position
    std::uint32_t id = 0;   // name_id of the parameter
  };
  std::vector<std::string> factors() const override { return factor_names_; }
  const std::vector<Factor>& factor_list() const { return factors_; }

 private:
  ModelSetup setup_;
  std::vector<FieldDef> fields_;
  std::vector<Factor> factors_;
  std::vector<std::string> factor_names_;
};

const ScenarioSpec& LeadershipSimulator::spec(std::uint64_t scenario, std::uint64_t org) {
  const ModelSetup& su = model_.setup();
  if (scenario >= su.scenario_count()) {
    throw SimulationError("leadership: scenario " + std::to_string(scenario) + " out of range",
                          scenario, org, "");
  }
  if (scenario != spec_of_) {
    spec_of_ = ~std::uint64_t{0};
    su.fill(scenario, spec_);
    if (!spec_.drawn.empty()) org_policies_ = spec_.policies;
    spec_of_ = scenario;
  }
  return spec_;
}

void LeadershipSimulator::run_modes(const Constants& c, const std::vector<Policy>& policies,
                                    OrgOutcome& out, TraceSink* trace) {
  const ScenarioSpec& sc = spec_;
  const Organization& o = engine_.org();
  const std::size_t n = engine_.env().period.size();
  out.params.clear();
  for (const auto& e : param_table()) {
    if (e.category == ParamCategory::kOrg)
      out.params.push_back(o.p[static_cast<std::size_t>(e.index)]);
  }
  out.params.push_back(o.levels);
  out.params.push_back(o.managers);
  out.params.push_back(static_cast<double>(n));
  out.params.push_back(manager_load(o));
  if (!sc.drawn.empty())
    out.params.insert(out.params.end(), drawn_values_.begin(), drawn_values_.end());
  out.metrics.resize(policies.size() * static_cast<std::size_t>(kNumMetrics));
  for (std::size_t v = 0; v < policies.size(); ++v) {
    const ModeResult r = engine_.run_mode(policies[v], c, trace);
    std::copy(r.metrics.begin(), r.metrics.end(),
              out.metrics.begin() + static_cast<std::ptrdiff_t>(v * kNumMetrics));
    out.rng_blocks += r.rng_blocks;
  }
  out.events = static_cast<std::uint64_t>(n) * policies.size();
}

void LeadershipSimulator::simulate(std::uint64_t scenario, std::uint64_t org, OrgOutcome& out,
                                   TraceSink* trace) {
  const ScenarioSpec& sc = spec(scenario, org);
  const ModelSetup& su = model_.setup();
  try {
    // Fixed constants (the usual case): the scenario's own, untouched.
    const Constants* constants = &sc.constants;
    const std::vector<Policy>* policies = &sc.policies;
    std::uint64_t constant_blocks = 0;
    if (!sc.drawn.empty()) {
      org_constants_ = sc.constants;
      constant_blocks =
          draw_constants(sc, su.seed, org, org_constants_, org_policies_, drawn_values_);
      constants = &org_constants_;
      policies = &org_policies_;
    }
    out.rng_blocks = engine_.draw(sc, *constants, su.seed, org) + constant_blocks;
    run_modes(*constants, *policies, out, trace);
  } catch (const SimulationError& e) {
    throw SimulationError(e.what(), scenario, org, e.mode());
  }
}

// Factor f of point j, matrix m: its distribution in this scenario, on the stream of the
// parameter keyed by (seed, j) with sub 1 + m (an organization's own draws use sub 0).
void LeadershipSimulator::draw_factors(std::uint64_t scenario, std::uint64_t point, unsigned matrix,
                                       std::span<double> x) {
  const ScenarioSpec& sc = spec(scenario, point);
  const auto& factors = model_.factor_list();
  if (x.size() != factors.size()) throw std::invalid_argument("draw_factors: wrong size");
  const std::uint64_t seed = model_.setup().seed;
  for (std::size_t f = 0; f < factors.size(); ++f) {
    const LeadershipModel::Factor& fa = factors[f];
    const config::ParamDef& d = fa.entry->def;
    const Purpose purpose = fa.constant ? Purpose::kConstant : Purpose::kParam;
    const config::DistSpec& dist = fa.constant ? sc.drawn[fa.index].spec : sc.org[fa.index];
    rng::Stream st(seed, point, stream_tag(purpose, fa.id), std::uint64_t{1} + matrix);
    double v = dist.sample(st, d.lo, d.hi, d.integer);
    if (d.integer) v = static_cast<double>(std::lround(v));
    x[f] = v;
  }
}

// As simulate(scenario, noise), with every factor at its value in x: the [org] factors become
// constants of a copy of the scenario's spec, the drawn constants are set as draw_constants
// would set them.
void LeadershipSimulator::simulate_at(std::uint64_t scenario, std::span<const double> x,
                                      std::uint64_t noise, OrgOutcome& out, TraceSink* trace) {
  const ScenarioSpec& sc = spec(scenario, noise);
  const auto& factors = model_.factor_list();
  if (x.size() != factors.size()) throw std::invalid_argument("simulate_at: wrong size");
  try {
    at_spec_ = sc;
    org_constants_ = sc.constants;
    org_policies_ = sc.policies;
    drawn_values_.resize(sc.drawn.size());
    for (std::size_t f = 0; f < factors.size(); ++f) {
      const LeadershipModel::Factor& fa = factors[f];
      if (!fa.constant) {
        at_spec_.org[fa.index] = config::DistSpec::constant(x[f]);
        continue;
      }
      const DrawnConstant& dc = sc.drawn[fa.index];
      drawn_values_[fa.index] = x[f];
      set_constant(*dc.entry, x[f], org_constants_);
      if (dc.entry->policy_field != nullptr) {
        for (std::size_t v : dc.policies) org_policies_[v].*dc.entry->policy_field = x[f];
      }
    }
    out.rng_blocks = engine_.draw(at_spec_, org_constants_, model_.setup().seed, noise);
    run_modes(org_constants_, org_policies_, out, trace);
  } catch (const SimulationError& e) {
    throw SimulationError(e.what(), scenario, noise, e.mode());
  }
}

}  // namespace

double manager_load(const Organization& o) {
  const double capacity = o.p[kManagerCapacity];
  return capacity > 0.0 ? o.p[kDecisionRate] * static_cast<double>(o.span) / capacity
                        : std::numeric_limits<double>::quiet_NaN();
}

namespace {

class LeadershipFactory final : public ModelFactory {
 public:
  std::string name() const override { return "leadership"; }
  std::string description() const override {
    return "organizations under leadership modes: centralized, exception, delegated, coaching, "
           "distributed (docs/MODEL.md)";
  }
  const std::vector<config::ParamDef>& params() const override { return param_defs(); }
  std::vector<std::string> extra_section_prefixes() const override { return {"mode."}; }
  std::unique_ptr<Model> create(const config::ResolvedConfig& cfg) const override {
    return std::make_unique<LeadershipModel>(resolve_setup(cfg));
  }
};

}  // namespace

const port::ModelFactory& factory() {
  static const LeadershipFactory instance;
  return instance;
}

}  // namespace leadsim::leadership
