// `leadsim bench`: a fixed, versioned standard workload run through the engine runner, with
// throughput, parallel efficiency, peak memory, the RNG floor and the machine it ran on.
//
// Workload "std-v1" (never change it; add "std-v2" instead): the leadership model with the
// MODEL.md §2 default distributions written out below, all five modes, seed 20261127, no
// sweep, blocks of 4 organizations. Organizations 0..127 are the fixed checksum set: they
// run first, untimed (the warm-up), and their statistics are checksummed (FNV-1a 64 over the
// bytes of RunStats::serialize()). Statistics merge exactly, so the checksum is the same for
// every thread count and machine; it changes only when the model's results change. The
// timed phase then runs organizations 128, 129, ... in order through run::run until
// --seconds have elapsed (the runner is cancelled between blocks), so no barrier between
// passes distorts the parallel efficiency: one organization of 500 workers costs ~25 of
// average size, and fixed passes over a few hundred organizations would leave most threads
// idle at each pass's end. Organizations are i.i.d. draws, so events/s over a long enough
// prefix of the stream measures the same mix on every machine.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli_util.h"
#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/core/provenance.h"
#include "leadsim/models/registry.h"
#include "leadsim/port/model.h"
#include "leadsim/rng/philox.h"
#include "leadsim/run/runner.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::cli {
namespace {

constexpr const char* kUsage =
    "leadsim bench [--threads T] [--seconds S] [--json] [--workload NAME]";

constexpr const char* kSummary =
    "Runs a fixed standard workload through the engine and reports organizations/s,\n"
    "problem-mode events/s, parallel efficiency (with T > 1 a single-thread run of the same\n"
    "workload follows), peak memory, the RNG floor (Philox blocks drawn x measured ns per\n"
    "block) and the machine. Repeated passes over a fixed set of organizations run until S\n"
    "seconds have elapsed; the checksum of one pass's statistics is identical on every\n"
    "machine and for every thread count (it changes only with the model's results).\n"
    "Workloads: std-v1 (default; see `leadsim bench --json` for its configuration).";

struct Workload {
  const char* name;
  const char* description;
  std::uint64_t checksum_orgs;  // organizations 0..N-1: the checksum set (whole blocks)
  const char* ini;              // [run] orgs bounds the stream of timed organizations
};

// The standard workloads. A workload's text is frozen once published.
const std::vector<Workload>& workloads() {
  static const std::vector<Workload> table = {
      {"std-v1", "leadership model, MODEL.md default distributions, 5 modes, seed 20261127", 128,
       R"ini([run]
model = leadership
seed = 20261127
orgs = 1000000000
block_size = 4
modes = centralized, exception, delegated, coaching, distributed
baseline = centralized

[output]
samples = none

[org]
workers = int_loguniform(10, 500)
span = int_uniform(3, 12)
domains = int_uniform(4, 16)
info_reach = uniform(0, 1)
decision_rate = loguniform(0.25, 4)
local_weight = uniform(0.3, 0.8)
control_loss = uniform(0.05, 0.3)
scope_escalation = uniform(0.05, 0.3)
manager_capacity = uniform(8, 40)
worker_capacity = 4
skill_home = beta_mean(0.7, 10)
skill_other = beta_mean(0.3, 10)
skill_manager = beta_mean(0.55, 10)
alignment_worker = beta_mean(0.6, 10)
home_share = 0.7
cross_ties = 2
turnover = 0.01
turbulence = 0.02
obsolescence = 0.7
)ini"},
  };
  return table;
}

const Workload& find_workload(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& w : workloads()) {
    if (name == w.name) return w;
    names.emplace_back(w.name);
  }
  std::string msg = "--workload " + name + ": unknown workload";
  const std::string near = config::closest(name, names);
  if (!near.empty()) msg += "; did you mean '" + near + "'?";
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError(msg + " (known: " + known + ")");
}

po::options_description make_options() {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "threads", po::value<std::string>()->value_name("T"),
      "worker threads (default 0: all hardware threads; more run oversubscribed)")(
      "seconds", po::value<std::string>()->value_name("S"),
      "minimum timed duration in seconds, > 0 (default 5)")(
      "json", po::bool_switch(), "print one JSON document instead of the table")(
      "workload", po::value<std::string>()->value_name("NAME"), "standard workload (std-v1)");
  return desc;
}

std::uint64_t fnv1a64(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex64(std::uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double parse_seconds(const std::string& text) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(v > 0.0) || v > 86400.0) {
    throw ConfigError("--seconds " + text + ": expected a number of seconds in (0, 86400]");
  }
  return v;
}

