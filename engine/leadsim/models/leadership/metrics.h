// The leadership model's observations (MODEL.md §9): the metrics of one mode on one
// organization (§9.1) and the columns of a trace row (§9.3). Each is named by an enum whose
// order is the order of its one table in metrics.cpp (name, unit, description, histogram
// bins); nothing is written by literal position.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "leadsim/stats/outcome.h"

namespace leadsim::leadership {

using stats::MetricDef;

// The §9.1 metrics, in record order.
enum class Metric : int {
  kValue,
  kAccuracy,
  kAlignment,
  kLatency,
  kExpired,
  kManagerUtil,
  kWorkerUtil,
  kSkillFinal,
  kSkillGain,
  kAlignmentFinal,
  kPeerShare,
  kValueLate,
  kResilience,
  kEscalated,
  kConsulted,
  kConsultFailed,
  kCount
};
inline constexpr int kNumMetrics = static_cast<int>(Metric::kCount);

// The §9.3 trace columns, in row order.
enum class TraceColumn : int {
  kPeriod,
  kArrived,
  kDecided,
  kRight,
  kAligned,
  kValue,
  kExpired,
  kQueued,
  kMeanSkill,
  kMeanAlignment,
  kCoachingActs,
  kHelpActs,
  kPeerCoachingActs,
  kCount
};
inline constexpr int kNumTraceColumns = static_cast<int>(TraceColumn::kCount);

// The position of a metric or trace column in its row.
constexpr std::size_t index_of(Metric m) {
  return static_cast<std::size_t>(m);
}
constexpr std::size_t index_of(TraceColumn c) {
  return static_cast<std::size_t>(c);
}

// Counts and metrics of one mode on one organization.
struct ModeResult {
  std::array<double, kNumMetrics> metrics{};  // Metric order (metric_defs())
  std::int64_t arrived = 0, decided = 0, expired = 0, waiting = 0;
  std::int64_t right = 0, aligned = 0, escalated = 0;
  std::int64_t consult_attempts = 0, help_acts = 0, coaching_acts = 0, teaching_acts = 0,
               peer_coaching_acts = 0;
  std::int64_t routed_up = 0;        // problems routed to a manager (all, or the escalated)
  std::int64_t manager_decided = 0;  // decisions made by managers (the rest by workers)
  std::int64_t consult_raised = 0;   // consultations whose helper was more skilled
  double manager_used = 0.0, manager_available = 0.0, worker_used = 0.0;
  std::uint64_t rng_blocks = 0;  // blocks of the mode's own streams

  double& metric(Metric m) { return metrics[index_of(m)]; }
  double metric(Metric m) const { return metrics[index_of(m)]; }
};

// The §9.1 metrics in Metric order, with histogram bins.
const std::vector<MetricDef>& metric_defs();
// The names of a trace row's columns in TraceColumn order.
const std::vector<std::string>& trace_columns();

// What the metrics of a mode are computed from besides the counts of its ModeResult.
struct MetricInputs {
  double value_sum = 0.0;                   // realized value of every decision
  double wait_sum = 0.0;                    // Σ wait of every decision
  double worker_capacity = 0.0;             // K (the worker attention per period)
  int workers = 0;                          // W
  int periods = 0;                          // T
  int shock_length = 0;                     // the constant shock_length (the pre-window's length)
  int shock_begin = 0, shock_end = 0;       // the environment's shock window
  double total_importance = 0.0;            // Σ v_p over all problems
  const double* value_by_period = nullptr;  // realized value by arrival period (T)
  const double* importance_by_period = nullptr;  // Σ v_p by arrival period (T)
  const int* home = nullptr;                     // h_i per worker (W)
  int domains = 1;                               // D, the row length of the skill arrays
  const double* skill0 = nullptr;                // k_i[d] at period 0 (W x D)
  const double* skill = nullptr;                 // k_i[d] at T (W x D)
  const double* alignment = nullptr;             // α_i at T (W)
};

// Fills r.metrics from r's counts and `in` (§9.1, §11.14-§11.16).
void finish_metrics(ModeResult& r, const MetricInputs& in);

}  // namespace leadsim::leadership
