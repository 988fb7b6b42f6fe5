// The metric table, the trace columns and the metrics of a finished mode (MODEL.md §9).
#include "leadsim/models/leadership/metrics.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <limits>

namespace leadsim::leadership {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using stats::Better;

// One row per metric: what metric_defs() publishes, in Metric order. `better` is required:
// the direction in which a mode beats the baseline (MODEL.md §9.1). Utilizations and
// peer_share describe how the organization works, not how well, so they are kNone.
struct MetricRow {
  Metric id;
  const char* name;
  const char* unit;
  const char* description;
  Better better;
  double lo;
  double hi;
  int bins;
  bool log_bins;
};

constexpr MetricRow kMetricTable[] = {
    {Metric::kValue, "value", "share", "realized value / Σ importance of all problems that arrived",
     Better::kHigher, 0, 1, 50, false},
    {Metric::kAccuracy, "accuracy", "share", "right decisions / decisions made", Better::kHigher, 0,
     1, 50, false},
    {Metric::kAlignment, "alignment", "share", "aligned decisions / decisions made",
     Better::kHigher, 0, 1, 50, false},
    {Metric::kLatency, "latency", "periods", "mean wait of decisions made", Better::kLower, 1e-3,
     1e2, 50, true},
    {Metric::kExpired, "expired", "share",
     "problems expired or still waiting at T / problems arrived", Better::kLower, 0, 1, 50, false},
    {Metric::kManagerUtil, "manager_util", "share",
     "manager attention used (deciding, supervising, coaching, teaching) / available",
     Better::kNone, 0, 1, 50, false},
    {Metric::kWorkerUtil, "worker_util", "share",
     "worker attention used (deciding, helping, peer coaching) / available", Better::kNone, 0, 1,
     50, false},
    {Metric::kSkillFinal, "skill_final", "skill", "mean home-domain skill k_i[h_i] at T",
     Better::kHigher, 0, 1, 50, false},
    {Metric::kSkillGain, "skill_gain", "skill", "skill_final - mean home-domain skill at period 0",
     Better::kHigher, -1, 1, 50, false},
    {Metric::kAlignmentFinal, "alignment_final", "share", "mean worker alignment α_i at T",
     Better::kHigher, 0, 1, 50, false},
    {Metric::kPeerShare, "peer_share", "share",
     "coaching and help acts by workers / all coaching and help acts (0 if none)", Better::kNone, 0,
     1, 50, false},
    {Metric::kValueLate, "value_late", "share",
     "value of problems arriving in the last quarter of periods", Better::kHigher, 0, 1, 50, false},
    {Metric::kResilience, "resilience", "ratio",
     "value during the shock / value in the equal window before it", Better::kHigher, 1e-2, 1e2, 50,
     true},
    // Diagnostics: why a mode wins or loses, not how well it does (so no direction).
    {Metric::kEscalated, "escalated", "share",
     "problems routed to a manager (every problem when managers decide, those below theta in "
     "exception routing) / problems arrived",
     Better::kNone, 0, 1, 50, false},
    {Metric::kConsulted, "consulted", "share",
     "consultations attempted / decisions made by workers (NaN: workers decide nothing)",
     Better::kNone, 0, 1, 50, false},
    {Metric::kConsultFailed, "consult_failed", "share",
     "consultations that did not raise the decision's skill (helper without attention, or not "
     "more skilled) / consultations attempted (NaN: none attempted)",
     Better::kNone, 0, 1, 50, false},
};

// One row per trace column, in TraceColumn order (meanings: MODEL.md §9.3).
struct TraceColumnRow {
  TraceColumn id;
  const char* name;
  const char* meaning;
};

constexpr TraceColumnRow kTraceTable[] = {
    {TraceColumn::kPeriod, "period", "t"},
    {TraceColumn::kArrived, "arrived", "problems arriving in t"},
    {TraceColumn::kDecided, "decided", "decisions made in t"},
    {TraceColumn::kRight, "right", "right decisions made in t"},
    {TraceColumn::kAligned, "aligned", "aligned decisions made in t"},
    {TraceColumn::kValue, "value", "value realized by decisions made in t"},
    {TraceColumn::kExpired, "expired", "problems that expired at the start of t"},
    {TraceColumn::kQueued, "queued", "backlog over all queues after t"},
    {TraceColumn::kMeanSkill, "mean_skill", "mean k_i[h_i] after t"},
    {TraceColumn::kMeanAlignment, "mean_alignment", "mean α_i after t"},
    {TraceColumn::kCoachingActs, "coaching_acts", "coaching sessions in t"},
    {TraceColumn::kHelpActs, "help_acts", "successful consultations in t"},
    {TraceColumn::kPeerCoachingActs, "peer_coaching_acts", "peer-coaching acts in t"},
};

static_assert(std::size(kMetricTable) == static_cast<std::size_t>(kNumMetrics),
              "one metric table row per Metric");
static_assert(std::size(kTraceTable) == static_cast<std::size_t>(kNumTraceColumns),
              "one trace table row per TraceColumn");

template <typename Row, std::size_t N>
constexpr bool in_enum_order(const Row (&rows)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(rows[i].id) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(kMetricTable), "metric table rows in Metric order");
static_assert(in_enum_order(kTraceTable), "trace table rows in TraceColumn order");

double ratio(double a, double b) {
  return b > 0.0 ? a / b : kNaN;
}

// Realized value / importance of the problems that arrived in [begin, end) ∩ [0, T).
double window_value(const MetricInputs& in, int begin, int end) {
  double val = 0.0, imp = 0.0;
  for (int t = std::max(0, begin); t < std::min(end, in.periods); ++t) {
    val += in.value_by_period[t];
    imp += in.importance_by_period[t];
  }
  return ratio(val, imp);
}

}  // namespace

