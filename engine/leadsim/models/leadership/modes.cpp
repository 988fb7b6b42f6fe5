// The period steps of a mode's run (MODEL.md §4.2, §8.2-§8.12; spec §11.4-§11.12), in
// §11.6's order: expire, arrive_and_route, managers_serve (with supervision), workers_serve
// (FIFO, replay or round-robin with consultation), coach_and_teach (coach, teach), peer_coach,
// turnover, turbulence. The run's frame (state, period order, metrics) is in mode_run.h.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/models/leadership/mode_run.h"
#include "leadsim/models/leadership/sim.h"
#include "leadsim/models/leadership/streams.h"
#include "leadsim/rng/beta_table.h"
#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"

namespace leadsim::leadership {
namespace {

using rng::Stream;

// c ? a : b by bit masks: a data-dependent choice that the compiler cannot turn back into a
// branch (which the predictor would miss whenever the choice is a coin flip).
inline double mask_select(bool c, double a, double b) {
  const std::uint64_t mask = 0 - static_cast<std::uint64_t>(c);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & mask) |
                               (std::bit_cast<std::uint64_t>(b) & ~mask));
}

// The n smallest of the first `size` pairs of v (n < size), moved to its front in any order.
// Pairs compare by value, then index, so the selected set is unique whatever the method:
// small teams are sorted by insertion (no partitioning overhead; the pairs come in index
// order and the sort is stable, so comparing values alone orders equal values by index),
// larger ones partially by nth_element.
std::span<const std::pair<double, int>> select_lowest(std::vector<std::pair<double, int>>& v,
                                                      std::size_t size, int n) {
  auto* x = v.data();
  if (size <= 16) {
    for (std::size_t a = 1; a < size; ++a) {
      const auto y = x[a];
      std::size_t b = a;
      for (; b > 0 && y.first < x[b - 1].first; --b) x[b] = x[b - 1];
      x[b] = y;
    }
  } else {
    std::nth_element(x, x + n, x + size);
  }
  return {x, static_cast<std::size_t>(n)};
}

}  // namespace

// A tie of worker i for domain d (§5, §11.9): with probability ρ the most skilled tie in d
// (teammates first, then cross ties, lowest index on equal skill), else a random tie with
// teammates `tau` times as likely as a cross tie. -1 (and no draw) if i has no ties.
template <bool kLeast>
inline int OrgSimulator::choose_tie(int i, int d, double rho, double tau, Stream& rs) {
  const Organization& o = org_;
  const int D = o.domains;
  // Team bounds from run_mode's table: an integer division per call costs more than the scan.
  const int t0 = team0_[static_cast<std::size_t>(i)];
  const int t1 = std::min(t0 + o.span, o.workers);
  const int nteam = t1 - t0 - 1;
  const int* cross = o.ties.data() + o.tie_begin[static_cast<std::size_t>(i)];
  const int ncross =
      o.tie_begin[static_cast<std::size_t>(i) + 1] - o.tie_begin[static_cast<std::size_t>(i)];
  if (nteam + ncross == 0) return -1;
  const double* k = skill_.data();
  if (rs.uniform() < rho) {
    // The first strictly greater skill wins: teammates in index order, then cross ties in
    // ascending order. Selects instead of branches (which skill is larger is a coin flip).
    // Skills are >= 0: every tie beats the start value -1, and i itself (masked to -1)
    // never does. With kLeast the first strictly smaller skill wins, from 2 (skills are <= 1).
    constexpr double kStart = kLeast ? 2.0 : -1.0;
    int best = -1;
    double best_skill = kStart;
    const double* skill_in_d = k + d;
    const auto Dz = static_cast<std::size_t>(D);
    auto visit = [&](int j, double kj) {
      const bool better = kLeast ? kj < best_skill : kj > best_skill;
      best = better ? j : best;
      best_skill = better ? kj : best_skill;
    };
    // One loop over the whole team (a fixed trip count per organization), i itself masked.
    const double* teammate_skill = skill_in_d + static_cast<std::size_t>(t0) * Dz;
    for (int j = t0; j < t1; ++j, teammate_skill += Dz) visit(j, j == i ? kStart : *teammate_skill);
    for (int q = 0; q < ncross; ++q) {
      const int j = cross[q];
      visit(j, skill_in_d[static_cast<std::size_t>(j) * Dz]);
    }
    return best;
  }
  const double wt = tau * static_cast<double>(nteam);
  const double total = wt + static_cast<double>(ncross);
  if (!(total > 0.0)) {
    // τ = 0 and no cross ties: every teammate equally likely.
    const int r = static_cast<int>(rs.uniform() * static_cast<double>(nteam));
    const int j = t0 + std::min(r, nteam - 1);
    return j >= i ? j + 1 : j;
  }
  const double x = rs.uniform() * total;
  if (x < wt) {
    const int r = std::min(static_cast<int>(x / tau), nteam - 1);
    const int j = t0 + r;
    return j >= i ? j + 1 : j;
  }
  const int r = std::min(static_cast<int>(x - wt), ncross - 1);
  return cross[r];
}

