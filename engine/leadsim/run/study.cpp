#include "leadsim/run/study.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "leadsim/core/error.h"
#include "leadsim/io/results.h"
#include "leadsim/io/state.h"
#include "leadsim/port/model.h"
#include "leadsim/rng/philox.h"
#include "leadsim/run/checkpoint.h"
#include "leadsim/run/spool.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::run {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kSpoolChunkRows = 65536;

std::uint64_t index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw ConfigError("baseline mode '" + name + "' is not a run mode");
  return static_cast<std::uint64_t>(it - names.begin());
}

}  // namespace

io::ResultsMeta make_meta(const config::ResolvedConfig& cfg, const port::Model& model,
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
  for (const auto& axis : cfg.sweep) {
    meta.sweep_params.push_back(axis.param);
    meta.sweep_units.push_back(axis.unit.empty() ? "unspecified" : axis.unit);
  }
  meta.scenario_values.assign(cfg.sweep.size(), std::vector<double>(meta.scenarios));
  for (std::uint64_t s = 0; s < meta.scenarios; ++s) {
    const std::vector<double> v = cfg.scenario_values(s);
    for (std::size_t a = 0; a < v.size(); ++a) meta.scenario_values[a][s] = v[a];
  }
  return meta;
}

std::string partial_dir(const std::string& output) {
  return output + ".partial";
}

namespace {

// The checkpoint fields that must match for a resume, with the name used in the message.
std::string checkpoint_difference(const Checkpoint& c, const Checkpoint& want) {
  if (c.model != want.model) return "model differs: '" + c.model + "'";
  if (c.seed != want.seed) return "seed differs: " + std::to_string(c.seed);
  if (c.config_ini != want.config_ini) return "configuration text differs";
  if (c.shard_index != want.shard_index || c.shard_count != want.shard_count ||
      c.item_first != want.item_first || c.item_end != want.item_end ||
      c.items_total != want.items_total) {
    return "shard differs: " + std::to_string(c.shard_index) + "/" + std::to_string(c.shard_count);
  }
  return "";
}

}  // namespace

