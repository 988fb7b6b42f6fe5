// `leadsim run`: configuration file + options -> resolved configuration -> run_study ->
// results file, with progress on stderr and a summary table on stdout.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli_util.h"
#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/models/registry.h"
#include "leadsim/port/model.h"
#include "leadsim/run/sensitivity.h"
#include "leadsim/run/study.h"
#include "mpi_main.h"

namespace leadsim::cli {
namespace {

// Set from signal handlers; a lock-free atomic store is async-signal-safe.
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_signal(int /*signo*/) {
  g_cancel.store(true, std::memory_order_relaxed);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = &on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGUSR1}) sigaction(sig, &sa, nullptr);
}

constexpr const char* kUsage =
    "leadsim run [CONFIG.ini] [-o OUT.h5] [--orgs N] [--seed S] [--threads T] "
    "[--modes a,b,...] [--baseline MODE] [--samples all|none|N] "
    "[--set SECTION.KEY=VALUE]... [--shard K/M | --shard slurm --shards M] [--resume] "
    "[--checkpoint-interval SECONDS] [--force] [--quiet]";

constexpr const char* kSummary =
    "Runs a study: every scenario of the sweep, every organization under every mode, and\n"
    "writes the results file (written under a temporary name and renamed when complete).\n"
    "Without CONFIG.ini the built-in default study (configs/default.ini) runs. Options are\n"
    "applied after the file, in this order, so they override it. Progress goes to stderr,\n"
    "the summary to stdout.\n\n"
    "Records are spooled to <OUT>.partial/ and a checkpoint is kept there; SIGINT, SIGTERM\n"
    "or SIGUSR1 finish the blocks in flight, write the checkpoint and exit 3. Rerun with the\n"
    "same arguments plus --resume to continue. --shard K/M runs the K-th (0-based) of M\n"
    "contiguous parts of the work; `leadsim merge` combines the shard files (docs/CLUSTER.md).";

po::options_description make_options() {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "output,o", po::value<std::string>()->value_name("OUT.h5"),
      "results file (default: the config's [output] path, else leadsim.h5)")(
      "orgs", po::value<std::string>()->value_name("N"), "organizations per scenario ([run] orgs)")(
      "seed", po::value<std::string>()->value_name("S"), "base seed ([run] seed)")(
      "threads", po::value<std::string>()->value_name("T"),
      "worker threads (0: all cores; more than the cores run oversubscribed)")(
      "modes", po::value<std::string>()->value_name("a,b,..."),
      "modes to run, comma-separated ([run] modes)")(
      "baseline", po::value<std::string>()->value_name("MODE"),
      "mode the others are compared with ([run] baseline)")(
      "samples", po::value<std::string>()->value_name("all|none|N"),
      "per-organization records to store: all, none, or the first N per scenario")(
      "set", po::value<std::vector<std::string>>()->composing()->value_name("S.KEY=VALUE"),
      "set any configuration key, e.g. --set org.decision_rate=2 (repeatable; a key "
      "alone if unambiguous; --set sweep.NAME=none drops a sweep axis)")(
      "shard", po::value<std::string>()->value_name("K/M|slurm"),
      "run only shard K of M (0-based); 'slurm': K from SLURM_ARRAY_TASK_ID, M from --shards. "
      "'{shard}' in -o is replaced by K")("shards", po::value<std::string>()->value_name("M"),
                                          "shard count for --shard slurm")(
      "resume", po::bool_switch(),
      "continue from <OUT>.partial/checkpoint.bin (starts afresh, with a notice, if there is "
      "none); an OUT that already holds this study finished is left as it is (exit 0), one of "
      "another study is refused unless --force")(
      "checkpoint-interval", po::value<std::string>()->value_name("SECONDS"),
      "seconds between checkpoints (fractions allowed; default 60; 0: only on interrupt)")(
      "force", po::bool_switch(), "overwrite an existing results file")(
      "quiet,q", po::bool_switch(), "no progress output");
  return desc;
}

bool run_has_key(std::string_view section, std::string_view name) {
  const auto& defs = config::run_params();
  return std::any_of(defs.begin(), defs.end(), [&](const config::ParamDef& d) {
    return d.section == section && d.name == name;
  });
}

std::string check_samples(const std::string& text) {
  if (text == "all" || text == "none") return text;
  try {
    parse_uint(text, "--samples");
  } catch (const ConfigError&) {
    throw ConfigError("--samples " + text + ": expected all, none or a number N");
  }
  return text;
}

struct ShardChoice {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
};