ModeResult OrgSimulator::run_mode(const Policy& pol, const Constants& c, TraceSink* trace) {
  // One instantiation per (detail, route, peer): each keeps only its own paths, which frees
  // registers in the decision loops.
  auto go = [&]<bool kD>(std::bool_constant<kD>) {
    switch (pol.route) {
      case Route::kManager:
        return pol.peer_mechanisms() ? run_mode_impl<kD, Route::kManager, true>(pol, c, trace)
                                     : run_mode_impl<kD, Route::kManager, false>(pol, c, trace);
      case Route::kException:
        return pol.peer_mechanisms() ? run_mode_impl<kD, Route::kException, true>(pol, c, trace)
                                     : run_mode_impl<kD, Route::kException, false>(pol, c, trace);
      case Route::kWorker:
        break;
    }
    return pol.peer_mechanisms() ? run_mode_impl<kD, Route::kWorker, true>(pol, c, trace)
                                 : run_mode_impl<kD, Route::kWorker, false>(pol, c, trace);
  };
  return detail_ ? go(std::true_type{}) : go(std::false_type{});
}

// Step 1 for one decider's queue (workers 0..W-1, then managers W..W+M-1).
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::expire(int decider) {
  if (!sweep_) return;
  int h = head_[decider];
  const int end = tail_[decider];
  while (h < end && arrival_[queue_[h]] <= cutoff_) {
    if constexpr (kDetail) status_[queue_[h]] = kExpired;
    ++h;
  }
  period_.expired += h - head_[decider];
  if constexpr (!kPeerMode) open_[cutoff_] -= h - head_[decider];
  head_[decider] = h;
}

// Step 2: period t's problems, in worker-index then draw order, join the back of their
// decider's queue (§8.3). `exception` escalates on the worker's current skill.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::arrive_and_route(int begin, int end) {
  switch (kRoute) {
    case Route::kWorker:
      for (int p = begin; p < end; ++p) queue_[tail_[worker_[p]]++] = p;
      break;
    case Route::kManager:
      for (int p = begin; p < end; ++p) queue_[tail_[W + target_[p]]++] = p;
      r_.routed_up += end - begin;
      break;
    case Route::kException:
      for (int p = begin; p < end; ++p) {
        const int i = worker_[p];
        if (skill_[static_cast<std::size_t>(i) * Dz + domain_[p]] * reach_worker_[p] < pol_.theta) {
          if constexpr (kDetail) flags_[p] = kEscalated;
          ++r_.escalated;
          ++r_.routed_up;
          queue_[tail_[W + target_[p]]++] = p;
        } else {
          queue_[tail_[i]++] = p;
        }
      }
      break;
  }
}

