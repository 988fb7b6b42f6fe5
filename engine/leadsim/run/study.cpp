#include "leadsim/run/study.h"
#include "leadsim/run/sensitivity.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "leadsim/config/ini_diff.h"
#include "leadsim/core/error.h"
#include "leadsim/core/provenance.h"
#include "leadsim/io/results.h"
#include "leadsim/io/results_file.h"
#include "leadsim/io/safe_file.h"
#include "leadsim/io/state.h"
#include "leadsim/port/model.h"
#include "leadsim/rng/philox.h"
#include "leadsim/run/checkpoint.h"
#include "leadsim/run/output_lock.h"
#include "leadsim/run/spool.h"
#include "leadsim/stats/inference.h"
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
  meta.identity = results_identity(model, cfg.model);
  meta.modes = model.variants();
  meta.mode_description = model.variant_noun();
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

std::string results_identity(const port::Model& model, const std::string& model_name) {
  return model_name + " results v" + std::to_string(model.results_version()) + "; rng " +
         rng::kRngScheme + "; format " + std::to_string(io::kFormatVersion) + "; stats " +
         std::to_string(stats::kStatsVersion) + "; fp " + float_mode();
}

double memory_available_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  double have = pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
  // cgroup v2: "0::/PATH" in /proc/self/cgroup, the limit in /sys/fs/cgroup/PATH/memory.max.
  std::ifstream cg("/proc/self/cgroup");
  std::string line;
  while (std::getline(cg, line)) {
    if (line.rfind("0::", 0) != 0) continue;
    std::ifstream mx("/sys/fs/cgroup" + line.substr(3) + "/memory.max");
    std::string text;
    if (mx >> text && !text.empty() && text != "max") {
      char* end = nullptr;
      const double limit = std::strtod(text.c_str(), &end);
      if (end != nullptr && *end == '\0' && limit > 0 && (have <= 0 || limit < have)) {
        have = limit;
      }
    }
  }
  return have;
}

void check_stats_memory(const io::ResultsMeta& meta, bool allow_huge) {
  if (allow_huge) return;
  // The statistics, then at the end their summary and serialization beside them.
  constexpr double kPeakFactor = 2.5;
  const double stats = stats::RunStats::estimated_bytes(meta.scenarios, meta.modes.size(),
                                                        meta.metrics, meta.orgs_per_scenario);
  const double need = kPeakFactor * stats;
  const double have = memory_available_bytes();
  if (have <= 0 || need <= 0.5 * have) return;
  auto gb = [](double b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
    return std::string(buf);
  };
  char per[32];
  std::snprintf(per, sizeof per, "%.0f kB",
                need / static_cast<double>(std::max<std::uint64_t>(1, meta.scenarios)) / 1e3);
  throw ConfigError("run too large for the memory: the statistics of " +
                    std::to_string(meta.scenarios) + " scenarios x " +
                    std::to_string(meta.modes.size()) + " modes x " +
                    std::to_string(meta.metrics.size()) + " metrics need about " + gb(need) + " (" +
                    per + " per scenario, whatever the number of organizations); the " +
                    "limit is half of the memory available, " + gb(0.5 * have) +
                    "; split the sweep into several runs, or set run.allow_huge = true");
}

std::string partial_dir(const std::string& output) {
  return io::sibling_name(output, ".partial");
}

namespace {

// The checkpoint fields that must match for a resume, with the name used in the message.
// `what` names the other side ("the checkpoint", "the file").
std::string checkpoint_difference(const Checkpoint& c, const Checkpoint& want,
                                  const std::string& what) {
  if (c.model != want.model) {
    return "model: '" + c.model + "' in " + what + ", '" + want.model + "' now";
  }
  if (c.identity != want.identity) {
    return "results identity: '" + (c.identity.empty() ? "unrecorded" : c.identity) + "' in " +
           what + ", '" + want.identity + "' in this leadsim";
  }
  if (c.seed != want.seed) {
    return "seed: " + std::to_string(c.seed) + " in " + what + ", " + std::to_string(want.seed) +
           " now";
  }
  if (c.config_ini != want.config_ini) {
    return "configuration: " +
           config::ini_difference(c.config_ini, want.config_ini, what, "this run");
  }
  if (c.shard_index != want.shard_index || c.shard_count != want.shard_count ||
      c.item_first != want.item_first || c.item_end != want.item_end ||
      c.items_total != want.items_total) {
    return "shard: " + std::to_string(c.shard_index) + "/" + std::to_string(c.shard_count) +
           " (work items [" + std::to_string(c.item_first) + ", " + std::to_string(c.item_end) +
           ") of " + std::to_string(c.items_total) + ") in " + what + ", " +
           std::to_string(want.shard_index) + "/" + std::to_string(want.shard_count) + " now";
  }
  return "";
}

// A study in four phases that share this state: prepare (shard, output check, paths),
// resume (a checkpoint's statistics and spool, or a fresh start), simulate (with periodic
// checkpoints) and finalize (the results file, then the partial directory removed).
class Study {
 public:
  Study(const port::Model& model, const config::ResolvedConfig& cfg, const StudyOptions& opt)
      : model_(model),
        cfg_(cfg),
        opt_(opt),
        output_(opt.output.empty() ? cfg.output : opt.output),
        meta_(make_meta(cfg, model, opt.command_line)),
        plan_(cfg.scenario_count(), cfg.orgs, cfg.block_size) {}