ShardChoice parse_shard(const po::variables_map& vm) {
  ShardChoice sc;
  const bool has_shards = vm.count("shards") != 0;
  std::uint64_t shards = 0;
  if (has_shards) {
    shards = parse_uint(vm["shards"].as<std::string>(), "--shards");
    if (shards == 0) throw ConfigError("--shards 0: at least one shard is needed");
  }
  if (!vm.count("shard")) {
    if (has_shards) throw ConfigError("--shards is only used with --shard slurm");
    return sc;
  }
  const std::string text = vm["shard"].as<std::string>();
  if (text == "slurm") {
    if (!has_shards) {
      throw ConfigError(
          "--shard slurm needs --shards M (the array's task count; SLURM_ARRAY_TASK_COUNT is "
          "not reliable for stepped arrays)");
    }
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    if (id == nullptr || *id == '\0') {
      throw ConfigError("--shard slurm: SLURM_ARRAY_TASK_ID is not set (not a Slurm array job?)");
    }
    try {
      sc.index = parse_uint(id, "SLURM_ARRAY_TASK_ID");
    } catch (const ConfigError&) {
      throw ConfigError(std::string("--shard slurm: SLURM_ARRAY_TASK_ID='") + id +
                        "' is not a non-negative integer");
    }
    sc.count = shards;
  } else {
    const auto slash = text.find('/');
    if (slash == std::string::npos) {
      throw ConfigError("--shard " + text + ": expected K/M (e.g. 0/8) or slurm");
    }
    try {
      sc.index = parse_uint(text.substr(0, slash), "--shard");
      sc.count = parse_uint(text.substr(slash + 1), "--shard");
    } catch (const ConfigError&) {
      throw ConfigError("--shard " + text + ": expected K/M with integers 0 <= K < M");
    }
    if (has_shards && shards != sc.count) {
      throw ConfigError("--shard " + text + " and --shards " + std::to_string(shards) +
                        " disagree");
    }
  }
  if (sc.count == 0) throw ConfigError("--shard: M = 0; at least one shard is needed");
  if (sc.index >= sc.count) {
    throw ConfigError("--shard " + std::to_string(sc.index) + "/" + std::to_string(sc.count) +
                      ": K must be below M (shards are numbered 0.." +
                      std::to_string(sc.count - 1) + ")");
  }
  return sc;
}

double parse_interval(const std::string& text) {
  double v = 0;
  std::size_t used = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !std::isfinite(v) || v < 0) {
    throw ConfigError("--checkpoint-interval " + text +
                      ": expected a number of seconds >= 0 (0 disables periodic checkpoints)");
  }
  return v;
}

// Progress on stderr: one updating line on a terminal, a plain line every ~10 s otherwise.
class ProgressPrinter {
 public:
  // points: organizations evaluated per unit of work (a sensitivity study's base sample
  // evaluates its design points; 0: an ordinary study, counted in organizations).
  ProgressPrinter(bool tty, std::uint64_t points) : tty_(tty), points_(points) {}
  ~ProgressPrinter() { finish(); }

  void operator()(const run::Progress& p) {
    if (!tty_) {
      if (p.elapsed_s < next_plain_s_ && p.orgs_done < p.orgs_total) return;
      next_plain_s_ = p.elapsed_s + 10.0;
    }
    const double pct = p.orgs_total == 0 ? 100.0
                                         : 100.0 * static_cast<double>(p.orgs_done) /
                                               static_cast<double>(p.orgs_total);
    char head[16];
    std::snprintf(head, sizeof head, "[%3d%%]", static_cast<int>(std::floor(pct)));
    const auto rate = [](double r) {
      return with_commas(static_cast<std::uint64_t>(std::llround(std::max(0.0, r))));
    };
    const std::string line =
        points_ == 0
            ? std::string(head) + " " + with_commas(p.orgs_done) + "/" + with_commas(p.orgs_total) +
                  " orgs  " + rate(p.orgs_per_s) + " orgs/s  ETA " + format_duration(p.eta_s)
            : std::string(head) + " " + with_commas(p.orgs_done * points_) + "/" +
                  with_commas(p.orgs_total * points_) + " evaluations (" +
                  with_commas(p.orgs_done) + " base samples)  " +
                  rate(p.orgs_per_s * static_cast<double>(points_)) + " evaluations/s  ETA " +
                  format_duration(p.eta_s);
    if (tty_) {
      std::cerr << '\r' << line << "\x1b[K" << std::flush;
      drawn_ = true;
    } else {
      std::cerr << line << '\n' << std::flush;
    }
  }

  void finish() {
    if (drawn_) std::cerr << '\n' << std::flush;
    drawn_ = false;
  }

 private:
  bool tty_;
  std::uint64_t points_;
  bool drawn_ = false;
  double next_plain_s_ = 10.0;
};

void scenario_label_header(const config::ResolvedConfig& cfg, std::vector<std::string>& h) {
  h.push_back("scenario");
  for (const auto& axis : cfg.sweep) h.push_back(axis.param);
}