const std::vector<MetricDef>& metric_defs() {
  static const std::vector<MetricDef> defs = [] {
    std::vector<MetricDef> d;
    for (const auto& row : kMetricTable) {
      d.push_back({row.name, row.unit, row.description, row.better, row.lo, row.hi, row.bins,
                   row.log_bins});
    }
    return d;
  }();
  return defs;
}

const std::vector<std::string>& trace_columns() {
  static const std::vector<std::string> cols = [] {
    std::vector<std::string> c;
    for (const auto& row : kTraceTable) c.emplace_back(row.name);
    return c;
  }();
  return cols;
}

void finish_metrics(ModeResult& r, const MetricInputs& in) {
  const auto decided = static_cast<double>(r.decided);
  const auto W = static_cast<double>(in.workers);
  r.metric(Metric::kValue) = ratio(in.value_sum, in.total_importance);
  r.metric(Metric::kAccuracy) = ratio(static_cast<double>(r.right), decided);
  r.metric(Metric::kAlignment) = ratio(static_cast<double>(r.aligned), decided);
  r.metric(Metric::kLatency) = ratio(in.wait_sum, decided);
  r.metric(Metric::kExpired) =
      ratio(static_cast<double>(r.expired + r.waiting), static_cast<double>(r.arrived));
  r.metric(Metric::kManagerUtil) = ratio(r.manager_used, r.manager_available);
  r.metric(Metric::kWorkerUtil) =
      ratio(r.worker_used, in.worker_capacity * W * static_cast<double>(in.periods));

  // Home-domain skill at period 0 and at T, alignment at T: sums in worker order.
  const auto D = static_cast<std::size_t>(in.domains);
  double skill0_sum = 0.0, skill_sum = 0.0, align_sum = 0.0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(in.workers); ++i) {
    const std::size_t at = i * D + static_cast<std::size_t>(in.home[i]);
    skill0_sum += in.skill0[at];
    skill_sum += in.skill[at];
    align_sum += in.alignment[i];
  }
  r.metric(Metric::kSkillFinal) = skill_sum / W;
  r.metric(Metric::kSkillGain) = r.metric(Metric::kSkillFinal) - skill0_sum / W;
  r.metric(Metric::kAlignmentFinal) = align_sum / W;

  const auto worker_acts = static_cast<double>(r.help_acts + r.peer_coaching_acts);
  const double all_acts = worker_acts + static_cast<double>(r.coaching_acts);
  r.metric(Metric::kPeerShare) = all_acts > 0.0 ? worker_acts / all_acts : 0.0;

  const int T = in.periods;
  r.metric(Metric::kValueLate) = window_value(in, T - std::max(1, T / 4), T);
  r.metric(Metric::kEscalated) =
      ratio(static_cast<double>(r.routed_up), static_cast<double>(r.arrived));
  r.metric(Metric::kConsulted) = ratio(static_cast<double>(r.consult_attempts),
                                       static_cast<double>(r.decided - r.manager_decided));
  r.metric(Metric::kConsultFailed) =
      ratio(static_cast<double>(r.consult_attempts - r.consult_raised),
            static_cast<double>(r.consult_attempts));
  r.metric(Metric::kResilience) = kNaN;
  if (in.shock_end > in.shock_begin) {
    const double before = window_value(in, in.shock_begin - in.shock_length, in.shock_begin);
    const double during = window_value(in, in.shock_begin, in.shock_end);
    if (before > 0.0) r.metric(Metric::kResilience) = during / before;
  }
}

}  // namespace leadsim::leadership
