// A whole study as the `leadsim run` command performs it: configuration -> model -> runner
// -> statistics -> HDF5 file written safely (temporary name, then rename).
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "leadsim/config/config.h"
#include "leadsim/io/results.h"
#include "leadsim/run/runner.h"
#include "leadsim/stats/summary.h"

namespace leadsim::run {

struct StudyOptions {
  std::string output;            // results path; empty: cfg.output
  bool force = false;            // overwrite an existing file
  unsigned threads = 0;
  std::string command_line;      // recorded in the file
  std::function<void(const Progress&)> on_progress;
  double progress_interval_s = 1.0;
  const std::atomic<bool>* cancel = nullptr;
};

struct StudyResult {
  std::string output;            // the final path written
  RunReport report;
  stats::Summary summary;
  std::vector<std::string> modes;
  std::vector<std::string> metrics;
  std::string baseline;
};

// Runs the study and writes the results file. Throws ConfigError (bad configuration),
// IoError (output problems, checked before any simulation starts), SimulationError,
// Interrupted (cancelled: no file under the final name).
StudyResult run_study(const config::ResolvedConfig& cfg, const StudyOptions& opt);

// Re-simulates one organization of a configuration (replay). `trace` may be null.
model::OrgOutcome replay_org(const config::ResolvedConfig& cfg, std::uint64_t scenario,
                             std::uint64_t org, model::TraceSink* trace);

}  // namespace leadsim::run

namespace leadsim::run {
// The results-file description of a configured run (also used by merge and checkpoints).
io::ResultsMeta make_meta(const config::ResolvedConfig& cfg, const model::Model& model,
                          const std::string& command_line);
}  // namespace leadsim::run
