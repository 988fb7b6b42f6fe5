#include "inspect_crossover.h"

#include <algorithm>
#include <cmath>

namespace leadsim::cli {
namespace {

std::vector<double> distinct(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The axis of a one-axis sweep: the only swept parameter with more than one value (the first
// swept parameter when none has); fills t.axis, t.values and t.held (the others, at their one
// value) and returns the axis' index. The reader guarantees one value per scenario per axis.
std::size_t pick_axis(const std::string& path, const io::ResultsMeta& meta, CrossoverTables& t) {
  if (meta.sweep_params.empty()) {
    throw ConfigError("--crossover needs a sweep: " + path +
                      " sweeps nothing (no axis for a crossover)");
  }
  std::vector<std::size_t> varying;
  std::vector<std::string> described;
  for (std::size_t a = 0; a < meta.sweep_params.size(); ++a) {
    const std::size_t n = distinct(meta.scenario_values[a]).size();
    if (n > 1) {
      varying.push_back(a);
      described.push_back(meta.sweep_params[a] + " (" + std::to_string(n) + " values)");
    }
  }
  if (varying.size() > 1) {
    throw ConfigError("--crossover needs a 1-D sweep: " + path + " sweeps " + join(described) +
                      "; for more axes use `python -m leadsim plot --kind crossover` or "
                      "leadsim.load(f).crossover(mode, axis=...)");
  }
  const std::size_t axis = varying.empty() ? 0 : varying[0];
  t.axis = meta.sweep_params[axis];
  t.values = distinct(meta.scenario_values[axis]);
  for (std::size_t a = 0; a < meta.sweep_params.size(); ++a) {
    if (a != axis) t.held.emplace_back(meta.sweep_params[a], meta.scenario_values[a].at(0));
  }
  return axis;
}

std::size_t index_of(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

std::string interval_cell(double lo, double hi) {
  if (std::isnan(lo) && std::isnan(hi)) return "-";
  std::string cell = "[";  // appended: GCC 12 misreads "[" + string&& (-Wrestrict)
  cell += format_number(lo, 4);
  cell += ", ";
  cell += format_number(hi, 4);
  cell += "]";
  return cell;
}

std::string heading(const CrossoverTables& t, const std::string& metric) {
  if (t.by == "win_rate") {
    return "crossover of " + metric + " win rate vs " + t.baseline + " along " + t.axis +
           ": where P(mode better) crosses 0.5; CI from the stored per-point 95% Wilson "
           "intervals (pointwise)";
  }
  return "crossover of " + metric + " mean difference (mode - " + t.baseline + ") along " + t.axis +
         ": where it crosses 0; CI from the stored per-point 95% intervals of the " +
         "mean difference (pointwise)";
}

}  // namespace

CrossoverTables compute_crossovers(const std::string& path, const io::ResultsMeta& meta,
                                   const stats::Summary& sm, const CrossoverRequest& req) {
  CrossoverTables t;
  t.by = req.by;
  if (t.by != "win_rate" && t.by != "mean") {
    throw ConfigError("--by must be win_rate or mean, not '" + t.by + "'");
  }
  t.threshold = t.by == "win_rate" ? 0.5 : 0.0;
  t.baseline = meta.baseline_mode;
  std::vector<std::string> metric_names;
  for (const auto& m : meta.metrics) metric_names.push_back(m.name);
  const std::vector<std::string> metrics =
      req.metrics.empty() ? std::vector<std::string>{"value"} : req.metrics;
  for (const auto& name : metrics) {
    const std::size_t k = index_of(metric_names, name);
    if (k == metric_names.size()) {
      throw ConfigError("unknown metric '" + name + "' (--metric); known: " + join(metric_names));
    }
    if (meta.metrics[k].better == stats::Better::kNone) {
      throw ConfigError("metric '" + name +
                        "' has no direction of better (better = none): no mode beats another "
                        "on it");
    }
  }
  const std::size_t base = index_of(meta.modes, meta.baseline_mode);
  std::vector<std::string> modes = req.modes;
  for (const auto& name : modes) {
    if (index_of(meta.modes, name) == meta.modes.size()) {
      throw ConfigError("unknown mode '" + name + "' (--mode); known: " + join(meta.modes));
    }
    if (name == meta.baseline_mode) {
      throw ConfigError("'" + name + "' is the baseline mode (--mode): it does not cross itself");
    }
  }
  if (modes.empty()) {
    for (std::size_t m = 0; m < meta.modes.size(); ++m) {
      if (m != base) modes.push_back(meta.modes[m]);
    }
  }
  const std::vector<double>& x = meta.scenario_values[pick_axis(path, meta, t)];
  const std::size_t S = static_cast<std::size_t>(sm.S);
  for (const auto& metric : metrics) {
    const std::size_t k = index_of(metric_names, metric);
    const stats::Better better = meta.metrics[k].better;
    for (const auto& mode : modes) {
      const std::size_t m = index_of(meta.modes, mode);
      std::vector<double> y(S), lo(S), hi(S);
      for (std::size_t s = 0; s < S; ++s) {
        const std::size_t i = smk(s, m, k, sm.M, sm.K);
        if (t.by == "win_rate") {
          y[s] = sm.win_rate[i];
          lo[s] = sm.win_rate_ci_low[i];
          hi[s] = sm.win_rate_ci_high[i];
        } else if (better == stats::Better::kHigher) {
          y[s] = sm.paired_mean[i];
          lo[s] = sm.paired_ci_low[i];
          hi[s] = sm.paired_ci_high[i];
        } else {  // lower is better: the difference turned so that above 0 is better
          y[s] = -sm.paired_mean[i];
          lo[s] = -sm.paired_ci_high[i];
          hi[s] = -sm.paired_ci_low[i];
        }
      }
      t.rows.push_back({metric, mode, better, stats::find_crossover(x, y, lo, hi, t.threshold)});
    }
  }
  return t;
}

void print_crossover_text(std::ostream& os, const CrossoverTables& t) {
  std::string along = t.axis + ": " + std::to_string(t.values.size()) + " swept values";
  if (!t.values.empty()) {
    along += ", " + format_exact(t.values.front()) + " to " + format_exact(t.values.back());
  }
  for (const auto& [name, value] : t.held) along += "; " + name + " = " + format_exact(value);
  for (std::size_t r = 0; r < t.rows.size();) {
    const std::string& current = t.rows[r].metric;
    os << (r == 0 ? "" : "\n") << heading(t, current) << '\n'
       << along << "; better: " << stats::better_name(t.rows[r].better) << ' ' << current << '\n';
    Table table({"mode", "crossover", "95% CI", "direction", "note", "points"});
    for (; r < t.rows.size() && t.rows[r].metric == current; ++r) {
      const auto& c = t.rows[r].result;
      table.add_row({t.rows[r].mode, format_number(c.crossover, 4),
                     interval_cell(c.ci_low, c.ci_high),
                     std::string(stats::cross_direction_name(c.direction)),
                     std::string(stats::cross_note_name(c.note)), std::to_string(c.points)});
    }
    table.print(os, "  ");
  }
  os << "\ncrossover: the first crossing along increasing " << t.axis
     << ", the curve interpolated linearly\n"
        "  between swept points (- without one); direction: up, the mode is better above it;\n"
        "  down, below it; note, without a crossing: the side of the swept range where one\n"
        "  would lie (below or above)\n"
        "95% CI: where the interpolated per-point interval holds the threshold, the piece that\n"
        "  holds the crossover, clipped to the swept range (a bound at the first or last swept\n"
        "  value may extend beyond it)\n";
}

void print_crossover_json(JsonWriter& j, const CrossoverTables& t) {
  j.key("crossover").begin_object();
  j.key("by").value(t.by);
  j.key("threshold").value(t.threshold);
  j.key("baseline").value(t.baseline);
  j.key("axis").value(t.axis);
  j.key("values").begin_array();
  for (double v : t.values) j.value(v);
  j.end_array();
  j.key("held").begin_object();
  for (const auto& [name, value] : t.held) j.key(name).value(value);
  j.end_object();
  j.key("interval")
      .value(t.by == "win_rate" ? "pointwise: from the stored per-point 95% Wilson intervals"
                                : "pointwise: from the stored per-point 95% intervals of the "
                                  "mean difference");
  j.key("rows").begin_array();
  for (const auto& row : t.rows) {
    const auto& c = row.result;
    j.begin_object();
    j.key("metric").value(row.metric).key("mode").value(row.mode);
    j.key("better").value(stats::better_name(row.better));
    j.key("crossover").value(c.crossover);
    j.key("ci_low").value(c.ci_low).key("ci_high").value(c.ci_high);
    j.key("direction").value(stats::cross_direction_name(c.direction));
    j.key("note").value(stats::cross_note_name(c.note));
    j.key("points").value(static_cast<std::uint64_t>(c.points));
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

}  // namespace leadsim::cli
