// The Model, Simulator and ModelFactory shared by the analytic models (spec.h, analytic.h).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/models/analytic/analytic.h"
#include "leadsim/models/analytic/spec.h"
#include "leadsim/rng/philox.h"

namespace leadsim::analytic::detail {
namespace {

using port::FieldDef;
using port::MetricDef;
using port::OrgOutcome;
using port::TraceSink;

// One scenario: each input's distribution (a swept input's value as a constant) and the
// constants.
struct Scenario {
  std::vector<config::DistSpec> x;
  std::vector<double> c;
};

class AnalyticModel final : public port::Model {
 public:
  AnalyticModel(const Spec& spec, const config::ResolvedConfig& cfg)
      : spec_(spec), seed_(cfg.seed) {
    const auto& defs = spec.params;
    // Every parameter's configured value: the configuration's (validated by config::resolve)
    // or, where a hand-built configuration leaves one out, its default text.
    std::vector<config::DistSpec> base;
    for (const auto& d : defs) {
      const auto it = cfg.params.find(d.name);
      base.push_back(it == cfg.params.end() ? config::parse_dist(d.default_spec) : it->second);
    }
    std::vector<std::size_t> slot;  // registry position of each sweep axis' parameter
    for (const auto& axis : cfg.sweep) {
      std::size_t i = 0;
      while (i < defs.size() && defs[i].name != axis.param) ++i;
      if (i == defs.size()) {
        throw ConfigError("sweep." + axis.param + ": not a " + spec.name + " parameter");
      }
      slot.push_back(i);
    }
    // The factors: inputs with a distribution that no sweep axis replaces.
    for (std::size_t q = 0; q < spec.inputs; ++q) {
      if (!base[q].is_constant() && std::find(slot.begin(), slot.end(), q) == slot.end()) {
        factor_slot_.push_back(q);
        factors_.push_back(defs[q].name);
      }
    }
    for (std::size_t q = 0; q < spec.inputs; ++q) {
      ids_.push_back(rng::name_id(defs[q].name.c_str()));
    }
    scenarios_.resize(cfg.scenario_count());
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::uint64_t s = 0; s < scenarios_.size(); ++s) {
      std::vector<config::DistSpec> v = base;
      const std::vector<double> swept = cfg.scenario_values(s);
      for (std::size_t a = 0; a < swept.size(); ++a) {
        v[slot[a]] = config::DistSpec::constant(swept[a]);
      }
      Scenario& sc = scenarios_[s];
      sc.x.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(spec.inputs));
      std::vector<double> lo_x;
      std::vector<double> hi_x;
      for (std::size_t q = 0; q < spec.inputs; ++q) {
        lo_x.push_back(std::fmax(sc.x[q].support_min(), defs[q].lo));
        hi_x.push_back(std::fmin(sc.x[q].support_max(), defs[q].hi));
      }
      for (std::size_t i = spec.inputs; i < defs.size(); ++i) sc.c.push_back(v[i].value());
      const auto [l, h] = spec.range(lo_x, hi_x, sc.c);
      lo = std::fmin(lo, l);
      hi = std::fmax(hi, h);
    }
    if (!(lo < hi)) {  // y is one value in every scenario
      lo -= 0.5;
      hi += 0.5;
    }
    metrics_ = {{"y", "1", spec.metric_description, stats::Better::kNone, lo, hi, 50, false}};
    for (std::size_t q = 0; q < spec.inputs; ++q) {
      fields_.push_back({defs[q].name, defs[q].unit, defs[q].meaning});
    }
    variants_ = {kVariant};
  }

  const std::vector<MetricDef>& metrics() const override { return metrics_; }
  const std::vector<std::string>& variants() const override { return variants_; }
  const std::vector<FieldDef>& record_fields() const override { return fields_; }
  std::string baseline() const override { return kVariant; }
  std::string variant_noun() const override { return spec_.name + " model variant"; }
  std::string event_unit() const override { return "evaluations"; }
  std::uint32_t results_version() const override { return 1; }
  std::vector<std::string> factors() const override { return factors_; }
  bool stochastic() const override { return false; }
  std::unique_ptr<port::Simulator> make_simulator() const override;

  const Spec& spec() const { return spec_; }
  std::uint64_t seed() const { return seed_; }
  const Scenario& scenario(std::uint64_t s) const { return scenarios_.at(s); }
  const std::vector<std::size_t>& factor_slots() const { return factor_slot_; }
  // Input q's draw from its stream (analytic.h): key (seed, k), sub.
  double draw(std::size_t q, const config::DistSpec& dist, std::uint64_t k, std::uint64_t sub,
              std::uint64_t& blocks) const {
    rng::Stream g(seed_, k, rng::tag(spec_.purpose, ids_[q]), sub);
    const auto& d = spec_.params[q];
    const double x = dist.sample(g, d.lo, d.hi, false);
    blocks += g.blocks();
    return x;
  }