// What every decision adds to the period's sums, whoever decides.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::book(int arrival, int wait, double value, bool right) {
  value_by_period_[arrival] += value;
  if constexpr (!kPeerMode) --open_[arrival];
  period_.value += value;
  period_.right += right ? 1 : 0;
  wait_sum_ += wait;
}

// A manager's decision (§8.2): k·c = g_m c_M, and managers have A = 1 (always aligned).
template <bool kDetail, Route kRoute, bool kPeerMode>
bool ModeRun<kDetail, kRoute, kPeerMode>::decide_manager(int p, double manager_skill,
                                                         double manager_alignment) {
  const int arrival = arrival_[p];
  const int wait = t_ - arrival;
  const double kc = manager_skill * reach_manager_[p];
  const bool right = right_draw_[p] < 0.5 + 0.5 * kc;
  // Aligned with the manager's probability α_m (a_p < 1 always: α_m = 1 is always aligned).
  const bool aligned = aligned_draw_[p] < manager_alignment;
  // Branch-free: right and aligned are coins.
  const double value =
      importance_[p] * value_factor_[(right ? 2 : 0) | (aligned ? 1 : 0)] * discount_[wait];
  if constexpr (kDetail) {
    status_[p] = kDecided;
    flags_[p] =
        static_cast<std::uint8_t>(flags_[p] | (aligned ? kAligned : 0) | (right ? kRight : 0));
    wait_[p] = wait;
    kc_[p] = kc;
  }
  book(arrival, wait, value, right);
  return aligned;
}

// Step 3 (§8.5): each present manager in index order, all levels, supervises (if the policy
// does) and then decides from its queue head while its budget allows.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::managers_serve() {
  const int present = M - (shock_now_ ? e_.absent_count : 0);
  r_.manager_available += C * static_cast<double>(present);
  if (kRoute == Route::kWorker && !pol_.supervise) return;
  for (int m = 0; m < M; ++m) {
    if constexpr (kRoute != Route::kWorker) expire(W + m);
    if (shock_now_ && m < n1 && e_.absent[static_cast<std::size_t>(m)] != 0) continue;
    double left = decide_budget_;
    if (fractional_) left += carry_[m];
    if (pol_.supervise) {
      const int reports = o_.reports[static_cast<std::size_t>(m)];
      for (int j = 0; j < reports && left >= c_.supervision_cost; ++j) {
        left -= c_.supervision_cost;
        r_.manager_used += c_.supervision_cost;
      }
    }
    if constexpr (kRoute == Route::kWorker) {
      if (fractional_) carry_[m] = left - std::floor(left);
      continue;
    }
    // Each decision costs exactly 1 and x - 1 is exact for x >= 1, so ⌊left⌋ is the
    // number of decisions "remaining >= 1" allows.
    const int x = W + m;
    const int waiting = tail_[x] - head_[x];
    const double whole_left = std::floor(left);
    const int n = whole_left >= static_cast<double>(waiting)
                      ? waiting
                      : std::max(0, static_cast<int>(whole_left));
    // Managers decide in place (a decision list measured slower here: their queues are
    // long, so the loop's exit is a small share of the work).
    const double g = manager_skill_[m];
    const double am = manager_alignment_[m];
    int aligned = 0;
    for (int h = head_[x], end = head_[x] + n; h < end; ++h) {
      aligned += decide_manager(queue_[h], g, am) ? 1 : 0;
    }
    head_[x] += n;
    period_.decided += n;
    period_.aligned += aligned;
    r_.manager_decided += n;
    r_.manager_used += n;
    if (fractional_) {  // left - n is exact (n <= ⌊left⌋), and so is its fraction
      const double rest = left - static_cast<double>(n);
      carry_[m] = rest - std::floor(rest);
    }
  }
}

