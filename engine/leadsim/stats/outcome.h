// The model-neutral vocabulary every layer shares: what a metric and a record field are,
// and what simulating one organization yields. Statistics, the runner and the results file
// see only these names, units and vectors of doubles; they know nothing of any model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leadsim::stats {

// One outcome metric. Histogram bins: `bins` equal bins on [lo, hi], or log-spaced when
// log_bins (then lo > 0); values outside go to underflow/overflow counts.
struct MetricDef {
  std::string name;
  std::string unit;
  std::string description;
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
