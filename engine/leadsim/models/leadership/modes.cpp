// Running one mode over an organization and its environment (MODEL.md §4.2, §8.2-§8.12;
// spec §11.4-§11.12): the period steps in §11.6's order, then the metrics (metrics.cpp).
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
#include "leadsim/models/leadership/sim.h"
#include "leadsim/models/leadership/streams.h"
#include "leadsim/rng/beta_table.h"
#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"

namespace leadsim::leadership {
namespace {

using rng::Stream;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// c ? a : b by bit masks: a data-dependent choice that the compiler cannot turn back into a
// branch (which the predictor would miss whenever the choice is a coin flip).
inline double mask_select(bool c, double a, double b) {
  const std::uint64_t mask = 0 - static_cast<std::uint64_t>(c);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & mask) |
                               (std::bit_cast<std::uint64_t>(b) & ~mask));
}

// Sessions a level-1 manager holds: min(team, ⌊share·C / cost⌋) (§11.10).
int sessions(int team, double share, double capacity, double cost) {
  const double budget = share * capacity;
  if (!(budget > 0.0) || team <= 0) return 0;
  if (!(cost > 0.0)) return team;
  const double n = std::floor(budget / cost);
  return n >= static_cast<double>(team) ? team : static_cast<int>(n);
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
    // never does.
    int best = -1;
    double bk = -1.0;
    const double* kd = k + d;
    const auto Dz = static_cast<std::size_t>(D);
    auto visit = [&](int j, double kj) {
      const bool better = kj > bk;
      best = better ? j : best;
      bk = better ? kj : bk;
    };
    // One loop over the whole team (a fixed trip count per organization), i itself masked.
    const double* kp = kd + static_cast<std::size_t>(t0) * Dz;
    for (int j = t0; j < t1; ++j, kp += Dz) visit(j, j == i ? -1.0 : *kp);
    for (int q = 0; q < ncross; ++q) {
      const int j = cross[q];
      visit(j, kd[static_cast<std::size_t>(j) * Dz]);
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
        return pol.peer ? run_mode_impl<kD, Route::kManager, true>(pol, c, trace)
                        : run_mode_impl<kD, Route::kManager, false>(pol, c, trace);
      case Route::kException:
        return pol.peer ? run_mode_impl<kD, Route::kException, true>(pol, c, trace)
                        : run_mode_impl<kD, Route::kException, false>(pol, c, trace);
      case Route::kWorker:
        break;
    }
    return pol.peer ? run_mode_impl<kD, Route::kWorker, true>(pol, c, trace)
                    : run_mode_impl<kD, Route::kWorker, false>(pol, c, trace);
  };
  return detail_ ? go(std::true_type{}) : go(std::false_type{});
}