// A worker's decision (§8.2, §8.7): with kConsult (peer modes) a worker with k·c_W < θ
// consults a tie, which pays consult_cost if it can and lends its skill; the worker learns
// from a more skilled helper.
template <bool kDetail, Route kRoute, bool kPeerMode>
template <bool kConsult>
void ModeRun<kDetail, kRoute, kPeerMode>::decide_worker(int i, int p, Stream& rs) {
  const int d = domain_[p];
  const std::size_t own_at = static_cast<std::size_t>(i) * Dz + static_cast<std::size_t>(d);
  const double own = skill_[own_at];
  const double reach = reach_worker_[p];
  double keff = own;
  int helper = -1;
  double helper_skill = 0.0;
  if (kConsult && own * reach < pol_.theta) {
    const int tie = sim_.choose_tie(i, d, rho_[i], c_.team_preference, rs);
    if (tie >= 0) {
      ++r_.consult_attempts;
      if (attention_left_[tie] >= c_.consult_cost) {
        attention_left_[tie] -= c_.consult_cost;
        r_.worker_used += c_.consult_cost;
        ++period_.help;
        helper = tie;
        helper_skill = skill_[static_cast<std::size_t>(helper) * Dz + static_cast<std::size_t>(d)];
        keff = helper_skill > own ? helper_skill : own;
        r_.consult_raised += helper_skill > own ? 1 : 0;
      }
    }
  }
  const double kc = keff * reach;
  const bool right = right_draw_[p] < 0.5 + 0.5 * kc;
  // A = α_i^ℓ as the product ((α·α)·α)···: the first two factors through selects (a
  // multiplication by 1 is exact), so the usual scopes 1 to 3 take no branch.
  const double a = alignment_[i];
  const int scope = scope_[p];
  double A = a;
  A *= mask_select(scope > 1, a, 1.0);
  A *= mask_select(scope > 2, a, 1.0);
  for (int l = 3; l < scope; ++l) A *= a;
  const bool aligned = aligned_draw_[p] < A;
  const int arrival = arrival_[p];
  const int wait = t_ - arrival;
  // (v · factor) · disc with factor 0, 1 - penalty or 1: the same product as
  // right ? v · (aligned ? 1 : 1 - penalty) · disc : 0, without data-dependent branches.
  const double value =
      importance_[p] * value_factor_[(right ? 2 : 0) | (aligned ? 1 : 0)] * discount_[wait];
  if constexpr (kDetail) {
    status_[p] = kDecided;
    flags_[p] = static_cast<std::uint8_t>(flags_[p] | (right ? kRight : 0) |
                                          (aligned ? kAligned : 0) | (helper >= 0 ? kHelped : 0));
    wait_[p] = wait;
    kc_[p] = kc;
    helper_[p] = helper;
  }
  book(arrival, wait, value, right);
  period_.aligned += aligned ? 1 : 0;
  ++period_.decided;
  if (kConsult && helper >= 0) {
    skill_[own_at] = own + c_.learn_rate * (helper_skill > own ? helper_skill - own : 0.0);
  }
}

// Moves the first n problems of a decider's queue to dst; `copy` > 0 is a fixed trip count
// >= n (0: copy exactly n).
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::take(int decider, int n, int copy, int* dst) {
  const int* src = queue_ + head_[decider];
  if (copy > 0) {
    for (int j = 0; j < copy; ++j) dst[j] = src[j];
  } else {
    for (int j = 0; j < n; ++j) dst[j] = src[j];
  }
  head_[decider] += n;
}

// Step 4 (§8.6): every worker's attention resets to K; unless only managers decide, workers
// serve round-robin with consultation in peer modes, else each decides min(queue, ⌊K⌋) in
// index order (or replays the recorded schedule).
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::workers_serve(Stream& rs) {
  // Attention left is read by consultation, the rounds and peer coaching: only peer modes
  // keep it.
  if constexpr (kPeerMode) {
    if (fractional_) {  // what was left below one unit at the end of the last period carries
      for (std::size_t i = 0; i < Wz; ++i) {
        attention_left_[i] = K + (attention_left_[i] - std::floor(attention_left_[i]));
      }
    } else {
      for (std::size_t i = 0; i < Wz; ++i) attention_left_[i] = K;
    }
  }
  if constexpr (kRoute == Route::kManager) return;  // (peer coaching still reads the reset)
  if constexpr (kPeerMode) {
    if (pol_.consults() && pol_.round_robins()) {
      workers_round_robin<true>(rs);  // `peer` (built-in distributed)
    } else {
      workers_serve_other(rs);
    }
  } else if (replay_) {
    workers_replay(rs);
  } else if (carry_workers_) {
    workers_fifo<true>(rs);
  } else {
    workers_fifo<false>(rs);
  }
}