// Totals of the timed passes at one thread count.
struct Phase {
  unsigned threads = 0;
  std::uint64_t runs = 0;  // run::run calls
  std::uint64_t orgs = 0;
  std::uint64_t events = 0;
  std::uint64_t rng_blocks = 0;
  double wall_s = 0.0;
  double orgs_per_s() const { return wall_s > 0 ? static_cast<double>(orgs) / wall_s : 0.0; }
  double events_per_s() const { return wall_s > 0 ? static_cast<double>(events) / wall_s : 0.0; }
};

class Bench {
 public:
  Bench(const config::ResolvedConfig& cfg, std::uint64_t checksum_orgs)
      : cfg_(cfg),
        model_(models::find_model(cfg.model).create(cfg)),
        plan_(cfg.scenario_count(), cfg.orgs, cfg.block_size) {
    const auto& v = model_->variants();
    baseline_ =
        static_cast<std::uint64_t>(std::find(v.begin(), v.end(), model_->baseline()) - v.begin());
    if (cfg.scenario_count() != 1 || checksum_orgs % cfg.block_size != 0 ||
        checksum_orgs >= cfg.orgs) {
      throw std::logic_error("bench workload: one scenario, whole checksum blocks expected");
    }
    first_timed_item_ = checksum_orgs / cfg.block_size;
  }

  stats::RunStats make_stats() const {
    return stats::RunStats(cfg_.scenario_count(), model_->variants().size(), model_->metrics(),
                           baseline_);
  }

  // The untimed warm-up: the fixed checksum organizations. Returns the FNV-1a 64 of their
  // statistics and the rate observed (items/s) to size the timed runs.
  std::uint64_t checksum_run(unsigned threads, double& items_per_s) const {
    stats::RunStats stats = make_stats();
    run::RunOptions opt;
    opt.threads = threads;
    opt.end_item = first_timed_item_;
    const run::RunReport r = run::run(*model_, cfg_, opt, stats, nullptr);
    items_per_s = r.wall_s > 0 ? static_cast<double>(r.items_done) / r.wall_s : 1e3;
    return fnv1a64(stats.serialize());
  }

  // Organizations from the end of the checksum set onward, in order, until `seconds` have
  // elapsed: the runner stops between blocks (cancel), blocks in flight complete and count.
  Phase timed(unsigned threads, double seconds, double items_per_s) const {
    Phase ph;
    ph.threads = threads;
    stats::RunStats stats = make_stats();
    std::atomic<bool> cancel{false};
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t next = first_timed_item_;
    while (next < plan_.size()) {
      // Runs of about twice the expected duration, so that the clock, not the run's end,
      // normally stops the phase; a run that ends early is followed by another.
      const double want = 2.0 * std::max(0.0, seconds - seconds_since(t0)) * items_per_s;
      const auto chunk = static_cast<std::uint64_t>(std::clamp(want, 64.0, 1e7));
      run::RunOptions opt;
      opt.threads = threads;
      opt.first_item = next;
      opt.end_item = std::min(plan_.size(), next + chunk);
      opt.cancel = &cancel;
      opt.on_item_done = [&](std::uint64_t) {
        if (seconds_since(t0) >= seconds) cancel.store(true, std::memory_order_relaxed);
      };
      const run::RunReport r = run::run(*model_, cfg_, opt, stats, nullptr);
      ph.threads = r.threads;
      ++ph.runs;
      ph.orgs += r.orgs;
      ph.events += r.events;
      ph.rng_blocks += r.rng_blocks;
      next = r.next_item;
      if (r.cancelled || seconds_since(t0) >= seconds) break;
    }
    ph.wall_s = seconds_since(t0);
    return ph;
  }

 private:
  const config::ResolvedConfig& cfg_;
  std::unique_ptr<port::Model> model_;
  run::WorkPlan plan_;
  std::uint64_t baseline_ = 0;
  std::uint64_t first_timed_item_ = 0;
};

volatile std::uint64_t g_philox_sink = 0;

