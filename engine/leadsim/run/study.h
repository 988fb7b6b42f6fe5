// A whole study as the `leadsim run` command performs it: configuration -> model -> runner
// -> statistics -> HDF5 file written safely (temporary name, then rename).
//
// Shards, spool and checkpoints (docs/CLUSTER.md). A study runs the work items of one shard
// (all of them by default). Records go to an append-only spool in the sibling directory
// "<OUT>.partial/" (records.bin, see spool.h) and the statistics stay in memory; a checkpoint
// (checkpoint.bin, see checkpoint.h) is written there every checkpoint_interval_s, when the
// run is cancelled, and once before the results file is written. The results file is made
// from the spool and the statistics at the end, and the partial directory is then removed.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "leadsim/config/config.h"
#include "leadsim/io/results.h"
#include "leadsim/run/merge.h"
#include "leadsim/run/runner.h"
#include "leadsim/stats/summary.h"

namespace leadsim::run {

struct StudyOptions {
  std::string output;  // results path; empty: cfg.output
  bool force = false;  // overwrite an existing file
  unsigned threads = 0;
  std::string command_line;  // recorded in the file
  std::function<void(const Progress&)> on_progress;
  double progress_interval_s = 1.0;
  const std::atomic<bool>* cancel = nullptr;
  // Shard shard_index of shard_count (WorkPlan::shard). OptionValueError (shard) unless
  // index < count.
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  // Continue from "<OUT>.partial/checkpoint.bin" (a fresh start, announced through on_notice,
  // when there is none). Without resume an existing checkpoint is a CheckpointExists error.
  // An output that already exists is, with resume and without force, checked: the same study
  // finished (identity, configuration, seed, shard) returns already_complete; anything else
  // is a ConfigError (OutputOfAnotherStudy) naming the first difference.
  bool resume = false;
  // Seconds between periodic checkpoints (fractions allowed); 0: only on cancel and at the end.
  double checkpoint_interval_s = 60.0;
  // One-line notices for the user (fresh start despite resume, resumed at item N).
  std::function<void(const std::string&)> on_notice;
};

struct StudyResult {
  std::string output;  // the final path written
  RunReport report;
  stats::Summary summary;
  std::vector<std::string> modes;
  std::vector<std::string> metrics;
  std::string baseline;
  std::string event_unit;        // what report.events counts (Model::event_unit)
  std::uint64_t item_first = 0;  // the shard's work items [item_first, item_end) of items_total
  std::uint64_t item_end = 0;
  std::uint64_t items_total = 0;
  std::uint64_t resumed_at = 0;   // first item this process ran (item_first unless resumed)
  std::uint64_t checkpoints = 0;  // checkpoints written by this process
  // --resume found the output already holding this very study, finished: nothing was run
  // and only `output` is filled.
  bool already_complete = false;
};

// Runs the study of `cfg` with `model` (built from cfg, once, by the caller) and writes the
// results file. Throws ConfigError (bad configuration; OptionValueError: bad shard;
// CheckpointExists: checkpoint present without resume; from another configuration), IoError
// (output problems, checked before any simulation starts; OutputExists without force),
// FormatError (corrupt checkpoint or spool), SimulationError, Interrupted (cancelled:
// checkpoint written and named by Interrupted::checkpoint(), no file under the final name).
StudyResult run_study(const port::Model& model, const config::ResolvedConfig& cfg,
                      const StudyOptions& opt);

// Re-simulates one organization of a configuration (replay). `trace` may be null. Throws
// OptionValueError (scenario, org) for coordinates outside the configuration.
stats::OrgOutcome replay_org(const port::Model& model, const config::ResolvedConfig& cfg,
                             std::uint64_t scenario, std::uint64_t org, port::TraceSink* trace);

}  // namespace leadsim::run

namespace leadsim::run {
// The results-file description of a configured run (also used by merge and checkpoints).
io::ResultsMeta make_meta(const config::ResolvedConfig& cfg, const port::Model& model,
                          const std::string& command_line);

// What decides a run's numbers besides its configuration, recorded in files and checkpoints:
// "<model> results v<N>; rng <scheme>; format <V>; fp <float_mode>". Anything produced
// under another identity is never resumed, merged or taken as a finished output.
std::string results_identity(const port::Model& model, const std::string& model_name);

// Memory available to this process: physical memory, or its cgroup's (v2) memory.max when
// lower (a Slurm job's allocation); 0 when unknown.
double memory_available_bytes();

// Throws ConfigError "run too large for the memory ..." when the statistics of `meta` (with
// the copies made while the results file is written) would need more than half of
// memory_available_bytes(), naming the estimate, the limit and how to lift it; nothing with
// allow_huge.
void check_stats_memory(const io::ResultsMeta& meta, bool allow_huge);

// "<output>.partial": the directory holding a study's spool and checkpoint.
std::string partial_dir(const std::string& output);
}  // namespace leadsim::run
