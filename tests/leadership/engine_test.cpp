// Exact checks of MODEL.md §10 and the §11 readings on the leadership simulation core.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "leadsim/models/leadership/factory.h"
#include "leadsim/models/leadership/sim.h"

namespace leadsim::leadership {
namespace {

using config::DistSpec;

DistSpec k(double v) {
  return DistSpec::constant(v);
}

Policy policy(const ScenarioSpec& sc, const std::string& name) {
  for (const auto& p : sc.policies) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no mode " << name;
  return {};
}

// A hand-built organization: W workers, span s, D domains, every skill/alignment given.
void hand_org(OrgSimulator& eng, int W, int s, int D, double C, double K, double iota,
              double delta) {
  Organization& o = eng.org();
  auto sc = resolve_setup(default_config()).scenario(0);
  for (int q = 0; q < kNumOrgParams; ++q) {
    o.p[static_cast<std::size_t>(q)] = sc.org[static_cast<std::size_t>(q)].is_constant()
                                           ? sc.org[static_cast<std::size_t>(q)].value()
                                           : 0.5;
  }
  o.p[kWorkers] = W;
  o.p[kSpan] = s;
  o.p[kDomains] = D;
  o.p[kManagerCapacity] = C;
  o.p[kWorkerCapacity] = K;
  o.p[kInfoReach] = iota;
  o.p[kControlLoss] = delta;
  o.p[kTurnover] = 0;
  o.p[kTurbulence] = 0;
  o.workers = W;
  o.span = s;
  o.domains = D;
  eng.set_identity(7, 3);
  eng.build_hierarchy();
  o.home.assign(static_cast<std::size_t>(W), 0);
  o.skill0.assign(static_cast<std::size_t>(W * D), 0.5);
  o.align0.assign(static_cast<std::size_t>(W), 1.0);
  o.g0.assign(static_cast<std::size_t>(o.managers), 0.5);
  o.align_manager.assign(static_cast<std::size_t>(o.managers), 1.0);
  o.tie_begin.assign(static_cast<std::size_t>(W) + 1, 0);
  o.ties.clear();
}

void hand_env(OrgSimulator& eng, int T) {
  Environment& e = eng.env();
  e = Environment{};
  e.periods = T;
  e.period_begin.assign(static_cast<std::size_t>(T) + 1, 0);
  e.turn_begin.assign(static_cast<std::size_t>(T) + 1, 0);
  e.turb_domain.assign(static_cast<std::size_t>(T), -1);
  e.absent.assign(static_cast<std::size_t>(eng.org().level1()), 0);
}

// Appends a problem; problems must be added in period order.
void add_problem(OrgSimulator& eng, int t, int worker, int domain, int scope, double w, double v,
                 double u, double a) {
  Environment& e = eng.env();
  e.period.push_back(t);
  e.worker.push_back(worker);
  e.domain.push_back(static_cast<std::uint8_t>(domain));
  e.scope.push_back(static_cast<std::uint8_t>(scope));
  e.w.push_back(w);
  e.v.push_back(v);
  e.u.push_back(u);
  e.a.push_back(a);
  for (int q = t + 1; q <= e.periods; ++q)
    e.period_begin[static_cast<std::size_t>(q)] = static_cast<int>(e.period.size());
}

class RowSink : public TraceSink {
 public:
  void begin(const std::string& mode, const std::vector<std::string>& columns) override {
    mode_ = mode;
    columns_ = columns;
    rows.clear();
  }
  void row(std::span<const double> values) override {
    rows.emplace_back(values.begin(), values.end());
  }
  double at(std::size_t r, const std::string& col) const {
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (columns_[c] == col) return rows[r][c];
    }
    ADD_FAILURE() << "no column " << col;
    return 0;
  }
  std::vector<std::vector<double>> rows;

