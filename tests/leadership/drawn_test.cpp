// [model] constants drawn per organization (docs/MODEL.md §6.5): their own streams, the record,
// the policy-bound ones, common random numbers across scenarios, and the errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/models/leadership/factory.h"
#include "leadsim/models/leadership/sim.h"

namespace leadsim::leadership {
namespace {

using config::DistSpec;
using port::OrgOutcome;

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

DistSpec uniform(double a, double b) {
  return DistSpec{DistSpec::Kind::kUniform, {a, b}};
}
DistSpec int_uniform(double a, double b) {
  return DistSpec{DistSpec::Kind::kIntUniform, {a, b}};
}

// Small organizations (a few ms per organization with every mode) and a shock, so that
// shock_at and shock_length matter.
config::ResolvedConfig small_config() {
  auto cfg = default_config();
  cfg.params["workers"] = int_uniform(3, 40);
  cfg.params["decision_rate"] = uniform(0.5, 3);
  cfg.params["periods"] = DistSpec::constant(20);
  cfg.params["shock_at"] = DistSpec::constant(6);
  return cfg;
}

// Every drawable kind of constant drawn: integer ones that size the environment and the
// schedule (periods, deadline, shock_at, shock_length), the value and discount factors, the
// local-weight concentration, the initial traits, the costs and the three policy-bound ones.
std::map<std::string, DistSpec> drawn_constants() {
  return {
      {"periods", int_uniform(5, 30)},
      {"deadline", int_uniform(0, 9)},
      {"shock_at", int_uniform(-1, 25)},
      {"shock_length", int_uniform(0, 8)},
      {"shock_share", uniform(0.2, 0.8)},
      {"misalign_penalty", uniform(0.2, 0.6)},
      {"delay_discount", uniform(0.0, 0.3)},
      {"problem_concentration", DistSpec{DistSpec::Kind::kLogUniform, {0.5, 50}}},
      {"psi0", DistSpec{DistSpec::Kind::kBetaMean, {0.2, 5}}},
      {"rho0", uniform(0, 1)},
      {"coach_cost", uniform(0.5, 2)},
      {"supervision_cost", DistSpec{DistSpec::Kind::kNormal, {0.3, 0.2}}},
      {"learn_rate", uniform(0, 0.1)},
      {"team_preference", DistSpec{DistSpec::Kind::kChoice, {0, 1, 3}}},
      {"theta", uniform(0.1, 0.6)},
      {"coach_share", uniform(0.2, 0.5)},
      {"teach_share", uniform(0.0, 0.4)},
  };
}

const port::FieldDef* field(const port::Model& m, const std::string& name, std::size_t* at) {
  for (std::size_t q = 0; q < m.record_fields().size(); ++q) {
    if (m.record_fields()[q].name == name) {
      *at = q;
      return &m.record_fields()[q];
    }
  }
  return nullptr;
}

double record(const port::Model& m, const OrgOutcome& o, const std::string& name) {
  std::size_t at = 0;
  if (field(m, name, &at) == nullptr) {
    ADD_FAILURE() << "no record field " << name;
    return std::nan("");
  }
  return o.params[at];
}

// The core property: an organization simulated with drawn constants is, bit for bit, the
// organization of a run where every constant is fixed at the value drawn for it. Organizations
// of varying periods, deadline and shock run one after another in one simulator, against a
// fresh model per organization: nothing cached per scenario or per organization goes stale.
// A mode that sets its own theta ([mode.exception] theta = 0.5) keeps it.
TEST(DrawnConstants, EachOrganizationIsTheFixedRunOfItsDrawnValues) {
  auto cfg = small_config();
  const auto drawn = drawn_constants();
  for (const auto& [name, spec] : drawn) cfg.params[name] = spec;
  cfg.extra = {config::Entry{"mode.exception", "theta", "0.5", "test:1"}};
  const auto model = factory().create(cfg);
  const ModelSetup setup = resolve_setup(cfg);
  ASSERT_EQ(setup.drawn_pos.size(), drawn.size());
  // The record: the 19 fields of a fixed run, then one per drawn constant in registry order.
  const auto base_fields = factory().create(small_config())->record_fields();
  ASSERT_EQ(base_fields.size(), 19u);
  ASSERT_EQ(model->record_fields().size(), 19u + drawn.size());
  for (std::size_t q = 0; q < setup.drawn_pos.size(); ++q) {
    const auto& def = param_table()[setup.drawn_pos[q]].def;
    EXPECT_EQ(model->record_fields()[19 + q].name, def.name);
    EXPECT_EQ(model->record_fields()[19 + q].unit, def.unit);
    if (q > 0) {
      EXPECT_LT(setup.drawn_pos[q - 1], setup.drawn_pos[q]);  // registry order
    }
  }
  const ScenarioSpec sc = setup.scenario(0);
  auto sim = model->make_simulator();
  std::map<int, int> periods_seen;
  int shocks = 0;
  for (std::uint64_t org = 0; org < 40; ++org) {
    OrgOutcome a;
    sim->simulate(0, org, a);
    // The same draw through the model API: the policies it gives each mode.
    Constants c = sc.constants;
    std::vector<Policy> pols = sc.policies;
    std::vector<double> values;
    const std::uint64_t constant_blocks = draw_constants(sc, setup.seed, org, c, pols, values);
    ASSERT_EQ(values.size(), drawn.size());
    auto fixed = small_config();
    fixed.extra = cfg.extra;
    for (std::size_t q = 0; q < values.size(); ++q) {
      const auto& name = param_table()[setup.drawn_pos[q]].def.name;
      ASSERT_TRUE(same_bits(values[q], a.params[19 + q])) << name;
      fixed.params[name] = DistSpec::constant(values[q]);
    }
    for (const auto& p : pols) {
      const double theta = record(*model, a, "theta");
      EXPECT_TRUE(same_bits(p.theta, p.name == "exception" ? 0.5 : theta)) << p.name;
    }
    EXPECT_TRUE(same_bits(pols.back().coach_share, record(*model, a, "coach_share")));
    EXPECT_TRUE(same_bits(pols.back().teach_share, record(*model, a, "teach_share")));
    EXPECT_EQ(pols[0].coach_share, 0.0);  // centralized fixes its shares at 0
    ++periods_seen[c.periods];
    if (c.shock_at >= 0 && c.shock_at < c.periods && c.shock_length > 0) ++shocks;

    OrgOutcome b;
    factory().create(fixed)->make_simulator()->simulate(0, org, b);
    ASSERT_EQ(b.params.size(), 19u);
    for (std::size_t q = 0; q < 19; ++q) {
      ASSERT_TRUE(same_bits(a.params[q], b.params[q]))
          << "org " << org << " " << base_fields[q].name;
    }
    ASSERT_EQ(a.metrics.size(), b.metrics.size());
    for (std::size_t q = 0; q < a.metrics.size(); ++q) {
      ASSERT_TRUE(same_bits(a.metrics[q], b.metrics[q]) ||
                  (std::isnan(a.metrics[q]) && std::isnan(b.metrics[q])))
          << "org " << org << " metric slot " << q;
    }
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.rng_blocks, b.rng_blocks + constant_blocks);
  }
  EXPECT_GE(periods_seen.size(), 10u) << "periods varied across organizations";
  EXPECT_GT(shocks, 5);
}

// Drawing a constant touches no other stream: the [org] values, agents, ties and environment
// of every organization are bit-identical to a run where the constant is fixed (here
// misalign_penalty, which enters only the value of a decision, and delay_discount).
TEST(DrawnConstants, OrgParametersAgentsAndEnvironmentAreThoseOfTheFixedRun) {
  auto fixed_cfg = small_config();
  auto drawn_cfg = fixed_cfg;
  drawn_cfg.params["misalign_penalty"] = uniform(0.2, 0.6);
  drawn_cfg.params["delay_discount"] = DistSpec{DistSpec::Kind::kBetaMean, {0.1, 20}};
  const ScenarioSpec fixed = resolve_setup(fixed_cfg).scenario(0);
  const ScenarioSpec drawn = resolve_setup(drawn_cfg).scenario(0);
  ASSERT_EQ(drawn.drawn.size(), 2u);
  ASSERT_TRUE(fixed.drawn.empty());
  OrgSimulator a, b;
  for (std::uint64_t org = 0; org < 100; ++org) {
    Constants c = drawn.constants;
    std::vector<Policy> pols = drawn.policies;
    std::vector<double> values;
    draw_constants(drawn, 1, org, c, pols, values);
    const std::uint64_t blocks_a = a.draw(drawn, c, 1, org);
    const std::uint64_t blocks_b = b.draw(fixed, 1, org);
    EXPECT_EQ(blocks_a, blocks_b);
    const auto& oa = a.org();
    const auto& ob = b.org();
    for (std::size_t k = 0; k < oa.p.size(); ++k) ASSERT_TRUE(same_bits(oa.p[k], ob.p[k]));
    ASSERT_EQ(oa.home, ob.home);
    ASSERT_EQ(oa.skill0, ob.skill0);
    ASSERT_EQ(oa.align0, ob.align0);
    ASSERT_EQ(oa.g0, ob.g0);
    ASSERT_EQ(oa.ties, ob.ties);
    const auto& ea = a.env();
    const auto& eb = b.env();
    ASSERT_EQ(ea.period.size(), eb.period.size());
    for (std::size_t p = 0; p < ea.period.size(); ++p) {
      ASSERT_TRUE(ea.worker[p] == eb.worker[p] && ea.domain[p] == eb.domain[p] &&
                  ea.scope[p] == eb.scope[p] && same_bits(ea.w[p], eb.w[p]) &&
                  same_bits(ea.v[p], eb.v[p]) && same_bits(ea.u[p], eb.u[p]) &&
                  same_bits(ea.a[p], eb.a[p]))
          << "org " << org << " problem " << p;
    }
    ASSERT_EQ(ea.turn_worker, eb.turn_worker);
    ASSERT_EQ(ea.repl_skill, eb.repl_skill);
    ASSERT_EQ(ea.turb_domain, eb.turb_domain);
    ASSERT_EQ(ea.absent, eb.absent);
  }
}

// Common random numbers: organization k draws the same constant in every scenario whose
// distribution for it is the same (a sweep over another parameter, a constant swept or not),
// and in a run that draws further constants; another seed draws anew.
TEST(DrawnConstants, SameOrganizationSameDrawAcrossScenarios) {
  auto cfg = small_config();
  cfg.params["misalign_penalty"] = uniform(0.2, 0.6);
  cfg.params["periods"] = int_uniform(5, 15);
  cfg.sweep.push_back({"info_reach", "list(0.2,0.8)", {0.2, 0.8}});
  cfg.sweep.push_back({"psi0", "list(0.05,0.5)", {0.05, 0.5}});
  auto more = cfg;  // a further drawn constant, before misalign_penalty in registry order
  more.params["rho0"] = uniform(0, 1);
  auto other_seed = cfg;
  other_seed.seed = 2;
  const auto m = factory().create(cfg);
  const auto m_more = factory().create(more);
  const auto m_seed = factory().create(other_seed);
  ASSERT_EQ(m->record_fields().size(), 21u);  // psi0 is swept: not drawn, not recorded
  auto sim = m->make_simulator();
  auto sim_more = m_more->make_simulator();
  auto sim_seed = m_seed->make_simulator();
  int differ = 0;
  for (std::uint64_t org = 0; org < 50; ++org) {
    OrgOutcome first, other, with_more, seeded;
    sim->simulate(0, org, first);
    for (std::uint64_t s = 1; s < 4; ++s) {
      sim->simulate(s, org, other);
      for (const char* name : {"misalign_penalty", "periods"}) {
        ASSERT_TRUE(same_bits(record(*m, first, name), record(*m, other, name)))
            << name << " org " << org << " scenario " << s;
      }
    }
    sim_more->simulate(3, org, with_more);
    EXPECT_TRUE(same_bits(record(*m, first, "misalign_penalty"),
                          record(*m_more, with_more, "misalign_penalty")));
    sim_seed->simulate(0, org, seeded);
    differ += !same_bits(record(*m, first, "misalign_penalty"),
                         record(*m_seed, seeded, "misalign_penalty"));
  }
  EXPECT_EQ(differ, 50);
}

// A degenerate distribution draws its one value: each mode without its own theta runs as with
// theta fixed at that value, and [mode.X] theta keeps the mode's own, exactly.
TEST(DrawnConstants, PolicyBoundConstantReachesOnlyModesWithoutTheirOwn) {
  auto drawn_cfg = small_config();
  drawn_cfg.params["theta"] = DistSpec{DistSpec::Kind::kChoice, {0.2}};
  drawn_cfg.params["coach_share"] = DistSpec{DistSpec::Kind::kUniform, {0.3, 0.3}};
  drawn_cfg.extra = {config::Entry{"mode.distributed", "theta", "0.5", "test:1"}};
  auto fixed_cfg = small_config();
  fixed_cfg.params["theta"] = DistSpec::constant(0.2);
  fixed_cfg.params["coach_share"] = DistSpec::constant(0.3);
  fixed_cfg.extra = drawn_cfg.extra;
  auto other_cfg = fixed_cfg;  // distributed at theta 0.2: differs
  other_cfg.extra.clear();
  const ScenarioSpec sc = resolve_setup(drawn_cfg).scenario(0);
  ASSERT_EQ(sc.drawn.size(), 2u);
  EXPECT_EQ(sc.drawn[0].entry->def.name, "theta");
  // Every built-in but distributed takes the [model] theta; coaching and distributed the share.
  EXPECT_EQ(sc.drawn[0].policies, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(sc.drawn[1].policies, (std::vector<std::size_t>{3, 4}));
  const auto model_a = factory().create(drawn_cfg);
  const auto model_b = factory().create(fixed_cfg);
  const auto model_o = factory().create(other_cfg);
  auto a = model_a->make_simulator();
  auto b = model_b->make_simulator();
  auto o = model_o->make_simulator();
  int distributed_differs = 0;
  for (std::uint64_t org = 0; org < 30; ++org) {
    OrgOutcome ra, rb, ro;
    a->simulate(0, org, ra);
    b->simulate(0, org, rb);
    o->simulate(0, org, ro);
    ASSERT_EQ(ra.params[19], 0.2);
    ASSERT_EQ(ra.params[20], 0.3);
    for (std::size_t q = 0; q < ra.metrics.size(); ++q) {
      ASSERT_TRUE(same_bits(ra.metrics[q], rb.metrics[q]) ||
                  (std::isnan(ra.metrics[q]) && std::isnan(rb.metrics[q])))
          << "org " << org << " slot " << q;
    }
    // Metric slots of distributed (the fifth mode): theta 0.5, not the drawn 0.2.
    for (std::size_t q = 4 * 16; q < 5 * 16; ++q) {
      distributed_differs += !same_bits(ra.metrics[q], ro.metrics[q]) &&
                             !(std::isnan(ra.metrics[q]) && std::isnan(ro.metrics[q]));
    }
  }
  EXPECT_GT(distributed_differs, 0);
}

// Without a drawn constant the record is what it was (19 fields); a constant given a
// distribution and swept is a constant of each scenario, not drawn.
TEST(DrawnConstants, RecordFieldsOnlyForDrawnConstants) {
  auto cfg = small_config();
  EXPECT_EQ(factory().create(cfg)->record_fields().size(), 19u);
  EXPECT_TRUE(resolve_setup(cfg).drawn_pos.empty());
  cfg.params["deadline"] = int_uniform(2, 6);
  cfg.sweep.push_back({"deadline", "list(3,4)", {3, 4}});
  EXPECT_EQ(factory().create(cfg)->record_fields().size(), 19u);
  EXPECT_TRUE(resolve_setup(cfg).scenario(1).drawn.empty());
  EXPECT_EQ(resolve_setup(cfg).scenario(1).constants.deadline, 4);
  cfg.sweep.clear();
  const auto m = factory().create(cfg);
  ASSERT_EQ(m->record_fields().size(), 20u);
  EXPECT_EQ(m->record_fields().back().name, "deadline");
  EXPECT_EQ(m->record_fields().back().unit, "periods");
}

// Configuration errors through config::resolve (the path of every run): one line naming the
// key.
std::string resolve_error(const std::string& section, const std::string& key,
                          const std::string& value) {
  const std::vector<config::ModelSchema> schemas = {factory().schema()};
  try {
    auto cfg = config::resolve({config::Entry{section, key, value, "t.ini:3"}}, schemas);
    factory().create(cfg);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(DrawnConstants, ErrorsNameTheKey) {
  EXPECT_EQ(resolve_error("model", "periods", "uniform(10,20)"),
            "t.ini:3: model.periods = uniform(10,20): an integer constant takes an integer "
            "distribution (int_uniform, int_loguniform or choice of integers), not a continuous "
            "one (legal range [1, 1e+05] (integer))");
  EXPECT_NE(resolve_error("model", "shock_length", "normal(5,1)").find("model.shock_length"),
            std::string::npos);
  EXPECT_NE(resolve_error("model", "deadline", "choice(2,3.5)").find("3.5 is not an integer"),
            std::string::npos);
  EXPECT_EQ(resolve_error("model", "peer_coachee", "choice(0,1)"),
            "t.ini:3: model.peer_coachee = choice(0,1): a switch is fixed per run and cannot be "
            "drawn from a distribution; compare its readings with [sweep] peer_coachee = "
            "list(0, 1)");
  EXPECT_EQ(resolve_error("model", "misalign_penalty", "uniform(0.5,1.5)"),
            "t.ini:3: model.misalign_penalty = uniform(0.5,1.5): support [0.5, 1.5] leaves the "
            "legal range [0, 1]");
  EXPECT_NE(resolve_error("model", "deadline", "int_uniform(-2,3)").find("model.deadline"),
            std::string::npos);
  // coach_share + teach_share of a mode must stay <= 1 at the top of a drawn share's support.
  EXPECT_EQ(resolve_error("model", "coach_share", "uniform(0.5,0.9)"),
            "mode.distributed: coach_share + teach_share can reach 1.150000, more than 1 (a "
            "drawn [model] share counts at the top of its support)");
  // Legal: integer distributions on integer constants, any on the others.
  EXPECT_EQ(resolve_error("model", "periods", "int_loguniform(10,100)"), "");
  EXPECT_EQ(resolve_error("model", "shock_at", "choice(-1,10)"), "");
  EXPECT_EQ(resolve_error("model", "theta", "normal(0.35,0.1)"), "");
  // The engine's own keys stay constants.
  EXPECT_NE(resolve_error("run", "orgs", "int_uniform(2,5)").find("orgs"), std::string::npos);
}

}  // namespace
}  // namespace leadsim::leadership