template <bool kDetail, Route kRoute, bool kPeerMode>
ModeResult OrgSimulator::run_mode_impl(const Policy& pol, const Constants& c, TraceSink* trace) {
  const Organization& o = org_;
  const Environment& e = env_;
  const int W = o.workers;
  const int D = o.domains;
  const int M = o.managers;
  const int n1 = o.level1();
  const int T = e.periods;
  const std::size_t Wz = static_cast<std::size_t>(W);
  const std::size_t Dz = static_cast<std::size_t>(D);
  const std::size_t N = e.period.size();
  const double C = o.p[kManagerCapacity];
  const double K = o.p[kWorkerCapacity];
  const double obs = o.p[kObsolescence];
  const double theta = pol.theta;
  const double pen_factor = 1.0 - c.misalign_penalty;
  const double tau = c.team_preference;
  // Managers decide (and supervise) from the share of C not reserved for coaching/teaching.
  const double c_decide = C * (1.0 - pol.coach_share - pol.teach_share);

  ModeResult r;
  r.arrived = static_cast<std::int64_t>(N);

  skill_.assign(o.skill0.begin(), o.skill0.end());
  align_.assign(o.align0.begin(), o.align0.end());
  psi_.assign(Wz, c.psi0);
  rho_.assign(Wz, c.rho0);
  g_.assign(o.g0.begin(), o.g0.end());
  rem_.resize(Wz);  // set to K at the start of every period, in the modes that read it
  team0_.resize(Wz);
  for (int i = 0; i < W; ++i) team0_[static_cast<std::size_t>(i)] = o.team_begin(i);
  // Workers' decisions (outside peer modes) are listed first and made in one loop: a worker's
  // share of the list is copied with a fixed trip count (the queue and the list are padded for
  // it), so how many problems a worker takes is not a branch to predict.
  const double fk = std::floor(K);
  const int wcopy = fk >= 1.0 && fk <= kFixedCopy ? static_cast<int>(fk) : 0;
  queue_.resize(static_cast<std::size_t>(e.queue_base.back()) + kFixedCopy);
  head_.assign(e.queue_base.begin(), e.queue_base.end() - 1);
  tail_.assign(e.queue_base.begin(), e.queue_base.end() - 1);
  active_.resize(Wz);
  value_by_period_.assign(static_cast<std::size_t>(T), 0.0);
  open_.resize(static_cast<std::size_t>(T));
  if constexpr (kDetail) {
    status_.assign(N, kWaiting);
    flags_.assign(N, 0);
    wait_.assign(N, -1);
    helper_.assign(N, -1);
    kc_.assign(N, kNaN);
  } else {
    // Sized but untouched: the per-problem record is off (set_problem_detail(false)).
    status_.clear();
    flags_.clear();
    wait_.clear();
    helper_.clear();
    kc_.clear();
  }
  const int max_wait = std::max(0, std::min(c.deadline, T));
  disc_.resize(static_cast<std::size_t>(max_wait) + 1);
  disc_[0] = 1.0;
  for (int w = 1; w <= max_wait; ++w) {
    disc_[static_cast<std::size_t>(w)] =
        disc_[static_cast<std::size_t>(w) - 1] * (1.0 - c.delay_discount);
  }
  order_.resize(static_cast<std::size_t>(o.span));
  if (trace != nullptr) {
    trace->begin(pol.name, trace_columns());
    trace_row_.resize(trace_columns().size());
  }

  double* k = skill_.data();
  double* al = align_.data();
  double* rem = rem_.data();
  int* q = queue_.data();
  int* head = head_.data();
  int* tail = tail_.data();
  // Moves the first n problems of x's queue to dst; `copy` > 0 is a fixed trip count >= n
  // (0: copy exactly n).
  auto take = [&](int x, int n, int copy, int* dst) {
    const int* src = q + head[x];
    if (copy > 0) {
      for (int j = 0; j < copy; ++j) dst[j] = src[j];
    } else {
      for (int j = 0; j < n; ++j) dst[j] = src[j];
    }
    head[x] += n;
  };
  const int* per = e.period.data();
  const int* wk = e.worker.data();
  const std::uint8_t* dom = e.domain.data();
  const std::uint8_t* scope = e.scope.data();
  const double* cw = e.cw.data();
  const double* cm = e.cm.data();
  const double* pv = e.v.data();
  const double* pu = e.u.data();
  const double* pa = e.a.data();
  const int* target = e.target.data();
  const double* disc = disc_.data();
  double* vbp = value_by_period_.data();
  int* open = open_.data();
  std::uint8_t* st = status_.data();
  std::uint8_t* fl = flags_.data();
  int* wt = wait_.data();
  int* hp = helper_.data();
  double* kcr = kc_.data();

  const std::uint32_t mode_id = rng::name_id(pol.name.c_str());
  // Sessions per level-1 manager: a full team of `span`, and the last team when W is not a
  // multiple of the span.
  const int last_team = W - (n1 - 1) * o.span;
  const int ncoach_full = sessions(o.span, pol.coach_share, C, c.coach_cost);
  const int ncoach_last = sessions(last_team, pol.coach_share, C, c.coach_cost);
  const int nteach_full = sessions(o.span, pol.teach_share, C, c.teach_cost);
  const int nteach_last = sessions(last_team, pol.teach_share, C, c.teach_cost);
  // Value factor by (right, aligned): wrong 0, right and misaligned 1 - penalty, both 1.
  const double fac[4] = {0.0, 0.0, pen_factor, 1.0};
  double value_sum = 0.0;
  double wait_sum = 0.0;

  // Outside peer modes, which problems workers decide in which period (and which expire) does
  // not depend on skills or on anything a mode changes: only on the problems, K, the
  // deadline and T. The first such mode on an environment records its schedule, later ones
  // with the same K, deadline and T replay it (delegated and coaching by default) and skip
  // arrivals, expiry and the queues. Bulk path only (no per-problem detail, no trace).
  constexpr bool kSchedulable = kRoute == Route::kWorker && !kPeerMode && !kDetail;
  bool replay = false;
  bool record = false;
  if constexpr (kSchedulable) {
    if (trace == nullptr) {
      const Schedule::Key key{env_generation_, std::bit_cast<std::uint64_t>(K), c.deadline, T};
      replay = schedule_.valid && schedule_.key == key;
      record = !replay;
      if (record) {
        schedule_.valid = false;
        schedule_.key = key;
        schedule_.begin.assign(static_cast<std::size_t>(T) + 1, 0);
        schedule_.expired.assign(static_cast<std::size_t>(T), 0);
      }
    }
  }
  // The decision lists live in schedule_.list: written there as the recording, or, by runs
  // that neither record nor replay, used as scratch (which drops any recorded schedule).
  if constexpr (kRoute != Route::kManager && !kPeerMode) {
    if (!replay) {
      if (!record) schedule_.valid = false;
      if (schedule_.list.size() < N + kFixedCopy) schedule_.list.resize(N + kFixedCopy);
    }
  }

  for (int t = 0; t < T; ++t) {
    std::int64_t p_decided = 0, p_right = 0, p_aligned = 0, p_expired = 0;
    std::int64_t p_coach = 0, p_help = 0, p_peer = 0;
    double p_value = 0.0;
    const bool shock_now = t >= e.shock_begin && t < e.shock_end && e.absent_count > 0;
    Stream rs(seed_, org_id_, stream_tag(Purpose::kMode, mode_id), static_cast<std::uint64_t>(t));

    // 1. Expiry (§11.4): a problem waiting since arrival + deadline + 1 leaves, no attention.
    // Done per decider in the loops of steps 3 and 4, just before the decider serves (or is
    // skipped): a queue is in arrival order and this period's arrivals join it behind every
    // problem that can expire, so expiring before or after they join removes the same ones.
    // open_[t'] counts the problems of period t' neither decided nor expired; only period
    // `cutoff` can have new expiries (earlier ones were swept before), so when it has none
    // open every queue is skipped without being looked at. Peer modes sweep every period
    // instead (keeping the count cost their decisions more than the sweeps it saves).
    const int cutoff = t - c.deadline - 1;
    const bool sweep = cutoff >= 0 && (kPeerMode || open[cutoff] > 0);
    auto expire = [&](int x) {
      if (!sweep) return;
      int h = head[x];
      const int tl = tail[x];
      while (h < tl && per[q[h]] <= cutoff) {
        if constexpr (kDetail) st[q[h]] = kExpired;
        ++h;
      }
      p_expired += h - head[x];
      if constexpr (!kPeerMode) open[cutoff] -= h - head[x];
      head[x] = h;
    };

    // 2. Arrivals, in worker-index then draw order, behind any backlog; routing.
    const int pb = e.period_begin[static_cast<std::size_t>(t)];
    const int pe = e.period_begin[static_cast<std::size_t>(t) + 1];
    if constexpr (!kPeerMode) open[t] = pe - pb;
    if (!replay) switch (kRoute) {
        case Route::kWorker:
          for (int p = pb; p < pe; ++p) q[tail[wk[p]]++] = p;
          break;
        case Route::kManager:
          for (int p = pb; p < pe; ++p) q[tail[W + target[p]]++] = p;
          break;
        case Route::kException:
          for (int p = pb; p < pe; ++p) {
            const int i = wk[p];
            if (k[static_cast<std::size_t>(i) * Dz + dom[p]] * cw[p] < theta) {
              if constexpr (kDetail) fl[p] = kEscalated;
              ++r.escalated;
              q[tail[W + target[p]]++] = p;
            } else {
              q[tail[i]++] = p;
            }
          }
          break;
      }

    // What every decision adds to the period's sums, whoever decides.
    auto book = [&](int ap, int w, double val, bool right) {
      vbp[ap] += val;
      if constexpr (!kPeerMode) --open[ap];
      p_value += val;
      p_right += right ? 1 : 0;
      wait_sum += w;
    };
    auto decide_manager = [&](int p, double gm) {
      const int ap = per[p];
      const int w = t - ap;
      const double kc = gm * cm[p];
      const bool right = pu[p] < 0.5 + 0.5 * kc;
      // Managers have A = 1: every decision is aligned. Branch-free: right is a coin.
      const double val = pv[p] * fac[right ? 3 : 0] * disc[w];
      if constexpr (kDetail) {
        st[p] = kDecided;
        fl[p] = static_cast<std::uint8_t>(fl[p] | kAligned | (right ? kRight : 0));
        wt[p] = w;
        kcr[p] = kc;
      }
      book(ap, w, val, right);
    };
    // 3. Managers serve (supervision first).
    const int present = M - (shock_now ? e.absent_count : 0);
    r.manager_available += C * static_cast<double>(present);
    if (kRoute != Route::kWorker || pol.supervise) {
      for (int m = 0; m < M; ++m) {
        if constexpr (kRoute != Route::kWorker) expire(W + m);
        if (shock_now && m < n1 && e.absent[static_cast<std::size_t>(m)] != 0) continue;
        double left = c_decide;
        if (pol.supervise) {
          const int nrep = o.reports[static_cast<std::size_t>(m)];
          for (int j = 0; j < nrep && left >= c.supervision_cost; ++j) {
            left -= c.supervision_cost;
            r.manager_used += c.supervision_cost;
          }
        }
        if constexpr (kRoute == Route::kWorker) continue;
        // Each decision costs exactly 1 and x - 1 is exact for x >= 1, so ⌊left⌋ is the
        // number of decisions "remaining >= 1" allows.
        const int x = W + m;
        const int avail_n = tail[x] - head[x];
        const double fl_left = std::floor(left);
        const int nd = fl_left >= static_cast<double>(avail_n)
                           ? avail_n
                           : std::max(0, static_cast<int>(fl_left));
        // Managers decide in place (a decision list measured slower here: their queues are
        // long, so the loop's exit is a small share of the work).
        const double gm = g_[static_cast<std::size_t>(m)];
        for (int h = head[x], end = head[x] + nd; h < end; ++h) decide_manager(q[h], gm);
        head[x] += nd;
        p_decided += nd;
        p_aligned += nd;
        r.manager_used += nd;
      }
    }

    // 4. Workers serve. Attention left (rem) is read by consultation, the rounds and peer
    // coaching: only peer modes keep it.
    if constexpr (kPeerMode) {
      for (std::size_t i = 0; i < Wz; ++i) rem[i] = K;
    }
    auto decide_worker = [&]<bool kPeer>(std::bool_constant<kPeer>, int i, int p) {
      const int d = dom[p];
      const std::size_t ki_at = static_cast<std::size_t>(i) * Dz + static_cast<std::size_t>(d);
      const double ki = k[ki_at];
      const double c_w = cw[p];
      double keff = ki;
      int j = -1;
      double kj = 0.0;
      if (kPeer && ki * c_w < theta) {
        const int tie = choose_tie(i, d, rho_[static_cast<std::size_t>(i)], tau, rs);
        if (tie >= 0) {
          ++r.consult_attempts;
          if (rem[tie] >= c.consult_cost) {
            rem[tie] -= c.consult_cost;
            r.worker_used += c.consult_cost;
            ++p_help;
            j = tie;
            kj = k[static_cast<std::size_t>(j) * Dz + static_cast<std::size_t>(d)];
            keff = kj > ki ? kj : ki;
          }
        }
      }
      const double kc = keff * c_w;
      const bool right = pu[p] < 0.5 + 0.5 * kc;
      // A = α_i^ℓ as the product ((α·α)·α)···: the first two factors through selects (a
      // multiplication by 1 is exact), so the usual scopes 1 to 3 take no branch.
      const double ai = al[i];
      const int sc = scope[p];
      double A = ai;
      A *= mask_select(sc > 1, ai, 1.0);
      A *= mask_select(sc > 2, ai, 1.0);
      for (int l = 3; l < sc; ++l) A *= ai;
      const bool aligned = pa[p] < A;
      const int ap = per[p];
      const int w = t - ap;
      // (v · factor) · disc with factor 0, 1 - penalty or 1: the same product as
      // right ? v · (aligned ? 1 : 1 - penalty) · disc : 0, without data-dependent branches.
      const double val = pv[p] * fac[(right ? 2 : 0) | (aligned ? 1 : 0)] * disc[w];
      if constexpr (kDetail) {
        st[p] = kDecided;
        fl[p] = static_cast<std::uint8_t>(fl[p] | (right ? kRight : 0) | (aligned ? kAligned : 0) |
                                          (j >= 0 ? kHelped : 0));
        wt[p] = w;
        kcr[p] = kc;
        hp[p] = j;
      }
      book(ap, w, val, right);
      p_aligned += aligned ? 1 : 0;
      ++p_decided;
      if (kPeer && j >= 0) k[ki_at] = ki + c.learn_rate * (kj > ki ? kj - ki : 0.0);
    };
    if constexpr (kRoute != Route::kManager) {
      if constexpr (kPeerMode) {
        // Round-robin (§11.8): one decision per worker per round, in index order.
        int* act = active_.data();
        std::size_t nact = 0;
        for (int i = 0; i < W; ++i) {
          expire(i);
          if (head[i] < tail[i] && rem[i] >= 1.0) act[nact++] = i;
        }
        while (nact > 0) {
          std::size_t kept = 0;
          for (std::size_t a = 0; a < nact; ++a) {
            const int i = act[a];
            if (!(rem[i] >= 1.0) || head[i] >= tail[i]) continue;
            decide_worker(std::true_type{}, i, q[head[i]++]);
            rem[i] -= 1.0;
            r.worker_used += 1.0;
            act[kept] = i;  // kept only if it can decide again (no branch to predict)
            kept += rem[i] >= 1.0 && head[i] < tail[i] ? 1 : 0;
          }
          nact = kept;
        }
      } else if (replay) {
        const int b = schedule_.begin[static_cast<std::size_t>(t)];
        const int en = schedule_.begin[static_cast<std::size_t>(t) + 1];
        const int* list = schedule_.list.data();
        // worker_used only ever adds whole decisions here: exact in any grouping.
        r.worker_used += en - b;
        p_expired = schedule_.expired[static_cast<std::size_t>(t)];
        for (int j = b; j < en; ++j) decide_worker(std::false_type{}, wk[list[j]], list[j]);
      } else {
        const int at = record ? schedule_.begin[static_cast<std::size_t>(t)] : 0;
        int* dl = schedule_.list.data() + at;
        int nl = 0;
        for (int i = 0; i < W; ++i) {
          expire(i);
          const int avail_n = tail[i] - head[i];
          const int nd =
              fk >= static_cast<double>(avail_n) ? avail_n : std::max(0, static_cast<int>(fk));
          take(i, nd, wcopy, dl + nl);
          nl += nd;
          r.worker_used += nd;
        }
        for (int j = 0; j < nl; ++j) {
          const int p = dl[j];
          decide_worker(std::false_type{}, wk[p], p);
        }
        if (record) {
          schedule_.begin[static_cast<std::size_t>(t) + 1] = at + nl;
          schedule_.expired[static_cast<std::size_t>(t)] = p_expired;
        }
      }
    }

    // 5. Coaching and teaching by present level-1 managers (§6, §11.10). Sessions touch
    // disjoint workers, so the order within the selected set does not matter; when a manager
    // holds as many sessions as it has reports, all are selected without ranking them.
    if (pol.coach_share > 0.0 || pol.teach_share > 0.0) {
      for (int m = 0; m < n1; ++m) {
        if (shock_now && e.absent[static_cast<std::size_t>(m)] != 0) continue;
        const int t0 = m * o.span;
        const int t1 = std::min(t0 + o.span, W);
        const int team = t1 - t0;
        const bool full = team == o.span;
        const int ncoach = full ? ncoach_full : ncoach_last;
        if (ncoach > 0) {
          // Lowest k_i[h_i] first, ties by index: the selected set is unique.
          auto coach = [&](int i) {
            double& kh = k[static_cast<std::size_t>(i) * Dz +
                           static_cast<std::size_t>(o.home[static_cast<std::size_t>(i)])];
            kh += c.eta_c * (1.0 - kh);
            al[i] += c.eta_a * (1.0 - al[i]);
          };
          if (ncoach >= team) {
            for (int i = t0; i < t1; ++i) coach(i);
          } else {
            auto* ord = order_.data();
            for (int i = t0; i < t1; ++i) {
              ord[i - t0] = {k[static_cast<std::size_t>(i) * Dz +
                               static_cast<std::size_t>(o.home[static_cast<std::size_t>(i)])],
                             i};
            }
            for (const auto& sel : select_lowest(order_, static_cast<std::size_t>(team), ncoach)) {
              coach(sel.second);
            }
          }
          r.manager_used += static_cast<double>(ncoach) * c.coach_cost;
          p_coach += ncoach;
        }
        const int nteach = full ? nteach_full : nteach_last;
        if (nteach > 0) {
          auto teach = [&](int i) {
            const auto iz = static_cast<std::size_t>(i);
            psi_[iz] += c.eta_psi * (1.0 - psi_[iz]);
            rho_[iz] += c.eta_rho * (1.0 - rho_[iz]);
          };
          if (nteach >= team) {
            for (int i = t0; i < t1; ++i) teach(i);
          } else {
            auto* ord = order_.data();
            for (int i = t0; i < t1; ++i) ord[i - t0] = {psi_[static_cast<std::size_t>(i)], i};
            for (const auto& sel : select_lowest(order_, static_cast<std::size_t>(team), nteach)) {
              teach(sel.second);
            }
          }
          r.manager_used += static_cast<double>(nteach) * c.teach_cost;
          r.teaching_acts += nteach;
        }
      }
    }

    // 6. Peer coaching (§11.11): index order, updates visible at once.
    if constexpr (kPeerMode) {
      for (int i = 0; i < W; ++i) {
        if (team0_[static_cast<std::size_t>(i)] == W - 1 &&
            o.tie_begin[static_cast<std::size_t>(i)] ==
                o.tie_begin[static_cast<std::size_t>(i) + 1]) {
          continue;  // no ties: no coin
        }
        if (!(rs.uniform() < psi_[static_cast<std::size_t>(i)])) continue;
        const int h = o.home[static_cast<std::size_t>(i)];
        const int j = choose_tie(i, h, rho_[static_cast<std::size_t>(i)], tau, rs);
        const std::size_t ih = static_cast<std::size_t>(i) * Dz + static_cast<std::size_t>(h);
        const std::size_t jh = static_cast<std::size_t>(j) * Dz + static_cast<std::size_t>(h);
        if (k[ih] > k[jh] && rem[i] >= c.peer_coach_cost) {
          rem[i] -= c.peer_coach_cost;
          r.worker_used += c.peer_coach_cost;
          k[jh] += c.eta_p * (k[ih] - k[jh]);
          const double da = al[i] - al[j];
          al[j] += c.eta_p * (da > 0.0 ? da : 0.0);
          ++p_peer;
        }
      }
    }

    // 7. Turnover: the replacement's pre-drawn traits; the queue stays with the position.
    for (int ev = e.turn_begin[static_cast<std::size_t>(t)];
         ev < e.turn_begin[static_cast<std::size_t>(t) + 1]; ++ev) {
      const auto i = static_cast<std::size_t>(e.turn_worker[static_cast<std::size_t>(ev)]);
      std::copy_n(e.repl_skill.data() + static_cast<std::size_t>(ev) * Dz, Dz, k + i * Dz);
      al[i] = e.repl_align[static_cast<std::size_t>(ev)];
      psi_[i] = c.psi0;
      rho_[i] = c.rho0;
    }

    // 8. Turbulence (§11.12).
    const int td = e.turb_domain[static_cast<std::size_t>(t)];
    if (td >= 0) {
      for (std::size_t i = 0; i < Wz; ++i) k[i * Dz + static_cast<std::size_t>(td)] *= obs;
      const double gf = 1.0 - (1.0 - obs) / static_cast<double>(D);
      for (auto& g : g_) g *= gf;
    }

    r.decided += p_decided;
    r.right += p_right;
    r.aligned += p_aligned;
    r.expired += p_expired;
    r.help_acts += p_help;
    r.coaching_acts += p_coach;
    r.peer_coaching_acts += p_peer;
    value_sum += p_value;
    r.rng_blocks += rs.blocks();

    if (trace != nullptr) {
      std::int64_t queued = 0;
      for (int x = 0; x < W + M; ++x) queued += tail[x] - head[x];
      double ms = 0.0, ma = 0.0;
      for (std::size_t i = 0; i < Wz; ++i) {
        ms += k[i * Dz + static_cast<std::size_t>(o.home[i])];
        ma += al[i];
      }
      auto& row = trace_row_;
      auto set = [&row](TraceColumn col, double x) { row[index_of(col)] = x; };
      set(TraceColumn::kPeriod, t);
      set(TraceColumn::kArrived, pe - pb);
      set(TraceColumn::kDecided, static_cast<double>(p_decided));
      set(TraceColumn::kRight, static_cast<double>(p_right));
      set(TraceColumn::kAligned, static_cast<double>(p_aligned));
      set(TraceColumn::kValue, p_value);
      set(TraceColumn::kExpired, static_cast<double>(p_expired));
      set(TraceColumn::kQueued, static_cast<double>(queued));
      set(TraceColumn::kMeanSkill, ms / static_cast<double>(W));
      set(TraceColumn::kMeanAlignment, ma / static_cast<double>(W));
      set(TraceColumn::kCoachingActs, static_cast<double>(p_coach));
      set(TraceColumn::kHelpActs, static_cast<double>(p_help));
      set(TraceColumn::kPeerCoachingActs, static_cast<double>(p_peer));
      trace->row(std::span<const double>(row));
    }
  }

  if (replay) {
    r.waiting = schedule_.waiting;
  } else {
    for (int x = 0; x < W + M; ++x) r.waiting += tail[x] - head[x];
  }
  if (record) {
    schedule_.waiting = r.waiting;
    schedule_.valid = true;
  }
  if (r.decided + r.expired + r.waiting != r.arrived) {
    throw SimulationError("leadership: decided + expired + waiting != arrived in mode " + pol.name,
                          0, org_id_, pol.name);
  }

  // Metrics (§9.1, §11.14-§11.16).
  MetricInputs in;
  in.value_sum = value_sum;
  in.wait_sum = wait_sum;
  in.worker_capacity = K;
  in.workers = W;
  in.periods = T;
  in.shock_length = c.shock_length;
  in.shock_begin = e.shock_begin;
  in.shock_end = e.shock_end;
  in.total_importance = e.total_importance;
  in.value_by_period = value_by_period_.data();
  in.importance_by_period = e.importance_by_period.data();
  in.home = o.home.data();
  in.domains = D;
  in.skill0 = o.skill0.data();
  in.skill = k;
  in.alignment = al;
  finish_metrics(r, in);
  return r;
}

}  // namespace leadsim::leadership