// Round-robin (§11.8): one decision per worker per round, in index order; with kConsult a
// worker below θ consults a tie.
template <bool kDetail, Route kRoute, bool kPeerMode>
template <bool kConsult>
void ModeRun<kDetail, kRoute, kPeerMode>::workers_round_robin(Stream& rs) {
  int* active = sim_.active_.data();
  double* left = attention_left_;
  std::size_t n_active = 0;
  for (int i = 0; i < W; ++i) {
    expire(i);
    if (head_[i] < tail_[i] && left[i] >= 1.0) active[n_active++] = i;
  }
  while (n_active > 0) {
    std::size_t kept = 0;
    for (std::size_t a = 0; a < n_active; ++a) {
      const int i = active[a];
      if (!(left[i] >= 1.0) || head_[i] >= tail_[i]) continue;
      decide_worker<kConsult>(i, queue_[head_[i]++], rs);
      left[i] -= 1.0;
      r_.worker_used += 1.0;
      active[kept] = i;  // kept only if it can decide again (no branch to predict)
      kept += left[i] >= 1.0 && head_[i] < tail_[i] ? 1 : 0;
    }
    n_active = kept;
  }
}

// The peer-mode serving that only configured flags select, kept out of line so that the
// built-in path stays as compact as before the flags.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::workers_serve_other(Stream& rs) {
  if (pol_.consults()) {
    workers_in_turn<true>(rs);
  } else if (pol_.round_robins()) {
    workers_round_robin<false>(rs);
  } else {
    workers_in_turn<false>(rs);
  }
}

// Without round_robin (a peer mode with `round_robin = false`): each worker in index order
// decides from its queue head while it has at least 1 unit left (helping others earlier in
// the period may have taken some), consulting with kConsult.
template <bool kDetail, Route kRoute, bool kPeerMode>
template <bool kConsult>
void ModeRun<kDetail, kRoute, kPeerMode>::workers_in_turn(Stream& rs) {
  double* left = attention_left_;
  for (int i = 0; i < W; ++i) {
    expire(i);
    while (head_[i] < tail_[i] && left[i] >= 1.0) {
      decide_worker<kConsult>(i, queue_[head_[i]++], rs);
      left[i] -= 1.0;
      r_.worker_used += 1.0;
    }
  }
}

// The recorded schedule's decisions of this period (no arrivals, expiry or queues).
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::workers_replay(Stream& rs) {
  const auto& schedule = sim_.schedule_;
  const int begin = schedule.begin[static_cast<std::size_t>(t_)];
  const int end = schedule.begin[static_cast<std::size_t>(t_) + 1];
  const int* list = schedule.list.data();
  // worker_used only ever adds whole decisions here: exact in any grouping.
  r_.worker_used += end - begin;
  period_.expired = schedule.expired[static_cast<std::size_t>(t_)];
  for (int j = begin; j < end; ++j) decide_worker<false>(worker_[list[j]], list[j], rs);
}