 private:
  std::string mode_;
  std::vector<std::string> columns_;
};

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// A default configuration with fewer workers so that thousands of organizations stay fast.
config::ResolvedConfig small_config() {
  auto cfg = default_config();
  cfg.params["workers"] = DistSpec{DistSpec::Kind::kIntLogUniform, {5, 60}};
  cfg.params["periods"] = k(24);
  return cfg;
}

// §10.1: one period, no learning, no queues, fixed skills: accuracy matches ½ + ½ k c.
TEST(OrgSimulator, OnePeriodAccuracyMatchesFormula) {
  auto cfg = default_config();
  cfg.params["periods"] = k(1);
  cfg.params["manager_capacity"] = k(1e6);
  cfg.params["worker_capacity"] = k(1e6);
  cfg.params["learn_rate"] = k(0);
  cfg.params["turnover"] = k(0);
  cfg.params["turbulence"] = k(0);
  const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
  OrgSimulator eng;
  for (const auto& pol : sc.policies) {
    double right = 0, expect = 0, var = 0;
    for (std::uint64_t org = 0; org < 400; ++org) {
      eng.draw(sc, 11, org);
      const auto& o = eng.org();
      const auto& e = eng.env();
      const ModeResult r = eng.run_mode(pol, sc.constants);
      ASSERT_EQ(r.decided, r.arrived);
      right += static_cast<double>(r.right);
      for (std::size_t p = 0; p < e.period.size(); ++p) {
        const auto i = static_cast<std::size_t>(e.worker[p]);
        const double ki = o.skill0[i * static_cast<std::size_t>(o.domains) + e.domain[p]];
        const bool to_manager = pol.route == Route::kManager ||
                                (pol.route == Route::kException && ki * e.cw[p] < pol.theta);
        double kc;
        if (to_manager) {
          kc = o.g0[static_cast<std::size_t>(e.target[p])] * e.cm[p];
        } else {
          double kk = ki;
          const int j = eng.helper()[p];
          if (j >= 0) {
            kk = std::max(
                kk, o.skill0[static_cast<std::size_t>(j) * static_cast<std::size_t>(o.domains) +
                             e.domain[p]]);
          }
          kc = kk * e.cw[p];
        }
        const double pr = 0.5 + 0.5 * kc;
        expect += pr;
        var += pr * (1 - pr);
      }
    }
    EXPECT_LT(std::fabs(right - expect), 5 * std::sqrt(var)) << pol.name;
  }
}

// §10.2: a decider with higher k·c on every problem is right on a superset (shared u_p).
TEST(OrgSimulator, CouplingHigherKcIsRightOnSuperset) {
  OrgSimulator eng;
  hand_org(eng, 6, 3, 2, 1e6, 1e6, 0.3, 0.0);
  for (auto& g : eng.org().g0) g = 1.0;  // c_M = 1 with δ = 0: k·c = 1 beats every worker
  hand_env(eng, 1);
  for (int p = 0; p < 400; ++p) {
    add_problem(eng, 0, p % 6, p % 2, 1, (p % 10) / 10.0, 1.0, ((p * 37) % 400) / 400.0, 0.5);
  }
  for (std::size_t q = 0; q < eng.org().skill0.size(); ++q)
    eng.org().skill0[q] = 0.1 * static_cast<double>(q % 9);
  eng.finish_environment();
  Policy central{"c", Route::kManager, false, false, 0, 0, 0.35};
  Policy deleg{"d", Route::kWorker, false, false, 0, 0, 0.35};
  Constants c = default_constants();
  eng.run_mode(central, c);
  const auto fc = eng.flags();
  const auto kcc = eng.kc();
  eng.run_mode(deleg, c);
  int strict = 0;
  for (std::size_t p = 0; p < fc.size(); ++p) {
    ASSERT_GE(kcc[p], eng.kc()[p]);
    if ((eng.flags()[p] & kRight) != 0) {
      EXPECT_NE(fc[p] & kRight, 0) << p;
    }
    if ((fc[p] & kRight) != 0 && (eng.flags()[p] & kRight) == 0) ++strict;
  }
  EXPECT_GT(strict, 0);  // the superset is proper here: the check can fail
}

// §10.3: deterministic arrivals A > C at one manager: backlog t(A - C), FIFO waits.
TEST(OrgSimulator, DeterministicQueueBacklogAndFifoWaits) {
  for (const auto& [A, C] : {std::pair{7, 4}, std::pair{5, 5}, std::pair{3, 6}}) {
    const double cap = C + 0.7;  // fractional attention is lost (§11.5): C + 0.7 decides C
    OrgSimulator eng;
    hand_org(eng, 1, 2, 1, cap, 1, 0.5, 0.1);
    const int T = 10;
    hand_env(eng, T);
    for (int t = 0; t < T; ++t) {
      for (int j = 0; j < A; ++j) add_problem(eng, t, 0, 0, 1, 0.5, 1, 0.5, 0.5);
    }
    eng.finish_environment();
    Constants c = default_constants();
    c.deadline = 1000;
    c.periods = T;
    Policy pol{"m", Route::kManager, false, false, 0, 0, 0.35};
    RowSink sink;
    const ModeResult r = eng.run_mode(pol, c, &sink);
    ASSERT_EQ(sink.rows.size(), static_cast<std::size_t>(T));
    for (int t = 0; t < T; ++t) {
      EXPECT_EQ(sink.at(static_cast<std::size_t>(t), "queued"), std::max(0, (t + 1) * (A - C)));
    }
    for (int n = 0; n < T * A; ++n) {
      const int decided_at = std::max(n / A, n / C);  // FIFO, never before arrival
      if (decided_at < T) {
        EXPECT_EQ(eng.status()[static_cast<std::size_t>(n)], kDecided);
        EXPECT_EQ(eng.wait()[static_cast<std::size_t>(n)], decided_at - n / A) << n;
      } else {
        EXPECT_EQ(eng.status()[static_cast<std::size_t>(n)], kWaiting);
      }
    }
    if (A <= C) {
      EXPECT_EQ(r.metrics[3], 0.0);
    }
    EXPECT_EQ(r.decided + r.waiting, r.arrived);
  }
}

// §11.4: a problem can be decided while wait <= deadline, then expires using no attention.
TEST(OrgSimulator, DeadlineExpiresWithoutAttention) {
  OrgSimulator eng;
  hand_org(eng, 1, 2, 1, 1.0, 1, 0.5, 0.1);
  hand_env(eng, 6);
  for (int j = 0; j < 5; ++j) add_problem(eng, 0, 0, 0, 1, 0.5, 1, 0.5, 0.5);
  eng.finish_environment();
  Constants c = default_constants();
  c.deadline = 2;
  c.periods = 6;
  const ModeResult r = eng.run_mode({"m", Route::kManager, false, false, 0, 0, 0.35}, c);
  // Periods 0, 1, 2 decide one each (waits 0, 1, 2); the rest expire at period 3.
  EXPECT_EQ(r.decided, 3);
  EXPECT_EQ(r.expired, 2);
  EXPECT_EQ(eng.wait()[2], 2);
  EXPECT_DOUBLE_EQ(r.manager_used, 3.0);
}

// §10.4: n coaching sessions on one worker: k = 1 - (1 - k0)(1 - η_c)^n.
TEST(OrgSimulator, CoachingSessionsCompound) {
  OrgSimulator eng;
  hand_org(eng, 1, 2, 1, 100, 1, 0.5, 0.1);
  const double k0 = 0.3;
  const double a0 = 0.4;
  eng.org().skill0[0] = k0;
  eng.org().align0[0] = a0;
  const int n = 37;
  hand_env(eng, n);
  eng.finish_environment();
  Constants c = default_constants();
  c.periods = n;
  c.eta_c = 0.03;
  c.eta_a = 0.05;
  const ModeResult r = eng.run_mode({"coach", Route::kWorker, false, false, 0.5, 0, 0.35}, c);
  EXPECT_EQ(r.coaching_acts, n);  // at most one session per worker per period
  EXPECT_NEAR(eng.skill()[0], 1 - (1 - k0) * std::pow(1 - c.eta_c, n), 1e-12);
  EXPECT_NEAR(eng.alignment()[0], 1 - (1 - a0) * std::pow(1 - c.eta_a, n), 1e-12);
  EXPECT_DOUBLE_EQ(r.metrics[5], n * 1.0 / (100.0 * n));
}

// §11.10: sessions = min(team, ⌊χC / cost⌋), lowest home skill first, ties by index.
TEST(OrgSimulator, CoachingPicksLeastSkilledFirst) {
  OrgSimulator eng;
  hand_org(eng, 5, 5, 1, 4.9, 1, 0.5, 0.1);  // χ C = 2.45: two sessions
  const std::vector<double> k0 = {0.5, 0.2, 0.9, 0.2, 0.1};
  eng.org().skill0 = k0;
  hand_env(eng, 1);
  eng.finish_environment();
  Constants c = default_constants();
  c.periods = 1;
  const ModeResult r = eng.run_mode({"coach", Route::kWorker, false, false, 0.5, 0, 0.35}, c);
  EXPECT_EQ(r.coaching_acts, 2);
  for (int i = 0; i < 5; ++i) {
    const bool coached = i == 4 || i == 1;
    EXPECT_EQ(eng.skill()[static_cast<std::size_t>(i)] != k0[static_cast<std::size_t>(i)], coached)
        << i;
  }
}

// model.peer_coachee: with ψ = ρ = 1 every worker coaches, picking its most skilled tie
// (reading 13, the default) or its least skilled one; the act happens only when the coach is
// more skilled, and updates are visible at once to later workers (§8.10).
TEST(OrgSimulator, PeerCoacheeLeastSkilledPicksTheMinimum) {
  for (const int coachee : {0, kLeastSkilled}) {
    OrgSimulator eng;
    hand_org(eng, 3, 3, 1, 10, 4, 0.5, 0.1);  // one team of three, one domain
    eng.org().skill0 = {0.9, 0.5, 0.2};
    hand_env(eng, 1);
    eng.finish_environment();
    Constants c = default_constants();
    c.periods = 1;
    c.psi0 = 1;
    c.rho0 = 1;
    c.peer_coachee = coachee;
    Policy peer_coach_only{"p", Route::kWorker, false, false, 0, 0, 0.35};
    peer_coach_only.peer_coaching = true;
    const ModeResult r = eng.run_mode(peer_coach_only, c);
    const double eta = c.eta_p;
    std::vector<double> want = {0.9, 0.5, 0.2};
    if (coachee == kLeastSkilled) {
      want[2] += eta * (0.9 - want[2]);    // worker 0 coaches 2, the least skilled of {1, 2}
      want[2] += eta * (0.5 - want[2]);    // worker 1 coaches 2 (below 0.9)
      EXPECT_EQ(r.peer_coaching_acts, 2);  // worker 2's least skilled tie, 1, knows more
    } else {
      want[1] += eta * (0.9 - want[1]);    // worker 0 coaches 1, the most skilled of {1, 2}
      EXPECT_EQ(r.peer_coaching_acts, 1);  // 1 and 2 pick worker 0, who knows more
    }
    for (std::size_t w = 0; w < 3; ++w) EXPECT_EQ(eng.skill()[w], want[w]) << coachee << " " << w;
  }
  // The switch as a configuration value: a name (or its index), written back as the name.
  auto cfg = small_config();
  cfg.params["peer_coachee"] = k(1);
  EXPECT_EQ(resolve_setup(cfg).scenario(0).constants.peer_coachee, kLeastSkilled);
}

// model.attention = fractional: a decider's unspent fraction below one unit carries to its next
// period, so every cost is paid exactly from a real-valued budget; whole (the default, reading
// 5) loses it. A manager with C = 4.75 facing a long queue decides ⌊4.75 (t + 1)⌋ problems by
// the end of period t (38 in 8 periods, 4 per period with whole), and uses all of C.
TEST(OrgSimulator, FractionalAttentionCarriesManagersFractions) {
  for (const int attention : {0, kFractional}) {
    OrgSimulator eng;
    hand_org(eng, 1, 2, 1, 4.75, 1, 0.5, 0.1);
    const int T = 8;
    hand_env(eng, T);
    for (int t = 0; t < T; ++t) {
      for (int j = 0; j < 10; ++j) add_problem(eng, t, 0, 0, 1, 0.5, 1, 0.5, 0.5);
    }
    eng.finish_environment();
    Constants c = default_constants();
    c.deadline = 1000;
    c.periods = T;
    c.attention = attention;
    RowSink sink;
    const ModeResult r = eng.run_mode({"m", Route::kManager, false, false, 0, 0, 0.35}, c, &sink);
    for (int t = 0; t < T; ++t) {
      const double want =
          attention == kFractional ? std::floor(4.75 * (t + 1)) - std::floor(4.75 * t) : 4.0;
      EXPECT_EQ(sink.at(static_cast<std::size_t>(t), "decided"), want) << attention << " " << t;
    }
    EXPECT_EQ(r.decided, attention == kFractional ? 38 : 32);
    EXPECT_EQ(r.manager_used, attention == kFractional ? 38.0 : 32.0);
  }
}

// The example, and where the readings part: a helper with K = 4 and consult_cost =
// 0.25 whose teammate consults it on every one of its problems. With 4 consultations in a
// period it serves exactly 3 decisions and the 4 consultations under either reading. With 2
// consultations per period it has 0.5 left after its third decision: whole loses it every
// period (3 decisions), fractional carries it and decides 4 every second period, so it spends
// exactly its 40 units in 10 periods (35 decisions + 20 consultations of 0.25).
TEST(OrgSimulator, FractionalAttentionHelperPaysExactly) {
  struct Case {
    int asks, attention, helper_decided;
  };
  for (const Case cs :
       {Case{4, 0, 3}, Case{4, kFractional, 3}, Case{2, 0, 30}, Case{2, kFractional, 35}}) {
    OrgSimulator eng;
    hand_org(eng, 2, 2, 1, 10, 4, 0.5, 0.1);  // one team of two, one domain
    eng.org().skill0 = {0.9, 0.1};            // k·c_W = 0.675 and 0.075 against θ = 0.3
    const int T = cs.asks == 4 ? 1 : 10;
    hand_env(eng, T);
    for (int t = 0; t < T; ++t) {
      for (int j = 0; j < 10; ++j) add_problem(eng, t, 0, 0, 1, 0.5, 1, 0.5, 0.5);
      for (int j = 0; j < cs.asks; ++j) add_problem(eng, t, 1, 0, 1, 0.5, 1, 0.5, 0.5);
    }
    eng.finish_environment();
    Constants c = default_constants();
    c.deadline = 0;  // what is not decided in its period expires
    c.periods = T;
    c.psi0 = 0;  // no peer coaching
    c.learn_rate = 0;
    c.consult_cost = 0.25;
    c.attention = cs.attention;
    const ModeResult r = eng.run_mode({"d", Route::kWorker, false, true, 0, 0, 0.3}, c);
    const int asked = cs.asks * T;
    EXPECT_EQ(r.help_acts, asked) << cs.asks << " " << cs.attention;
    EXPECT_EQ(r.decided, cs.helper_decided + asked) << cs.asks << " " << cs.attention;
    EXPECT_EQ(r.worker_used, cs.helper_decided + asked + 0.25 * asked);
  }
}

// Workers outside peer modes carry fractions too (K = 2.5: 2, 3, 2, 3 decisions instead of 2
// each period), and so do coaching budgets (χ·C = 2.25 holds 2, 2, 2, 3 sessions). A schedule
// recorded under one reading is never replayed under the other.
TEST(OrgSimulator, FractionalAttentionWorkersAndCoaches) {
  OrgSimulator eng;
  hand_org(eng, 5, 5, 1, 4.5, 2.5, 0.5, 0.1);
  const int T = 4;
  hand_env(eng, T);
  for (int t = 0; t < T; ++t) {
    for (int j = 0; j < 6; ++j) add_problem(eng, t, 0, 0, 1, 0.5, 1, 0.5, 0.5);
  }
  eng.finish_environment();
  Constants c = default_constants();
  c.deadline = 0;
  c.periods = T;
  c.eta_c = 0;
  c.eta_a = 0;
  eng.set_problem_detail(false);  // the bulk path, which records and replays schedules
  const Policy delegated{"delegated", Route::kWorker, false, false, 0, 0, 0.35};
  const Policy coaching{"coaching", Route::kWorker, false, false, 0.5, 0, 0.35};
  for (const int attention : {0, kFractional, 0, kFractional}) {
    c.attention = attention;
    const bool frac = attention == kFractional;
    const ModeResult d = eng.run_mode(delegated, c);
    EXPECT_EQ(d.decided, frac ? 10 : 8);
    const ModeResult k = eng.run_mode(coaching, c);  // replays delegated's schedule
    EXPECT_EQ(k.decided, frac ? 10 : 8);
    EXPECT_EQ(k.coaching_acts, frac ? 9 : 8);
    EXPECT_EQ(k.manager_used, frac ? 9.0 : 8.0);
  }
}

// Where every cost and every budget is a whole number (K, C·(1 − χ − π), χC, πC and the
// costs), nothing fractional is ever left: the two readings agree bit for bit, every mode.
TEST(OrgSimulator, FractionalAttentionEqualsWholeOnWholeNumbers) {
  auto cfg = small_config();
  cfg.params["manager_capacity"] = k(40);
  for (const char* cost : {"consult_cost", "peer_coach_cost", "supervision_cost"}) {
    cfg.params[cost] = k(1);
  }
  auto fcfg = cfg;
  fcfg.params["attention"] = k(kFractional);
  const ScenarioSpec sw = resolve_setup(cfg).scenario(0);
  const ScenarioSpec sf = resolve_setup(fcfg).scenario(0);
  ASSERT_EQ(sf.constants.attention, kFractional);
  OrgSimulator eng;
  for (std::uint64_t org = 0; org < 40; ++org) {
    eng.draw(sw, 11, org);
    for (std::size_t v = 0; v < sw.policies.size(); ++v) {
      const ModeResult a = eng.run_mode(sw.policies[v], sw.constants);
      const ModeResult b = eng.run_mode(sf.policies[v], sf.constants);
      for (std::size_t q = 0; q < a.metrics.size(); ++q) {
        ASSERT_TRUE(same_bits(a.metrics[q], b.metrics[q]))
            << "org " << org << " mode " << sw.policies[v].name << " metric " << q;
      }
    }
  }
  // And where they are not, the readings differ (the check above can fail).
  cfg.params["consult_cost"] = k(0.1);
  fcfg.params["consult_cost"] = k(0.1);
  const ScenarioSpec tw = resolve_setup(cfg).scenario(0);
  const ScenarioSpec tf = resolve_setup(fcfg).scenario(0);
  const Policy dw = policy(tw, "distributed");
  const Policy df = policy(tf, "distributed");
  std::int64_t more = 0;
  for (std::uint64_t org = 0; org < 40; ++org) {
    eng.draw(tw, 11, org);
    const ModeResult a = eng.run_mode(dw, tw.constants);
    const ModeResult b = eng.run_mode(df, tf.constants);
    more += b.decided - a.decided;
  }
  EXPECT_GT(more, 0);
}

// §10.5: with ρ = 1 the consulted tie is the most skilled tie (teammates first on ties).
TEST(OrgSimulator, FullRecognitionConsultsMostSkilledTie) {
  auto cfg = small_config();
  cfg.params["rho0"] = k(1);
  cfg.params["learn_rate"] = k(0);
  cfg.params["eta_c"] = k(0);
  cfg.params["eta_a"] = k(0);
  cfg.params["eta_p"] = k(0);
  cfg.params["turnover"] = k(0);
  cfg.params["turbulence"] = k(0);
  cfg.params["skill_other"] = DistSpec{DistSpec::Kind::kChoice, {0.1, 0.3, 0.5}};  // many ties
  const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
  const Policy pol = policy(sc, "distributed");
  OrgSimulator eng;
  std::int64_t checked = 0;
  for (std::uint64_t org = 0; org < 200; ++org) {
    eng.draw(sc, 5, org);
    eng.run_mode(pol, sc.constants);
    const auto& o = eng.org();
    const auto& e = eng.env();
    const auto D = static_cast<std::size_t>(o.domains);
    for (std::size_t p = 0; p < e.period.size(); ++p) {
      const int j = eng.helper()[p];
      if (j < 0) continue;
      const int i = e.worker[p];
      const std::size_t d = e.domain[p];
      int best = -1;
      double bk = -1;
      for (int t = o.team_begin(i); t < o.team_end(i); ++t) {
        if (t != i && o.skill0[static_cast<std::size_t>(t) * D + d] > bk) {
          bk = o.skill0[static_cast<std::size_t>(t) * D + d];
          best = t;
        }
      }
      for (int q = o.tie_begin[static_cast<std::size_t>(i)];
           q < o.tie_begin[static_cast<std::size_t>(i) + 1]; ++q) {
        const int t = o.ties[static_cast<std::size_t>(q)];
        if (o.skill0[static_cast<std::size_t>(t) * D + d] > bk) {
          bk = o.skill0[static_cast<std::size_t>(t) * D + d];
          best = t;
        }
      }
      ASSERT_EQ(j, best) << "org " << org << " problem " << p;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

// §10.6: exception with fixed skills escalates exactly the problems with k·c_W < θ.
TEST(OrgSimulator, ExceptionEscalatesExactlyBelowTheta) {
  auto cfg = small_config();
  cfg.params["turnover"] = k(0);
  cfg.params["turbulence"] = k(0);
  const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
  const Policy pol = policy(sc, "exception");
  OrgSimulator eng;
  std::int64_t total = 0, below = 0, escalated = 0;
  for (std::uint64_t org = 0; org < 200; ++org) {
    eng.draw(sc, 9, org);
    const ModeResult r = eng.run_mode(pol, sc.constants);
    const auto& o = eng.org();
    const auto& e = eng.env();
    for (std::size_t p = 0; p < e.period.size(); ++p) {
      const double kk =
          o.skill0[static_cast<std::size_t>(e.worker[p]) * static_cast<std::size_t>(o.domains) +
                   e.domain[p]];
      const bool b = kk * e.cw[p] < pol.theta;
      below += b ? 1 : 0;
      ASSERT_EQ(b, (eng.flags()[p] & kEscalated) != 0);
    }
    total += r.arrived;
    escalated += r.escalated;
  }
  EXPECT_EQ(escalated, below);
  EXPECT_GT(below, 0);
  EXPECT_LT(below, total);
}

// org.alignment_manager: a manager's decision is aligned exactly when a_p < α_m, its own
// probability (drawn per manager from its own sub-stream); with α_m = 0.5 for every manager
// the aligned share of n centralized decisions is Binomial(n, 0.5). The default 1 is the
// original "a manager's decision is always aligned".
TEST(OrgSimulator, ManagerAlignmentIsEachManagersOwnProbability) {
  for (const DistSpec& am : {k(0.5), DistSpec{DistSpec::Kind::kBetaMean, {0.5, 4}}}) {
    auto cfg = small_config();
    cfg.params["alignment_manager"] = am;
    const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
    OrgSimulator eng;
    eng.set_problem_detail(true);
    std::int64_t decided = 0, aligned = 0;
    for (std::uint64_t org = 0; org < 100; ++org) {
      eng.draw(sc, 9, org);
      const ModeResult r = eng.run_mode(policy(sc, "centralized"), sc.constants);
      const auto& o = eng.org();
      const auto& e = eng.env();
      std::int64_t flagged = 0;
      for (std::size_t p = 0; p < e.period.size(); ++p) {
        if (eng.status()[p] != kDecided) continue;
        const double alpha = o.align_manager[static_cast<std::size_t>(e.target[p])];
        if (am.is_constant()) {
          ASSERT_EQ(alpha, 0.5);
        }
        const bool want = e.a[p] < alpha;
        ASSERT_EQ(want, (eng.flags()[p] & kAligned) != 0) << "org " << org << " problem " << p;
        flagged += want ? 1 : 0;
      }
      ASSERT_EQ(r.aligned, flagged);
      decided += r.decided;
      aligned += r.aligned;
    }
    if (am.is_constant()) {  // Binomial(n, 0.5): within 5 standard deviations
      const double n = static_cast<double>(decided);
      EXPECT_NEAR(static_cast<double>(aligned), 0.5 * n, 5.0 * std::sqrt(0.25 * n));
    }
  }
  // Common random numbers: the drawn α_m of an organization does not depend on the mode run
  // or on other parameters (here the info reach).
  auto cfg = small_config();
  cfg.params["alignment_manager"] = DistSpec{DistSpec::Kind::kUniform, {0.2, 0.9}};
  OrgSimulator a, b;
  a.draw(resolve_setup(cfg).scenario(0), 9, 4);
  cfg.params["info_reach"] = k(0.9);
  b.draw(resolve_setup(cfg).scenario(0), 9, 4);
  EXPECT_EQ(a.org().align_manager, b.org().align_manager);
  EXPECT_NE(a.org().align_manager.front(), a.org().align_manager.back());
}

// Each [mode] flag turns exactly its mechanism off: without consultation no attempt and no
// help act, while peer coaching goes on; without peer coaching no act, while consultation goes
// on; round-robin serving without either mechanism decides exactly what delegated decides (the
// same problems, in another order: value sums agree to rounding); serving in turn with
// consultation changes who helps whom.
TEST(OrgSimulator, EachPeerFlagTurnsOffExactlyItsMechanism) {
  const ScenarioSpec sc = resolve_setup(small_config()).scenario(0);
  Policy no_consult = policy(sc, "distributed");
  no_consult.consult = false;
  Policy no_coaching = policy(sc, "distributed");
  no_coaching.peer_coaching = false;
  Policy rounds_only = policy(sc, "delegated");
  rounds_only.round_robin = true;
  Policy in_turn = policy(sc, "distributed");
  in_turn.round_robin = false;
  OrgSimulator eng;
  std::int64_t coached = 0, consulted = 0, turn_differs = 0;
  for (std::uint64_t org = 0; org < 60; ++org) {
    eng.draw(sc, 5, org);
    const ModeResult a = eng.run_mode(no_consult, sc.constants);
    EXPECT_EQ(a.consult_attempts, 0);
    EXPECT_EQ(a.help_acts, 0);
    coached += a.peer_coaching_acts;
    const ModeResult b = eng.run_mode(no_coaching, sc.constants);
    EXPECT_EQ(b.peer_coaching_acts, 0);
    consulted += b.help_acts;
    const ModeResult c = eng.run_mode(rounds_only, sc.constants);
    const ModeResult d = eng.run_mode(policy(sc, "delegated"), sc.constants);
    EXPECT_EQ(c.decided, d.decided);
    EXPECT_EQ(c.right, d.right);
    EXPECT_EQ(c.aligned, d.aligned);
    EXPECT_EQ(c.expired, d.expired);
    EXPECT_EQ(c.help_acts + c.peer_coaching_acts, 0);
    for (int m = 0; m < kNumMetrics; ++m) {
      const double x = c.metrics[static_cast<std::size_t>(m)];
      const double y = d.metrics[static_cast<std::size_t>(m)];
      if (std::isnan(y)) {
        EXPECT_TRUE(std::isnan(x)) << "metric " << m;
      } else {
        EXPECT_NEAR(x, y, 1e-12 * (1.0 + std::fabs(y))) << "metric " << m;
      }
    }
    const ModeResult e = eng.run_mode(in_turn, sc.constants);
    const ModeResult f = eng.run_mode(policy(sc, "distributed"), sc.constants);
    turn_differs += e.help_acts != f.help_acts || e.decided != f.decided ? 1 : 0;
  }
  EXPECT_GT(coached, 0);
  EXPECT_GT(consulted, 0);
  EXPECT_GT(turn_differs, 0);
}

// The diagnostics count what they describe: escalated is 1 when managers decide everything,
// 0 when workers do, and the escalated flags' share in exception routing; consulted is the
// attempts per worker decision; consult_failed the attempts whose helper was busy or not more
// skilled (checked against the period-0 skills, which stay fixed here: no learning, coaching,
// peer coaching, turnover or turbulence).
TEST(OrgSimulator, DiagnosticsCountWhatTheyDescribe) {
  auto cfg = small_config();
  for (const char* key : {"turnover", "turbulence"}) cfg.params[key] = k(0);
  for (const char* key : {"learn_rate", "eta_p", "coach_share", "teach_share"}) {
    cfg.params[key] = k(0);
  }
  const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
  OrgSimulator eng;
  eng.set_problem_detail(true);
  const auto at = [](Metric m) { return index_of(m); };
  std::int64_t attempts = 0;
  for (std::uint64_t org = 0; org < 80; ++org) {
    eng.draw(sc, 3, org);
    const auto& o = eng.org();
    const auto& e = eng.env();
    const auto n = static_cast<double>(e.period.size());
    if (e.period.empty()) continue;
    const ModeResult c = eng.run_mode(policy(sc, "centralized"), sc.constants);
    EXPECT_EQ(c.metrics[at(Metric::kEscalated)], 1.0);
    EXPECT_TRUE(std::isnan(c.metrics[at(Metric::kConsulted)]));
    EXPECT_TRUE(std::isnan(c.metrics[at(Metric::kConsultFailed)]));
    const ModeResult d = eng.run_mode(policy(sc, "delegated"), sc.constants);
    EXPECT_EQ(d.metrics[at(Metric::kEscalated)], 0.0);
    if (d.decided > 0) {
      EXPECT_EQ(d.metrics[at(Metric::kConsulted)], 0.0);
    }
    const ModeResult x = eng.run_mode(policy(sc, "exception"), sc.constants);
    std::int64_t flagged = 0;
    for (std::size_t p = 0; p < e.period.size(); ++p) {
      flagged += (eng.flags()[p] & kEscalated) != 0 ? 1 : 0;
    }
    EXPECT_EQ(x.metrics[at(Metric::kEscalated)], static_cast<double>(flagged) / n);
    const ModeResult r = eng.run_mode(policy(sc, "distributed"), sc.constants);
    std::int64_t raised = 0, worker_decisions = 0;
    for (std::size_t p = 0; p < e.period.size(); ++p) {
      if (eng.status()[p] != kDecided) continue;
      ++worker_decisions;  // workers decide everything in distributed
      const int h = eng.helper()[p];
      if (h < 0) continue;
      const auto D = static_cast<std::size_t>(o.domains);
      const double own = o.skill0[static_cast<std::size_t>(e.worker[p]) * D + e.domain[p]];
      const double help = o.skill0[static_cast<std::size_t>(h) * D + e.domain[p]];
      raised += help > own ? 1 : 0;
    }
    attempts += r.consult_attempts;
    if (worker_decisions > 0) {
      EXPECT_EQ(r.metrics[at(Metric::kConsulted)],
                static_cast<double>(r.consult_attempts) / static_cast<double>(worker_decisions));
    }
    if (r.consult_attempts > 0) {
      EXPECT_EQ(r.metrics[at(Metric::kConsultFailed)],
                static_cast<double>(r.consult_attempts - raised) /
                    static_cast<double>(r.consult_attempts));
    } else {
      EXPECT_TRUE(std::isnan(r.metrics[at(Metric::kConsultFailed)]));
    }
  }
  EXPECT_GT(attempts, 0);
}

// §10.7: ι = 1, δ = 0, equal skills: delegated and centralized have equal accuracy; with
// ample attention they decide the same problems with the same k·c, so exactly equal.
TEST(OrgSimulator, FullReachNoLossEqualSkillsEqualAccuracy) {
  auto cfg = small_config();
  cfg.params["info_reach"] = k(1);
  cfg.params["control_loss"] = k(0);
  cfg.params["skill_home"] = k(0.6);
  cfg.params["skill_other"] = k(0.6);
  cfg.params["skill_manager"] = k(0.6);
  cfg.params["turbulence"] = k(0);
  cfg.params["manager_capacity"] = k(1e6);
  cfg.params["worker_capacity"] = k(1e6);
  const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
  OrgSimulator eng;
  for (std::uint64_t org = 0; org < 100; ++org) {
    eng.draw(sc, 3, org);
    const ModeResult c = eng.run_mode(policy(sc, "centralized"), sc.constants);
    const ModeResult d = eng.run_mode(policy(sc, "delegated"), sc.constants);
    ASSERT_EQ(c.right, d.right);
    ASSERT_TRUE(same_bits(c.metrics[1], d.metrics[1]));
  }
  // With default attention the decided sets differ; expected accuracies still agree.
  cfg.params["manager_capacity"] = DistSpec{DistSpec::Kind::kUniform, {8, 40}};
  cfg.params["worker_capacity"] = k(4);
  const ScenarioSpec sd = resolve_setup(cfg).scenario(0);
  double rc = 0, nc = 0, rd = 0, nd = 0;
  for (std::uint64_t org = 0; org < 300; ++org) {
    eng.draw(sd, 3, org);
    const ModeResult c = eng.run_mode(policy(sd, "centralized"), sd.constants);
    const ModeResult d = eng.run_mode(policy(sd, "delegated"), sd.constants);
    rc += static_cast<double>(c.right);
    nc += static_cast<double>(c.decided);
    rd += static_cast<double>(d.right);
    nd += static_cast<double>(d.decided);
  }
  const double p = 0.8;  // ½ + ½ · 0.6 · 1
  EXPECT_LT(std::fabs(rc / nc - p), 5 * std::sqrt(p * (1 - p) / nc));
  EXPECT_LT(std::fabs(rd / nd - p), 5 * std::sqrt(p * (1 - p) / nd));
}

// §10.9: changing one parameter's value or distribution leaves every other drawn parameter
// of every organization bit-identical (org-level values and every agent's traits).
TEST(OrgSimulator, ChangingOneParameterLeavesOthersIdentical) {
  const auto base_cfg = small_config();
  const ScenarioSpec base = resolve_setup(base_cfg).scenario(0);
  struct Change {
    const char* name;
    DistSpec spec;
  };
  const std::vector<Change> changes = {
      {"info_reach", k(0.5)},
      {"decision_rate", DistSpec{DistSpec::Kind::kUniform, {1, 2}}},
      {"manager_capacity", DistSpec{DistSpec::Kind::kLogUniform, {5, 50}}},
      {"skill_home", DistSpec{DistSpec::Kind::kBetaMean, {0.8, 4}}},
      {"skill_other", k(0.2)},
      {"alignment_worker", DistSpec{DistSpec::Kind::kUniform, {0, 1}}},
      {"skill_manager", DistSpec{DistSpec::Kind::kBetaMean, {0.3, 20}}},
  };
  OrgSimulator a;
  OrgSimulator b;
  for (const auto& ch : changes) {
    auto cfg = base_cfg;
    cfg.params[ch.name] = ch.spec;
    const ScenarioSpec alt = resolve_setup(cfg).scenario(0);
    const std::string n = ch.name;
    for (std::uint64_t org = 0; org < 100; ++org) {
      a.draw(base, 1, org);
      b.draw(alt, 1, org);
      const auto& oa = a.org();
      const auto& ob = b.org();
      for (const auto& e : param_table()) {
        if (e.category != ParamCategory::kOrg || e.def.name == n) continue;
        ASSERT_TRUE(same_bits(oa.p[static_cast<std::size_t>(e.index)],
                              ob.p[static_cast<std::size_t>(e.index)]))
            << n << " changed " << e.def.name;
      }
      ASSERT_EQ(oa.home, ob.home);
      const auto D = static_cast<std::size_t>(oa.domains);
      for (std::size_t i = 0; i < oa.home.size(); ++i) {
        for (std::size_t d = 0; d < D; ++d) {
          const bool home = static_cast<int>(d) == oa.home[i];
          const bool changed = (home && n == "skill_home") || (!home && n == "skill_other");
          if (!changed) {
            ASSERT_TRUE(same_bits(oa.skill0[i * D + d], ob.skill0[i * D + d])) << n;
          }
        }
        if (n != "alignment_worker") {
          ASSERT_TRUE(same_bits(oa.align0[i], ob.align0[i])) << n;
        }
      }
      if (n != "skill_manager") {
        for (std::size_t m = 0; m < oa.g0.size(); ++m) ASSERT_TRUE(same_bits(oa.g0[m], ob.g0[m]));
      }
      ASSERT_EQ(oa.ties, ob.ties);
    }
  }
}

// A 64-bit hash of an organization's environment (problem stream and events).
std::uint64_t env_hash(const Environment& e) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ull;
  };
  mix(e.worker.data(), e.worker.size() * sizeof(int));
  mix(e.domain.data(), e.domain.size());
  mix(e.scope.data(), e.scope.size());
  mix(e.u.data(), e.u.size() * sizeof(double));
  mix(e.v.data(), e.v.size() * sizeof(double));
  mix(e.a.data(), e.a.size() * sizeof(double));
  mix(e.w.data(), e.w.size() * sizeof(double));
  mix(e.turn_worker.data(), e.turn_worker.size() * sizeof(int));
  mix(e.repl_skill.data(), e.repl_skill.size() * sizeof(double));
  mix(e.turb_domain.data(), e.turb_domain.size() * sizeof(int));
  mix(e.absent.data(), e.absent.size());
  return h;
}

// Invariants on 1000 random default organizations (smaller, shorter) with a shock.
TEST(OrgSimulator, InvariantsOnRandomOrganizations) {
  auto cfg = small_config();
  cfg.params["shock_at"] = k(10);
  const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
  OrgSimulator eng;
  const auto& defs = metric_defs();
  for (std::uint64_t org = 0; org < 1000; ++org) {
    eng.draw(sc, 1, org);
    const std::uint64_t h0 = env_hash(eng.env());
    for (const auto& pol : sc.policies) {
      const ModeResult r = eng.run_mode(pol, sc.constants);
      ASSERT_EQ(env_hash(eng.env()), h0) << "mode " << pol.name << " altered the environment";
      ASSERT_EQ(r.decided + r.expired + r.waiting, r.arrived);
      std::int64_t decided = 0;
      for (auto s : eng.status()) decided += s == kDecided ? 1 : 0;
      ASSERT_EQ(decided, r.decided);
      for (std::size_t m = 0; m < defs.size(); ++m) {
        const double x = r.metrics[m];
        if (std::isnan(x)) {
          const auto is = [m](Metric id) { return m == index_of(id); };
          const bool may_be_nan =
              (m >= 1 && m <= 3 && r.decided == 0) || is(Metric::kResilience) ||
              ((m == 0 || m == 4 || m == 11 || is(Metric::kEscalated)) && r.arrived == 0) ||
              (is(Metric::kConsulted) && r.decided == r.manager_decided) ||
              (is(Metric::kConsultFailed) && r.consult_attempts == 0);
          ASSERT_TRUE(may_be_nan) << defs[m].name << " NaN, org " << org << " " << pol.name;
          continue;
        }
        if (m == 3) {
          ASSERT_GE(x, 0.0);
          ASSERT_LE(x, sc.constants.deadline);
        } else if (m == 8) {
          ASSERT_GE(x, -1.0);
          ASSERT_LE(x, 1.0);
        } else if (m == 12) {
          ASSERT_GE(x, 0.0);
        } else {
          ASSERT_GE(x, 0.0) << defs[m].name;
          ASSERT_LE(x, 1.0 + 1e-12) << defs[m].name << " org " << org << " " << pol.name;
        }
      }
      if (pol.name == "centralized") {
        ASSERT_EQ(r.help_acts + r.coaching_acts + r.peer_coaching_acts + r.teaching_acts +
                      r.consult_attempts,
                  0);
        ASSERT_EQ(r.worker_used, 0.0);
      }
      if (pol.name == "delegated") {
        ASSERT_EQ(r.metrics[5], 0.0);
      }
      if (pol.name != "distributed") {
        ASSERT_EQ(r.metrics[10], 0.0);
      }
      if (pol.name != "exception") {
        ASSERT_EQ(r.escalated, 0);
      }
    }
  }
}

// Determinism: an organization simulated twice, or after others, is bit-identical.
TEST(OrgSimulator, DeterministicAcrossOrderAndRepeats) {
  const ScenarioSpec sc = resolve_setup(small_config()).scenario(0);
  OrgSimulator e1;
  OrgSimulator e2;
  std::vector<std::vector<double>> first;
  for (std::uint64_t org = 0; org < 30; ++org) {
    e1.draw(sc, 4, org);
    std::vector<double> m;
    for (const auto& pol : sc.policies) {
      const auto r = e1.run_mode(pol, sc.constants);
      m.insert(m.end(), r.metrics.begin(), r.metrics.end());
    }
    first.push_back(m);
  }
  for (std::uint64_t org = 30; org-- > 0;) {
    e2.draw(sc, 4, org);
    std::vector<double> m;
    // Modes in reverse order: a mode's results do not depend on which ran before.
    for (std::size_t v = sc.policies.size(); v-- > 0;) {
      const auto r = e2.run_mode(sc.policies[v], sc.constants);
      m.insert(m.begin(), r.metrics.begin(), r.metrics.end());
    }
    ASSERT_EQ(m.size(), first[org].size());
    for (std::size_t q = 0; q < m.size(); ++q)
      ASSERT_TRUE(same_bits(m[q], first[org][q])) << org << " " << q;
  }
}

// Exact monotonicity, organization by organization: raising info_reach never lowers
// delegated accuracy (same decided set, right set a superset).
TEST(OrgSimulator, InfoReachNeverLowersDelegatedAccuracy) {
  auto cfg = small_config();
  cfg.sweep.push_back({"info_reach", "list(0.2,0.7)", {0.2, 0.7}});
  const ModelSetup su = resolve_setup(cfg);
  OrgSimulator eng;
  int strict = 0;
  for (std::uint64_t org = 0; org < 1000; ++org) {
    eng.draw(su.scenario(0), 1, org);
    const ModeResult lo =
        eng.run_mode(policy(su.scenario(0), "delegated"), su.scenario(0).constants);
    const auto flo = eng.flags();
    eng.draw(su.scenario(1), 1, org);
    const ModeResult hi =
        eng.run_mode(policy(su.scenario(1), "delegated"), su.scenario(1).constants);
    ASSERT_EQ(lo.decided, hi.decided);
    for (std::size_t p = 0; p < flo.size(); ++p) {
      if ((flo[p] & kRight) != 0) {
        ASSERT_NE(eng.flags()[p] & kRight, 0);
      }
    }
    if (lo.decided > 0) {
      ASSERT_GE(hi.metrics[1], lo.metrics[1]) << org;
      strict += hi.metrics[1] > lo.metrics[1] ? 1 : 0;
    }
  }
  EXPECT_GT(strict, 100);
}

// Raising manager_capacity: under centralized every problem is decided no later (FIFO
// departures, decisions and expiries alike, are prefixes of the arrival order), so the
// decided set grows and no problem decided before waits longer. Exact, org by org.
TEST(OrgSimulator, ManagerCapacityNeverDelaysCentralizedDecisions) {
  auto cfg = small_config();
  cfg.params["decision_rate"] = DistSpec{DistSpec::Kind::kLogUniform, {1, 8}};  // queues form
  cfg.sweep.push_back({"manager_capacity", "list(6,12)", {6, 12}});
  const ModelSetup su = resolve_setup(cfg);
  OrgSimulator eng;
  int strict = 0;
  for (std::uint64_t org = 0; org < 1000; ++org) {
    eng.draw(su.scenario(0), 1, org);
    const ModeResult lo =
        eng.run_mode(policy(su.scenario(0), "centralized"), su.scenario(0).constants);
    const auto slo = eng.status();
    const auto wlo = eng.wait();
    eng.draw(su.scenario(1), 1, org);
    const ModeResult hi =
        eng.run_mode(policy(su.scenario(1), "centralized"), su.scenario(1).constants);
    ASSERT_GE(hi.decided, lo.decided);
    for (std::size_t p = 0; p < slo.size(); ++p) {
      if (slo[p] == kDecided) {
        ASSERT_EQ(eng.status()[p], kDecided) << org;
        ASSERT_LE(eng.wait()[p], wlo[p]) << org;
      }
    }
    if (lo.decided > 0 && hi.metrics[3] < lo.metrics[3]) ++strict;
  }
  EXPECT_GT(strict, 100);
}

// Mean latency is NOT monotone in manager_capacity: more capacity also decides problems
// that used to expire, and they wait long (a composition effect across queues). Manager 0
// gets 1 problem per period (wait 0 at any C >= 1); manager 1 gets 3 per period with
// deadline 1: at C = 1 it decides 1 per period, at C = 2 twice as many, nearly all after a
// wait of 1, so the mean over all decisions rises although no problem waits longer.
TEST(OrgSimulator, MeanLatencyCanRiseWithManagerCapacity) {
  double mean[2];
  for (int c2 = 0; c2 < 2; ++c2) {
    OrgSimulator eng;
    hand_org(eng, 4, 2, 1, 1.0 + c2, 1, 0.5, 0.1);
    const int T = 10;
    hand_env(eng, T);
    for (int t = 0; t < T; ++t) {
      add_problem(eng, t, 0, 0, 1, 0.5, 1, 0.5, 0.5);
      for (int j = 0; j < 3; ++j) add_problem(eng, t, 2, 0, 1, 0.5, 1, 0.5, 0.5);
    }
    eng.finish_environment();
    Constants c = default_constants();
    c.periods = T;
    c.deadline = 1;
    mean[c2] = eng.run_mode({"m", Route::kManager, false, false, 0, 0, 0.35}, c).metrics[3];
  }
  EXPECT_GT(mean[1], mean[0]);
}

// Coaching with η_c = η_a = 0 equals delegated bit for bit on every metric but manager_util.
TEST(OrgSimulator, CoachingWithoutLearningEqualsDelegated) {
  auto cfg = small_config();
  cfg.params["eta_c"] = k(0);
  cfg.params["eta_a"] = k(0);
  const ScenarioSpec sc = resolve_setup(cfg).scenario(0);
  OrgSimulator eng;
  for (std::uint64_t org = 0; org < 1000; ++org) {
    eng.draw(sc, 1, org);
    const ModeResult d = eng.run_mode(policy(sc, "delegated"), sc.constants);
    const ModeResult c = eng.run_mode(policy(sc, "coaching"), sc.constants);
    for (int m = 0; m < kNumMetrics; ++m) {
      if (m == 5) continue;
      ASSERT_TRUE(
          same_bits(d.metrics[static_cast<std::size_t>(m)], c.metrics[static_cast<std::size_t>(m)]))
          << org << " metric " << m;
    }
  }
}

}  // namespace
}  // namespace leadsim::leadership
