// Regression pin of the leadership simulation core: every count, metric and per-problem
// outcome of six configurations that drive its separate paths (saturation and expiry,
// decision lists copied exactly or with a fixed count, capacity below one decision, shocks,
// tiny organizations with wide spans, peer modes on the exception and manager routes).
// The expected hashes live in tests/leadership/regression.ref. They were produced by the
// implementation at commit 0bdb6f3, before the single-core speedups of docs/PERFORMANCE.md;
// those were required to leave them unchanged. A deliberate change to the model or its draws
// updates them (`leadsim_leadership_regression_test --update`) in a commit that says so.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "leadsim/models/leadership/factory.h"
#include "leadsim/models/leadership/sim.h"
#include "support/regression_refs.h"

namespace leadsim::leadership {
namespace {

using config::DistSpec;

struct Hash {
  std::uint64_t h = 1469598103934665603ULL;
  void add(std::uint64_t x) {
    for (int b = 0; b < 8; ++b) {
      h ^= (x >> (8 * b)) & 0xffu;
      h *= 1099511628211ULL;
    }
  }
  void add(double x) { add(std::bit_cast<std::uint64_t>(x)); }
};

// Case c of the regression set: a scenario that drives one kind of path.
inline ScenarioSpec make_case(int c) {
  ScenarioSpec sc = resolve_setup(default_config()).scenario(0);
  auto k = [](double v) { return DistSpec::constant(v); };
  switch (c) {
    case 0:  // default distributions
      break;
    case 1:  // saturated workers and managers: backlogs, expiry, fractional capacity
      sc.org[kDecisionRate] = k(4);
      sc.org[kWorkerCapacity] = k(2.5);
      sc.org[kManagerCapacity] = k(6.5);
      break;
    case 2:  // capacity beyond any queue (decision lists copied exactly), tiny rates
      sc.org[kWorkerCapacity] = k(100);
      sc.org[kDecisionRate] = k(0.3);
      break;
    case 3:  // worker capacity below one decision; shock; short deadline
      sc.org[kWorkerCapacity] = k(0.75);
      sc.constants.shock_at = 20;
      sc.constants.deadline = 2;
      break;
    case 4:  // small organizations with wide spans, one domain, many ties, turbulence
      sc.org[kWorkers] = DistSpec{DistSpec::Kind::kIntUniform, {1, 12}};
      sc.org[kSpan] = k(7);
      sc.org[kDomains] = k(1);
      sc.org[kCrossTies] = k(5);
      sc.org[kTurbulence] = k(0.3);
      sc.org[kTurnover] = k(0.1);
      break;
    default:  // custom policies: peer modes on the exception and manager routes
      sc.org[kDecisionRate] = k(3);
      sc.policies.push_back({"peer_exception", Route::kException, false, true, 0.2, 0.2, 0.35});
      sc.policies.push_back({"peer_manager", Route::kManager, true, true, 0.3, 0.1, 0.35});
      break;
  }
  return sc;
}

inline constexpr int kCases = 6;

// Hash of every count and metric of every mode of organizations 0..orgs-1, and with detail
// on, of every problem's status, flags, wait, helper and k·c.
inline std::uint64_t case_hash(int c, int orgs, bool detail) {
  const ScenarioSpec sc = make_case(c);
  OrgSimulator eng;
  eng.set_problem_detail(detail);
  Hash h;
  for (int org = 0; org < orgs; ++org) {
    eng.draw(sc, 11, static_cast<std::uint64_t>(org));
    for (const auto& pol : sc.policies) {
      const ModeResult r = eng.run_mode(pol, sc.constants);
      for (double m : r.metrics) h.add(m);
      for (std::int64_t v : {r.arrived, r.decided, r.expired, r.waiting, r.right, r.aligned,
                             r.escalated, r.consult_attempts, r.help_acts, r.coaching_acts,
                             r.teaching_acts, r.peer_coaching_acts}) {
        h.add(static_cast<std::uint64_t>(v));
      }
      h.add(r.manager_used);
      h.add(r.manager_available);
      h.add(r.worker_used);
      h.add(static_cast<std::uint64_t>(r.rng_blocks));
      if (detail) {
        for (std::size_t p = 0; p < eng.status().size(); ++p) {
          h.add(static_cast<std::uint64_t>(eng.status()[p]) |
                (static_cast<std::uint64_t>(eng.flags()[p]) << 8));
          h.add(static_cast<std::uint64_t>(static_cast<std::int64_t>(eng.wait()[p])));
          h.add(static_cast<std::uint64_t>(static_cast<std::int64_t>(eng.helper()[p])));
          h.add(eng.kc()[p]);
        }
      }
    }
  }
  return h.h;
}

TEST(OrgSimulatorRegression, CountsMetricsAndOutcomesArePinned) {
  std::map<std::string, std::string> actual;
  for (int c = 0; c < kCases; ++c) {
    actual["case" + std::to_string(c)] = testing_support::hex64(case_hash(c, 12, false)) + " " +
                                         testing_support::hex64(case_hash(c, 4, true));
  }
  testing_support::check_refs(
      std::string(LEADSIM_SOURCE_DIR) + "/tests/leadership/regression.ref",
      "Leadership regression references (tests/leadership/regression_test.cpp): per case,\n"
      "case_hash(c, 12 organizations, bulk) and case_hash(c, 4 organizations, per-problem "
      "detail).",
      actual);
}

// The bulk path lets a non-peer worker-route mode replay the decision schedule recorded by
// an earlier one on the same environment (same K, deadline, T). A mode must give the same
// result whether it records its own schedule or replays one, and a changed K or a new
// environment must not replay a stale one.
std::uint64_t result_hash(const ModeResult& r) {
  Hash h;
  for (double m : r.metrics) h.add(m);
  for (std::int64_t v :
       {r.arrived, r.decided, r.expired, r.waiting, r.right, r.aligned, r.coaching_acts}) {
    h.add(static_cast<std::uint64_t>(v));
  }
  h.add(r.manager_used);
  h.add(r.worker_used);
  return h.h;
}

TEST(OrgSimulatorRegression, ReplayedScheduleEqualsOwnSchedule) {
  for (int c : {0, 1, 3}) {
    const ScenarioSpec sc = make_case(c);
    const Policy& delegated = sc.policies.at(2);
    const Policy& coaching = sc.policies.at(3);
    ASSERT_EQ(coaching.name, "coaching");
    for (std::uint64_t org = 0; org < 6; ++org) {
      SCOPED_TRACE(testing::Message() << "case " << c << " org " << org);
      OrgSimulator fresh;
      fresh.set_problem_detail(false);
      fresh.draw(sc, 5, org);
      const std::uint64_t own = result_hash(fresh.run_mode(coaching, sc.constants));

      OrgSimulator shared;
      shared.set_problem_detail(false);
      shared.draw(sc, 5, org + 100);  // a different environment first: its schedule is stale
      (void)shared.run_mode(delegated, sc.constants);
      shared.draw(sc, 5, org);
      (void)shared.run_mode(delegated, sc.constants);
      EXPECT_EQ(result_hash(shared.run_mode(coaching, sc.constants)), own);

      // A different K on the same environment: its own schedule, not the recorded one.
      OrgSimulator changed;
      changed.set_problem_detail(false);
      changed.draw(sc, 5, org);
      (void)changed.run_mode(delegated, sc.constants);
      changed.org().p[kWorkerCapacity] = 1.5;
      const std::uint64_t after = result_hash(changed.run_mode(coaching, sc.constants));
      OrgSimulator alone;
      alone.set_problem_detail(false);
      alone.draw(sc, 5, org);
      alone.org().p[kWorkerCapacity] = 1.5;
      EXPECT_EQ(after, result_hash(alone.run_mode(coaching, sc.constants)));
    }
  }
}

}  // namespace
}  // namespace leadsim::leadership