StudyResult run_study(const port::Model& model, const config::ResolvedConfig& cfg,
                      const StudyOptions& opt) {
  const std::string output = opt.output.empty() ? cfg.output : opt.output;
  const io::ResultsMeta meta = make_meta(cfg, model, opt.command_line);
  const WorkPlan plan(cfg.scenario_count(), cfg.orgs, cfg.block_size);
  if (opt.shard_count == 0 || opt.shard_index >= opt.shard_count) {
    throw ConfigError("--shard " + std::to_string(opt.shard_index) + "/" +
                      std::to_string(opt.shard_count) + ": the shard index must be below the " +
                      "shard count");
  }
  const auto [item_first, item_end] = plan.shard(opt.shard_index, opt.shard_count);

  // Everything about the output location is checked before any simulation starts, by the
  // results writer itself: creating and abandoning the file under its temporary name checks
  // the location, the permissions and (by reserving space) that there is room for a file.
  { const io::ResultsWriter probe(output, opt.force, meta); }
  const std::string partial = partial_dir(output);
  const std::string ckpt_path = partial + "/checkpoint.bin";
  const std::string spool_path = partial + "/records.bin";

  Checkpoint base;
  base.config_ini = meta.config_ini;
  base.model = cfg.model;
  base.seed = cfg.seed;
  base.shard_index = opt.shard_index;
  base.shard_count = opt.shard_count;
  base.item_first = item_first;
  base.item_end = item_end;
  base.items_total = plan.size();
  base.next_item = item_first;

  std::error_code ec;
  const bool have_ckpt = fs::exists(ckpt_path, ec);
  if (have_ckpt && !opt.resume) {
    throw ConfigError("a checkpoint of an earlier run exists at '" + ckpt_path +
                      "'; pass --resume to continue it, or remove '" + partial +
                      "' to start afresh");
  }
  if (fs::exists(partial, ec) && !fs::is_directory(partial, ec)) {
    throw IoError("'" + partial + "' exists and is not a directory");
  }

  const std::size_t P = meta.record_fields.size();
  const std::size_t MK = meta.modes.size() * meta.metrics.size();
  stats::RunStats stats(meta.scenarios, meta.modes.size(), meta.metrics,
                        index_of(meta.modes, meta.baseline_mode));
  std::unique_ptr<Spool> spool;
  std::uint64_t first = item_first, prior_events = 0, prior_rng = 0;
  if (have_ckpt) {
    const Checkpoint ck = read_checkpoint(ckpt_path);
    const std::string diff = checkpoint_difference(ck, base);
    if (!diff.empty()) {
      throw ConfigError("checkpoint '" + ckpt_path + "' is from another configuration (" + diff +
                        "); remove '" + partial + "' or rerun with the original options");
    }
    try {
      stats = stats::RunStats::deserialize(ck.stats);
    } catch (const FormatError& e) {
      throw FormatError("checkpoint '" + ckpt_path + "': " + e.what());
    }
    if (stats.scenarios() != meta.scenarios || stats.modes() != meta.modes.size() ||
        stats.metrics().size() != meta.metrics.size()) {
      throw FormatError("checkpoint '" + ckpt_path + "': statistics of another shape");
    }
    spool = std::make_unique<Spool>(spool_path, P, MK, static_cast<std::int64_t>(ck.spool_rows));
    first = ck.next_item;
    prior_events = ck.events;
    prior_rng = ck.rng_blocks;
    if (opt.on_notice) {
      opt.on_notice("resuming from checkpoint '" + ckpt_path + "' at work item " +
                    std::to_string(first) + " of [" + std::to_string(item_first) + ", " +
                    std::to_string(item_end) + ")");
    }
  } else {
    if (opt.resume && opt.on_notice) {
      opt.on_notice("no checkpoint at '" + ckpt_path + "'; starting from the beginning");
    }
    // A partial directory without a checkpoint holds nothing that can be trusted.
    fs::create_directory(partial, ec);
    if (ec) throw IoError("cannot create '" + partial + "': " + ec.message());
    spool = std::make_unique<Spool>(spool_path, P, MK, -1);
  }

  StudyResult result;
  Checkpoint ck = base;
  std::uint64_t events_before = prior_events, rng_before = prior_rng;
  const auto save = [&](std::uint64_t next_item, std::uint64_t events, std::uint64_t rng) {
    spool->sync();
    ck.next_item = next_item;
    ck.spool_rows = spool->rows();
    ck.events = events;
    ck.rng_blocks = rng;
    ck.stats = stats.serialize();
    write_checkpoint(ckpt_path, ck);
    ++result.checkpoints;
  };

  using Clock = std::chrono::steady_clock;
  auto last_ckpt = Clock::now();
  RunOptions ro;
  ro.threads = opt.threads;
  ro.first_item = first;
  ro.end_item = item_end;
  ro.on_progress = opt.on_progress;
  ro.progress_interval_s = opt.progress_interval_s;
  ro.cancel = opt.cancel;
  if (opt.checkpoint_interval_s > 0) {
    ro.on_item_done = [&](std::uint64_t next_item) {
      const auto now = Clock::now();
      if (std::chrono::duration<double>(now - last_ckpt).count() < opt.checkpoint_interval_s) {
        return;
      }
      // Event counters of the items in flight are not known here; they only feed reports.
      save(next_item, events_before, rng_before);
      last_ckpt = Clock::now();
    };
  }
  RunReport report;
  try {
    report = run(model, cfg, ro, stats, cfg.samples != 0 ? spool.get() : nullptr);
  } catch (...) {
    // A fresh run that failed before its first checkpoint leaves nothing worth resuming.
    if (!have_ckpt && result.checkpoints == 0) {
      spool.reset();
      fs::remove_all(partial, ec);
    }
    throw;
  }
  events_before = prior_events + report.events;
  rng_before = prior_rng + report.rng_blocks;
  save(report.next_item, events_before, rng_before);
  if (report.cancelled) {
    std::string msg = "stopped after work item " + std::to_string(report.next_item) + " of [" +
                      std::to_string(item_first) + ", " + std::to_string(item_end) +
                      "); checkpoint written to '" + ckpt_path + "'";
    if (!opt.resume_command.empty()) msg += "; resume with: " + opt.resume_command;
    throw Interrupted(msg);
  }

  io::ResultsState state;
  state.shard_index = opt.shard_index;
  state.shard_count = opt.shard_count;
  state.item_first = item_first;
  state.item_end = item_end;
  state.items_total = plan.size();
  write_results_file(output, opt.force, partial + "/result.h5", meta, stats, state,
                     [&](io::ResultsWriter& writer) {
                       const std::uint64_t rows = spool->rows();
                       for (std::uint64_t r = 0; r < rows; r += kSpoolChunkRows) {
                         writer.append(spool->read(r, std::min(kSpoolChunkRows, rows - r)));
                       }
                     });
  spool.reset();
  fs::remove_all(partial, ec);

  result.summary = stats.summarize();
  result.output = output;
  result.report = report;
  result.modes = meta.modes;
  for (const auto& m : meta.metrics) result.metrics.push_back(m.name);
  result.baseline = meta.baseline_mode;
  result.event_unit = model.event_unit();
  result.item_first = item_first;
  result.item_end = item_end;
  result.items_total = plan.size();
  result.resumed_at = first;
  return result;
}

stats::OrgOutcome replay_org(const port::Model& model, const config::ResolvedConfig& cfg,
                             std::uint64_t scenario, std::uint64_t org, port::TraceSink* trace) {
  if (scenario >= cfg.scenario_count()) {
    throw ConfigError("--scenario " + std::to_string(scenario) + ": the run has " +
                      std::to_string(cfg.scenario_count()) + " scenarios (0.." +
                      std::to_string(cfg.scenario_count() - 1) + ")");
  }
  if (org >= cfg.orgs) {
    throw ConfigError("--org " + std::to_string(org) + ": the run has " + std::to_string(cfg.orgs) +
                      " organizations per scenario (0.." + std::to_string(cfg.orgs - 1) + ")");
  }
  const auto sim = model.make_simulator();
  stats::OrgOutcome out;
  sim->simulate(scenario, org, out, trace);
  return out;
}

}  // namespace leadsim::run