void scenario_label_cells(const config::ResolvedConfig& cfg, std::uint64_t s,
                          std::vector<std::string>& row) {
  row.push_back(std::to_string(s));
  for (double v : cfg.scenario_values(s)) row.push_back(format_number(v, 6));
}

void print_result(std::ostream& os, const config::ResolvedConfig& cfg, const port::Model& model,
                  const run::StudyResult& r) {
  const auto& rep = r.report;
  const double wall = rep.wall_s > 0 ? rep.wall_s : 0.0;
  auto rate = [&](std::uint64_t n) {
    return wall > 0 ? with_commas(
                          static_cast<std::uint64_t>(std::llround(static_cast<double>(n) / wall)))
                    : std::string("-");
  };
  os << "results:       " << r.output << '\n';
  if (r.item_end - r.item_first != r.items_total) {
    os << "work items:    [" << r.item_first << ", " << r.item_end << ") of " << r.items_total
       << '\n';
  }
  os << "wall time:     " << format_duration(wall) << " (" << format_number(wall, 4) << " s, "
     << rep.threads << " threads)\n"
     << "organizations: " << with_commas(rep.orgs) << " (" << rate(rep.orgs) << " orgs/s)\n";
  if (const run::SensitivityLayout* layout = run::layout_of(model)) {
    const std::uint64_t evaluations = rep.orgs * layout->points();
    os << "evaluations:   " << with_commas(evaluations) << " (" << rate(evaluations)
       << "/s: " << layout->points() << " design points per base sample)\n";
  }
  os << "events:        " << with_commas(rep.events) << " " << r.event_unit << " ("
     << rate(rep.events) << " events/s)\n";

  const auto& sm = r.summary;
  if (sm.S == 0 || sm.M == 0 || sm.K == 0) return;
  std::uint64_t k = 0;
  const auto it = std::find(r.metrics.begin(), r.metrics.end(), "value");
  if (it != r.metrics.end()) k = static_cast<std::uint64_t>(it - r.metrics.begin());
  const std::string metric = k < r.metrics.size() ? r.metrics[k] : "metric 0";
  // The win rate counts the mode better than the baseline in the metric's direction.
  const stats::Better better =
      k < model.metrics().size() ? model.metrics()[k].better : stats::Better::kNone;
  std::uint64_t base = sm.M;
  for (std::uint64_t m = 0; m < sm.M && m < r.modes.size(); ++m) {
    if (r.modes[m] == r.baseline) base = m;
  }

  std::vector<std::string> h1;
  scenario_label_header(cfg, h1);
  for (std::uint64_t m = 0; m < sm.M; ++m) h1.push_back(m < r.modes.size() ? r.modes[m] : "?");
  Table means(h1);
  std::vector<std::string> h2;
  scenario_label_header(cfg, h2);
  for (std::uint64_t m = 0; m < sm.M; ++m) {
    if (m != base) h2.push_back(m < r.modes.size() ? r.modes[m] : "?");
  }
  Table wins(h2);
  for (std::uint64_t s = 0; s < sm.S; ++s) {
    std::vector<std::string> r1, r2;
    scenario_label_cells(cfg, s, r1);
    scenario_label_cells(cfg, s, r2);
    for (std::uint64_t m = 0; m < sm.M; ++m) {
      const std::size_t i = smk(s, m, k, sm.M, sm.K);
      r1.push_back(format_number(sm.mean[i], 4));
      if (m == base) continue;
      r2.push_back(format_rate_ci(sm.win_rate[i], sm.win_rate_ci_low[i], sm.win_rate_ci_high[i]));
    }
    means.add_row(std::move(r1));
    wins.add_row(std::move(r2));
  }
  os << "\nmean " << metric << " per mode\n";
  means.print(os, "  ");
  if (base < sm.M && sm.M > 1 && better != stats::Better::kNone) {
    os << "\nwin rate P(" << metric << (better == stats::Better::kLower ? " < " : " > ")
       << r.baseline << ") per organization, [95% Wilson CI]\n";
    wins.print(os, "  ");
  }
}

}  // namespace

