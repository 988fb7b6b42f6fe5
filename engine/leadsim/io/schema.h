// Names and fixed text of the results-file layout shared by writer and reader (internal to
// the io module; docs/RESULTS.md is the user-facing description).
#pragma once

#include <set>
#include <string>
#include <vector>

namespace leadsim::io::detail {

// Summary and paired datasets over [S, M, K], in file order.
inline const std::vector<std::string> kSummaryU64 = {"count", "nan_count"};
inline const std::vector<std::string> kSummaryF64 = {"mean", "std", "sem", "min", "max"};
inline const std::vector<std::string> kPairedU64 = {"count", "wins", "ties", "greater"};
inline const std::vector<std::string> kPairedF64 = {
    "mean",    "std", "ci_low", "ci_high", "win_rate", "win_rate_ci_low", "win_rate_ci_high",
    "tie_rate"};

// Root attributes the writer sets itself; extra_attrs may not reuse these names.
inline const std::set<std::string> kRootAttrs = {
    "format",      "format_version",    "leadsim_version", "git_describe",
    "created_utc", "command_line",      "config",          "model",
    "seed",        "orgs_per_scenario", "block_size",      "baseline_mode",
    "rng",         "hdf5_version",      "compiler",        "samples",
    "scenarios",   "results_identity"};

// Dataset names a swept parameter's copy in /scenarios, /summary or /paired must avoid.
inline const std::set<std::string> kReservedInScenarioGroups = {"id",
                                                                "scenario",
                                                                "mode",
                                                                "metric",
                                                                "quantile",
                                                                "quantile_levels",
                                                                "quantiles",
                                                                "count",
                                                                "nan_count",
                                                                "mean",
                                                                "std",
                                                                "sem",
                                                                "min",
                                                                "max",
                                                                "ci_low",
                                                                "ci_high",
                                                                "win_rate",
                                                                "win_rate_ci_low",
                                                                "win_rate_ci_high",
                                                                "wins",
                                                                "ties",
                                                                "tie_rate",
                                                                "greater"};

// HDF5 link names for user-supplied names (parameters, metrics, fields): '/' and spaces
// become '_', reserved or repeated names get a numeric suffix. A pure function of its input,
// so the reader recomputes the writer's mapping from the stored original names.
inline std::vector<std::string> link_names(const std::vector<std::string>& names,
                                           const std::set<std::string>& reserved) {
  std::set<std::string> used = reserved;
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& name : names) {
    std::string s = name;
    for (char& c : s) {
      if (c == '/' || c == ' ' || static_cast<unsigned char>(c) < 0x20) c = '_';
    }
    if (s.empty() || s == "." || s == "..") s = "_" + s;
    std::string candidate = s;
    for (int i = 2; used.count(candidate) != 0; ++i) candidate = s + "_" + std::to_string(i);
    used.insert(candidate);
    out.push_back(candidate);
  }
  return out;
}

}  // namespace leadsim::io::detail