 private:
  const Spec& spec_;
  std::uint64_t seed_;
  std::vector<Scenario> scenarios_;
  std::vector<std::uint32_t> ids_;        // rng::name_id of each input's name
  std::vector<std::size_t> factor_slot_;  // input index of each factor
  std::vector<std::string> factors_;
  std::vector<MetricDef> metrics_;
  std::vector<FieldDef> fields_;
  std::vector<std::string> variants_;
};

class AnalyticSimulator final : public port::Simulator {
 public:
  explicit AnalyticSimulator(const AnalyticModel& model)
      : model_(model), x_(model.spec().inputs, 0.0) {}

  void simulate(std::uint64_t scenario, std::uint64_t org, OrgOutcome& out,
                TraceSink* trace) override {
    const Scenario& sc = model_.scenario(scenario);
    std::uint64_t blocks = 0;
    for (std::size_t q = 0; q < x_.size(); ++q) {
      x_[q] =
          sc.x[q].is_constant() ? sc.x[q].value() : model_.draw(q, sc.x[q], org, kOrgSub, blocks);
    }
    finish(sc, blocks, out, trace);
  }

  void draw_factors(std::uint64_t scenario, std::uint64_t point, unsigned matrix,
                    std::span<double> x) override {
    const Scenario& sc = model_.scenario(scenario);
    const auto& slots = model_.factor_slots();
    check_size(x.size());
    std::uint64_t blocks = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      x[i] = model_.draw(slots[i], sc.x[slots[i]], point, factor_sub(matrix), blocks);
    }
  }

  void simulate_at(std::uint64_t scenario, std::span<const double> x, std::uint64_t /*noise*/,
                   OrgOutcome& out, TraceSink* trace) override {
    // Nothing but the factors is random: the other inputs are the scenario's constants.
    const Scenario& sc = model_.scenario(scenario);
    const auto& slots = model_.factor_slots();
    check_size(x.size());
    for (std::size_t q = 0; q < x_.size(); ++q) {
      if (sc.x[q].is_constant()) x_[q] = sc.x[q].value();
    }
    for (std::size_t i = 0; i < slots.size(); ++i) x_[slots[i]] = x[i];
    finish(sc, 0, out, trace);
  }

 private:
  void check_size(std::size_t n) const {
    if (n != model_.factor_slots().size()) {
      throw std::invalid_argument(model_.spec().name + ": " + std::to_string(n) +
                                  " factor values given, the configuration has " +
                                  std::to_string(model_.factor_slots().size()) + " factors");
    }
  }

  void finish(const Scenario& sc, std::uint64_t blocks, OrgOutcome& out, TraceSink* trace) {
    const double y = model_.spec().f(x_, sc.c);
    out.params.assign(x_.begin(), x_.end());
    out.metrics.assign(1, y);
    out.events = 1;
    out.rng_blocks = blocks;
    if (trace != nullptr) {
      std::vector<std::string> columns;
      for (const auto& f : model_.record_fields()) columns.push_back(f.name);
      columns.emplace_back("y");
      trace->begin(kVariant, columns);
      std::vector<double> row(x_.begin(), x_.end());
      row.push_back(y);
      trace->row(row);
    }
  }

  const AnalyticModel& model_;
  std::vector<double> x_;
};

std::unique_ptr<port::Simulator> AnalyticModel::make_simulator() const {
  return std::make_unique<AnalyticSimulator>(*this);
}

class AnalyticFactory final : public port::ModelFactory {
 public:
  explicit AnalyticFactory(const Spec& spec) : spec_(spec) {}
  std::string name() const override { return spec_.name; }
  std::string description() const override { return spec_.description; }
  const std::vector<config::ParamDef>& params() const override { return spec_.params; }
  std::unique_ptr<port::Model> create(const config::ResolvedConfig& cfg) const override {
    const std::string single = ": model " + spec_.name + " has the single mode " + kVariant;
    if (!(cfg.modes.empty() || (cfg.modes.size() == 1 && cfg.modes.front() == kVariant))) {
      std::string list;
      for (const auto& m : cfg.modes) list += (list.empty() ? "" : ",") + m;
      throw ConfigError("run.modes = " + list + single);
    }
    if (!cfg.baseline.empty() && cfg.baseline != kVariant) {
      throw ConfigError("run.baseline = " + cfg.baseline + single);
    }
    if (!cfg.extra.empty()) {
      const auto& e = cfg.extra.front();
      throw ConfigError(e.origin + ": [" + e.section + "] " + e.key + ": model " + spec_.name +
                        " has no such section");
    }
    return std::make_unique<AnalyticModel>(spec_, cfg);
  }

 private:
  const Spec& spec_;
};

}  // namespace

std::unique_ptr<port::ModelFactory> make_factory(const Spec& spec) {
  return std::make_unique<AnalyticFactory>(spec);
}

}  // namespace leadsim::analytic::detail