int cmd_run(const Args& args, const std::string& command_line) {
  const po::options_description desc = make_options();
  if (wants_help(args)) {
    print_help(std::cout, kUsage, kSummary, desc);
    return kExitOk;
  }
  po::options_description all("all");
  all.add(desc).add_options()("config", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("config", 1);
  const po::variables_map vm = parse_options(args, all, pos);

  // Everything that can be wrong with the options or the configuration is found here,
  // before run_study creates any file.
  std::optional<std::string> config_path;
  if (vm.count("config")) config_path = vm["config"].as<std::string>();
  config::ConfigTree tree = load_config_tree(config_path);
  auto add = [&tree](std::string section, std::string key, std::string value, std::string origin) {
    tree.push_back(
        config::Entry{std::move(section), std::move(key), std::move(value), std::move(origin)});
  };
  if (vm.count("orgs")) {
    const std::string& t = vm["orgs"].as<std::string>();
    if (parse_uint(t, "--orgs") == 0) {
      throw ConfigError("--orgs 0: at least one organization per scenario is needed");
    }
    add("run", "orgs", t, "--orgs");
  }
  if (vm.count("seed")) {
    const std::string& t = vm["seed"].as<std::string>();
    parse_uint(t, "--seed");
    add("run", "seed", t, "--seed");
  }
  unsigned threads = 0;
  if (vm.count("threads")) {
    const std::uint64_t t = parse_uint(vm["threads"].as<std::string>(), "--threads");
    if (t > 4096) throw ConfigError("--threads " + std::to_string(t) + ": at most 4096");
    threads = static_cast<unsigned>(t);
  }
  if (vm.count("modes")) add("run", "modes", vm["modes"].as<std::string>(), "--modes");
  if (vm.count("baseline")) add("run", "baseline", vm["baseline"].as<std::string>(), "--baseline");
  if (vm.count("samples")) {
    add("output", "samples", check_samples(vm["samples"].as<std::string>()), "--samples");
  }
  const ShardChoice shard = parse_shard(vm);
  const double checkpoint_interval =
      vm.count("checkpoint-interval") ? parse_interval(vm["checkpoint-interval"].as<std::string>())
                                      : 60.0;
  std::string output;
  if (vm.count("output")) {
    output = vm["output"].as<std::string>();
    if (output.empty()) throw ConfigError("-o/--output: empty path");
    for (auto at = output.find("{shard}"); at != std::string::npos;
         at = output.find("{shard}", at)) {
      const std::string k = std::to_string(shard.index);
      output.replace(at, 7, k);
      at += k.size();
    }
    check_results_path(output, "-o");
    if (run_has_key("output", "path")) add("output", "path", output, "-o");
  }
  if (vm.count("set")) {
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
      config::Entry e = config::parse_set(s);
      if (e.origin.empty()) e.origin = "--set " + s;
      tree.push_back(std::move(e));
    }
  }
  const config::ResolvedConfig cfg = models::resolve(tree);
  if (output.empty()) check_results_path(cfg.output, "output.path =");
  if (cfg.orgs == 0) {
    throw ConfigError("run.orgs = 0: at least one organization per scenario is needed");
  }
  // Building the model validates modes, baseline and model-owned sections; it is built once.
  const auto model = run::sensitivity_model(models::find_model(cfg.model).create(cfg), cfg);
  if (config_path) {
    const std::string out = output.empty() ? cfg.output : output;
    std::error_code ec;
    if (out == *config_path || std::filesystem::equivalent(out, *config_path, ec)) {
      throw ConfigError("-o " + out + ": is the configuration file of this run");
    }
  }

  const bool quiet = vm["quiet"].as<bool>();
  const bool tty = isatty(STDERR_FILENO) == 1;
  const run::SensitivityLayout* layout = run::layout_of(*model);
  ProgressPrinter progress(tty, layout == nullptr ? 0 : layout->points());

  run::StudyOptions opt;
  opt.output = output;
  opt.force = vm["force"].as<bool>();
  opt.threads = threads;
  opt.command_line = command_line;
  opt.shard_index = shard.index;
  opt.shard_count = shard.count;
  opt.resume = vm["resume"].as<bool>();
  opt.checkpoint_interval_s = checkpoint_interval;
  opt.on_notice = [&progress](const std::string& line) {
    progress.finish();
    std::cerr << "leadsim: " << line << '\n' << std::flush;
  };
  opt.progress_interval_s = tty ? 0.25 : 1.0;
  if (!quiet) opt.on_progress = [&progress](const run::Progress& p) { progress(p); };
  g_cancel.store(false);
  opt.cancel = &g_cancel;
  install_signal_handlers();

  run::StudyResult result;
  try {
    result = run_study_entry(*model, cfg, opt);  // run::run_study, or the MPI run under mpirun
  } catch (const Interrupted& e) {
    progress.finish();
    if (e.checkpoint().empty()) throw;
    // The command that continues the run: this one, with --resume.
    std::string again = command_line;
    if (!opt.resume) again += " " + flag_of(RequestOption::resume);
    throw Interrupted(std::string(e.what()) + "; resume with: " + again);
  } catch (...) {
    progress.finish();
    throw;
  }
  progress.finish();
  if (!is_primary_process()) return kExitOk;  // MPI ranks other than 0
  if (result.already_complete) {
    std::cout << "results:       " << result.output << " (already complete; nothing run)\n";
    return kExitOk;
  }
  print_result(std::cout, cfg, *model, result);
  return kExitOk;
}

}  // namespace leadsim::cli
