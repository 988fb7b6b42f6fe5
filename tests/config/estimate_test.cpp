// The up-front work estimate and the size limits resolve() enforces (config.h check_work,
// docs/RELIABILITY.md), against the real model registry.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/models/registry.h"

namespace leadsim::config {
namespace {

ResolvedConfig resolve_text(const std::string& ini) {
  return models::resolve(read_ini(ini, "t.ini"));
}

std::string refusal(const std::string& ini) {
  try {
    resolve_text(ini);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(WorkEstimate, CountsOrgsScenariosModesPeriodsAndWorkers) {
  const auto cfg = resolve_text(
      "[run]\norgs = 1000\nmodes = centralized, delegated\n[org]\nworkers = int_uniform(10,50)\n"
      "[model]\nperiods = 20\n[sweep]\ntheta = list(0.1, 0.2, 0.3)\n");
  const WorkEstimate w = estimate_work(cfg);
  EXPECT_EQ(w.org_simulations, 3000.0);
  EXPECT_EQ(w.variants, 2.0);
  // Smallest workers (10) x periods (20): a lower bound.
  EXPECT_EQ(w.agent_periods, 3000.0 * 2 * 20 * 10);
  EXPECT_EQ(w.cpu_seconds,
            std::fmax(w.agent_periods / kAgentPeriodsPerSecond, 6000.0 / kOrgVariantsPerSecond));
  EXPECT_EQ(w.record_bytes, 0.0);  // samples = none
}

TEST(WorkEstimate, RecordsFollowOutputSamples) {
  auto cfg = resolve_text("[run]\norgs = 100\nmodes = centralized\n[output]\nsamples = all\n");
  EXPECT_EQ(estimate_work(cfg).record_bytes, 100.0 * (2 + 1) * 8);
  cfg = resolve_text("[run]\norgs = 100\nmodes = centralized\n[output]\nsamples = 7\n");
  EXPECT_EQ(estimate_work(cfg).record_bytes, 7.0 * (2 + 1) * 8);
}

TEST(WorkEstimate, SensitivityCountsEveryEvaluation) {
  // 100 base samples x 2 scenarios, 4 named factors: 4 + 3 evaluations each.
  auto cfg = resolve_text(
      "[run]\nmodes = centralized, delegated\n[org]\nworkers = int_uniform(10,50)\n"
      "span = int_uniform(3, 12)\ninfo_reach = uniform(0, 1)\nlocal_weight = uniform(0.3, 0.8)\n"
      "[sweep]\ntheta = list(0.1, 0.2)\n[sensitivity]\nbase_samples = 100\n"
      "factors = workers, span, info_reach, local_weight\n");
  EXPECT_EQ(estimate_work(cfg).org_simulations, 100.0 * 2 * 7);
  // Without a factors list the model decides how many: at least one, so 1 + 3.
  cfg = resolve_text(
      "[run]\nmodes = centralized\n[org]\nworkers = int_uniform(10,50)\n"
      "[sensitivity]\nbase_samples = 100\n");
  EXPECT_EQ(estimate_work(cfg).org_simulations, 100.0 * 4);
  // So the limit sees a sensitivity study's real cost: 10^5 organizations x 100 scenarios x
  // 5 modes of at least 1000 workers x 1000 periods is 5e5 core-seconds at the optimistic
  // rate (under the 1e6 limit) as a plain run, and 4 times that as base samples.
  const std::string modes = "modes = centralized, exception, delegated, coaching, distributed\n";
  const std::string rest =
      "[org]\nworkers = int_uniform(1000,2000)\n[model]\nperiods = 1000\n"
      "[sweep]\ntheta = linspace(0, 1, 100)\n";
  EXPECT_NO_THROW(resolve_text("[run]\norgs = 100000\n" + modes + rest));
  EXPECT_NE(refusal("[run]\n" + modes + rest + "[sensitivity]\nbase_samples = 100000\n")
                .find("run too large"),
            std::string::npos);
}

TEST(WorkEstimate, ShippedStudiesPassTheLimit) {
  for (const char* name : {"default", "million", "quick", "leader-loss", "information-age",
                           "march1991-fig1", "assumptions", "ishigami", "sobol_g", "sensitivity"}) {
    const std::string path = std::string(LEADSIM_SOURCE_DIR) + "/configs/" + name + ".ini";
    FILE* f = std::fopen(path.c_str(), "rb");
    ASSERT_NE(f, nullptr) << path;
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    EXPECT_NO_THROW(models::resolve(read_ini(text, path))) << name;
  }
}

TEST(WorkEstimate, RefusesAbsurdRunsWithTheirCost) {
  const std::string msg = refusal("[run]\norgs = 1e12\n");
  EXPECT_NE(msg.find("run too large"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1e+12 organization simulations"), std::string::npos) << msg;
  EXPECT_NE(msg.find("core-hours"), std::string::npos) << msg;
  EXPECT_NE(msg.find("run.allow_huge = true"), std::string::npos) << msg;
  // Product of moderate axes.
  EXPECT_NE(refusal("[run]\norgs = 1e6\n[sweep]\ntheta = linspace(0,1,1000)\n"
                    "shock_share = linspace(0,1,1000)\n")
                .find("core-hours"),
            std::string::npos);
  // Records: 10^10 organizations x 2 scenarios x (2 + 5 modes) x 8 bytes > 1 TB.
  const std::string rec = refusal(
      "[run]\norgs = 1e10\nmodes = centralized, exception, delegated, coaching, distributed\n"
      "[output]\nsamples = all\n[org]\nworkers = 1\n[model]\nperiods = 1\n[sweep]\n"
      "theta = list(0.1, 0.2)\n");
  EXPECT_NE(rec.find("GB of records"), std::string::npos) << rec;
}

TEST(WorkEstimate, AllowHugeLiftsTheLimitAndSurvivesToIni) {
  const auto cfg = resolve_text("[run]\norgs = 1e12\nallow_huge = true\n");
  EXPECT_TRUE(cfg.allow_huge);
  EXPECT_GT(estimate_work(cfg).cpu_seconds, kMaxCpuSeconds);
  // The file's stored configuration must resolve again (replay reads it back).
  const auto back = resolve_text(cfg.to_ini());
  EXPECT_TRUE(back.allow_huge);
  EXPECT_EQ(back.orgs, cfg.orgs);
  EXPECT_NE(refusal("[run]\nallow_huge = yes\n").find("allow_huge"), std::string::npos);
  EXPECT_FALSE(resolve_text("[run]\norgs = 10\nallow_huge = false\n").allow_huge);
}

}  // namespace
}  // namespace leadsim::config
