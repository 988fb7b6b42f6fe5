// The frame of one mode's run (internal to the leadership model; included only by
// modes.cpp, where the period steps are defined): the ModeRun class, the mode state at period
// 0, the order of a period's steps, the trace row and the end of the run.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "leadsim/core/error.h"
#include "leadsim/models/leadership/metrics.h"
#include "leadsim/models/leadership/sim.h"
#include "leadsim/models/leadership/streams.h"
#include "leadsim/rng/philox.h"

namespace leadsim::leadership {

// One mode's run over the current organization and environment: the mode state, the run's
// sums, and one member function per step of a period (MODEL.md §4.2, spec §11.6):
//   1. expire             2. arrive_and_route   3. managers_serve   4. workers_serve
//   5. coach_and_teach    6. peer_coach         7. turnover         8. turbulence
// then write_trace_row; finish() counts what is left waiting and computes the metrics.
// One instantiation per (detail, route, peer): each keeps only its own paths, which frees
// registers in the decision loops. A ModeRun lives on the stack of run_mode_impl and every
// member is inlined there, so its fields are kept in registers like the locals they stand
// for. That holds only while nothing takes a field's address: no member is passed by
// reference to a call that is not inlined (std::min and std::max take references, so they
// get local copies).
template <bool kDetail, Route kRoute, bool kPeerMode>
class ModeRun {
 public:
  [[gnu::always_inline]] inline ModeRun(OrgSimulator& sim, const Policy& pol, const Constants& c,
                                        TraceSink* trace)
      : sim_(sim),
        o_(sim.org_),
        e_(sim.env_),
        pol_(pol),
        c_(c),
        trace_(trace),
        W(o_.workers),
        D(o_.domains),
        M(o_.managers),
        n1(o_.level1()),
        T(e_.periods),
        Wz(static_cast<std::size_t>(W)),
        Dz(static_cast<std::size_t>(D)),
        C(o_.p[kManagerCapacity]),
        K(o_.p[kWorkerCapacity]) {}

  [[gnu::always_inline]] inline ModeResult run() {
    reset_state();
    bind_buffers();
    set_run_constants();
    plan_schedule();
    for (int t = 0; t < T; ++t) run_period(t);
    return finish();
  }

 private:
  using Stream = rng::Stream;

  // The sums of one period (the trace row's counts).
  struct PeriodSums {
    std::int64_t decided = 0, right = 0, aligned = 0, expired = 0;
    std::int64_t coaching = 0, help = 0, peer_coaching = 0;
    double value = 0.0;
  };

  // Outside peer modes, which problems workers decide in which period (and which expire) does
  // not depend on skills or on anything a mode changes: only on the problems, K, the deadline
  // and T. The first such mode on an environment records its schedule, later ones with the
  // same K, deadline and T replay it (delegated and coaching by default) and skip arrivals,
  // expiry and the queues. Bulk path only (no per-problem detail, no trace).
  static constexpr bool kSchedulable = kRoute == Route::kWorker && !kPeerMode && !kDetail;

  // attention = fractional: a pool's unspent fraction below one action (cost) carries to the
  // next period. Sessions held this period from `budget` plus the carried fraction.
  static int carried_sessions(int team, double budget, double cost, double& carry) {
    const double have = budget + carry;
    if (!(have > 0.0) || team <= 0) return 0;
    if (!(cost > 0.0)) {
      carry = 0.0;
      return team;
    }
    const double whole = std::floor(have / cost);
    const int n = whole >= static_cast<double>(team) ? team : static_cast<int>(whole);
    carry = std::fmod(have - static_cast<double>(n) * cost, cost);
    return n;
  }

  // Sessions a level-1 manager holds: min(team, ⌊share·C / cost⌋) (§11.10).
  static int sessions(int team, double share, double capacity, double cost) {
    const double budget = share * capacity;
    if (!(budget > 0.0) || team <= 0) return 0;
    if (!(cost > 0.0)) return team;
    const double n = std::floor(budget / cost);
    return n >= static_cast<double>(team) ? team : static_cast<int>(n);
  }

