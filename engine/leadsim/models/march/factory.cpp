#include "leadsim/models/march/factory.h"

#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/models/march/model.h"

namespace leadsim::march {

namespace {

using port::FieldDef;
using port::MetricDef;
using port::Model;
using port::ModelFactory;
using port::OrgOutcome;
using port::Simulator;
using port::TraceSink;

using config::ParamDef;
using config::ParamKind;

// A parameter declared once (ParamDef: name, symbol, unit, range, default text, meaning) and
// bound to the Params field it fills (exactly one of the three).
struct MarchParam {
  ParamDef def;
  int Params::*int_field = nullptr;
  double Params::*double_field = nullptr;
  std::int64_t Params::*long_field = nullptr;
};

MarchParam bind(ParamDef def, int Params::*field) {
  return {std::move(def), field, nullptr, nullptr};
}
MarchParam bind(ParamDef def, double Params::*field) {
  return {std::move(def), nullptr, field, nullptr};
}
MarchParam bind(ParamDef def, std::int64_t Params::*field) {
  return {std::move(def), nullptr, nullptr, field};
}

const std::vector<MarchParam>& registry() {
  static const std::vector<MarchParam> table = {
      bind({"m", "model", "m", "dimensions", "dimensions of reality", 1, 100000, true,
            ParamKind::kConstant, "30"},
           &Params::m),
      bind({"n", "model", "n", "individuals", "members of the organization", 1, 100000, true,
            ParamKind::kConstant, "50"},
           &Params::n),
      bind({"p1", "model", "p1", "probability/dimension/period",
            "socialization: chance a belief moves one step toward a non-zero code", 0, 1, false,
            ParamKind::kConstant, "0.1"},
           &Params::p1),
      bind({"p2", "model", "p2", "probability",
            "code learning: the code adopts a majority view of "
            "the superior group with probability 1-(1-p2)^k",
            0, 1, false, ParamKind::kConstant, "0.5"},
           &Params::p2),
      bind({"p3", "model", "p3", "probability/individual/period",
            "turnover: an individual is replaced by a fresh one", 0, 1, false, ParamKind::kConstant,
            "0"},
           &Params::p3),
      bind({"p4", "model", "p4", "probability/dimension/period",
            "turbulence: a dimension of reality flips", 0, 1, false, ParamKind::kConstant, "0"},
           &Params::p4),
      bind({"max_periods", "model", "", "periods",
            "cap on a run to equilibrium (p3 = p4 = 0); capped runs report hit_cap = 1", 1, 1e7,
            true, ParamKind::kConstant, "10000"},
           &Params::max_periods),
      bind({"periods", "model", "", "periods", "run length when p3 > 0 or p4 > 0", 1, 1e7, true,
            ParamKind::kConstant, "100"},
           &Params::periods),
  };
  return table;
}

const std::vector<ParamDef>& march_params() {
  static const std::vector<ParamDef> defs = [] {
    std::vector<ParamDef> d;
    for (const auto& p : registry()) d.push_back(p.def);
    return d;
  }();
  return defs;
}

void set_field(const MarchParam& q, double v, Params& p) {
  if (q.int_field != nullptr) p.*q.int_field = static_cast<int>(v);
  if (q.double_field != nullptr) p.*q.double_field = v;
  if (q.long_field != nullptr) p.*q.long_field = static_cast<std::int64_t>(v);
}

// The values of every parameter, in registry order: the configuration's (validated by
// config::resolve) or, where a hand-built configuration leaves one out, its default text.
std::vector<double> base_values(const config::ResolvedConfig& cfg) {
  std::vector<double> v;
  for (const auto& q : registry()) {
    const auto it = cfg.params.find(q.def.name);
    v.push_back(it == cfg.params.end() ? config::parse_dist(q.def.default_spec).value()
                                       : it->second.value());
  }
  return v;
}

Params to_params(const std::vector<double>& v) {
  Params p{};
  for (std::size_t i = 0; i < registry().size(); ++i) set_field(registry()[i], v[i], p);
  return p;
}

class MarchModel final : public Model {
 public:
  explicit MarchModel(const config::ResolvedConfig& cfg) : seed_(cfg.seed) {
    // Each scenario's Params, once: the base values with the scenario's swept values
    // (ResolvedConfig::scenario_values: row-major, first axis slowest).
    const std::vector<double> base = base_values(cfg);
    std::vector<std::size_t> slot;  // registry position of each sweep axis' parameter
    for (const auto& axis : cfg.sweep) {
      std::size_t i = 0;
      while (i < registry().size() && registry()[i].def.name != axis.param) ++i;
      if (i == registry().size()) {
        throw ConfigError("sweep." + axis.param + ": not a march1991 parameter");
      }
      slot.push_back(i);
    }
    scenarios_.resize(cfg.scenario_count());
    for (std::uint64_t s = 0; s < scenarios_.size(); ++s) {
      std::vector<double> v = base;
      const std::vector<double> x = cfg.scenario_values(s);
      for (std::size_t a = 0; a < x.size(); ++a) v[slot[a]] = x[a];
      scenarios_[s] = to_params(v);
    }
    // Direction of better: more knowledge and a more correct code are better; the periods run
    // and hitting the cap describe the run's length, not its quality (none).
    metrics_ = {
        {"knowledge", "1", "code's net score sum_d code*reality / m at the end",
         stats::Better::kHigher, -1.0, 1.0, 40, false},
        {"code_correct", "share", "share of dimensions where the code equals reality",
         stats::Better::kHigher, 0.0, 1.0, 40, false},
        {"periods", "periods", "periods run (to equilibrium when p3 = p4 = 0)",
         stats::Better::kNone, 1.0, 1e5, 50, true},
        {"individual_knowledge", "1", "mean over individuals of sum_d belief*reality / m",
         stats::Better::kHigher, -1.0, 1.0, 40, false},
        {"hit_cap", "1", "1 when max_periods stopped the run before equilibrium",
         stats::Better::kNone, 0.0, 1.0, 2, false},
    };
    fields_ = {
        {"m", "dimensions", "dimensions of reality"},
        {"n", "individuals", "members of the organization"},
        {"p1", "probability", "socialization rate"},
        {"p2", "probability", "code learning rate"},
        {"p3", "probability", "turnover rate"},
        {"p4", "probability", "turbulence rate"},
    };
    variants_ = {kModelName};
  }

