// The model-agnostic interface between a model and the engine core. The runner, statistics
// and results writer see only names, units and vectors of doubles declared here; they know
// nothing of leadership or of any other model.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/config/param.h"

namespace leadsim::model {

// One outcome metric. Histogram bins: `bins` equal bins on [lo, hi], or log-spaced when
// log_bins (then lo > 0); values outside go to underflow/overflow counts.
struct MetricDef {
  std::string name;
  std::string unit;
  std::string description;
  double lo = 0.0;
  double hi = 1.0;
  int bins = 50;
  bool log_bins = false;
};

// One per-organization record field (a drawn parameter or structural count).
struct FieldDef {
  std::string name;
  std::string unit;
  std::string description;
};

// What simulating one organization yields. Metrics are variant-major:
// metrics[v * K + k] is metric k under variant (mode) v. A metric that is undefined for an
// organization (no decisions made, no shock) is NaN and is left out of its statistics.
struct OrgOutcome {
  std::vector<double> params;    // record_fields().size()
  std::vector<double> metrics;   // variants().size() * metrics().size()
  std::uint64_t events = 0;      // work units for throughput: problems arrived x variants
  std::uint64_t rng_blocks = 0;  // Philox blocks drawn (the RNG floor)
};

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
};

// A configured model: immutable and thread-safe after construction.
class Model {
 public:
  virtual ~Model() = default;
  virtual const std::vector<MetricDef>& metrics() const = 0;
  virtual const std::vector<std::string>& variants() const = 0;  // the run's modes, in order
  virtual const std::vector<FieldDef>& record_fields() const = 0;
  virtual std::unique_ptr<Simulator> make_simulator() const = 0;
  // Label of the variant dimension ("mode"); the files call it mode for every model.
  virtual std::string baseline() const = 0;  // a member of variants()
  // What OrgOutcome::events counts, for throughput reports ("problem-mode events").
  virtual std::string event_unit() const { return "events"; }
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
};

// The registry of models compiled in. find_model throws ConfigError naming the unknown
// model and the known ones.
const std::vector<const ModelFactory*>& all_models();
const ModelFactory& find_model(const std::string& name);

}  // namespace leadsim::model
