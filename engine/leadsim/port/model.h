// The port between a model and the engine: what a model must provide (its metrics, record
// fields and variants, and a per-thread Simulator) and how a model kind is registered (its
// parameter schema and a factory). The runner, merge and replay receive a `const Model&`;
// they never look a model up by name. The registry of compiled-in models is at the top of
// the house (leadsim/models/registry.h), linked only by the app and the tests.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/config/param.h"
#include "leadsim/core/error.h"
#include "leadsim/stats/outcome.h"

namespace leadsim::port {

using stats::FieldDef;
using stats::MetricDef;
using stats::OrgOutcome;

// Receives a per-period trace of one organization (replay --trace). Zero cost when absent.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void begin(const std::string& variant, const std::vector<std::string>& columns) = 0;
  virtual void row(std::span<const double> values) = 0;
};

// Per-thread simulation state: buffers reused across organizations. Not thread-safe; make
// one per thread with Model::make_simulator().
class Simulator {
 public:
  virtual ~Simulator() = default;
  // Simulates organization `org` of scenario `scenario` under every variant. A pure function
  // of (configuration, seed, scenario, org). Throws on an internal invariant failure.
  virtual void simulate(std::uint64_t scenario, std::uint64_t org, OrgOutcome& out,
                        TraceSink* trace = nullptr) = 0;
  // Draws the factor values of design point `point`, sample matrix `matrix` (0: A, 1: B), of
  // scenario `scenario`: one value per factors() entry, each from its factor's distribution,
  // on substreams keyed by (seed, point, matrix) that no organization's own draws use.
  // Default: throws ConfigError (the model does not support sensitivity studies).
  virtual void draw_factors(std::uint64_t /*scenario*/, std::uint64_t /*point*/,
                            unsigned /*matrix*/, std::span<double> /*x*/) {
    throw ConfigError(kNoSensitivity);
  }
  // Simulates as simulate(scenario, noise, out, trace) does, except that the factors take the
  // values x (factors() order); everything else is drawn as for organization `noise`. With x
  // equal to what simulate(scenario, noise) draws, the outcome's params, metrics and events
  // and the trace are those of simulate bit for bit (rng_blocks counts the blocks this call
  // draws). Default: throws ConfigError (the model does not support sensitivity studies).
  virtual void simulate_at(std::uint64_t /*scenario*/, std::span<const double> /*x*/,
                           std::uint64_t /*noise*/, OrgOutcome& /*out*/,
                           TraceSink* /*trace*/ = nullptr) {
    throw ConfigError(kNoSensitivity);
  }

 private:
  static constexpr const char* kNoSensitivity =
      "this model does not support sensitivity studies ([sensitivity], docs/SENSITIVITY.md)";
};

// A configured model: immutable and thread-safe after construction.
class Model {
 public:
  virtual ~Model() = default;
  virtual const std::vector<MetricDef>& metrics() const = 0;
  virtual const std::vector<std::string>& variants() const = 0;  // the run's modes, in order
  virtual const std::vector<FieldDef>& record_fields() const = 0;
  virtual std::unique_ptr<Simulator> make_simulator() const = 0;
  // The files call the variant dimension "mode" for every model; variant_noun() says what
  // one is, for the results file's descriptions ("leadership mode").
  virtual std::string variant_noun() const { return "model variant"; }
  virtual std::string baseline() const = 0;  // a member of variants()
  // What OrgOutcome::events counts, for throughput reports ("problem-mode events").
  virtual std::string event_unit() const { return "events"; }
  // The model's results version: raised by every change that alters any record or statistic
  // for some configuration (never by a refactor or speed-up). Files, shards and checkpoints
  // of different versions are never combined (run::results_identity).
  virtual std::uint32_t results_version() const = 0;
  // Global sensitivity analysis ([sensitivity] studies, docs/SENSITIVITY.md). The factors are
  // the inputs this configuration draws per organization (parameter names, registry order);
  // empty: the configuration has none and cannot be analysed.
  virtual std::vector<std::string> factors() const { return {}; }
  // Whether an organization has random draws besides its factors (agents, environment,
  // coins): then a sensitivity study adds the noise factor.
  virtual bool stochastic() const { return true; }
};

// A model kind as registered: its parameter registry and how to build it from a config.
class ModelFactory {
 public:
  virtual ~ModelFactory() = default;
  virtual std::string name() const = 0;  // "[run] model = NAME"
  virtual std::string description() const = 0;
  virtual const std::vector<config::ParamDef>& params() const = 0;
  // Sections the model owns besides its params' sections, as prefixes ("mode.").
  virtual std::vector<std::string> extra_section_prefixes() const { return {}; }
  // Builds the model; validates modes, baseline and extra entries. Throws ConfigError.
  virtual std::unique_ptr<Model> create(const config::ResolvedConfig& cfg) const = 0;
  // What config::resolve needs of this kind.
  config::ModelSchema schema() const { return {name(), &params(), extra_section_prefixes()}; }
};

}  // namespace leadsim::port
