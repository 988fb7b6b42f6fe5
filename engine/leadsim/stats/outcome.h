// The model-neutral vocabulary every layer shares: what a metric and a record field are,
// and what simulating one organization yields. Statistics, the runner and the results file
// see only these names, units and vectors of doubles; they know nothing of any model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leadsim::stats {

// Which direction of a metric is better, for the win rate over the baseline: a mode wins an
// organization when its value is higher (kHigher) or lower (kLower) than the baseline's;
// kNone: neither direction is better (a utilization, a share that describes behaviour), so the
// metric has no win rate. There is no default: Better{} (0) is not a direction, and RunStats
// refuses a metric that leaves it unset, so every metric table must declare it.
enum class Better : std::uint8_t { kHigher = 1, kLower = 2, kNone = 3 };

// "higher", "lower", "none"; "unset" for any other value.
inline const char* better_name(Better b) {
  switch (b) {
    case Better::kHigher:
      return "higher";
    case Better::kLower:
      return "lower";
    case Better::kNone:
      return "none";
  }
  return "unset";
}

// True for the three declared directions.
inline bool is_direction(Better b) {
  return b == Better::kHigher || b == Better::kLower || b == Better::kNone;
}

// Better from "higher", "lower" or "none"; false for any other text.
inline bool parse_better(const std::string& text, Better& out) {
  for (const Better b : {Better::kHigher, Better::kLower, Better::kNone}) {
    if (text == better_name(b)) {
      out = b;
      return true;
    }
  }
  return false;
}

// One outcome metric. `better` is its direction (required: see Better). Histogram bins:
// `bins` equal bins on [lo, hi], or log-spaced when log_bins (then lo > 0); values outside go
// to underflow/overflow counts.
struct MetricDef {
  std::string name;
  std::string unit;
  std::string description;
  Better better{};  // required; Better{} is refused
  double lo = 0.0;
  double hi = 1.0;
  int bins = 50;
  bool log_bins = false;
};

// One per-organization record field (a drawn parameter or structural count).
struct FieldDef {
  std::string name;
  std::string unit;
  std::string description;
};

// What simulating one organization yields. Metrics are variant-major:
// metrics[v * K + k] is metric k under variant (mode) v. A metric that is undefined for an
// organization (no decisions made, no shock) is NaN and is left out of its statistics.
struct OrgOutcome {
  std::vector<double> params;    // record_fields().size()
  std::vector<double> metrics;   // variants().size() * metrics().size()
  std::uint64_t events = 0;      // work units for throughput: problems arrived x variants
  std::uint64_t rng_blocks = 0;  // Philox blocks drawn (the RNG floor)
};

}  // namespace leadsim::stats
