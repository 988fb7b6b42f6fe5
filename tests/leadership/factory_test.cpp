// The leadership model as the engine sees it: registry, modes, baseline, scenarios, outcome.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/models/leadership/factory.h"

namespace leadsim::leadership {
namespace {

using port::OrgOutcome;
using port::TraceSink;

using config::DistSpec;

std::string config_error(const config::ResolvedConfig& cfg) {
  try {
    factory().create(cfg);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

config::Entry entry(const std::string& section, const std::string& key, const std::string& value) {
  return config::Entry{section, key, value, "test:1"};
}

TEST(LeadershipFactory, RegistryHoldsEveryParameterWithDefaults) {
  const auto& f = factory();
  EXPECT_EQ(f.name(), "leadership");
  EXPECT_EQ(f.extra_section_prefixes(), std::vector<std::string>{"mode."});
  int org = 0, agent = 0, constant = 0;
  for (const auto& p : f.params()) {
    EXPECT_LE(p.lo, p.hi) << p.name;
    if (p.kind == config::ParamKind::kOrg) ++org;
    if (p.kind == config::ParamKind::kPerAgent) ++agent;
    if (p.kind == config::ParamKind::kConstant) {
      ++constant;
      EXPECT_EQ(p.section, "model") << p.name;
    } else {
      EXPECT_EQ(p.section, "org") << p.name;
    }
  }
  EXPECT_EQ(org, 15);
  EXPECT_EQ(agent, 5);
  EXPECT_EQ(constant, 27);
  const auto* theta = find_param("theta");
  ASSERT_NE(theta, nullptr);
  EXPECT_EQ(theta->default_value.value(), 0.35);
  EXPECT_EQ(find_param("workers")->def.default_spec, "int_loguniform(10,500)");
  EXPECT_EQ(find_param("span")->def.lo, 2);
}

TEST(LeadershipFactory, DefaultModesAndBaseline) {
  auto m = factory().create(default_config());
  EXPECT_EQ(m->variants(), (std::vector<std::string>{"centralized", "exception", "delegated",
                                                     "coaching", "distributed"}));
  EXPECT_EQ(m->baseline(), "centralized");
  ASSERT_EQ(m->metrics().size(), 16u);
  EXPECT_EQ(m->metrics().front().name, "value");
  EXPECT_EQ(m->metrics().back().name, "consult_failed");
  EXPECT_TRUE(m->metrics()[3].log_bins);
  EXPECT_EQ(m->record_fields().size(), 15u + 4u);
  EXPECT_EQ(m->record_fields().back().name, "manager_load");

  auto cfg = default_config();
  cfg.modes = {"distributed", "delegated"};
  m = factory().create(cfg);
  EXPECT_EQ(m->baseline(), "distributed");  // centralized not run: the first mode
  cfg.baseline = "delegated";
  EXPECT_EQ(factory().create(cfg)->baseline(), "delegated");
}

// Every metric declares the direction in which a mode beats the baseline (MODEL.md §9.1).
TEST(LeadershipFactory, EveryMetricDeclaresItsDirectionOfBetter) {
  const auto m = factory().create(default_config());
  std::map<std::string, std::string> better;
  for (const auto& d : m->metrics()) {
    EXPECT_TRUE(stats::is_direction(d.better)) << d.name;
    better[d.name] = stats::better_name(d.better);
  }
  EXPECT_EQ(better, (std::map<std::string, std::string>{{"value", "higher"},
                                                        {"accuracy", "higher"},
                                                        {"alignment", "higher"},
                                                        {"latency", "lower"},
                                                        {"expired", "lower"},
                                                        {"manager_util", "none"},
                                                        {"worker_util", "none"},
                                                        {"skill_final", "higher"},
                                                        {"skill_gain", "higher"},
                                                        {"alignment_final", "higher"},
                                                        {"peer_share", "none"},
                                                        {"value_late", "higher"},
                                                        {"resilience", "higher"},
                                                        {"escalated", "none"},
                                                        {"consulted", "none"},
                                                        {"consult_failed", "none"}}));
}

TEST(LeadershipFactory, UnknownModeOrBaselineIsAConfigError) {
  auto cfg = default_config();
  cfg.modes = {"centralized", "anarchy"};
  const std::string e1 = config_error(cfg);
  EXPECT_NE(e1.find("anarchy"), std::string::npos) << e1;
  EXPECT_NE(e1.find("distributed"), std::string::npos) << e1;  // lists known modes
  cfg.modes = {"delegated"};
  cfg.baseline = "centralized";
  const std::string e2 = config_error(cfg);
  EXPECT_NE(e2.find("centralized"), std::string::npos) << e2;
  EXPECT_NE(e2.find("run.baseline"), std::string::npos) << e2;
}

TEST(LeadershipFactory, ModeSectionsOverrideAndDefine) {
  auto cfg = default_config();
  cfg.extra = {entry("mode.distributed", "theta", "0.2"), entry("mode.fast", "route", "exception"),
               entry("mode.fast", "peer", "true")};
  cfg.modes = {"distributed", "fast", "coaching"};
  const auto su = resolve_setup(cfg);
  const ScenarioSpec sc0 = su.scenario(0);
  const auto& pol = sc0.policies;
  ASSERT_EQ(pol.size(), 3u);
  EXPECT_EQ(pol[0].theta, 0.2);
  EXPECT_EQ(pol[0].teach_share, 0.25);
  EXPECT_EQ(pol[1].route, Route::kException);
  EXPECT_TRUE(pol[1].peer);
  EXPECT_FALSE(pol[1].supervise);  // unset: as delegated
  EXPECT_EQ(pol[1].coach_share, 0.0);
  EXPECT_EQ(pol[1].theta, 0.35);
  EXPECT_EQ(pol[2].coach_share, 0.5);

  cfg.extra = {entry("mode.fast", "bogus", "1")};
  EXPECT_NE(config_error(cfg).find("mode.fast.bogus"), std::string::npos);
  cfg.extra = {entry("mode.fast", "route", "boss")};
  EXPECT_NE(config_error(cfg).find("mode.fast.route"), std::string::npos);
  cfg.extra = {entry("mode.fast", "theta", "1.5")};
  EXPECT_NE(config_error(cfg).find("mode.fast.theta"), std::string::npos);
  cfg.extra = {entry("mode.fast", "coach_share", "0.8"), entry("mode.fast", "teach_share", "0.5")};
  EXPECT_NE(config_error(cfg).find("mode.fast"), std::string::npos);
}

// [mode.NAME] consult, peer_coaching, round_robin: each peer mechanism alone; `peer` is the
// three together, and a section contradicting its own `peer` is refused naming both lines.
TEST(LeadershipFactory, PeerMechanismFlags) {
  auto cfg = default_config();
  cfg.extra = {entry("mode.distributed", "consult", "false"),
               entry("mode.solo", "peer_coaching", "on")};
  cfg.modes = {"distributed", "solo", "delegated"};
  const auto pol = resolve_setup(cfg).scenario(0).policies;
  EXPECT_FALSE(pol[0].consults());
  EXPECT_TRUE(pol[0].coaches_peers());
  EXPECT_TRUE(pol[0].round_robins());
  EXPECT_TRUE(pol[0].peer_mechanisms());
  EXPECT_FALSE(pol[1].consults());
  EXPECT_TRUE(pol[1].coaches_peers());
  EXPECT_FALSE(pol[1].round_robins());
  EXPECT_FALSE(pol[2].peer_mechanisms());

  cfg.extra = {entry("mode.distributed", "peer", "true"),
               entry("mode.distributed", "round_robin", "false")};
  cfg.modes = {"distributed"};
  const std::string err = config_error(cfg);
  EXPECT_NE(err.find("mode.distributed.round_robin = false (test:1) contradicts "
                     "mode.distributed.peer = true (test:1)"),
            std::string::npos)
      << err;
  cfg.extra = {entry("mode.distributed", "peer", "false"),
               entry("mode.distributed", "consult", "true")};
  EXPECT_NE(config_error(cfg).find("contradicts"), std::string::npos);
  cfg.extra = {entry("mode.distributed", "peer", "true"),
               entry("mode.distributed", "consult", "yes")};  // agrees: fine
  EXPECT_NO_THROW(resolve_setup(cfg));
  cfg.extra = {entry("mode.distributed", "consult", "maybe")};
  EXPECT_NE(config_error(cfg).find("mode.distributed.consult"), std::string::npos);
}

// A switch takes one of its names (or the index, as sweeps list them); anything else is
// refused naming the choices; the stored configuration writes the name.
TEST(LeadershipFactory, SwitchesTakeTheirNames) {
  const auto& defs = factory().params();
  const auto it = std::find_if(defs.begin(), defs.end(),
                               [](const config::ParamDef& d) { return d.name == "peer_coachee"; });
  ASSERT_NE(it, defs.end());
  EXPECT_EQ(config::parse_value(*it, "least_skilled").value(), 1.0);
  EXPECT_EQ(config::parse_value(*it, " 0 ").value(), 0.0);
  EXPECT_EQ(config::value_text(*it, DistSpec::constant(1)), "least_skilled");
  try {
    config::parse_value(*it, "least_skiled");
    ADD_FAILURE() << "a misspelt choice was accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "model.peer_coachee = least_skiled: expected most_skilled | least_skilled (did "
                 "you mean 'least_skilled'?)");
  }
  EXPECT_THROW(config::parse_value(*it, "2"), ConfigError);
  EXPECT_THROW(config::parse_value(*it, "uniform(0,1)"), ConfigError);
}

TEST(LeadershipFactory, ModeNamesWithOneStreamIdAreRefused) {
  // "team87584" and "team831480" have the same 32-bit FNV-1a hash (found by search), so their
  // mode streams would coincide.
  auto cfg = default_config();
  cfg.extra = {entry("mode.team87584", "route", "worker"),
               entry("mode.team831480", "route", "worker")};
  cfg.modes = {"centralized", "team87584", "team831480"};
  EXPECT_EQ(config_error(cfg),
            "mode.team831480: its name has the same 32-bit stream id as mode team87584 (its random "
            "choices would be the same); rename one of them");
  cfg.modes = {"centralized", "team87584"};  // one of them alone is fine
  cfg.extra.pop_back();                      // (an unused mode section is refused)
  EXPECT_NO_THROW(resolve_setup(cfg));
}

// A [mode.NAME] section that no run mode uses (a typo) is refused with a suggestion, instead
// of silently losing its settings.
TEST(LeadershipFactory, UnusedModeSectionIsRefused) {
  auto cfg = default_config();
  cfg.extra = {entry("mode.distibuted", "theta", "0.4")};
  const std::string err = config_error(cfg);
  EXPECT_NE(err.find("[mode.distibuted] configures mode 'distibuted', which this run does not "
                     "run (did you mean [mode.distributed]?)"),
            std::string::npos)
      << err;
  cfg.extra = {entry("mode.fast", "route", "worker")};
  cfg.modes = {"centralized"};
  EXPECT_NE(config_error(cfg).find("run.modes: centralized"), std::string::npos);
  cfg.modes = {"centralized", "fast"};
  EXPECT_NO_THROW(resolve_setup(cfg));
}

TEST(LeadershipFactory, SweepFixesParametersPerScenario) {
  auto cfg = default_config();
  cfg.sweep.push_back({"theta", "list(0.2,0.5)", {0.2, 0.5}});
  cfg.sweep.push_back({"info_reach", "linspace(0,1,3)", {0.0, 0.5, 1.0}});
  const auto su = resolve_setup(cfg);
  ASSERT_EQ(su.scenario_count(), 6u);
  // First axis slowest.
  EXPECT_EQ(su.scenario(4).policies[4].theta, 0.5);
  EXPECT_EQ(su.scenario(4).org[kInfoReach].value(), 0.5);
  EXPECT_EQ(su.scenario(1).policies[1].theta, 0.2);

  auto m = factory().create(cfg);
  auto sim = m->make_simulator();
  OrgOutcome a, b;
  for (std::uint64_t org = 0; org < 20; ++org) {
    sim->simulate(0, org, a);
    sim->simulate(5, org, b);
    for (std::size_t q = 0; q < a.params.size(); ++q) {
      if (m->record_fields()[q].name == "info_reach") {
        EXPECT_EQ(a.params[q], 0.0);
        EXPECT_EQ(b.params[q], 1.0);
      } else {
        EXPECT_EQ(std::memcmp(&a.params[q], &b.params[q], sizeof(double)), 0)
            << m->record_fields()[q].name;  // paired across scenarios (CRN)
      }
    }
  }
  cfg.sweep = {{"no_such", "list(1)", {1.0}}};
  EXPECT_NE(config_error(cfg).find("no_such"), std::string::npos);
  // Ranges are validated once, by config::resolve (create() trusts a resolved configuration):
  // the path every run takes refuses a swept value outside the legal range.
  const std::vector<config::ModelSchema> schemas = {factory().schema()};
  std::string e;
  try {
    config::resolve({entry("sweep", "info_reach", "list(2)")}, schemas);
  } catch (const ConfigError& err) {
    e = err.what();
  }
  EXPECT_NE(e.find("info_reach"), std::string::npos) << e;
}

// The default text of every registry entry is the one copy of its default: it parses to
// exactly the value the simulation uses (drawn specs, Constants fields, mode defaults).
TEST(LeadershipFactory, EveryDefaultTextParsesToWhatTheSimulationUses) {
  auto same = [](const DistSpec& a, const DistSpec& b) {
    return a.kind == b.kind && a.args.size() == b.args.size() &&
           std::memcmp(a.args.data(), b.args.data(), a.args.size() * sizeof(double)) == 0;
  };
  const auto su = resolve_setup(default_config());
  ASSERT_EQ(su.scenario_count(), 1u);
  const ScenarioSpec& sc = su.scenario(0);
  // And resolve() of a configuration that sets nothing but the seed gives the same values.
  const std::vector<config::ModelSchema> schemas = {factory().schema()};
  const auto resolved = config::resolve({entry("run", "seed", "1")}, schemas);
  const Constants dc = default_constants();
  int int_fields = 0, double_fields = 0, policy_fields = 0;
  for (const auto& e : param_table()) {
    const DistSpec parsed = config::parse_value(e.def, e.def.default_spec);
    EXPECT_TRUE(same(parsed, e.default_value)) << e.def.name;
    EXPECT_TRUE(same(parsed, resolved.params.at(e.def.name))) << e.def.name;
    const auto idx = static_cast<std::size_t>(e.index);
    switch (e.category) {
      case ParamCategory::kOrg:
        EXPECT_TRUE(same(parsed, sc.org.at(idx))) << e.def.name;
        break;
      case ParamCategory::kAgent:
        EXPECT_TRUE(same(parsed, sc.agent.at(idx))) << e.def.name;
        break;
      case ParamCategory::kConstant: {
        ASSERT_TRUE(parsed.is_constant()) << e.def.name;
        const double v = parsed.value();
        const int bound =
            (e.int_field != nullptr) + (e.double_field != nullptr) + (e.policy_field != nullptr);
        EXPECT_EQ(bound, 1) << e.def.name << " must fill exactly one field";
        if (e.int_field != nullptr) {
          ++int_fields;
          EXPECT_EQ(static_cast<double>(sc.constants.*e.int_field), v) << e.def.name;
          EXPECT_EQ(static_cast<double>(dc.*e.int_field), v) << e.def.name;
        }
        if (e.double_field != nullptr) {
          ++double_fields;
          EXPECT_EQ(sc.constants.*e.double_field, v) << e.def.name;
          EXPECT_EQ(dc.*e.double_field, v) << e.def.name;
        }
        if (e.policy_field != nullptr) {
          ++policy_fields;
          // "distributed" leaves theta and both shares to the [model] values.
          const Policy& distributed = sc.policies.back();
          ASSERT_EQ(distributed.name, "distributed");
          EXPECT_EQ(distributed.*e.policy_field, v) << e.def.name;
        }
        break;
      }
    }
  }
  // Every field of Constants is bound (6 int and 18 double fields), each by one entry.
  EXPECT_EQ(int_fields, 6);
  EXPECT_EQ(double_fields, 18);
  EXPECT_EQ(policy_fields, 3);
}

class CountingSink : public TraceSink {
 public:
  void begin(const std::string& mode, const std::vector<std::string>& columns) override {
    modes.push_back(mode);
    width = columns.size();
  }
  void row(std::span<const double> values) override {
    ++rows;
    EXPECT_EQ(values.size(), width);
    arrived += values[1];
  }
  std::vector<std::string> modes;
  std::size_t width = 0;
  int rows = 0;
  double arrived = 0;
};

// Every row of every mode's trace, with the mode it belongs to.
class RecordingSink : public TraceSink {
 public:
  void begin(const std::string& mode, const std::vector<std::string>& columns) override {
    rows.push_back({mode});
    rows.back().insert(rows.back().end(), columns.begin(), columns.end());
  }
  void row(std::span<const double> values) override {
    std::vector<std::string> r;
    for (double v : values) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof bits);  // bit for bit, NaN included
      r.push_back(std::to_string(bits));
    }
    rows.push_back(std::move(r));
  }
  std::vector<std::vector<std::string>> rows;
};

// The sensitivity hook simulate_at, given the factor values simulate drew (read back from the
// record), reproduces simulate bit for bit: record, metrics, events and every mode's trace.
TEST(LeadershipFactory, SimulateAtOwnDrawsReproducesSimulateWithItsTrace) {
  auto m = factory().create(default_config());
  const std::vector<std::string> names = m->factors();
  ASSERT_GE(names.size(), 5u);
  const auto& fields = m->record_fields();
  std::vector<std::size_t> at_field;
  for (const auto& n : names) {
    const auto it = std::find_if(fields.begin(), fields.end(),
                                 [&](const port::FieldDef& f) { return f.name == n; });
    ASSERT_NE(it, fields.end()) << n;
    at_field.push_back(static_cast<std::size_t>(it - fields.begin()));
  }
  auto sim = m->make_simulator();
  for (const std::uint64_t org : {3u, 42u, 977u}) {
    OrgOutcome out, at;
    RecordingSink trace, trace_at;
    sim->simulate(0, org, out, &trace);
    std::vector<double> x;
    for (std::size_t q : at_field) x.push_back(out.params[q]);
    sim->simulate_at(0, x, org, at, &trace_at);
    EXPECT_EQ(std::memcmp(at.params.data(), out.params.data(), out.params.size() * 8), 0) << org;
    ASSERT_EQ(at.metrics.size(), out.metrics.size());
    EXPECT_EQ(std::memcmp(at.metrics.data(), out.metrics.data(), out.metrics.size() * 8), 0) << org;
    EXPECT_EQ(at.events, out.events);
    EXPECT_EQ(trace_at.rows, trace.rows) << org;
    EXPECT_EQ(trace.rows.size(), m->variants().size() * 61u);  // T = 60 rows + a header each
  }
}

TEST(LeadershipFactory, OutcomeShapeEventsAndTrace) {
  auto m = factory().create(default_config());
  auto sim = m->make_simulator();
  OrgOutcome out, again;
  CountingSink sink;
  sim->simulate(0, 42, out, &sink);
  sim->simulate(0, 43, again);
  sim->simulate(0, 42, again);
  ASSERT_EQ(out.metrics.size(), 5u * 16u);
  ASSERT_EQ(out.params.size(), m->record_fields().size());
  const auto field = [&](const std::string& name) {
    for (std::size_t q = 0; q < m->record_fields().size(); ++q) {
      if (m->record_fields()[q].name == name) return out.params[q];
    }
    ADD_FAILURE() << "no record field " << name;
    return 0.0;
  };
  const double problems = field("problems");
  // manager_load = decision_rate x span / manager_capacity, exactly as computed.
  EXPECT_EQ(field("manager_load"),
            field("decision_rate") * field("span") / field("manager_capacity"));
  EXPECT_EQ(out.events, static_cast<std::uint64_t>(problems) * 5u);
  EXPECT_GT(out.rng_blocks, 0u);
  EXPECT_EQ(sink.modes, m->variants());
  EXPECT_EQ(sink.rows, 5 * 60);
  EXPECT_EQ(sink.arrived, problems * 5);
  EXPECT_EQ(out.rng_blocks, again.rng_blocks);
  for (std::size_t q = 0; q < out.metrics.size(); ++q) {
    EXPECT_EQ(std::memcmp(&out.metrics[q], &again.metrics[q], sizeof(double)), 0) << q;
  }
}

}  // namespace
}  // namespace leadsim::leadership
