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

// Registry order is also the order of Slot.
enum Slot : std::size_t { kM, kN, kP1, kP2, kP3, kP4, kMaxPeriods, kPeriods, kSlots };

const std::vector<ParamDef>& march_params() {
  static const std::vector<ParamDef> defs = {
      {"m", "model", "m", "dimensions", "dimensions of reality", 1, 100000, true,
       ParamKind::kConstant, "30"},
      {"n", "model", "n", "individuals", "members of the organization", 1, 100000, true,
       ParamKind::kConstant, "50"},
      {"p1", "model", "p1", "probability/dimension/period",
       "socialization: chance a belief moves one step toward a non-zero code", 0, 1, false,
       ParamKind::kConstant, "0.1"},
      {"p2", "model", "p2", "probability",
       "code learning: the code adopts a majority view of "
       "the superior group with probability 1-(1-p2)^k",
       0, 1, false, ParamKind::kConstant, "0.5"},
      {"p3", "model", "p3", "probability/individual/period",
       "turnover: an individual is replaced by a fresh one", 0, 1, false, ParamKind::kConstant,
       "0"},
      {"p4", "model", "p4", "probability/dimension/period",
       "turbulence: a dimension of reality flips", 0, 1, false, ParamKind::kConstant, "0"},
      {"max_periods", "model", "", "periods",
       "cap on a run to equilibrium (p3 = p4 = 0); capped runs report hit_cap = 1", 1, 1e7, true,
       ParamKind::kConstant, "10000"},
      {"periods", "model", "", "periods", "run length when p3 > 0 or p4 > 0", 1, 1e7, true,
       ParamKind::kConstant, "100"},
  };
  return defs;
}

Params to_params(const std::vector<double>& v) {
  Params p;
  p.m = static_cast<int>(v[kM]);
  p.n = static_cast<int>(v[kN]);
  p.p1 = v[kP1];
  p.p2 = v[kP2];
  p.p3 = v[kP3];
  p.p4 = v[kP4];
  p.max_periods = static_cast<std::int64_t>(v[kMaxPeriods]);
  p.periods = static_cast<std::int64_t>(v[kPeriods]);
  return p;
}

void check_value(const ParamDef& def, double x, const std::string& where) {
  if (!(x >= def.lo && x <= def.hi) || (def.integer && x != std::floor(x))) {
    throw ConfigError(where + ": " + def.section + "." + def.name + " = " + std::to_string(x) +
                      " is not " + (def.integer ? "an integer " : "a number ") + "in [" +
                      std::to_string(def.lo) + ", " + std::to_string(def.hi) + "]");
  }
}

class MarchModel final : public Model {
 public:
  explicit MarchModel(const config::ResolvedConfig& cfg) : seed_(cfg.seed) {
    const auto& defs = march_params();
    base_.assign(kSlots, 0.0);
    for (std::size_t i = 0; i < kSlots; ++i) {
      const auto it = cfg.params.find(defs[i].name);
      if (it == cfg.params.end()) {
        base_[i] = std::stod(defs[i].default_spec);  // defaults are plain numbers
      } else if (!it->second.is_constant()) {
        const auto text = cfg.param_text.find(defs[i].name);
        throw ConfigError("model." + defs[i].name + " = " +
                          (text == cfg.param_text.end() ? std::string("?") : text->second) +
                          ": march1991 parameters are constants (sweep them instead)");
      } else {
        base_[i] = it->second.value();
      }
      check_value(defs[i], base_[i], "march1991");
    }
    for (const auto& axis : cfg.sweep) {
      std::size_t slot = kSlots;
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (defs[i].name == axis.param) slot = i;
      }
      if (slot == kSlots) {
        throw ConfigError("sweep." + axis.param + ": not a march1991 parameter");
      }
      if (axis.values.empty()) throw ConfigError("sweep." + axis.param + ": no values");
      for (double x : axis.values) check_value(defs[slot], x, "sweep." + axis.param);
      axes_.push_back({slot, axis.values});
    }
    metrics_ = {
        {"knowledge", "1", "code's net score sum_d code*reality / m at the end", -1.0, 1.0, 40,
         false},
        {"code_correct", "share", "share of dimensions where the code equals reality", 0.0, 1.0, 40,
         false},
        {"periods", "periods", "periods run (to equilibrium when p3 = p4 = 0)", 1.0, 1e5, 50, true},
        {"individual_knowledge", "1", "mean over individuals of sum_d belief*reality / m", -1.0,
         1.0, 40, false},
        {"hit_cap", "1", "1 when max_periods stopped the run before equilibrium", 0.0, 1.0, 2,
         false},
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
  std::unique_ptr<Simulator> make_simulator() const override;

  // Parameters of scenario s: the sweep is row-major with the first axis slowest, as
  // config::ResolvedConfig::scenario_values() defines it.
  Params scenario_params(std::uint64_t s) const {
    std::vector<double> v = base_;
    for (std::size_t a = axes_.size(); a-- > 0;) {
      const std::uint64_t len = axes_[a].values.size();
      v[axes_[a].slot] = axes_[a].values[s % len];
      s /= len;
    }
    return to_params(v);
  }
  std::uint64_t seed() const { return seed_; }

 private:
  struct Axis {
    std::size_t slot;
    std::vector<double> values;
  };
  std::uint64_t seed_;
  std::vector<double> base_;
  std::vector<Axis> axes_;
  std::vector<MetricDef> metrics_;
  std::vector<FieldDef> fields_;
  std::vector<std::string> variants_;
};

class MarchSimulator final : public Simulator {
 public:
  explicit MarchSimulator(const MarchModel& model) : model_(model) {}

  void simulate(std::uint64_t scenario, std::uint64_t org, OrgOutcome& out,
                TraceSink* trace) override {
    const Params p = model_.scenario_params(scenario);
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

const ModelFactory& factory() {
  static const MarchFactory factory;
  return factory;
}

}  // namespace leadsim::march
