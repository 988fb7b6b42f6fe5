// `leadsim inspect --crossover`: where along a one-axis sweep each mode starts beating the
// baseline, with an interval from the stored per-point intervals; the numbers of the Python
// package's crossover() (python/src/leadsim/analysis.py) through stats::find_crossover.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli_util.h"
#include "leadsim/io/results.h"
#include "leadsim/stats/crossover.h"

namespace leadsim::cli {

// What to compute: metrics (default "value"), modes (empty: every mode but the baseline) and
// the curve, "win_rate" (the stored win rate against 0.5) or "mean" (the paired mean difference
// in the metric's direction of better against 0).
struct CrossoverRequest {
  std::vector<std::string> metrics;
  std::vector<std::string> modes;
  std::string by = "win_rate";
};

struct CrossoverRow {
  std::string metric, mode;
  stats::Better better = stats::Better::kNone;
  stats::Crossover result;
};

struct CrossoverTables {
  std::string by;
  double threshold = 0.0;
  std::string baseline;
  std::string axis;
  std::vector<double> values;                        // the axis' distinct values, increasing
  std::vector<std::pair<std::string, double>> held;  // other swept parameters, one value each
  std::vector<CrossoverRow> rows;                    // metric-major, then mode
};

// Throws ConfigError (exit 2) for a file without a sweep or with two or more varying axes, an
// unknown metric or mode, the baseline as a mode, a metric whose direction of better is none,
// and `by` other than win_rate or mean; each names the value and what is known.
CrossoverTables compute_crossovers(const std::string& path, const io::ResultsMeta& meta,
                                   const stats::Summary& sm, const CrossoverRequest& req);

// Per metric: a heading that says what the crossover is, then one row per mode (mode,
// crossover, 95% CI, direction, note, points), and a legend.
void print_crossover_text(std::ostream& os, const CrossoverTables& t);

// The key "crossover" and its object into the open JSON object of `j`.
void print_crossover_json(JsonWriter& j, const CrossoverTables& t);

}  // namespace leadsim::cli