// Nanoseconds per Philox4x64-10 block drawn through rng::Stream (4 words each), measured on
// this thread; the best of three rounds of 2^21 blocks.
double philox_ns_per_block() {
  constexpr std::uint64_t kBlocks = std::uint64_t{1} << 21;
  double best = std::numeric_limits<double>::infinity();
  std::uint64_t sink = 0;
  for (int round = 0; round < 3; ++round) {
    rng::Stream s(20261127, static_cast<std::uint64_t>(round), rng::tag(rng::kTestPurpose, 0xbe4c));
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < 4 * kBlocks; ++i) sink ^= s.next_u64();
    const double ns = 1e9 * seconds_since(t0) / static_cast<double>(kBlocks);
    best = std::min(best, ns);
  }
  g_philox_sink = sink;  // keeps the loop from being optimized away
  return best;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) break;
      std::string v = line.substr(colon + 1);
      const auto first = v.find_first_not_of(" \t");
      return first == std::string::npos ? std::string() : v.substr(first);
    }
  }
  return "unknown";
}

std::uint64_t peak_rss_kib() {
  struct rusage ru {};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return static_cast<std::uint64_t>(ru.ru_maxrss);  // KiB on Linux
}

struct Results {
  std::string workload;
  std::string description;
  std::string workload_ini;
  std::string resolved_ini;
  std::uint64_t checksum_orgs = 0;
  std::uint64_t checksum = 0;
  double seconds = 0.0;
  Phase main;
  std::optional<Phase> single;  // T = 1 reference when main.threads > 1
  double philox_ns = 0.0;
  std::uint64_t rss_kib = 0;
  std::string cpu;
  unsigned logical_cores = 0;
  std::string date_utc;

  std::string checksum_text() const { return hex64(checksum); }
  double efficiency() const {
    if (!single) return 1.0;
    const double base = single->events_per_s() * static_cast<double>(main.threads);
    return base > 0 ? main.events_per_s() / base : 0.0;
  }
  // Time the timed passes' Philox blocks alone would take on all threads, and its share.
  double rng_floor_s() const {
    return 1e-9 * philox_ns * static_cast<double>(main.rng_blocks) /
           static_cast<double>(std::max(1u, main.threads));
  }
  double run_over_floor() const {
    const double f = rng_floor_s();
    return f > 0 ? main.wall_s / f : 0.0;
  }
};

void print_table(std::ostream& os, const Results& r) {
  const auto rate = [](double v) {
    return with_commas(static_cast<std::uint64_t>(std::llround(std::max(0.0, v))));
  };
  os << "leadsim bench: workload " << r.workload << " (" << r.description << ")\n"
     << "checksum:      " << r.checksum_text() << '\n';
  Table t({"threads", "runs", "orgs", "events", "wall s", "orgs/s", "events/s", "events/s/thread"});
  const auto row = [&](const Phase& p) {
    t.add_row({std::to_string(p.threads), std::to_string(p.runs), with_commas(p.orgs),
               with_commas(p.events), format_fixed(p.wall_s, 3), rate(p.orgs_per_s()),
               rate(p.events_per_s()),
               rate(p.events_per_s() / static_cast<double>(std::max(1u, p.threads)))});
  };
  row(r.main);
  if (r.single) row(*r.single);
  os << '\n';
  t.print(os, "  ");
  os << '\n';
  if (r.single) {
    os << "efficiency:    " << format_fixed(r.efficiency(), 3) << " (events/s at " << r.main.threads
       << " threads / (" << r.main.threads << " x events/s at 1 thread))\n";
  }
  os << "RNG floor:     " << format_number(r.philox_ns, 4) << " ns/Philox block x "
     << with_commas(r.main.rng_blocks) << " blocks / " << r.main.threads
     << " threads = " << format_number(r.rng_floor_s(), 4)
     << " s; run time / floor = " << format_number(r.run_over_floor(), 4) << '\n'
     << "peak memory:   " << format_number(static_cast<double>(r.rss_kib) / 1024.0, 4)
     << " MiB (ru_maxrss)\n"
     << "machine:       " << r.cpu << ", " << r.logical_cores << " logical cores\n"
     << "compiler:      " << compiler_string() << '\n'
     << "leadsim:       " << version_string() << " (" << git_describe() << ")\n"
     << "date:          " << r.date_utc << '\n';
}

void json_phase(JsonWriter& j, const Phase& p) {
  j.begin_object()
      .key("threads")
      .value(static_cast<std::uint64_t>(p.threads))
      .key("runs")
      .value(p.runs)
      .key("orgs")
      .value(p.orgs)
      .key("events")
      .value(p.events)
      .key("rng_blocks")
      .value(p.rng_blocks)
      .key("wall_s")
      .value(p.wall_s)
      .key("orgs_per_s")
      .value(p.orgs_per_s())
      .key("events_per_s")
      .value(p.events_per_s())
      .key("events_per_s_per_thread")
      .value(p.events_per_s() / static_cast<double>(std::max(1u, p.threads)))
      .end_object();
}