  [[gnu::always_inline]] inline void reset_state();
  [[gnu::always_inline]] inline void bind_buffers();
  [[gnu::always_inline]] inline void set_run_constants();
  [[gnu::always_inline]] inline void plan_schedule();
  [[gnu::always_inline]] inline void run_period(int t);
  [[gnu::always_inline]] inline void expire(int decider);
  [[gnu::always_inline]] inline void arrive_and_route(int begin, int end);
  [[gnu::always_inline]] inline void book(int arrival, int wait, double value, bool right);
  [[gnu::always_inline]] inline bool decide_manager(int p, double manager_skill,
                                                    double manager_alignment);
  [[gnu::always_inline]] inline void managers_serve();
  template <bool kConsult>
  [[gnu::always_inline]] inline void decide_worker(int i, int p, Stream& rs);
  [[gnu::always_inline]] inline void take(int decider, int n, int copy, int* dst);
  [[gnu::always_inline]] inline void workers_serve(Stream& rs);
  template <bool kConsult>
  [[gnu::always_inline]] inline void workers_round_robin(Stream& rs);
  template <bool kConsult>
  [[gnu::always_inline]] inline void workers_in_turn(Stream& rs);
  [[gnu::noinline]] void workers_serve_other(Stream& rs);
  [[gnu::always_inline]] inline void workers_replay(Stream& rs);
  template <bool kCarry>
  [[gnu::always_inline]] inline void workers_fifo(Stream& rs);
  [[gnu::always_inline]] inline void coach_and_teach();
  [[gnu::always_inline]] inline void coach(int first, int end, int n);
  [[gnu::always_inline]] inline void teach(int first, int end, int n);
  [[gnu::always_inline]] inline void peer_coach(Stream& rs);
  [[gnu::always_inline]] inline void turnover();
  [[gnu::always_inline]] inline void turbulence();
  [[gnu::always_inline]] inline void write_trace_row(int arrived);
  [[gnu::always_inline]] inline ModeResult finish();

  OrgSimulator& sim_;
  const Organization& o_;
  const Environment& e_;
  const Policy& pol_;
  const Constants& c_;
  TraceSink* trace_;

  const int W, D, M, n1, T;  // workers, domains, managers, level-1 managers, periods
  const std::size_t Wz, Dz;
  const double C, K;  // manager and worker attention per period

  // Set by reset_state().
  double decide_budget_ = 0.0;  // C(1 - χ - π): what managers decide and supervise from
  double whole_k_ = 0.0;        // ⌊K⌋, the decisions a worker can make per period
  bool fractional_ = false;     // attention = fractional: unspent fractions carry
  bool carry_workers_ = false;  // ... and the non-peer workers carry them (K not whole)
  int fixed_copy_ = 0;          // ⌊K⌋ if in 1..kFixedCopy: a worker's fixed-count list copy
  int coach_full_ = 0, coach_last_ = 0;   // coaching sessions: full team, last team
  int teach_full_ = 0, teach_last_ = 0;   // teaching sessions: full team, last team
  const double* value_factor_ = nullptr;  // by (right, aligned): 0, 0, 1 - penalty, 1
  std::uint32_t mode_id_ = 0;

  // Mode state (the OrgSimulator's buffers).
  double* skill_ = nullptr;                    // k_i[d], W x D
  double* alignment_ = nullptr;                // α_i
  double* psi_ = nullptr;                      // ψ_i, peer-leadership practice
  double* rho_ = nullptr;                      // ρ_i, expertise recognition
  double* manager_skill_ = nullptr;            // g_m
  const double* manager_alignment_ = nullptr;  // α_m (fixed through the run)
  double* attention_left_ = nullptr;           // per worker, peer modes only
  double* carry_ = nullptr;  // attention = fractional: per manager decide, coach, teach carries
  int* queue_ = nullptr;     // every decider's FIFO segment (Environment::queue_base)
  int* head_ = nullptr;      // per decider: first waiting entry of its segment
  int* tail_ = nullptr;      // per decider: one past its last entry
  double* value_by_period_ = nullptr;  // realized value by arrival period
  int* open_ = nullptr;                // per arrival period: neither decided nor expired
  const double* discount_ = nullptr;   // (1 - delay_discount)^wait
  // The problems (Environment).
  const int* arrival_ = nullptr;  // arrival period
  const int* worker_ = nullptr;   // arriving worker
  const std::uint8_t* domain_ = nullptr;
  const std::uint8_t* scope_ = nullptr;
  const double* reach_worker_ = nullptr;   // c_W
  const double* reach_manager_ = nullptr;  // c_M of the level-ℓ_p manager
  const double* importance_ = nullptr;     // v_p
  const double* right_draw_ = nullptr;     // u_p
  const double* aligned_draw_ = nullptr;   // a_p
  const int* target_ = nullptr;            // the level-ℓ_p manager
  // The per-problem record (kDetail only).
  std::uint8_t* status_ = nullptr;
  std::uint8_t* flags_ = nullptr;
  int* wait_ = nullptr;
  int* helper_ = nullptr;
  double* kc_ = nullptr;

