// `leadsim inspect`: a results file's provenance and, per scenario, each mode's mean ± 95% CI
// of the main metrics and its win rate over the baseline, then a sensitivity study's Sobol'
// indices (inspect_sensitivity.cpp); --crossover: where along a one-axis sweep each mode starts
// beating the baseline (inspect_crossover.cpp); --json for machines.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cli_util.h"
#include "inspect_crossover.h"
#include "inspect_sensitivity.h"
#include "leadsim/io/results.h"
#include "leadsim/io/sensitivity_file.h"
#include "leadsim/io/state.h"
#include "leadsim/run/merge.h"

namespace leadsim::cli {
namespace {

constexpr const char* kUsage =
    "leadsim inspect OUT.h5 [--json] [--all-factors] [--crossover [--metric M]... [--mode M]... "
    "[--by win_rate|mean]]";
constexpr const char* kSummary =
    "Prints a results file's provenance (format, versions, command line, model, seed,\n"
    "modes, baseline) and, per scenario, each mode's mean ± 95% CI (mean ± 1.96 sem) of the\n"
    "main metrics with its win rate over the baseline: the share of organizations where the\n"
    "mode is better in the metric's direction (higher value, lower latency; the file's\n"
    "/metrics_info/better), beside the share of ties. A metric whose direction is none has no\n"
    "win rate. --json prints one JSON document with every metric instead (NaN as null).\n\n"
    "The file is checked against itself first: its record count must be what its samples\n"
    "setting keeps of its organizations. A shard file, or a partial merge (PARTIAL, with the\n"
    "missing work items), shows how many organizations each scenario actually holds.\n\n"
    "A sensitivity study's file (/sensitivity) adds, per scenario and output, the factors\n"
    "ranked by total Sobol' index ST with the first-order index S1 and their bootstrap\n"
    "intervals: the 5 largest unless --all-factors; --json holds every array.\n\n"
    "--crossover prints, for a file whose sweep has one axis (other swept parameters held at\n"
    "one value), where along it each mode starts beating the baseline in a metric (--metric,\n"
    "default value; repeatable): by win_rate (default), where the stored win rate crosses\n"
    "0.5, with a 95% CI from inverting the stored per-point Wilson intervals; by mean, where\n"
    "the paired mean difference crosses 0 in the metric's direction of better, with a CI from\n"
    "its stored per-point 95% intervals. The curve is interpolated linearly between swept\n"
    "points; the crossover is its first crossing, the CI the connected range of the axis\n"
    "where the interval holds the threshold (pointwise, clipped to the swept range). The same\n"
    "numbers as the Python package's crossover(), which also handles more axes.\n"
    "With --json the document gets a \"crossover\" object.";

constexpr double kZ95 = 1.96;

double at(const std::vector<double>& v, std::size_t i) {
  return i < v.size() ? v[i] : std::numeric_limits<double>::quiet_NaN();
}

std::uint64_t at(const std::vector<std::uint64_t>& v, std::size_t i) {
  return i < v.size() ? v[i] : 0;
}

std::string samples_text(std::int64_t samples) {
  if (samples < 0) return "all";
  if (samples == 0) return "none";
  return "first " + std::to_string(samples) + " per scenario";
}

std::vector<std::string> metric_names(const io::ResultsMeta& meta) {
  std::vector<std::string> names;
  for (const auto& m : meta.metrics) names.push_back(m.name);
  return names;
}

// The metrics the text view shows: the main leadership metrics the file has, else all.
std::vector<std::size_t> main_metrics(const std::vector<std::string>& names) {
  static const std::vector<std::string> kMain = {"value",   "accuracy",   "latency",
                                                 "expired", "skill_gain", "peer_share"};
  std::vector<std::size_t> out;
  for (const auto& want : kMain) {
    const auto it = std::find(names.begin(), names.end(), want);
    if (it != names.end()) out.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  if (out.empty()) {
    for (std::size_t k = 0; k < names.size(); ++k) out.push_back(k);
  }
  return out;
}

// "higher: value, accuracy; lower: latency; none: peer_share": each metric's direction.
std::string better_text(const io::ResultsMeta& meta) {
  std::string out;
  for (const stats::Better b :
       {stats::Better::kHigher, stats::Better::kLower, stats::Better::kNone}) {
    std::vector<std::string> names;
    for (const auto& m : meta.metrics) {
      if (m.better == b) names.push_back(m.name);
    }
    if (names.empty()) continue;
    out += (out.empty() ? "" : "; ") + std::string(stats::better_name(b)) + ": " + join(names);
  }
  return out;
}

std::size_t win_metric(const std::vector<std::string>& names) {
  const auto it = std::find(names.begin(), names.end(), "value");
  return it == names.end() ? 0 : static_cast<std::size_t>(it - names.begin());
}

std::size_t baseline_index(const io::ResultsMeta& meta) {
  const auto it = std::find(meta.modes.begin(), meta.modes.end(), meta.baseline_mode);
  return static_cast<std::size_t>(it - meta.modes.begin());  // == size when absent
}

// What part of the study a file holds (a shard, a partial merge) and the organizations present
// in each scenario.
struct Coverage {
  io::ResultsState state;
  std::vector<std::uint64_t> present;  // [S]
  bool partial() const { return !state.missing_items.empty(); }
  bool whole_range() const { return state.item_first == 0 && state.item_end == state.items_total; }
};

std::string scenario_title(const io::ResultsMeta& meta, const Coverage& cov, std::uint64_t s) {
  std::string t = scenario_heading(meta, s);
  const std::uint64_t n = at(cov.present, s);
  if (n != meta.orgs_per_scenario) {
    t += n == 0 ? "  -- no organizations present (no statistics)"
                : "  -- " + with_commas(n) + " of " + with_commas(meta.orgs_per_scenario) +
                      " organizations present";
  }
  return t;
}

void print_text(std::ostream& os, const std::string& path, const io::ResultsReader& reader,
                const Coverage& cov, const std::optional<io::SensitivityTables>& sens,
                bool all_factors) {
  const auto& meta = reader.meta();
  const auto& sm = reader.summary();
  os << "file:           " << path << '\n'
     << "format:         " << io::kFormat << " version " << meta.format_version << '\n'
     << "leadsim:        " << meta.leadsim_version << " (git " << meta.git_describe << ")\n"
     << "created:        " << meta.created_utc << '\n'
     << "command line:   " << meta.command_line << '\n'
     << "compiler:       " << meta.compiler << '\n'
     << "hdf5:           " << meta.hdf5_version << '\n'
     << "model:          " << meta.model << '\n'
     << "seed:           " << meta.seed << '\n'
     << "rng:            " << meta.rng << '\n'
     << "identity:       " << (meta.identity.empty() ? "(not recorded)" : meta.identity) << '\n'
     << "scenarios:      " << meta.scenarios;
  if (!meta.sweep_params.empty()) os << " (sweep over " << join(meta.sweep_params) << ")";
  os << '\n'
     << "orgs/scenario:  " << with_commas(meta.orgs_per_scenario) << " (block size "
     << meta.block_size << ")\n"
     << "modes:          " << join(meta.modes) << '\n'
     << "baseline:       " << meta.baseline_mode << '\n'
     << "records:        " << with_commas(reader.record_count()) << " ("
     << samples_text(meta.samples) << ")\n";
  const auto& st = cov.state;
  if (cov.partial()) {
    os << "PARTIAL RESULT: work items " << run::ranges_text(st.missing_items) << " of "
       << st.items_total << " are missing (merged with --allow-partial); the statistics cover "
       << "only the organizations present\n";
  }
  if (!cov.whole_range()) {
    os << "shard:          " << st.shard_index << "/" << st.shard_count << ", work items ["
       << st.item_first << ", " << st.item_end << ") of " << st.items_total << '\n';
  }
  if (cov.partial() || !cov.whole_range()) {
    std::uint64_t total = 0;
    for (std::uint64_t n : cov.present) total += n;
    os << "orgs present:   " << with_commas(total) << " of "
       << with_commas(meta.orgs_per_scenario * meta.scenarios) << " (per scenario below)\n";
  }
  for (const auto& [k, v] : meta.extra_attrs) {
    // A value of several lines (checkpoint_binaries: one build per line) stays indented.
    std::string text = v;
    for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
      text.insert(at + 1, k.size() + 2, ' ');
    }
    os << k << ": " << text << '\n';
  }
  os << "better:         " << better_text(meta) << '\n';
  os << "±:              half-width of the 95% confidence interval of the mean (1.96 standard "
        "errors); win [lo, hi]: 95% CI of the win rate\n";

  const auto names = metric_names(meta);
  const auto shown = main_metrics(names);
  const std::size_t kw = win_metric(names);
  const std::size_t base = baseline_index(meta);
  for (std::uint64_t s = 0; s < sm.S; ++s) {
    os << '\n' << scenario_title(meta, cov, s) << '\n';
    std::vector<std::string> header = {"mode"};
    for (std::size_t k : shown) header.push_back(names[k]);
    const stats::Better better =
        kw < meta.metrics.size() ? meta.metrics[kw].better : stats::Better::kNone;
    const bool has_win =
        base < meta.modes.size() && sm.M > 1 && kw < names.size() && better != stats::Better::kNone;
    if (has_win) {
      header.push_back("win = " + std::string(stats::better_name(better)) + " " + names[kw] +
                       " than " + meta.baseline_mode);
      header.push_back("ties");
    }
    Table t(header);
    for (std::uint64_t m = 0; m < sm.M; ++m) {
      std::vector<std::string> row = {m < meta.modes.size() ? meta.modes[m] : "?"};
      for (std::size_t k : shown) {
        const std::size_t i = smk(s, m, k, sm.M, sm.K);
        const double mean = at(sm.mean, i);
        const double half = kZ95 * at(sm.sem, i);
        row.push_back(std::isnan(mean) ? "-"
                                       : format_number(mean, 4) + " ± " + format_number(half, 2));
      }
      if (has_win) {
        const std::size_t i = smk(s, m, kw, sm.M, sm.K);
        row.push_back(m == base ? "-"
                                : format_rate_ci(at(sm.win_rate, i), at(sm.win_rate_ci_low, i),
                                                 at(sm.win_rate_ci_high, i)));
        const double tie = at(sm.tie_rate, i);
        row.push_back(m == base || std::isnan(tie) ? "-" : format_number(tie, 3));
      }
      t.add_row(std::move(row));
    }
    t.print(os, "  ");
  }
  if (shown.size() < names.size()) {
    os << "\n(" << names.size() - shown.size()
       << " further metrics in the file; --json lists them all)\n";
  }
  if (sens) print_sensitivity_text(os, meta, *sens, all_factors);
}

void print_json(std::ostream& os, const std::string& path, const io::ResultsReader& reader,
                const Coverage& cov, const std::optional<io::SensitivityTables>& sens,
                const std::optional<CrossoverTables>& cross) {
  const auto& meta = reader.meta();
  const auto& sm = reader.summary();
  const auto names = metric_names(meta);
  const std::size_t base = baseline_index(meta);
  JsonWriter j(os);
  j.begin_object();
  j.key("file").value(path);
  j.key("provenance").begin_object();
  j.key("format").value(io::kFormat);
  j.key("format_version").value(meta.format_version);
  j.key("leadsim_version").value(meta.leadsim_version);
  j.key("git_describe").value(meta.git_describe);
  j.key("created_utc").value(meta.created_utc);
  j.key("hdf5_version").value(meta.hdf5_version);
  j.key("compiler").value(meta.compiler);
  j.key("command_line").value(meta.command_line);
  j.key("model").value(meta.model);
  j.key("seed").value(meta.seed);
  j.key("rng").value(meta.rng);
  j.key("results_identity").value(meta.identity);
  j.key("orgs_per_scenario").value(meta.orgs_per_scenario);
  j.key("block_size").value(static_cast<std::uint64_t>(meta.block_size));
  j.key("scenarios").value(meta.scenarios);
  j.key("samples").value(meta.samples);
  j.key("records").value(reader.record_count());
  j.key("extra").begin_object();
  for (const auto& [k, v] : meta.extra_attrs) j.key(k).value(v);
  j.end_object();
  j.end_object();
  const auto& st = cov.state;
  j.key("partial").value(cov.partial());
  j.key("missing_items").begin_array();
  for (const auto& [a, b] : st.missing_items) j.begin_array().value(a).value(b).end_array();
  j.end_array();
  j.key("shard").begin_object();
  j.key("index").value(st.shard_index).key("count").value(st.shard_count);
  j.key("item_first").value(st.item_first).key("item_end").value(st.item_end);
  j.key("items_total").value(st.items_total);
  j.end_object();
  j.key("config_ini").value(meta.config_ini);
  j.key("modes").begin_array();
  for (const auto& m : meta.modes) j.value(m);
  j.end_array();
  j.key("baseline").value(meta.baseline_mode);
  j.key("metrics").begin_array();
  for (const auto& m : meta.metrics) {
    j.begin_object().key("name").value(m.name).key("unit").value(m.unit);
    j.key("description").value(m.description);
    j.key("better").value(stats::better_name(m.better)).end_object();
  }
  j.end_array();
  j.key("record_fields").begin_array();
  for (const auto& f : meta.record_fields) j.value(f.name);
  j.end_array();
  j.key("sweep_params").begin_array();
  for (const auto& p : meta.sweep_params) j.value(p);
  j.end_array();
  j.key("scenarios").begin_array();
  for (std::uint64_t s = 0; s < sm.S; ++s) {
    j.begin_object();
    j.key("index").value(s);
    j.key("orgs_present").value(at(cov.present, s));
    j.key("values").begin_object();
    for (std::size_t a = 0; a < meta.sweep_params.size(); ++a) {
      j.key(meta.sweep_params[a]);
      if (a < meta.scenario_values.size() && s < meta.scenario_values[a].size()) {
        j.value(meta.scenario_values[a][s]);
      } else {
        j.null();
      }
    }
    j.end_object();
    j.key("modes").begin_object();
    for (std::uint64_t m = 0; m < sm.M; ++m) {
      j.key(m < meta.modes.size() ? meta.modes[m] : "mode" + std::to_string(m)).begin_object();
      for (std::uint64_t k = 0; k < sm.K; ++k) {
        const std::size_t i = smk(s, m, k, sm.M, sm.K);
        const double mean = at(sm.mean, i);
        const double half = kZ95 * at(sm.sem, i);
        j.key(k < names.size() ? names[k] : "metric" + std::to_string(k)).begin_object();
        j.key("mean").value(mean);
        j.key("ci").begin_array().value(mean - half).value(mean + half).end_array();
        j.key("std").value(at(sm.std, i));
        j.key("count").value(at(sm.count, i));
        j.key("nan_count").value(at(sm.nan_count, i));
        if (m == base) {
          j.key("win_rate").null();
          j.key("win_rate_ci").null();
          j.key("tie_rate").null();
          j.key("wins").null();
          j.key("ties").null();
          j.key("paired_mean").null();
        } else {
          j.key("win_rate").value(at(sm.win_rate, i));
          j.key("win_rate_ci")
              .begin_array()
              .value(at(sm.win_rate_ci_low, i))
              .value(at(sm.win_rate_ci_high, i))
              .end_array();
          j.key("tie_rate").value(at(sm.tie_rate, i));
          j.key("wins").value(at(sm.wins, i));
          j.key("ties").value(at(sm.ties, i));
          j.key("paired_mean").value(at(sm.paired_mean, i));
        }
        j.end_object();
      }
      j.end_object();
    }
    j.end_object();
    j.end_object();
  }
  j.end_array();
  if (sens) print_sensitivity_json(j, *sens);
  if (cross) print_crossover_json(j, *cross);
  j.end_object();
  os << '\n';
}

}  // namespace

int cmd_inspect(const Args& args, const std::string& /*command_line*/) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")("json", po::bool_switch(),
                                                 "print one JSON document")(
      "all-factors", po::bool_switch(),
      "list every factor of each sensitivity output (default: the 5 with the largest total "
      "index)")("crossover", po::bool_switch(),
                "where along the sweep's axis each mode starts beating the baseline")(
      "metric", po::value<std::vector<std::string>>()->composing(),
      "with --crossover: the metric (repeatable; default value)")(
      "mode", po::value<std::vector<std::string>>()->composing(),
      "with --crossover: the mode (repeatable; default every mode but the baseline)")(
      "by", po::value<std::string>(),
      "with --crossover: win_rate (default; against 0.5) or mean (the paired mean difference "
      "against 0)");
  const auto parsed = parse_file_command(args, desc, kUsage, kSummary);
  if (!parsed) return kExitOk;
  const po::variables_map& vm = *parsed;
  const std::string path = vm["file"].as<std::string>();
  const bool crossover = vm["crossover"].as<bool>();
  CrossoverRequest request;
  for (const char* opt : {"metric", "mode", "by"}) {
    if (vm.count(opt) && !crossover) {
      throw ConfigError(std::string("--") + opt + " goes with --crossover");
    }
  }
  if (vm.count("metric")) request.metrics = vm["metric"].as<std::vector<std::string>>();
  if (vm.count("mode")) request.modes = vm["mode"].as<std::vector<std::string>>();
  if (vm.count("by")) request.by = vm["by"].as<std::string>();
  const io::ResultsReader reader(path);
  Coverage cov{io::read_state(path), {}};
  run::check_record_count(path, reader.meta(), cov.state, reader.record_count());
  cov.present = run::orgs_present(reader.meta(), cov.state);
  const auto sens = io::read_sensitivity(path);
  std::optional<CrossoverTables> cross;
  if (crossover) cross = compute_crossovers(path, reader.meta(), reader.summary(), request);
  if (vm["json"].as<bool>()) {
    print_json(std::cout, path, reader, cov, sens, cross);
  } else if (cross) {
    std::cout << "file: " << path << "\n\n";
    print_crossover_text(std::cout, *cross);
  } else {
    print_text(std::cout, path, reader, cov, sens, vm["all-factors"].as<bool>());
  }
  return kExitOk;
}

}  // namespace leadsim::cli
