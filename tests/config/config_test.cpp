#include "leadsim/config/config.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "leadsim/config/ini_diff.h"
#include "leadsim/core/error.h"

namespace leadsim::config {
namespace {

// Model schemas with parameters of every kind and both sections; independent of the real
// models so that their parameter tables can change without touching these tests.
const std::vector<ParamDef>& fake_params() {
  static const std::vector<ParamDef> defs = {
      {"workers", "org", "W", "workers", "front-line workers", 1, 1e6, true, ParamKind::kOrg,
       "int_loguniform(10,500)"},
      {"info_reach", "org", "ι", "share", "info reach", 0, 1, false, ParamKind::kOrg,
       "uniform(0,1)"},
      {"span", "org", "s", "reports", "span of control", 2, 100, true, ParamKind::kOrg,
       "int_uniform(3,12)"},
      {"skill_home", "org", "", "1", "home skill", 0, 1, false, ParamKind::kPerAgent,
       "beta_mean(0.7,10)"},
      {"deadline", "model", "", "periods", "deadline", 1, 1000, true, ParamKind::kConstant, "8"},
      {"consult_cost", "model", "", "attention", "consultation cost", 0, 10, false,
       ParamKind::kConstant, "0.5"},
  };
  return defs;
}

const std::vector<ModelSchema> kModels = {{"leadership", &fake_params(), {"mode."}},
                                          {"other", &fake_params(), {"mode."}}};

ResolvedConfig resolve_text(const std::string& ini) {
  return resolve(read_ini(ini, "test.ini"), kModels);
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError thrown";
  return {};
}

std::string resolve_error(const std::string& ini) {
  return error_of([&] { resolve_text(ini); });
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

// ---- read_ini ----

TEST(ReadIni, SectionsKeysCommentsAndOrigins) {
  const auto tree = read_ini(
      "# leading comment\n"
      "; another\n"
      "\n"
      "[run]\n"
      "  seed =  42   # trailing comment\n"
      "[ org ]\r\n"
      "info_reach=uniform(0, 1) ; note\n"
      "[mode.distributed]\n"
      "theta = 0.4\n",
      "a.ini");
  ASSERT_EQ(tree.size(), 3u);
  EXPECT_EQ(tree[0].section, "run");
  EXPECT_EQ(tree[0].key, "seed");
  EXPECT_EQ(tree[0].value, "42");
  EXPECT_EQ(tree[0].origin, "a.ini:5");
  EXPECT_EQ(tree[1].section, "org");
  EXPECT_EQ(tree[1].value, "uniform(0, 1)");
  EXPECT_EQ(tree[1].origin, "a.ini:7");
  EXPECT_EQ(tree[2].section, "mode.distributed");
  EXPECT_EQ(tree[2].key, "theta");
}

TEST(ReadIni, MalformedLines) {
  EXPECT_EQ(error_of([] { read_ini("[run]\nseed 4\n", "f.ini"); }),
            "f.ini:2: expected 'key = value' or '[section]', got 'seed 4'");
  EXPECT_EQ(error_of([] { read_ini("seed = 4\n", "f.ini"); }),
            "f.ini:1: key 'seed' before any [section]");
  EXPECT_EQ(error_of([] { read_ini("[run]\n = 4\n", "f.ini"); }), "f.ini:2: empty key before '='");
  EXPECT_CONTAINS(error_of([] { read_ini("[run]\nseed =\n", "f.ini"); }),
                  "f.ini:2: key 'seed' has no value");
  EXPECT_CONTAINS(error_of([] { read_ini("[run\n", "f.ini"); }), "f.ini:1: section header");
  EXPECT_CONTAINS(error_of([] { read_ini("[]\n", "f.ini"); }), "f.ini:1: bad section name");
}

TEST(ReadIni, EmptyFileIsAnError) {
  EXPECT_EQ(error_of([] { read_ini("", "e.ini"); }),
            "e.ini: no settings (empty configuration file)");
  EXPECT_EQ(error_of([] { read_ini("# only\n\n[run]\n", "e.ini"); }),
            "e.ini: no settings (empty configuration file)");
}

TEST(ReadIni, BinaryGarbageIsAnError) {
  const std::string nul("[run]\nseed = 1\x00\x01\n", 17);
  EXPECT_CONTAINS(error_of([&] { read_ini(nul, "b.ini"); }), "b.ini:2: control character 0x00");
  EXPECT_CONTAINS(error_of([] { read_ini("[run]\nseed = \xff\xfe\n", "b.ini"); }),
                  "b.ini:2: invalid UTF-8 byte 0xff");
  EXPECT_CONTAINS(error_of([] {
                    read_ini(
                        "\x7f"
                        "ELF\x02\x01\x01",
                        "b.ini");
                  }),
                  "b.ini:1: control character 0x7f");
  // Valid UTF-8 (a symbol in a comment) is text.
  EXPECT_NO_THROW(read_ini("[org]\n# ι = info reach\ninfo_reach = 0.5\n", "u.ini"));
}

// ---- parse_set ----

TEST(ParseSet, SectionIsEverythingBeforeTheLastDot) {
  const Entry e = parse_set("mode.distributed.theta=0.4");
  EXPECT_EQ(e.section, "mode.distributed");
  EXPECT_EQ(e.key, "theta");
  EXPECT_EQ(e.value, "0.4");
  EXPECT_EQ(e.origin, "--set");
  const Entry f = parse_set("org.info_reach = uniform(0,1)");
  EXPECT_EQ(f.section, "org");
  EXPECT_EQ(f.key, "info_reach");
  EXPECT_EQ(f.value, "uniform(0,1)");
}

TEST(ParseSet, BadSyntax) {
  for (const char* bad : {"x", ".seed=4", "run.=4", "run.seed=", "=4", "run seed.x=1", "seed="}) {
    EXPECT_EQ(error_of([&] { parse_set(bad); }),
              "--set '" + std::string(bad) + "': expected SECTION.KEY=VALUE");
  }
}

// ---- resolve: run and output keys ----

TEST(Resolve, DefaultsFillEveryRegistryParam) {
  const auto cfg = resolve_text("[run]\nseed = 7\n");
  EXPECT_EQ(cfg.model, "leadership");
  EXPECT_EQ(cfg.seed, 7u);
  EXPECT_EQ(cfg.orgs, 1000u);
  EXPECT_EQ(cfg.block_size, 64u);
  EXPECT_EQ(cfg.samples, 0);
  ASSERT_EQ(cfg.params.size(), fake_params().size());
  for (const auto& d : fake_params()) {
    ASSERT_TRUE(cfg.params.count(d.name)) << d.name;
    EXPECT_EQ(cfg.param_text.at(d.name), d.default_spec);
  }
  EXPECT_EQ(cfg.params.at("deadline").value(), 8.0);
}

TEST(Resolve, RunKeys) {
  const auto cfg = resolve_text(
      "[run]\nmodel = other\nseed = 18446744073709551615\norgs = 1e6\nblock_size = 1048576\n"
      "modes = centralized, distributed,exception\nbaseline = centralized\n"
      "[output]\npath = out.h5\nsamples = all\n");
  EXPECT_EQ(cfg.model, "other");
  EXPECT_EQ(cfg.seed, 18446744073709551615u);
  EXPECT_EQ(cfg.orgs, 1000000u);
  EXPECT_EQ(cfg.block_size, 1048576u);
  EXPECT_EQ(cfg.modes, (std::vector<std::string>{"centralized", "distributed", "exception"}));
  EXPECT_EQ(cfg.baseline, "centralized");
  EXPECT_EQ(cfg.output, "out.h5");
  EXPECT_EQ(cfg.samples, -1);
  EXPECT_EQ(resolve_text("[output]\nsamples = none\n").samples, 0);
  EXPECT_EQ(resolve_text("[output]\nsamples = 25\n").samples, 25);
}

TEST(Resolve, BadRunValues) {
  EXPECT_CONTAINS(resolve_error("[run]\nseed = -1\n"),
                  "test.ini:2: run.seed = -1: must be an unsigned");
  EXPECT_CONTAINS(resolve_error("[run]\nseed = 18446744073709551616\n"), "run.seed");
  EXPECT_CONTAINS(resolve_error("[run]\norgs = 0\n"),
                  "run.orgs = 0: must be an integer in [1, 1e+12]");
  EXPECT_CONTAINS(resolve_error("[run]\norgs = 2.5\n"), "run.orgs = 2.5");
  EXPECT_CONTAINS(resolve_error("[run]\nblock_size = 1048577\n"), "run.block_size");
  EXPECT_CONTAINS(resolve_error("[run]\nmodes = a, B\n"), "'B' is not a name");
  EXPECT_CONTAINS(resolve_error("[run]\nmodes = a,,b\n"), "'' is not a name");
  EXPECT_CONTAINS(resolve_error("[run]\nmodes = a, b\nbaseline = c\n"), "not among run.modes");
}

TEST(Resolve, UnknownModelListsKnown) {
  const std::string msg = resolve_error("[run]\nmodel = leadershp\n");
  EXPECT_EQ(msg,
            "test.ini:2: run.model = leadershp: unknown model (did you mean 'leadership'?) "
            "(known: leadership, other)");
}

TEST(Resolve, DuplicateMode) {
  EXPECT_EQ(resolve_error("[run]\nmodes = centralized, distributed, centralized\n"),
            "test.ini:2: run.modes = centralized, distributed, centralized: mode 'centralized' "
            "listed twice");
}

TEST(Resolve, BadSamplesValue) {
  for (const char* v : {"some", "-1", "1.5", "nan"}) {
    EXPECT_EQ(resolve_error(std::string("[output]\nsamples = ") + v + "\n"),
              std::string("test.ini:2: output.samples = ") + v +
                  ": expected 'all', 'none' or an integer in [0, 1e+12]");
  }
}

// ---- resolve: parameters ----

TEST(Resolve, UnknownKeyWithSuggestion) {
  EXPECT_EQ(resolve_error("[org]\ninfo_reech = 0.5\n"),
            "test.ini:2: unknown key 'org.info_reech' (did you mean 'info_reach'?)");
  EXPECT_EQ(resolve_error("[run]\nsed = 5\n"),
            "test.ini:2: unknown key 'run.sed' (did you mean 'seed'?) (known in [run]: model, "
            "seed, orgs, block_size, modes, baseline, allow_huge)");
  EXPECT_EQ(resolve_error("[org]\nzzzzzzzz = 1\n"), "test.ini:2: unknown key 'org.zzzzzzzz'");
}

TEST(Resolve, WrongSection) {
  EXPECT_EQ(resolve_error("[org]\ndeadline = 8\n"),
            "test.ini:2: org.deadline: 'deadline' belongs in section [model]");
  EXPECT_EQ(resolve_error("[model]\nworkers = 8\n"),
            "test.ini:2: model.workers: 'workers' belongs in section [org]");
  EXPECT_EQ(resolve_error("[run]\nspan = 8\n"),
            "test.ini:2: run.span: 'span' belongs in section [org]");
  EXPECT_EQ(resolve_error("[org]\nseed = 8\n"),
            "test.ini:2: org.seed: 'seed' belongs in section [run]");
  EXPECT_EQ(resolve_error("[run]\nsamples = all\n"),
            "test.ini:2: run.samples: 'samples' belongs in section [output]");
}

TEST(Resolve, UnknownSection) {
  EXPECT_EQ(
      resolve_error("[ogr]\nworkers = 8\n"),
      "test.ini:2: unknown section [ogr] (did you mean [org]?) (known: run, output, sensitivity, "
      "sweep, "
      "org, model, mode.*)");
}

TEST(Resolve, ValueErrorsNameOriginKeyAndRange) {
  EXPECT_EQ(resolve_error("[org]\ninfo_reach = 1.5\n"),
            "test.ini:2: org.info_reach = 1.5: 1.5 is outside the legal range [0, 1]");
  EXPECT_EQ(resolve_error("[org]\nworkers = 12.5\n"),
            "test.ini:2: org.workers = 12.5: 12.5 is not an integer (legal range [1, 1e+06] "
            "(integer))");
  EXPECT_EQ(resolve_error("[org]\ninfo_reach = uniform(2,1)\n"),
            "test.ini:2: org.info_reach: uniform(2,1): lower bound 2 exceeds upper bound 1");
  EXPECT_CONTAINS(resolve_error("[org]\nskill_home = beta_mean(1,10)\n"),
                  "mean 1 must be in (0,1)");
  EXPECT_CONTAINS(resolve_error("[org]\nworkers = loguniform(0,1)\n"), "lower bound 0 must be > 0");
  EXPECT_CONTAINS(resolve_error("[org]\ninfo_reach = normal(0.5,0)\n"), "standard deviation 0");
  EXPECT_CONTAINS(resolve_error("[org]\nspan = choice()\n"), "at least one value");
  EXPECT_EQ(resolve_error("[org]\ninfo_reach = uniform(0.5,1.5)\n"),
            "test.ini:2: org.info_reach = uniform(0.5,1.5): support [0.5, 1.5] leaves the legal "
            "range [0, 1]");
  EXPECT_CONTAINS(resolve_error("[model]\ndeadline = uniform(2,5)\n"),
                  "test.ini:2: model.deadline = uniform(2,5): a model constant takes a number");
  EXPECT_CONTAINS(resolve_error("[org]\ninfo_reach = nan\n"), "'nan' is not a finite number");
  EXPECT_CONTAINS(resolve_error("[model]\nconsult_cost = inf\n"), "'inf' is not a finite number");
  EXPECT_CONTAINS(resolve_error("[model]\nconsult_cost = 1e999\n"), "out of the range of a double");
}

TEST(Resolve, LaterEntriesOverrideAndSetOrigin) {
  auto tree = read_ini("[org]\ninfo_reach = 0.2\n", "f.ini");
  tree.push_back(parse_set("org.info_reach=0.3"));
  tree.push_back(parse_set("org.span=int_uniform(4,6)"));
  const auto cfg = resolve(tree, kModels);
  EXPECT_EQ(cfg.params.at("info_reach").value(), 0.3);
  EXPECT_EQ(cfg.param_text.at("span"), "int_uniform(4,6)");
  tree.back() = parse_set("org.span=1");
  EXPECT_EQ(error_of([&] { resolve(tree, kModels); }),
            "--set: org.span = 1: 1 is outside the legal range [2, 100] (integer)");
}

TEST(Resolve, ExtraSectionsVerbatimInOrder) {
  auto tree = read_ini("[mode.distributed]\ntheta = 0.4\n[mode.central]\nx = y z\n", "test.ini");
  tree.push_back(parse_set("mode.distributed.k=1"));
  const auto cfg = resolve(tree, kModels);
  ASSERT_EQ(cfg.extra.size(), 3u);
  EXPECT_EQ(cfg.extra[0].section, "mode.distributed");
  EXPECT_EQ(cfg.extra[1].value, "y z");
  EXPECT_EQ(cfg.extra[2].key, "k");
  EXPECT_EQ(cfg.extra[2].origin, "--set");
}

// A key set twice by one source, a repeated section and a repeated sweep line are errors
// naming both places (last-wins silently dropped the first); a later source overrides.
TEST(Resolve, DuplicatesInOneSourceAreErrors) {
  EXPECT_EQ(resolve_error("[org]\ninfo_reach = 0.2\ninfo_reach = 0.3\n"),
            "test.ini:3: org.info_reach is set twice (also at test.ini:2); keep one setting");
  EXPECT_EQ(resolve_error("[sweep]\ninfo_reach = list(0.1)\ninfo_reach = list(0.2, 0.3)\n"),
            "test.ini:3: sweep.info_reach is set twice (also at test.ini:2); keep one setting");
  EXPECT_EQ(resolve_error("[org]\nspan = 4\n[run]\nseed = 2\n[org]\nworkers = 20\n"),
            "test.ini:5: section [org] repeated (first at test.ini:1); put its keys under one "
            "header");
  auto tree = read_ini("[org]\nspan = 4\n", "f.ini");
  tree.push_back(parse_set("org.span=5"));
  tree.push_back(parse_set("org.span=6"));
  EXPECT_EQ(error_of([&] { resolve(tree, kModels); }),
            "--set: org.span is set twice (also at --set); keep one setting");
}

// --set of a swept parameter would be overridden by the sweep: an error naming both places
// and the fix; --set sweep.NAME=none removes the axis.
TEST(Resolve, SetOfASweptParameterIsAnError) {
  auto tree = read_ini("[sweep]\ninfo_reach = list(0.2, 0.8)\n", "q.ini");
  tree.push_back(parse_set("org.info_reach=0.5"));
  EXPECT_EQ(error_of([&] { resolve(tree, kModels); }),
            "org.info_reach=0.5 (--set) is swept by [sweep] info_reach (q.ini:2); to fix it at "
            "one value use --set sweep.info_reach=list(0.5), or drop the axis with --set "
            "sweep.info_reach=none");
  // Following the advice while keeping the --set of the value: the two --set contradict
  // each other, and the message says that rather than repeat the advice.
  auto both = tree;
  both.push_back(parse_set("sweep.info_reach=list(0.5)"));
  EXPECT_EQ(error_of([&] { resolve(both, kModels); }),
            "org.info_reach=0.5 (--set) contradicts sweep.info_reach=list(0.5) (--set); give "
            "one of them");
  tree.push_back(parse_set("sweep.info_reach=none"));
  const auto cfg = resolve(tree, kModels);
  EXPECT_TRUE(cfg.sweep.empty());
  EXPECT_EQ(cfg.params.at("info_reach").value(), 0.5);
}

// --set KEY=VALUE without a section takes the section of the one key of that name; an
// unknown one suggests the qualified key.
TEST(Resolve, SetWithoutSectionFindsTheKey) {
  auto tree = read_ini("[run]\norgs = 5\n", "f.ini");
  tree.push_back(parse_set("info_reach=0.5"));
  tree.push_back(parse_set("seed=9"));
  const auto cfg = resolve(tree, kModels);
  EXPECT_EQ(cfg.params.at("info_reach").value(), 0.5);
  EXPECT_EQ(cfg.seed, 9u);
  tree.push_back(parse_set("info_reech=0.5"));
  EXPECT_EQ(error_of([&] { resolve(tree, kModels); }),
            "--set: unknown key 'info_reech' (did you mean 'org.info_reach'?); expected "
            "SECTION.KEY=VALUE");
}

// ---- resolve: sweep ----

TEST(Resolve, SweepAxesAndScenarioOrder) {
  const auto cfg =
      resolve_text("[sweep]\ninfo_reach = linspace(0,1,3)\nspan = list(3,5)\ndeadline = list(4)\n");
  ASSERT_EQ(cfg.sweep.size(), 3u);
  EXPECT_EQ(cfg.sweep[0].param, "info_reach");
  EXPECT_EQ(cfg.sweep[0].text, "linspace(0,1,3)");
  EXPECT_EQ(cfg.scenario_count(), 6u);
  // Row-major: the first axis varies slowest.
  const std::vector<std::vector<double>> expected = {{0, 3, 4},   {0, 5, 4}, {0.5, 3, 4},
                                                     {0.5, 5, 4}, {1, 3, 4}, {1, 5, 4}};
  for (std::uint64_t s = 0; s < 6; ++s) EXPECT_EQ(cfg.scenario_values(s), expected[s]) << s;
  EXPECT_THROW(cfg.scenario_values(6), std::out_of_range);
  EXPECT_EQ(resolve_text("[run]\nseed = 1\n").scenario_count(), 1u);
  EXPECT_TRUE(resolve_text("[run]\nseed = 1\n").scenario_values(0).empty());
}

TEST(Resolve, SweepOfUnknownParam) {
  EXPECT_EQ(resolve_error("[sweep]\ninfo_rech = list(0.1)\n"),
            "test.ini:2: sweep.info_rech: 'info_rech' is not a parameter of model 'leadership' "
            "(did you mean 'info_reach'?)");
}

TEST(Resolve, BadSweepSyntaxAndValues) {
  EXPECT_CONTAINS(resolve_error("[sweep]\ninfo_reach = range(0,1)\n"),
                  "test.ini:2: sweep.info_reach = range(0,1): range(0,1): unknown sweep axis");
  EXPECT_CONTAINS(resolve_error("[sweep]\ninfo_reach = linspace(0,1)\n"), "takes 3 arguments");
  EXPECT_CONTAINS(resolve_error("[sweep]\ninfo_reach = 0.5\n"), "expected linspace(a,b,n) or list");
  EXPECT_EQ(resolve_error("[sweep]\ninfo_reach = linspace(0,2,3)\n"),
            "test.ini:2: sweep.info_reach = linspace(0,2,3): org.info_reach = 2: 2 is outside "
            "the legal range [0, 1]");
  EXPECT_CONTAINS(resolve_error("[sweep]\nspan = list(3,4.5)\n"), "4.5 is not an integer");
}

TEST(Resolve, SweepOverrideKeepsAxisPosition) {
  auto tree = read_ini("[sweep]\nspan = list(3,4)\ninfo_reach = list(0.1)\n", "f.ini");
  tree.push_back(parse_set("sweep.span=list(5,6,7)"));
  const auto cfg = resolve(tree, kModels);
  ASSERT_EQ(cfg.sweep.size(), 2u);
  EXPECT_EQ(cfg.sweep[0].param, "span");
  EXPECT_EQ(cfg.sweep[0].values, (std::vector<double>{5, 6, 7}));
}

// ---- to_ini round trip ----

void expect_round_trip(const ResolvedConfig& cfg) {
  const std::string ini = cfg.to_ini();
  const auto back = resolve(read_ini(ini, "roundtrip.ini"), kModels);
  EXPECT_EQ(back.to_ini(), ini);
  EXPECT_EQ(back.model, cfg.model);
  EXPECT_EQ(back.seed, cfg.seed);
  EXPECT_EQ(back.orgs, cfg.orgs);
  EXPECT_EQ(back.block_size, cfg.block_size);
  EXPECT_EQ(back.modes, cfg.modes);
  EXPECT_EQ(back.baseline, cfg.baseline);
  EXPECT_EQ(back.samples, cfg.samples);
  EXPECT_EQ(back.param_text, cfg.param_text);
  ASSERT_EQ(back.params.size(), cfg.params.size());
  for (const auto& [name, spec] : cfg.params) {
    EXPECT_EQ(back.params.at(name).kind, spec.kind) << name;
    EXPECT_EQ(back.params.at(name).args, spec.args) << name;  // bit-exact doubles
  }
  ASSERT_EQ(back.sweep.size(), cfg.sweep.size());
  for (std::size_t i = 0; i < cfg.sweep.size(); ++i) {
    EXPECT_EQ(back.sweep[i].param, cfg.sweep[i].param);
    EXPECT_EQ(back.sweep[i].values, cfg.sweep[i].values);
  }
  // to_ini() groups extra entries by section; the order within each section is what a model
  // applies overrides by, and that must survive.
  ASSERT_EQ(back.extra.size(), cfg.extra.size());
  auto by_section = [](const std::vector<Entry>& v) {
    std::map<std::string, std::vector<std::string>> m;
    for (const auto& e : v) m[e.section].push_back(e.key + "=" + e.value);
    return m;
  };
  EXPECT_EQ(by_section(back.extra), by_section(cfg.extra));
}

TEST(ResolvedConfigToIni, DefaultsRoundTrip) {
  expect_round_trip(resolve_text("[run]\nseed = 3\n"));
}

TEST(ResolvedConfigToIni, FullConfigRoundTrips) {
  auto tree = read_ini(
      "[run]\nseed = 18446744073709551615\norgs = 123456789\nblock_size = 32\n"
      "modes = distributed, centralized\nbaseline = centralized\n"
      "[output]\npath = x.h5\nsamples = 17\n"
      "[org]\ninfo_reach = uniform(0.1, 0.30000000000000004)\nworkers = choice(10, 20)\n"
      "skill_home = normal(0.6, 0.15)\n"
      "[model]\nconsult_cost = 0.1\n"
      "[sweep]\nspan = list(3, 4)\ninfo_reach = linspace(0.1, 0.7, 7)\n"
      "[mode.distributed]\ntheta = 0.4\n[mode.exception]\nq = 1\n",
      "test.ini");
  tree.push_back(parse_set("mode.distributed.r=2"));  // a later source joins its section
  const auto cfg = resolve(tree, kModels);
  expect_round_trip(cfg);
  const std::string ini = cfg.to_ini();
  // Output path is the caller's business; the file records only what shapes the results.
  EXPECT_EQ(ini.find("x.h5"), std::string::npos);
  EXPECT_CONTAINS(
      ini, "[org]\nworkers = choice(10,20)\ninfo_reach = uniform(0.1,0.30000000000000004)\n");
  EXPECT_CONTAINS(ini, "[model]\ndeadline = 8\nconsult_cost = 0.1\n");
  EXPECT_CONTAINS(ini, "[sweep]\nspan = list(3, 4)\ninfo_reach = linspace(0.1, 0.7, 7)\n");
  // Extra entries grouped by section in first-appearance order.
  EXPECT_CONTAINS(ini, "[mode.distributed]\ntheta = 0.4\nr = 2\n\n[mode.exception]\nq = 1\n");
  EXPECT_CONTAINS(ini, "samples = 17\n");
  EXPECT_CONTAINS(ini, "modes = distributed, centralized\nbaseline = centralized\n");
}

TEST(ResolvedConfigToIni, SamplesAllRoundTrips) {
  expect_round_trip(resolve_text("[output]\nsamples = all\n"));
}

// [sensitivity]: its base samples are the run's organizations, every record is kept, the
// section round-trips through to_ini(), and what contradicts it is an error naming the key.
TEST(Resolve, SensitivitySection) {
  const ResolvedConfig c = resolve_text(
      "[sensitivity]\nbase_samples = 300\nfactors = info_reach, span\n"
      "outputs = delta/distributed/value, centralized/latency\nbootstrap = 0\n"
      "confidence = 0.9\n");
  EXPECT_TRUE(c.sensitivity.enabled);
  EXPECT_EQ(c.orgs, 300u);
  EXPECT_EQ(c.samples, -1);
  EXPECT_EQ(c.sensitivity.factors, (std::vector<std::string>{"info_reach", "span"}));
  EXPECT_EQ(c.sensitivity.outputs,
            (std::vector<std::string>{"delta/distributed/value", "centralized/latency"}));
  EXPECT_EQ(c.sensitivity.bootstrap, 0u);
  EXPECT_EQ(c.sensitivity.confidence, 0.9);
  expect_round_trip(c);
  EXPECT_FALSE(resolve_text("[run]\norgs = 5\n").sensitivity.enabled);
  EXPECT_EQ(resolve_error("[run]\norgs = 5\n[sensitivity]\nbase_samples = 8\n"),
            "test.ini:2: run.orgs = 5: a sensitivity study runs sensitivity.base_samples base "
            "samples; set that instead");
  EXPECT_EQ(resolve_error("[output]\nsamples = 3\n[sensitivity]\nbase_samples = 8\n"),
            "test.ini:2: output.samples = 3: a sensitivity study keeps every record (leave "
            "output.samples out)");
  EXPECT_EQ(resolve_error("[sensitivity]\nmethod = morris\n"),
            "test.ini:2: sensitivity.method = morris: expected sobol");
  EXPECT_EQ(resolve_error("[sensitivity]\nbase_samples = 1\n"),
            "test.ini:2: sensitivity.base_samples = 1: must be an integer in [2, 1e+12]");
  EXPECT_EQ(resolve_error("[sensitivity]\nconfidence = 1\n"),
            "test.ini:2: sensitivity.confidence = 1: must be in [0.5, 0.9999]");
  EXPECT_EQ(resolve_error("[sensitivity]\nfactors = span, span\n"),
            "test.ini:2: sensitivity.factors = span, span: 'span' listed twice");
  EXPECT_EQ(resolve_error("[sensitivity]\noutputs = Value\n"),
            "test.ini:2: sensitivity.outputs = Value: 'Value' is not a name (lowercase letters, "
            "digits, '_', '-' and '/')");
}

TEST(RunParams, ListsEveryRunAndOutputKey) {
  std::vector<std::string> names;
  for (const auto& d : run_params()) {
    EXPECT_TRUE(d.section == "run" || d.section == "output" || d.section == "sensitivity")
        << d.name;
    names.push_back(d.section + "." + d.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "run.model", "run.seed", "run.orgs", "run.block_size", "run.modes",
                       "run.baseline", "run.allow_huge", "output.path", "output.samples",
                       "sensitivity.method", "sensitivity.base_samples", "sensitivity.factors",
                       "sensitivity.outputs", "sensitivity.bootstrap", "sensitivity.confidence"}));
}

// The documented default of every run key (run_params(), the one table resolve() and to_ini()
// use) is what a configuration that leaves the key out gets.
TEST(RunParams, DefaultTextsAreTheDefaults) {
  const ConfigTree minimal = {{"org", "span", "4", "test.ini:1"}};
  ConfigTree explicit_defaults = minimal;
  ConfigTree sensitivity = {{"org", "span", "4", "test.ini:1"},
                            {"sensitivity", "method", "sobol", "test.ini:3"}};
  ConfigTree sensitivity_defaults = minimal;
  for (const auto& d : run_params()) {
    if (d.default_spec.empty()) continue;
    // Any [sensitivity] entry makes a sensitivity study: its defaults are checked apart.
    (d.section == "sensitivity" ? sensitivity_defaults : explicit_defaults)
        .push_back({d.section, d.name, d.default_spec, "test.ini:2"});
  }
  const ResolvedConfig sa = resolve(sensitivity, kModels);
  const ResolvedConfig sb = resolve(sensitivity_defaults, kModels);
  EXPECT_TRUE(sa.sensitivity.enabled);
  EXPECT_EQ(sa.sensitivity, sb.sensitivity);
  EXPECT_EQ(sa.to_ini(), sb.to_ini());
  config::SensitivitySpec dflt;
  dflt.enabled = true;
  EXPECT_EQ(sb.sensitivity, dflt);
  const ResolvedConfig a = resolve(minimal, kModels);
  const ResolvedConfig b = resolve(explicit_defaults, kModels);
  EXPECT_EQ(a.to_ini(), b.to_ini());
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(ResolvedConfig{}.output, b.output);
  EXPECT_EQ(ResolvedConfig{}.seed, b.seed);
  EXPECT_EQ(ResolvedConfig{}.orgs, b.orgs);
  EXPECT_EQ(ResolvedConfig{}.block_size, b.block_size);
  EXPECT_EQ(ResolvedConfig{}.samples, b.samples);
  EXPECT_EQ(ResolvedConfig{}.allow_huge, b.allow_huge);
  EXPECT_EQ(ResolvedConfig{}.model, b.model);
}

// A sweep axis carries its parameter's unit, for /scenarios/<param> in the results file.
TEST(Resolve, SweepAxisCarriesTheParameterUnit) {
  const auto cfg = resolve_text("[sweep]\ninfo_reach = list(0.2, 0.8)\ndeadline = list(2)\n");
  ASSERT_EQ(cfg.sweep.size(), 2u);
  EXPECT_EQ(cfg.sweep[0].unit, "share");
  EXPECT_EQ(cfg.sweep[1].unit, "periods");
}

TEST(IniDifference, NamesTheFirstDifferingKeyWithBothValues) {
  const std::string a = "[run]\nseed = 7\norgs = 300\n\n[org]\nworkers = 10\n";
  EXPECT_EQ(ini_difference(a, a, "A", "B"), "");
  EXPECT_EQ(ini_difference(a, "[run]\nseed = 7\norgs = 400\n\n[org]\nworkers = 12\n", "A", "B"),
            "[run] orgs = 300 in A, 400 in B");
  EXPECT_EQ(ini_difference(a, "[run]\nseed = 7\norgs = 300\n", "A", "B"),
            "[org] workers = 10 in A, absent in B");
  EXPECT_EQ(
      ini_difference("[run]\nseed = 7\n", "[run]\nseed = 7\n\n[sweep]\nx = list(1)\n", "A", "B"),
      "[sweep] x = absent in A, list(1) in B");
  EXPECT_EQ(ini_difference("[a]\nx = 1\ny = 2\n", "[a]\ny = 2\nx = 1\n", "A", "B"),
            "the same keys in another order");
  // Long values are cut (excerpt), so the message stays short.
  const std::string longv(5000, 'v');
  const std::string d = ini_difference("[a]\nx = " + longv + "\n", "[a]\nx = 1\n", "A", "B");
  EXPECT_LT(d.size(), 400u) << d;
  EXPECT_NE(d.find("5000 characters"), std::string::npos) << d;
}

}  // namespace
}  // namespace leadsim::config