  bool replay_ = false;  // this run replays the recorded decision schedule
  bool record_ = false;  // this run records it

  // The period being run.
  int t_ = 0;
  int cutoff_ = 0;          // problems that arrived at or before it expire now
  bool sweep_ = false;      // some queue may hold a problem that expires now
  bool shock_now_ = false;  // the shock's managers are absent
  PeriodSums period_;

  // The run's sums.
  ModeResult r_;
  double value_sum_ = 0.0;
  double wait_sum_ = 0.0;
};

// The mode state at period 0 and the per-problem record, in the OrgSimulator's buffers.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::reset_state() {
  const Organization& o = o_;
  const Environment& e = e_;
  const Constants& c = c_;
  OrgSimulator& s = sim_;
  const std::size_t N = e.period.size();
  r_.arrived = static_cast<std::int64_t>(N);

  s.skill_.assign(o.skill0.begin(), o.skill0.end());
  s.align_.assign(o.align0.begin(), o.align0.end());
  s.psi_.assign(Wz, c.psi0);
  s.rho_.assign(Wz, c.rho0);
  s.g_.assign(o.g0.begin(), o.g0.end());
  if (c.attention == kFractional) {
    s.rem_.assign(Wz, 0.0);  // the fractions carried into period 0
    s.carry_.assign(3 * static_cast<std::size_t>(M), 0.0);
  } else {
    s.rem_.resize(Wz);  // set to K at the start of every period, in the modes that read it
  }
  s.team0_.resize(Wz);
  for (int i = 0; i < W; ++i) s.team0_[static_cast<std::size_t>(i)] = o.team_begin(i);
  s.queue_.resize(static_cast<std::size_t>(e.queue_base.back()) + OrgSimulator::kFixedCopy);
  s.head_.assign(e.queue_base.begin(), e.queue_base.end() - 1);
  s.tail_.assign(e.queue_base.begin(), e.queue_base.end() - 1);
  s.active_.resize(Wz);
  s.value_by_period_.assign(static_cast<std::size_t>(T), 0.0);
  s.open_.resize(static_cast<std::size_t>(T));
  if constexpr (kDetail) {
    s.status_.assign(N, kWaiting);
    s.flags_.assign(N, 0);
    s.wait_.assign(N, -1);
    s.helper_.assign(N, -1);
    s.kc_.assign(N, std::numeric_limits<double>::quiet_NaN());
  } else {
    // Sized but untouched: the per-problem record is off (set_problem_detail(false)).
    s.status_.clear();
    s.flags_.clear();
    s.wait_.clear();
    s.helper_.clear();
    s.kc_.clear();
  }
  // (std::min and std::max take references: a member passed to them would have to live in
  // memory, and with it the whole ModeRun. Hence the local copies here and in the steps.)
  const int periods = T;
  const int max_wait = std::max(0, std::min(c.deadline, periods));
  s.disc_.resize(static_cast<std::size_t>(max_wait) + 1);
  s.disc_[0] = 1.0;
  for (int w = 1; w <= max_wait; ++w) {
    s.disc_[static_cast<std::size_t>(w)] =
        s.disc_[static_cast<std::size_t>(w) - 1] * (1.0 - c.delay_discount);
  }
  s.order_.resize(static_cast<std::size_t>(o.span));
  if (trace_ != nullptr) {
    trace_->begin(pol_.name, trace_columns());
    s.trace_row_.resize(trace_columns().size());
  }
}

// The steps' views of the mode state, the problems and the per-problem record.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::bind_buffers() {
  const Environment& e = e_;
  OrgSimulator& s = sim_;
  skill_ = s.skill_.data();
  alignment_ = s.align_.data();
  psi_ = s.psi_.data();
  rho_ = s.rho_.data();
  manager_skill_ = s.g_.data();
  manager_alignment_ = o_.align_manager.data();
  attention_left_ = s.rem_.data();
  carry_ = s.carry_.data();
  queue_ = s.queue_.data();
  head_ = s.head_.data();
  tail_ = s.tail_.data();
  value_by_period_ = s.value_by_period_.data();
  open_ = s.open_.data();
  discount_ = s.disc_.data();
  arrival_ = e.period.data();
  worker_ = e.worker.data();
  domain_ = e.domain.data();
  scope_ = e.scope.data();
  reach_worker_ = e.cw.data();
  reach_manager_ = e.cm.data();
  importance_ = e.v.data();
  right_draw_ = e.u.data();
  aligned_draw_ = e.a.data();
  target_ = e.target.data();
  status_ = s.status_.data();
  flags_ = s.flags_.data();
  wait_ = s.wait_.data();
  helper_ = s.helper_.data();
  kc_ = s.kc_.data();
  value_factor_ = s.value_factor_.data();
}

