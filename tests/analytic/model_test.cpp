// Unit tests of the analytic models (ishigami, sobol_g; docs/ANALYTIC_MODELS.md): the factory
// contract, y at hand-picked points, the sensitivity hooks (factors, draw_factors, simulate_at)
// and their stream keying, sweeps, and configuration errors.
#include "leadsim/models/analytic/analytic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/models/registry.h"
#include "leadsim/rng/philox.h"

namespace leadsim::analytic {
namespace {

constexpr double kPi = std::numbers::pi;

// NAME followed by the index i ("x3"). (Not "x" + std::to_string(i): GCC 12 warns
// -Wrestrict on that in inlined code.)
std::string indexed(const char* name, std::size_t i) {
  std::string s(name);
  s += std::to_string(i);
  return s;
}

config::ResolvedConfig resolve_text(const std::string& text) {
  return models::resolve(config::read_ini(text, "test.ini"));
}

std::unique_ptr<port::Model> make(const std::string& text) {
  const auto cfg = resolve_text(text);
  return models::find_model(cfg.model).create(cfg);
}

std::string error_of(const std::string& text) {
  try {
    make(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool same_bits(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() == y.size() &&
         (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
}

std::vector<std::string> names(const std::vector<port::FieldDef>& fields) {
  std::vector<std::string> v;
  for (const auto& f : fields) v.push_back(f.name);
  return v;
}

TEST(AnalyticFactory, DeclaresParametersAndDefaults) {
  const auto& is = models::find_model("ishigami");
  EXPECT_EQ(&is, &ishigami_factory());
  ASSERT_EQ(is.params().size(), 5u);
  for (std::size_t q = 0; q < 3; ++q) {
    const auto& d = is.params()[q];
    EXPECT_EQ(d.name, indexed("x", q + 1));
    EXPECT_EQ(d.section, "org");
    EXPECT_EQ(d.kind, config::ParamKind::kOrg);
    EXPECT_EQ(d.lo, -kPi);
    EXPECT_EQ(d.hi, kPi);
    const auto spec = config::parse_dist(d.default_spec);
    EXPECT_EQ(spec.kind, config::DistSpec::Kind::kUniform);
    EXPECT_EQ(spec.args, (std::vector<double>{-kPi, kPi}));
  }
  EXPECT_EQ(is.params()[3].name, "a");
  EXPECT_EQ(is.params()[3].default_spec, "7");
  EXPECT_EQ(is.params()[4].name, "b");
  EXPECT_EQ(is.params()[4].default_spec, "0.1");

  const auto& g = models::find_model("sobol_g");
  EXPECT_EQ(&g, &sobol_g_factory());
  ASSERT_EQ(g.params().size(), 16u);
  const char* a_defaults[] = {"0", "1", "4.5", "9", "99", "99", "99", "99"};
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(g.params()[i].name, indexed("x", i + 1));
    EXPECT_EQ(g.params()[i].default_spec, "uniform(0,1)");
    EXPECT_EQ(g.params()[i].kind, config::ParamKind::kOrg);
    EXPECT_EQ(g.params()[8 + i].name, indexed("a", i + 1));
    EXPECT_EQ(g.params()[8 + i].default_spec, a_defaults[i]);
    EXPECT_EQ(g.params()[8 + i].kind, config::ParamKind::kConstant);
    EXPECT_EQ(g.params()[8 + i].lo, 0.0);
    EXPECT_EQ(g.params()[8 + i].hi, 1e6);
  }
}

TEST(AnalyticModel, VariantMetricFieldsAndHistogramRange) {
  const auto m = make("[run]\nmodel = ishigami\n");
  EXPECT_EQ(m->variants(), std::vector<std::string>{"model"});
  EXPECT_EQ(m->baseline(), "model");
  EXPECT_EQ(m->results_version(), 1u);
  EXPECT_FALSE(m->stochastic());
  EXPECT_EQ(names(m->record_fields()), (std::vector<std::string>{"x1", "x2", "x3"}));
  ASSERT_EQ(m->metrics().size(), 1u);
  const auto& y = m->metrics()[0];
  EXPECT_EQ(y.name, "y");
  EXPECT_EQ(y.better, stats::Better::kNone);
  // -(1 + 0.1 pi^4) = -10.74 and 7 + 10.74 = 17.74, widened to whole numbers.
  EXPECT_EQ(y.lo, -11.0);
  EXPECT_EQ(y.hi, 18.0);
  // A sweep of a widens the range to cover every scenario; b = 0 leaves |sin x1| <= 1.
  const auto s = make("[run]\nmodel = ishigami\n[model]\nb = 0\n[sweep]\na = list(-2, 3)\n");
  EXPECT_EQ(s->metrics()[0].lo, -3.0);
  EXPECT_EQ(s->metrics()[0].hi, 4.0);

  const auto g = make("[run]\nmodel = sobol_g\n");
  EXPECT_EQ(names(g->record_fields()),
            (std::vector<std::string>{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"}));
  EXPECT_EQ(g->metrics()[0].lo, 0.0);  // a1 = 0: the product reaches 0 at x1 = 1/2
  EXPECT_EQ(g->metrics()[0].hi, 4.1);  // 2 * 3/2 * 6.5/5.5 * 11/10 * (101/100)^4 = 4.06
  // Every input fixed: y is one value, the range is widened around it.
  const auto c = make("[run]\nmodel = ishigami\n[org]\nx1 = 0\nx2 = 0\nx3 = 0\n");
  EXPECT_LT(c->metrics()[0].lo, c->metrics()[0].hi);
}

TEST(AnalyticModel, YAtHandPickedPointsIsTheFormulaExactly) {
  const double h = kPi / 2;  // sin(h) rounds to exactly 1
  ASSERT_EQ(std::sin(h), 1.0);
  EXPECT_EQ(ishigami(h, h, 1.0, 7.0, 0.1), 1.0 + 7.0 + 0.1);
  EXPECT_EQ(ishigami(-h, h, 2.0, 7.0, 0.1), -1.0 + 7.0 - 0.1 * 16.0);
  EXPECT_EQ(ishigami(0.0, 0.0, 3.0, 7.0, 0.1), 0.0);
  EXPECT_EQ(ishigami(h, 0.0, 0.0, 5.0, 2.0), 1.0);

  const std::vector<double> half(8, 0.5);
  const std::vector<double> a_def = {0, 1, 4.5, 9, 99, 99, 99, 99};
  EXPECT_EQ(sobol_g(half, a_def), 0.0);  // a1 = 0
  const std::vector<double> a = {1, 2, 3, 4, 5, 6, 7, 8};
  double want = 1.0;
  for (double ai : a) want *= ai / (1.0 + ai);
  EXPECT_EQ(sobol_g(half, a), want);
  const std::vector<double> ends = {0, 1, 0, 1, 0, 1, 0, 1};
  want = 1.0;
  for (double ai : a) want *= (2.0 + ai) / (1.0 + ai);
  EXPECT_EQ(sobol_g(ends, a), want);

  // The same through the model: constant inputs give the record and y of the formula.
  const auto m = make(
      "[run]\nmodel = ishigami\n[org]\nx1 = 1.5707963267948966\nx2 = 1.5707963267948966\n"
      "x3 = 1\n");
  EXPECT_TRUE(m->factors().empty());
  stats::OrgOutcome out;
  m->make_simulator()->simulate(0, 5, out);
  EXPECT_EQ(out.params, (std::vector<double>{h, h, 1.0}));
  EXPECT_EQ(out.metrics, std::vector<double>{1.0 + 7.0 + 0.1});
  EXPECT_EQ(out.events, 1u);
  EXPECT_EQ(out.rng_blocks, 0u);
  std::string g_text = "[run]\nmodel = sobol_g\n[org]\n";
  for (std::size_t i = 1; i <= 8; ++i) g_text += indexed("x", i) + " = 0.5\n";
  g_text += "[model]\n";
  for (std::size_t i = 1; i <= 8; ++i) g_text += indexed("a", i) + " = " + std::to_string(i) + "\n";
  make(g_text)->make_simulator()->simulate(0, 0, out);
  EXPECT_EQ(out.metrics, std::vector<double>{sobol_g(half, a)});
}

TEST(AnalyticModel, OrganizationDrawsFollowTheDocumentedStreams) {
  const auto m = make("[run]\nmodel = ishigami\nseed = 42\n");
  const auto sim = m->make_simulator();
  const config::DistSpec u = config::parse_dist("uniform(-3.141592653589793,3.141592653589793)");
  stats::OrgOutcome out;
  for (std::uint64_t k : {0u, 1u, 77u}) {
    sim->simulate(0, k, out);
    for (std::size_t q = 0; q < 3; ++q) {
      const std::string name = indexed("x", q + 1);
      rng::Stream g(42, k, rng::tag(kIshigamiPurpose, rng::name_id(name.c_str())), kOrgSub);
      EXPECT_EQ(out.params[q], u.sample(g, -kPi, kPi, false)) << name << " org " << k;
    }
    EXPECT_EQ(out.metrics[0], ishigami(out.params[0], out.params[1], out.params[2], 7.0, 0.1));
    EXPECT_EQ(out.rng_blocks, 3u);
  }
}

TEST(AnalyticModel, FactorsAreTheInputsWithADistribution) {
  EXPECT_EQ(make("[run]\nmodel = ishigami\n")->factors(),
            (std::vector<std::string>{"x1", "x2", "x3"}));
  EXPECT_EQ(make("[run]\nmodel = ishigami\n[org]\nx2 = 0.5\n")->factors(),
            (std::vector<std::string>{"x1", "x3"}));
  // A swept input is a constant in every scenario: not a factor.
  EXPECT_EQ(make("[run]\nmodel = ishigami\n[sweep]\nx3 = list(0, 1)\n")->factors(),
            (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(make("[run]\nmodel = sobol_g\n[org]\nx1 = 0.3\n")->factors(),
            (std::vector<std::string>{"x2", "x3", "x4", "x5", "x6", "x7", "x8"}));
}

// simulate_at with the factor values simulate drew reproduces simulate's record and metrics
// bit for bit (rng_blocks counts the draws each call makes: simulate_at makes none).
void expect_simulate_at_reproduces(const std::string& text, std::uint64_t scenarios) {
  SCOPED_TRACE(text);
  const auto m = make(text);
  const auto sim = m->make_simulator();
  const auto at = m->make_simulator();
  const auto factors = m->factors();
  std::vector<std::size_t> slot;
  const auto fields = names(m->record_fields());
  for (const auto& f : factors) {
    slot.push_back(
        static_cast<std::size_t>(std::find(fields.begin(), fields.end(), f) - fields.begin()));
  }
  stats::OrgOutcome a;
  stats::OrgOutcome b;
  std::vector<double> x(factors.size());
  for (std::uint64_t s = 0; s < scenarios; ++s) {
    for (std::uint64_t k = 0; k < 300; ++k) {
      sim->simulate(s, k, a);
      for (std::size_t i = 0; i < slot.size(); ++i) x[i] = a.params[slot[i]];
      at->simulate_at(s, x, k, b);
      ASSERT_TRUE(same_bits(a.params, b.params)) << "scenario " << s << " org " << k;
      ASSERT_TRUE(same_bits(a.metrics, b.metrics)) << "scenario " << s << " org " << k;
      ASSERT_EQ(a.events, b.events);
      ASSERT_EQ(b.rng_blocks, 0u);
    }
  }
}

TEST(AnalyticModel, SimulateAtReproducesSimulateBitForBit) {
  expect_simulate_at_reproduces("[run]\nmodel = ishigami\n", 1);
  expect_simulate_at_reproduces(
      "[run]\nmodel = ishigami\n[org]\nx1 = normal(0, 1)\nx2 = 0.25\n[sweep]\nb = list(0, 0.1)\n"
      "x3 = list(-1, 2)\n",
      4);
  expect_simulate_at_reproduces("[run]\nmodel = sobol_g\n", 1);
  expect_simulate_at_reproduces(
      "[run]\nmodel = sobol_g\n[org]\nx4 = 0.5\nx5 = beta_mean(0.3, 4)\n[sweep]\na1 = list(0, "
      "3)\n",
      2);
}

TEST(AnalyticModel, SimulateAtTakesTheFactorValues) {
  const auto m = make("[run]\nmodel = ishigami\n[org]\nx2 = 1.5707963267948966\n");
  ASSERT_EQ(m->factors(), (std::vector<std::string>{"x1", "x3"}));
  stats::OrgOutcome out;
  const std::vector<double> x = {kPi / 2, 1.0};
  m->make_simulator()->simulate_at(0, x, 9, out);
  EXPECT_EQ(out.params, (std::vector<double>{kPi / 2, kPi / 2, 1.0}));
  EXPECT_EQ(out.metrics, std::vector<double>{1.0 + 7.0 + 0.1});
  const std::vector<double> wrong(3, 0.0);
  EXPECT_THROW(m->make_simulator()->simulate_at(0, wrong, 9, out), std::invalid_argument);
}

using Table = std::vector<std::vector<double>>;  // [point * 2 + matrix][factor]

Table draw_table(const port::Model& m, std::uint64_t scenario, std::uint64_t points, bool reverse) {
  const auto sim = m.make_simulator();
  Table t(points * 2, std::vector<double>(m.factors().size()));
  for (std::uint64_t i = 0; i < points * 2; ++i) {
    const std::uint64_t r = reverse ? points * 2 - 1 - i : i;
    sim->draw_factors(scenario, r / 2, static_cast<unsigned>(r % 2), t[r]);
  }
  return t;
}

struct DrawCase {
  const char* model;
  const char* text;
  std::uint64_t scenarios;
};

TEST(AnalyticModel, DrawFactorsIsKeyedByPointAndMatrixOnly) {
  for (const DrawCase c :
       {DrawCase{"ishigami", "[run]\nmodel = ishigami\nseed = 3\n[sweep]\na = list(1, 7)\n", 2},
        DrawCase{"sobol_g", "[run]\nmodel = sobol_g\nseed = 3\n[org]\nx2 = normal(0.5, 0.2)\n",
                 1}}) {
    SCOPED_TRACE(c.text);
    const auto m = make(c.text);
    const std::uint64_t points = 500;
    const Table t = draw_table(*m, 0, points, false);
    // Any order, any simulator, any thread gives the same values.
    EXPECT_EQ(draw_table(*m, 0, points, true), t);
    Table threaded(points * 2, std::vector<double>(m->factors().size()));
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < 4; ++w) {
      pool.emplace_back([&, w] {
        const auto sim = m->make_simulator();
        for (std::uint64_t r = w; r < points * 2; r += 4) {
          sim->draw_factors(0, r / 2, static_cast<unsigned>(r % 2), threaded[r]);
        }
      });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(threaded, t);
    // Factors are not keyed by scenario (like an organization's draws).
    for (std::uint64_t s = 1; s < c.scenarios; ++s) EXPECT_EQ(draw_table(*m, s, points, false), t);

    const auto& params = models::find_model(c.model).params();
    const auto sim = m->make_simulator();
    stats::OrgOutcome org;
    std::size_t a_equals_b = 0;
    std::size_t equals_org = 0;
    for (std::uint64_t j = 0; j < points; ++j) {
      const auto& a = t[j * 2];
      const auto& b = t[j * 2 + 1];
      sim->simulate(0, j, org);
      for (std::size_t i = 0; i < a.size(); ++i) {
        a_equals_b += a[i] == b[i];
        const std::size_t q = static_cast<std::size_t>(m->factors()[i][1] - '1');
        equals_org += a[i] == org.params[q] || b[i] == org.params[q];
        for (double v : {a[i], b[i]}) {
          ASSERT_GE(v, params[q].lo);
          ASSERT_LE(v, params[q].hi);
        }
      }
    }
    // Continuous draws of independent streams never coincide.
    EXPECT_EQ(a_equals_b, 0u);
    EXPECT_EQ(equals_org, 0u);
  }
}

TEST(AnalyticModel, DrawFactorsFollowsTheDocumentedStreams) {
  const auto m = make("[run]\nmodel = sobol_g\nseed = 8\n[org]\nx1 = 0.5\n");
  const auto sim = m->make_simulator();
  std::vector<double> x(7);
  const config::DistSpec u = config::DistSpec{config::DistSpec::Kind::kUniform, {0.0, 1.0}};
  for (std::uint64_t j : {0u, 5u}) {
    for (unsigned mat : {0u, 1u}) {
      sim->draw_factors(0, j, mat, x);
      for (std::size_t i = 0; i < 7; ++i) {
        const std::string name = indexed("x", i + 2);
        rng::Stream g(8, j, rng::tag(kSobolGPurpose, rng::name_id(name.c_str())), 1 + mat);
        EXPECT_EQ(x[i], u.sample(g, 0.0, 1.0, false)) << name;
      }
    }
  }
  std::vector<double> wrong(8);
  EXPECT_THROW(sim->draw_factors(0, 0, 0, wrong), std::invalid_argument);
  EXPECT_THROW(sim->draw_factors(1, 0, 0, x), std::out_of_range);
}

TEST(AnalyticModel, SweepsPairOrganizationsAcrossScenarios) {
  const auto m = make("[run]\nmodel = ishigami\n[sweep]\na = list(0, 7)\nx3 = list(0, 1)\n");
  const auto sim = m->make_simulator();
  stats::OrgOutcome s[4];
  for (std::uint64_t k = 0; k < 50; ++k) {
    for (std::uint64_t sc = 0; sc < 4; ++sc) sim->simulate(sc, k, s[sc]);
    const double x1 = s[0].params[0];
    const double x2 = s[0].params[1];
    // Scenario order: a slowest, x3 fastest; x1, x2 the same in every scenario.
    const double want[4][2] = {{0, 0}, {0, 1}, {7, 0}, {7, 1}};
    for (int sc = 0; sc < 4; ++sc) {
      EXPECT_EQ(s[sc].params, (std::vector<double>{x1, x2, want[sc][1]}));
      EXPECT_EQ(s[sc].metrics[0], ishigami(x1, x2, want[sc][1], want[sc][0], 0.1));
    }
  }
}

TEST(AnalyticModel, ModelsWithoutFactorsRefuseSensitivityHooks) {
  const auto m = make("[run]\nmodel = march1991\n");
  EXPECT_TRUE(m->factors().empty());
  EXPECT_TRUE(m->stochastic());
  const auto sim = m->make_simulator();
  std::vector<double> x;
  stats::OrgOutcome out;
  try {
    sim->draw_factors(0, 0, 0, x);
    ADD_FAILURE() << "draw_factors did not throw";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("does not support sensitivity"), std::string::npos);
  }
  EXPECT_THROW(sim->simulate_at(0, x, 0, out), ConfigError);
}

TEST(AnalyticConfig, OutOfRangeValuesAreOneLineErrorsNamingTheKey) {
  std::string e = error_of("[run]\nmodel = ishigami\n[model]\na = 1000\n");
  EXPECT_NE(e.find("model.a"), std::string::npos) << e;
  EXPECT_NE(e.find("1000"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  e = error_of("[run]\nmodel = sobol_g\n[model]\na3 = -1\n");
  EXPECT_NE(e.find("a3"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  e = error_of("[run]\nmodel = sobol_g\n[sweep]\na5 = list(1, 2e6)\n");
  EXPECT_NE(e.find("a5"), std::string::npos) << e;
  e = error_of("[run]\nmodel = ishigami\n[org]\nx1 = uniform(0, 4)\n");
  EXPECT_NE(e.find("x1"), std::string::npos) << e;
  e = error_of("[run]\nmodel = ishigami\n[model]\nx1 = 0\n");  // wrong section
  EXPECT_NE(e.find("x1"), std::string::npos) << e;
  e = error_of("[run]\nmodel = ishigami\nmodes = centralized\n");
  EXPECT_NE(e.find("single mode model"), std::string::npos) << e;
  e = error_of("[run]\nmodel = sobol_g\nbaseline = other\n");
  EXPECT_NE(e.find("run.baseline"), std::string::npos) << e;
  e = error_of("[run]\nmodel = ishigami\n[mode.model]\ntheta = 1\n");
  EXPECT_FALSE(e.empty());
  EXPECT_EQ(error_of("[run]\nmodel = ishigami\nmodes = model\nbaseline = model\n"), "");
}

}  // namespace
}  // namespace leadsim::analytic