  const std::vector<MetricDef>& metrics() const override { return metrics_; }
  const std::vector<std::string>& variants() const override { return variants_; }
  const std::vector<FieldDef>& record_fields() const override { return fields_; }
  std::string baseline() const override { return kModelName; }
  std::string event_unit() const override { return "individual-periods"; }
  std::uint32_t results_version() const override { return 1; }
  std::string variant_noun() const override { return "March (1991) model variant"; }
  std::unique_ptr<Simulator> make_simulator() const override;

  const Params& scenario_params(std::uint64_t s) const { return scenarios_.at(s); }
  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::vector<Params> scenarios_;
  std::vector<MetricDef> metrics_;
  std::vector<FieldDef> fields_;
  std::vector<std::string> variants_;
};

class MarchSimulator final : public Simulator {
 public:
  explicit MarchSimulator(const MarchModel& model) : model_(model) {}

  void simulate(std::uint64_t scenario, std::uint64_t org, OrgOutcome& out,
                TraceSink* trace) override {
    const Params& p = model_.scenario_params(scenario);
    const RunResult r = simulate_run(p, model_.seed(), org, state_, trace);
    out.params = {static_cast<double>(p.m), static_cast<double>(p.n), p.p1, p.p2, p.p3, p.p4};
    out.metrics = {r.knowledge, r.code_correct, static_cast<double>(r.periods),
                   r.individual_knowledge, r.hit_cap ? 1.0 : 0.0};
    out.events = static_cast<std::uint64_t>(r.periods) * static_cast<std::uint64_t>(p.n);
    out.rng_blocks = r.rng_blocks;
  }

 private:
  const MarchModel& model_;
  detail::State state_;
};

std::unique_ptr<Simulator> MarchModel::make_simulator() const {
  return std::make_unique<MarchSimulator>(*this);
}

class MarchFactory final : public ModelFactory {
 public:
  std::string name() const override { return kModelName; }
  std::string description() const override {
    return "March (1991) exploration and exploitation in organizational learning: a code and "
           "its members learn from each other";
  }
  const std::vector<ParamDef>& params() const override { return march_params(); }
  std::unique_ptr<Model> create(const config::ResolvedConfig& cfg) const override {
    if (!(cfg.modes.empty() || (cfg.modes.size() == 1 && cfg.modes.front() == kModelName))) {
      std::string list;
      for (const auto& m : cfg.modes) list += (list.empty() ? "" : ",") + m;
      throw ConfigError("run.modes = " + list +
                        ": model march1991 has the single mode "
                        "march1991");
    }
    if (!cfg.baseline.empty() && cfg.baseline != kModelName) {
      throw ConfigError("run.baseline = " + cfg.baseline +
                        ": model march1991 has the single mode march1991");
    }
    if (!cfg.extra.empty()) {
      const auto& e = cfg.extra.front();
      throw ConfigError(e.origin + ": [" + e.section + "] " + e.key +
                        ": model march1991 has no such section");
    }
    return std::make_unique<MarchModel>(cfg);
  }
};

}  // namespace

Params default_params() {
  Params p{};
  for (const auto& q : registry()) {
    set_field(q, config::parse_dist(q.def.default_spec).value(), p);
  }
  return p;
}

const ModelFactory& factory() {
  static const MarchFactory factory;
  return factory;
}

}  // namespace leadsim::march