  // False when --resume finds the output already holding this study, finished.
  bool prepare();
  void resume();
  void simulate();
  StudyResult finalize();

 private:
  void start_fresh();
  // "" when the existing output is this study, finished; else the first difference.
  std::string finished_output_difference() const;
  void save_checkpoint(std::uint64_t next_item, std::uint64_t events, std::uint64_t rng_blocks);
  // Records the builds that wrote `ck` and its predecessors (base_.binaries) and, when another
  // build than this one took part, the root attribute checkpoint_binaries.
  void note_binaries(const Checkpoint& ck);

  const port::Model& model_;
  const config::ResolvedConfig& cfg_;
  const StudyOptions& opt_;
  const std::string output_;
  const io::ResultsMeta meta_;
  const WorkPlan plan_;
  std::uint64_t item_first_ = 0, item_end_ = 0;  // the shard's work items
  std::string partial_, ckpt_path_, spool_path_;
  std::optional<OutputLock> lock_;  // held from prepare() until the study object ends
  Checkpoint base_;                 // the identity every checkpoint of this study carries
  std::map<std::string, std::string> extra_attrs_;  // root attributes added to meta_'s

  bool have_ckpt_ = false;  // resumed from a checkpoint
  std::optional<stats::RunStats> stats_;
  std::unique_ptr<Spool> spool_;
  std::uint64_t first_ = 0, prior_events_ = 0, prior_rng_ = 0;