// Each worker in index order takes min(queue, ⌊K⌋) problems into the period's decision list
// (the recording when this run records), then the list is decided in order. With kCarry
// (attention = fractional and K not whole) a worker's budget is K plus the fraction it carried,
// and it carries the fraction of what is left.
template <bool kDetail, Route kRoute, bool kPeerMode>
template <bool kCarry>
void ModeRun<kDetail, kRoute, kPeerMode>::workers_fifo(Stream& rs) {
  auto& schedule = sim_.schedule_;
  const int at = record_ ? schedule.begin[static_cast<std::size_t>(t_)] : 0;
  int* list = schedule.list.data() + at;
  int n_list = 0;
  for (int i = 0; i < W; ++i) {
    expire(i);
    const int waiting = tail_[i] - head_[i];
    double whole = whole_k_;
    double budget = 0.0;
    if constexpr (kCarry) {
      budget = K + attention_left_[i];
      whole = std::floor(budget);
    }
    const int n =
        whole >= static_cast<double>(waiting) ? waiting : std::max(0, static_cast<int>(whole));
    if constexpr (kCarry) {
      const double rest = budget - static_cast<double>(n);
      attention_left_[i] = rest - std::floor(rest);
    }
    take(i, n, fixed_copy_, list + n_list);
    n_list += n;
    r_.worker_used += n;
  }
  for (int j = 0; j < n_list; ++j) {
    const int p = list[j];
    decide_worker<false>(worker_[p], p, rs);
  }
  if (record_) {
    schedule.begin[static_cast<std::size_t>(t_) + 1] = at + n_list;
    schedule.expired[static_cast<std::size_t>(t_)] = period_.expired;
  }
}

// Step 5 (§8.8, §8.9, §11.10): each present level-1 manager, in index order, holds coaching
// and then teaching sessions with its own team.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::coach_and_teach() {
  const int span = o_.span;
  const int workers = W;  // a local for std::min (see reset_state)
  for (int m = 0; m < n1; ++m) {
    if (shock_now_ && e_.absent[static_cast<std::size_t>(m)] != 0) continue;
    const int first = m * span;
    const int end = std::min(first + span, workers);
    const bool full = end - first == span;
    int n_coach = full ? coach_full_ : coach_last_;
    int n_teach = full ? teach_full_ : teach_last_;
    if (fractional_) {
      const int team = end - first;
      n_coach = carried_sessions(team, pol_.coach_share * C, c_.coach_cost, carry_[M + m]);
      n_teach = carried_sessions(team, pol_.teach_share * C, c_.teach_cost, carry_[2 * M + m]);
    }
    if (n_coach > 0) {
      coach(first, end, n_coach);
      r_.manager_used += static_cast<double>(n_coach) * c_.coach_cost;
      period_.coaching += n_coach;
    }
    if (n_teach > 0) {
      teach(first, end, n_teach);
      r_.manager_used += static_cast<double>(n_teach) * c_.teach_cost;
      r_.teaching_acts += n_teach;
    }
  }
}

// Coaching sessions with the team [first, end): lowest k_i[h_i] first, ties by index (the
// selected set is unique). Sessions touch disjoint workers, so the order within the selected
// set does not matter; when there are as many sessions as reports, all are coached without
// ranking them.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::coach(int first, int end, int n) {
  const int* home = o_.home.data();
  auto coach_one = [&](int i) {
    double& kh = skill_[static_cast<std::size_t>(i) * Dz + static_cast<std::size_t>(home[i])];
    kh += c_.eta_c * (1.0 - kh);
    alignment_[i] += c_.eta_a * (1.0 - alignment_[i]);
  };
  const int team = end - first;
  if (n >= team) {
    for (int i = first; i < end; ++i) coach_one(i);
    return;
  }
  auto& order = sim_.order_;
  for (int i = first; i < end; ++i) {
    order[static_cast<std::size_t>(i - first)] = {
        skill_[static_cast<std::size_t>(i) * Dz + static_cast<std::size_t>(home[i])], i};
  }
  for (const auto& sel : select_lowest(order, static_cast<std::size_t>(team), n)) {
    coach_one(sel.second);
  }
}

