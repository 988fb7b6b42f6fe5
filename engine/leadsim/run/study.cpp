#include "leadsim/run/study.h"

#include <algorithm>
#include <string>

#include "leadsim/core/error.h"
#include "leadsim/io/results.h"
#include "leadsim/model/api.h"
#include "leadsim/rng/philox.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::run {

namespace {

// Buffers per-block records into large batches before they reach the HDF5 writer.
class BufferedSink final : public RecordSink {
 public:
  explicit BufferedSink(io::ResultsWriter& writer) : writer_(writer) {}
  void append(const io::RecordBatch& b) override {
    buf_.scenario.insert(buf_.scenario.end(), b.scenario.begin(), b.scenario.end());
    buf_.org.insert(buf_.org.end(), b.org.begin(), b.org.end());
    buf_.params.insert(buf_.params.end(), b.params.begin(), b.params.end());
    buf_.metrics.insert(buf_.metrics.end(), b.metrics.begin(), b.metrics.end());
    if (buf_.size() >= kFlushRows) flush();
  }
  void flush() {
    if (buf_.size() == 0) return;
    writer_.append(buf_);
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushRows = 8192;
  io::ResultsWriter& writer_;
  io::RecordBatch buf_;
};

std::uint64_t index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw ConfigError("baseline mode '" + name + "' is not a run mode");
  return static_cast<std::uint64_t>(it - names.begin());
}

}  // namespace

io::ResultsMeta make_meta(const config::ResolvedConfig& cfg, const model::Model& model,
                          const std::string& command_line) {
  io::ResultsMeta meta;
  meta.command_line = command_line;
  meta.config_ini = cfg.to_ini();
  meta.model = cfg.model;
  meta.seed = cfg.seed;
  meta.orgs_per_scenario = cfg.orgs;
  meta.block_size = cfg.block_size;
  meta.baseline_mode = model.baseline();
  meta.rng = rng::kRngScheme;
  meta.modes = model.variants();
  meta.metrics = model.metrics();
  meta.record_fields = model.record_fields();
  meta.scenarios = cfg.scenario_count();
  meta.samples = cfg.samples;
  for (const auto& axis : cfg.sweep) meta.sweep_params.push_back(axis.param);
  meta.scenario_values.assign(cfg.sweep.size(), std::vector<double>(meta.scenarios));
  for (std::uint64_t s = 0; s < meta.scenarios; ++s) {
    const std::vector<double> v = cfg.scenario_values(s);
    for (std::size_t a = 0; a < v.size(); ++a) meta.scenario_values[a][s] = v[a];
  }
  return meta;
}

StudyResult run_study(const config::ResolvedConfig& cfg, const StudyOptions& opt) {
  const auto model = model::find_model(cfg.model).create(cfg);
  const std::string output = opt.output.empty() ? cfg.output : opt.output;
  io::ResultsMeta meta = make_meta(cfg, *model, opt.command_line);

  // Opening the writer checks the output location before any simulation starts.
  io::ResultsWriter writer(output, opt.force, meta);
  stats::RunStats stats(meta.scenarios, meta.modes.size(), meta.metrics,
                        index_of(meta.modes, meta.baseline_mode));
  BufferedSink sink(writer);

  RunOptions ro;
  ro.threads = opt.threads;
  ro.on_progress = opt.on_progress;
  ro.progress_interval_s = opt.progress_interval_s;
  ro.cancel = opt.cancel;
  const RunReport report = run(*model, cfg, ro, stats, cfg.samples != 0 ? &sink : nullptr);
  if (report.cancelled) {
    throw Interrupted("interrupted after " + std::to_string(report.orgs) +
                      " organizations; no results written");
  }
  sink.flush();

  StudyResult result;
  result.summary = stats.summarize();
  writer.write_summary(result.summary);
  writer.commit();
  result.output = output;
  result.report = report;
  result.modes = meta.modes;
  for (const auto& m : meta.metrics) result.metrics.push_back(m.name);
  result.baseline = meta.baseline_mode;
  return result;
}

model::OrgOutcome replay_org(const config::ResolvedConfig& cfg, std::uint64_t scenario,
                             std::uint64_t org, model::TraceSink* trace) {
  if (scenario >= cfg.scenario_count()) {
    throw ConfigError("--scenario " + std::to_string(scenario) + ": the run has " +
                      std::to_string(cfg.scenario_count()) + " scenarios (0.." +
                      std::to_string(cfg.scenario_count() - 1) + ")");
  }
  if (org >= cfg.orgs) {
    throw ConfigError("--org " + std::to_string(org) + ": the run has " +
                      std::to_string(cfg.orgs) + " organizations per scenario (0.." +
                      std::to_string(cfg.orgs - 1) + ")");
  }
  const auto model = model::find_model(cfg.model).create(cfg);
  const auto sim = model->make_simulator();
  model::OrgOutcome out;
  sim->simulate(scenario, org, out, trace);
  return out;
}

}  // namespace leadsim::run