// What the steps read unchanged through the run: budgets, session counts, value factors.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::set_run_constants() {
  const Organization& o = o_;
  const Constants& c = c_;
  // Managers decide (and supervise) from the share of C not reserved for coaching/teaching.
  decide_budget_ = C * (1.0 - pol_.coach_share - pol_.teach_share);
  // Workers' decisions (outside peer modes) are listed first and made in one loop: a worker's
  // share of the list is copied with a fixed trip count (the queue and the list are padded for
  // it), so how many problems a worker takes is not a branch to predict.
  whole_k_ = std::floor(K);
  fractional_ = c.attention == kFractional;
  carry_workers_ = fractional_ && !kPeerMode && whole_k_ != K;
  fixed_copy_ = whole_k_ >= 1.0 && whole_k_ <= OrgSimulator::kFixedCopy && !carry_workers_
                    ? static_cast<int>(whole_k_)
                    : 0;
  mode_id_ = rng::name_id(pol_.name.c_str());
  // Sessions per level-1 manager: a full team of `span`, and the last team when W is not a
  // multiple of the span.
  const int last_team = W - (n1 - 1) * o.span;
  coach_full_ = sessions(o.span, pol_.coach_share, C, c.coach_cost);
  coach_last_ = sessions(last_team, pol_.coach_share, C, c.coach_cost);
  teach_full_ = sessions(o.span, pol_.teach_share, C, c.teach_cost);
  teach_last_ = sessions(last_team, pol_.teach_share, C, c.teach_cost);
  // Value factor by (right, aligned): wrong 0, right and misaligned 1 - penalty, both 1.
  // (An array indexed by data: kept in the OrgSimulator, so that this object has no member
  // that must live in memory.)
  sim_.value_factor_ = {0.0, 0.0, 1.0 - c.misalign_penalty, 1.0};
}

// Whether this run records or replays the decision schedule (kSchedulable above). The
// decision lists live in the schedule's list: written there as the recording, or, by runs
// that neither record nor replay, used as scratch (which drops any recorded schedule).
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::plan_schedule() {
  auto& schedule = sim_.schedule_;
  if constexpr (kSchedulable) {
    if (trace_ == nullptr) {
      const double worker_capacity = K;
      const OrgSimulator::Schedule::Key key{sim_.env_generation_,
                                            std::bit_cast<std::uint64_t>(worker_capacity),
                                            c_.deadline, T, carry_workers_};
      replay_ = schedule.valid && schedule.key == key;
      record_ = !replay_;
      if (record_) {
        schedule.valid = false;
        schedule.key = key;
        schedule.begin.assign(static_cast<std::size_t>(T) + 1, 0);
        schedule.expired.assign(static_cast<std::size_t>(T), 0);
      }
    }
  }
  if constexpr (kRoute != Route::kManager && !kPeerMode) {
    if (!replay_) {
      if (!record_) schedule.valid = false;
      const std::size_t need = e_.period.size() + OrgSimulator::kFixedCopy;
      if (schedule.list.size() < need) schedule.list.resize(need);
    }
  }
}