// Teaching sessions with the team [first, end): lowest ψ_i first, ties by index.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::teach(int first, int end, int n) {
  auto teach_one = [&](int i) {
    psi_[i] += c_.eta_psi * (1.0 - psi_[i]);
    rho_[i] += c_.eta_rho * (1.0 - rho_[i]);
  };
  const int team = end - first;
  if (n >= team) {
    for (int i = first; i < end; ++i) teach_one(i);
    return;
  }
  auto& order = sim_.order_;
  for (int i = first; i < end; ++i) order[static_cast<std::size_t>(i - first)] = {psi_[i], i};
  for (const auto& sel : select_lowest(order, static_cast<std::size_t>(team), n)) {
    teach_one(sel.second);
  }
}

// Step 6 (§8.10, §11.11): workers in index order, each update visible at once. A worker with
// practice ψ_i coaches a chosen tie in its home domain if it knows more and has the attention.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::peer_coach(Stream& rs) {
  const int* team_first = sim_.team0_.data();
  const int* tie_begin = o_.tie_begin.data();
  const int* home = o_.home.data();
  for (int i = 0; i < W; ++i) {
    if (team_first[i] == W - 1 && tie_begin[i] == tie_begin[i + 1]) {
      continue;  // no ties: no coin
    }
    if (!(rs.uniform() < psi_[i])) continue;
    const int h = home[i];
    const int j = c_.peer_coachee == kLeastSkilled
                      ? sim_.choose_tie<true>(i, h, rho_[i], c_.team_preference, rs)
                      : sim_.choose_tie<false>(i, h, rho_[i], c_.team_preference, rs);
    const std::size_t ih = static_cast<std::size_t>(i) * Dz + static_cast<std::size_t>(h);
    const std::size_t jh = static_cast<std::size_t>(j) * Dz + static_cast<std::size_t>(h);
    if (skill_[ih] > skill_[jh] && attention_left_[i] >= c_.peer_coach_cost) {
      attention_left_[i] -= c_.peer_coach_cost;
      r_.worker_used += c_.peer_coach_cost;
      skill_[jh] += c_.eta_p * (skill_[ih] - skill_[jh]);
      const double da = alignment_[i] - alignment_[j];
      alignment_[j] += c_.eta_p * (da > 0.0 ? da : 0.0);
      ++period_.peer_coaching;
    }
  }
}

// Step 7 (§8.11): the replacement's pre-drawn traits; the queue stays with the position.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::turnover() {
  const auto t = static_cast<std::size_t>(t_);
  for (int ev = e_.turn_begin[t]; ev < e_.turn_begin[t + 1]; ++ev) {
    const auto evz = static_cast<std::size_t>(ev);
    const auto i = static_cast<std::size_t>(e_.turn_worker[evz]);
    std::copy_n(e_.repl_skill.data() + evz * Dz, Dz, skill_ + i * Dz);
    alignment_[i] = e_.repl_align[evz];
    psi_[i] = c_.psi0;
    rho_[i] = c_.rho0;
  }
}

// Step 8 (§8.12, §11.12): the period's domain (if any) decays by the obsolescence factor in
// every worker, and managers' general skill by its share over the domains.
template <bool kDetail, Route kRoute, bool kPeerMode>
void ModeRun<kDetail, kRoute, kPeerMode>::turbulence() {
  const int domain = e_.turb_domain[static_cast<std::size_t>(t_)];
  if (domain < 0) return;
  const double obsolescence = o_.p[kObsolescence];
  for (std::size_t i = 0; i < Wz; ++i)
    skill_[i * Dz + static_cast<std::size_t>(domain)] *= obsolescence;
  const double g_factor = 1.0 - (1.0 - obsolescence) / static_cast<double>(D);
  for (int m = 0; m < M; ++m) manager_skill_[m] *= g_factor;
}

template <bool kDetail, Route kRoute, bool kPeerMode>
ModeResult OrgSimulator::run_mode_impl(const Policy& pol, const Constants& c, TraceSink* trace) {
  ModeRun<kDetail, kRoute, kPeerMode> run(*this, pol, c, trace);
  return run.run();
}

}  // namespace leadsim::leadership