void print_json(std::ostream& os, const Results& r) {
  JsonWriter j(os);
  j.begin_object();
  j.key("format").value("leadsim-bench").key("format_version").value(std::uint64_t{1});
  j.key("workload").value(r.workload).key("description").value(r.description);
  j.key("workload_ini").value(r.workload_ini).key("resolved_config").value(r.resolved_ini);
  j.key("checksum_orgs").value(r.checksum_orgs);
  j.key("checksum").value(r.checksum_text());
  j.key("checksum_algorithm")
      .value("fnv1a64 of RunStats::serialize() of organizations 0..checksum_orgs-1");
  j.key("seconds_requested").value(r.seconds);
  j.key("threads").value(static_cast<std::uint64_t>(r.main.threads));
  j.key("orgs_per_s").value(r.main.orgs_per_s());
  j.key("events_per_s").value(r.main.events_per_s());
  j.key("events_per_s_per_thread")
      .value(r.main.events_per_s() / static_cast<double>(std::max(1u, r.main.threads)));
  j.key("efficiency");
  if (r.single) {
    j.value(r.efficiency());
  } else {
    j.null();
  }
  j.key("timed");
  json_phase(j, r.main);
  j.key("single_thread");
  if (r.single) {
    json_phase(j, *r.single);
  } else {
    j.null();
  }
  j.key("rng")
      .begin_object()
      .key("generator")
      .value("philox4x64-10")
      .key("ns_per_block")
      .value(r.philox_ns)
      .key("blocks")
      .value(r.main.rng_blocks)
      .key("floor_s")
      .value(r.rng_floor_s())
      .key("run_over_floor")
      .value(r.run_over_floor())
      .end_object();
  j.key("peak_rss_kib").value(r.rss_kib);
  j.key("machine")
      .begin_object()
      .key("cpu_model")
      .value(r.cpu)
      .key("logical_cores")
      .value(static_cast<std::uint64_t>(r.logical_cores))
      .key("compiler")
      .value(compiler_string())
      .key("leadsim_version")
      .value(version_string())
      .key("git")
      .value(git_describe())
      .end_object();
  j.key("date_utc").value(r.date_utc);
  j.end_object();
  os << '\n';
}

}  // namespace

int cmd_bench(const Args& args, const std::string& /*command_line*/) {
  const po::options_description desc = make_options();
  if (wants_help(args)) {
    print_help(std::cout, kUsage, kSummary, desc);
    return kExitOk;
  }
  const po::variables_map vm = parse_options(args, desc, po::positional_options_description());
  unsigned threads = 0;
  if (vm.count("threads")) {
    const std::uint64_t t = parse_uint(vm["threads"].as<std::string>(), "--threads");
    if (t > 4096) throw ConfigError("--threads " + std::to_string(t) + ": at most 4096");
    threads = static_cast<unsigned>(t);
  }
  const double seconds = vm.count("seconds") ? parse_seconds(vm["seconds"].as<std::string>()) : 5.0;
  const Workload& w = find_workload(vm.count("workload") ? vm["workload"].as<std::string>()
                                                         : std::string("std-v1"));

  const config::ResolvedConfig cfg =
      models::resolve(config::read_ini(w.ini, std::string("workload ") + w.name));
  const Bench bench(cfg, w.checksum_orgs);

  Results r;
  r.workload = w.name;
  r.description = w.description;
  r.workload_ini = w.ini;
  r.resolved_ini = cfg.to_ini();
  r.seconds = seconds;
  r.cpu = cpu_model();
  r.logical_cores = std::max(1u, std::thread::hardware_concurrency());
  r.date_utc = utc_now_iso8601();

  r.checksum_orgs = w.checksum_orgs;
  double items_per_s = 0.0;
  r.checksum = bench.checksum_run(threads, items_per_s);
  r.main = bench.timed(threads, seconds, items_per_s);
  if (r.main.threads > 1) {
    // A shorter single-thread reference over the same organizations (from the start of the
    // timed stream), after the main phase.
    r.single = bench.timed(1, std::max(0.5, seconds / 2.0),
                           items_per_s / static_cast<double>(r.main.threads));
  }
  r.philox_ns = philox_ns_per_block();
  r.rss_kib = peak_rss_kib();

  if (vm["json"].as<bool>()) {
    print_json(std::cout, r);
  } else {
    print_table(std::cout, r);
  }
  return kExitOk;
}

}  // namespace leadsim::cli