// One period: the steps of §4.2 in order, then the period's sums and its trace row.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::run_period(int t) {
  t_ = t;
  period_ = PeriodSums{};
  shock_now_ = t >= e_.shock_begin && t < e_.shock_end && e_.absent_count > 0;
  Stream rs(sim_.seed_, sim_.org_id_, stream_tag(Purpose::kMode, mode_id_),
            static_cast<std::uint64_t>(t));

  // 1. Expiry (§11.4): a problem waiting since arrival + deadline + 1 leaves, no attention.
  // Done per decider by expire() in steps 3 and 4, just before the decider serves (or is
  // skipped): a queue is in arrival order and this period's arrivals join it behind every
  // problem that can expire, so expiring before or after they join removes the same ones.
  // open_[t'] counts the problems of period t' neither decided nor expired; only period
  // `cutoff` can have new expiries (earlier ones were swept before), so when it has none
  // open every queue is skipped without being looked at. Peer modes sweep every period
  // instead (keeping the count cost their decisions more than the sweeps it saves).
  cutoff_ = t - c_.deadline - 1;
  sweep_ = cutoff_ >= 0 && (kPeerMode || open_[cutoff_] > 0);

  // 2. Arrivals and routing.
  const int arrivals_begin = e_.period_begin[static_cast<std::size_t>(t)];
  const int arrivals_end = e_.period_begin[static_cast<std::size_t>(t) + 1];
  if constexpr (!kPeerMode) open_[t] = arrivals_end - arrivals_begin;
  if (!replay_) arrive_and_route(arrivals_begin, arrivals_end);

  managers_serve();                                                         // 3.
  workers_serve(rs);                                                        // 4.
  if (pol_.coach_share > 0.0 || pol_.teach_share > 0.0) coach_and_teach();  // 5.
  if constexpr (kPeerMode) {
    if (pol_.coaches_peers()) peer_coach(rs);  // 6.
  }
  turnover();    // 7.
  turbulence();  // 8.

  r_.decided += period_.decided;
  r_.right += period_.right;
  r_.aligned += period_.aligned;
  r_.expired += period_.expired;
  r_.help_acts += period_.help;
  r_.coaching_acts += period_.coaching;
  r_.peer_coaching_acts += period_.peer_coaching;
  value_sum_ += period_.value;
  r_.rng_blocks += rs.blocks();
  if (trace_ != nullptr) write_trace_row(arrivals_end - arrivals_begin);
}

// The trace row of the period just run (§9.3).
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::write_trace_row(int arrived) {
  std::int64_t queued = 0;
  for (int x = 0; x < W + M; ++x) queued += tail_[x] - head_[x];
  double skill_sum = 0.0, align_sum = 0.0;
  for (std::size_t i = 0; i < Wz; ++i) {
    skill_sum += skill_[i * Dz + static_cast<std::size_t>(o_.home[i])];
    align_sum += alignment_[i];
  }
  auto& row = sim_.trace_row_;
  auto set = [&row](TraceColumn col, double x) { row[index_of(col)] = x; };
  set(TraceColumn::kPeriod, t_);
  set(TraceColumn::kArrived, arrived);
  set(TraceColumn::kDecided, static_cast<double>(period_.decided));
  set(TraceColumn::kRight, static_cast<double>(period_.right));
  set(TraceColumn::kAligned, static_cast<double>(period_.aligned));
  set(TraceColumn::kValue, period_.value);
  set(TraceColumn::kExpired, static_cast<double>(period_.expired));
  set(TraceColumn::kQueued, static_cast<double>(queued));
  set(TraceColumn::kMeanSkill, skill_sum / static_cast<double>(W));
  set(TraceColumn::kMeanAlignment, align_sum / static_cast<double>(W));
  set(TraceColumn::kCoachingActs, static_cast<double>(period_.coaching));
  set(TraceColumn::kHelpActs, static_cast<double>(period_.help));
  set(TraceColumn::kPeerCoachingActs, static_cast<double>(period_.peer_coaching));
  trace_->row(std::span<const double>(row));
}

// After the last period: what is still waiting, the schedule's end, the conservation check
// (decided + expired + waiting = arrived) and the metrics.
template <bool kDetail, Route kRoute, bool kPeerMode>
ModeResult ModeRun<kDetail, kRoute, kPeerMode>::finish() {
  // A copy: finish_metrics takes it by address, which this object's fields must never be.
  ModeResult r = r_;
  auto& schedule = sim_.schedule_;
  if (replay_) {
    r.waiting = schedule.waiting;
  } else {
    for (int x = 0; x < W + M; ++x) r.waiting += tail_[x] - head_[x];
  }
  if (record_) {
    schedule.waiting = r.waiting;
    schedule.valid = true;
  }
  if (r.decided + r.expired + r.waiting != r.arrived) {
    throw SimulationError("leadership: decided + expired + waiting != arrived in mode " + pol_.name,
                          0, sim_.org_id_, pol_.name);
  }

  MetricInputs in;
  in.value_sum = value_sum_;
  in.wait_sum = wait_sum_;
  in.worker_capacity = K;
  in.workers = W;
  in.periods = T;
  in.shock_length = c_.shock_length;
  in.shock_begin = e_.shock_begin;
  in.shock_end = e_.shock_end;
  in.total_importance = e_.total_importance;
  in.value_by_period = value_by_period_;
  in.importance_by_period = e_.importance_by_period.data();
  in.home = o_.home.data();
  in.domains = D;
  in.skill0 = o_.skill0.data();
  in.skill = skill_;
  in.alignment = alignment_;
  finish_metrics(r, in);
  return r;
}

}  // namespace leadsim::leadership