  Checkpoint ck_;
  RunReport report_;
  StudyResult result_;
};

std::string Study::finished_output_difference() const {
  Checkpoint got;
  io::ResultsState st;
  try {
    const io::ResultsReader reader(output_);
    const io::ResultsMeta& m = reader.meta();
    st = io::read_state(output_);
    check_record_count(output_, m, st, reader.record_count());
    got.config_ini = m.config_ini;
    got.model = m.model;
    got.identity = m.identity;
    got.seed = m.seed;
  } catch (const FormatError& e) {
    throw FormatError(std::string(e.what()) + " (the existing output of this --resume; " +
                      "--force recomputes it)");
  }
  got.shard_index = st.shard_index;
  got.shard_count = st.shard_count;
  got.item_first = st.item_first;
  got.item_end = st.item_end;
  got.items_total = st.items_total;
  std::string diff = checkpoint_difference(got, base_, "the file");
  if (diff.empty() && !st.missing_items.empty()) {
    diff = "the file is a partial merge, missing work items " + ranges_text(st.missing_items);
  }
  return diff;
}

bool Study::prepare() {
  if (opt_.shard_count == 0 || opt_.shard_index >= opt_.shard_count) {
    throw OptionValueError(
        RequestOption::shard,
        std::to_string(opt_.shard_index) + "/" + std::to_string(opt_.shard_count),
        "the shard index must be below the shard count");
  }
  std::tie(item_first_, item_end_) = plan_.shard(opt_.shard_index, opt_.shard_count);
  check_stats_memory(meta_, cfg_.allow_huge);

  base_.config_ini = meta_.config_ini;
  base_.model = cfg_.model;
  base_.identity = meta_.identity;
  base_.seed = cfg_.seed;
  base_.shard_index = opt_.shard_index;
  base_.shard_count = opt_.shard_count;
  base_.item_first = item_first_;
  base_.item_end = item_end_;
  base_.items_total = plan_.size();
  base_.next_item = item_first_;
  base_.binaries = {binary_description()};

  partial_ = partial_dir(output_);
  ckpt_path_ = partial_ + "/checkpoint.bin";
  spool_path_ = partial_ + "/records.bin";
  std::error_code ec;
  if (opt_.resume && !opt_.force && fs::is_regular_file(output_, ec)) {
    lock_.emplace(partial_, output_);  // nobody writes it while it is read
    const std::string diff = finished_output_difference();
    if (!diff.empty()) throw OutputOfAnotherStudy(output_, diff);
    if (opt_.on_notice) {
      opt_.on_notice("'" + output_ + "' is already complete (the same study: configuration, " +
                     "seed, shard and results identity agree); nothing to do");
    }
    result_.output = output_;
    result_.already_complete = true;
    return false;
  }
  // Everything about the output location is checked before any simulation starts, by the
  // results writer itself: creating and abandoning the file under its temporary name checks
  // the location, the permissions and (by reserving space) that there is room for a file.
  { const io::ResultsWriter probe(output_, opt_.force, meta_); }
  // One writer per output: nothing in the partial directory is read or written before the
  // lock is held (a second run on the same output stops here with OutputLocked).
  lock_.emplace(partial_, output_);
  return true;
}

void Study::resume() {
  std::error_code ec;
  have_ckpt_ = fs::exists(ckpt_path_, ec);
  if (have_ckpt_ && !opt_.resume) {
    throw CheckpointExists(ckpt_path_, partial_);
  }

  const std::size_t P = meta_.record_fields.size();
  const std::size_t MK = meta_.modes.size() * meta_.metrics.size();
  stats_.emplace(meta_.scenarios, meta_.modes.size(), meta_.metrics,
                 index_of(meta_.modes, meta_.baseline_mode));
  first_ = item_first_;
  if (!have_ckpt_) {
    start_fresh();
    return;
  }
  const Checkpoint ck = read_checkpoint(ckpt_path_);
  const std::string diff = checkpoint_difference(ck, base_, "the checkpoint");
  if (!diff.empty()) {
    throw ConfigError("checkpoint '" + ckpt_path_ + "' is from another study (" + diff +
                      "); remove '" + partial_ + "' or rerun with the original options");
  }
  try {
    stats_ = stats::RunStats::deserialize(ck.stats);
  } catch (const FormatError& e) {
    throw FormatError("checkpoint '" + ckpt_path_ + "': " + e.what());
  }
  if (stats_->scenarios() != meta_.scenarios || stats_->modes() != meta_.modes.size() ||
      stats_->metrics().size() != meta_.metrics.size()) {
    throw FormatError("checkpoint '" + ckpt_path_ + "': statistics of another shape");
  }
  spool_ = std::make_unique<Spool>(spool_path_, P, MK, static_cast<std::int64_t>(ck.spool_rows),
                                   ck.spool_checksums);
  first_ = ck.next_item;
  prior_events_ = ck.events;
  prior_rng_ = ck.rng_blocks;
  note_binaries(ck);
  if (opt_.on_notice) {
    opt_.on_notice("resuming from checkpoint '" + ckpt_path_ + "' at work item " +
                   std::to_string(first_) + " of [" + std::to_string(item_first_) + ", " +
                   std::to_string(item_end_) + ")");
  }
}

void Study::note_binaries(const Checkpoint& ck) {
  // Every build that wrote a checkpoint of this run, then this one: the identity agrees (it
  // was checked), so the result is the same whichever build finishes it; the file still names
  // them all.
  const std::string self = binary_description();
  std::vector<std::string> chain = ck.binaries;
  if (chain.empty()) {
    chain.emplace_back("a leadsim that did not record itself (checkpoint version 2)");
  }
  if (chain.back() != self) {
    if (opt_.on_notice) {
      opt_.on_notice("the checkpoint was written by " + chain.back() + "; this is " + self +
                     ": the results identity agrees, so the result is the same");
    }
    chain.push_back(self);
  }
  if (chain.size() > 1) {
    std::string text;
    for (const std::string& b : chain) text += (text.empty() ? "" : "\n") + b;
    extra_attrs_["checkpoint_binaries"] = text;
  }
  base_.binaries = std::move(chain);
}

void Study::start_fresh() {
  if (opt_.resume && opt_.on_notice) {
    opt_.on_notice("no checkpoint at '" + ckpt_path_ + "'; starting from the beginning");
  }
  // The partial directory exists (OutputLock made it); without a checkpoint nothing in it can
  // be trusted, and the spool starts empty.
  const std::size_t P = meta_.record_fields.size();
  const std::size_t MK = meta_.modes.size() * meta_.metrics.size();
  spool_ = std::make_unique<Spool>(spool_path_, P, MK, -1);
}

void Study::save_checkpoint(std::uint64_t next_item, std::uint64_t events,
                            std::uint64_t rng_blocks) {
  spool_->sync();
  ck_.next_item = next_item;
  ck_.spool_rows = spool_->rows();
  ck_.spool_checksums = spool_->checksums();
  ck_.events = events;
  ck_.rng_blocks = rng_blocks;
  ck_.stats = stats_->serialize();
  write_checkpoint(ckpt_path_, ck_);
  ck_.stats = {};  // the statistics are not held twice between checkpoints
  ++result_.checkpoints;
}

void Study::simulate() {
  ck_ = base_;
  using Clock = std::chrono::steady_clock;
  auto last_ckpt = Clock::now();
  RunOptions ro;
  ro.threads = opt_.threads;
  ro.first_item = first_;
  ro.end_item = item_end_;
  ro.on_progress = opt_.on_progress;
  ro.progress_interval_s = opt_.progress_interval_s;
  ro.cancel = opt_.cancel;
  if (opt_.checkpoint_interval_s > 0) {
    ro.on_item_done = [&](std::uint64_t next_item) {
      const auto now = Clock::now();
      if (std::chrono::duration<double>(now - last_ckpt).count() < opt_.checkpoint_interval_s) {
        return;
      }
      // Event counters of the items in flight are not known here; they only feed reports.
      save_checkpoint(next_item, prior_events_, prior_rng_);
      last_ckpt = Clock::now();
    };
  }
  try {
    report_ = run(model_, cfg_, ro, *stats_, cfg_.samples != 0 ? spool_.get() : nullptr);
  } catch (...) {
    // A fresh run that failed before its first checkpoint leaves nothing worth resuming.
    if (!have_ckpt_ && result_.checkpoints == 0) {
      spool_.reset();
      std::error_code ec;
      fs::remove_all(partial_, ec);
    }
    throw;
  }
  save_checkpoint(report_.next_item, prior_events_ + report_.events,
                  prior_rng_ + report_.rng_blocks);
  if (report_.cancelled) {
    throw Interrupted("stopped after work item " + std::to_string(report_.next_item) + " of [" +
                          std::to_string(item_first_) + ", " + std::to_string(item_end_) +
                          "); checkpoint written to '" + ckpt_path_ + "'",
                      ckpt_path_);
  }
}

StudyResult Study::finalize() {
  if (result_.already_complete) return std::move(result_);
  io::ResultsState state;
  state.shard_index = opt_.shard_index;
  state.shard_count = opt_.shard_count;
  state.item_first = item_first_;
  state.item_end = item_end_;
  state.items_total = plan_.size();
  io::ResultsMeta meta = meta_;
  meta.extra_attrs.insert(extra_attrs_.begin(), extra_attrs_.end());
  io::write_results_file(
      output_, opt_.force, partial_ + "/result.h5", meta, *stats_, state,
      [&](io::ResultsWriter& writer) {
        const std::uint64_t rows = spool_->rows();
        for (std::uint64_t r = 0; r < rows; r += kSpoolChunkRows) {
          writer.append(spool_->read(r, std::min(kSpoolChunkRows, rows - r)));
        }
      },
      sensitivity_finisher(model_, cfg_, opt_.shard_count == 1, opt_.threads));
  spool_.reset();
  std::error_code ec;
  fs::remove_all(partial_, ec);

  result_.summary = stats_->summarize();
  result_.output = output_;
  result_.report = report_;
  result_.modes = meta_.modes;
  for (const auto& m : meta_.metrics) result_.metrics.push_back(m.name);
  result_.baseline = meta_.baseline_mode;
  result_.event_unit = model_.event_unit();
  result_.item_first = item_first_;
  result_.item_end = item_end_;
  result_.items_total = plan_.size();
  result_.resumed_at = first_;
  return std::move(result_);
}

}  // namespace

StudyResult run_study(const port::Model& model, const config::ResolvedConfig& cfg,
                      const StudyOptions& opt) {
  Study study(model, cfg, opt);
  if (!study.prepare()) return study.finalize();
  study.resume();
  study.simulate();
  return study.finalize();
}

stats::OrgOutcome replay_org(const port::Model& model, const config::ResolvedConfig& cfg,
                             std::uint64_t scenario, std::uint64_t org, port::TraceSink* trace) {
  if (scenario >= cfg.scenario_count()) {
    throw OptionValueError(RequestOption::scenario, std::to_string(scenario),
                           "the run has " + std::to_string(cfg.scenario_count()) +
                               " scenarios (0.." + std::to_string(cfg.scenario_count() - 1) + ")");
  }
  if (org >= cfg.orgs) {
    throw OptionValueError(RequestOption::org, std::to_string(org),
                           "the run has " + std::to_string(cfg.orgs) +
                               " organizations per scenario (0.." + std::to_string(cfg.orgs - 1) +
                               ")");
  }
  const auto sim = model.make_simulator();
  stats::OrgOutcome out;
  sim->simulate(scenario, org, out, trace);
  return out;
}

}  // namespace leadsim::run
