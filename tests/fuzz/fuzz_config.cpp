// libFuzzer target: the configuration and distribution-spec parsers.
// Feeds the input to config::read_ini + config::resolve (the real model registry) and, for
// short inputs, to config::parse_dist and config::parse_axis. The only exception allowed out
// of them is leadsim::ConfigError; anything else (another exception, a sanitizer report, a
// broken round trip) is a crash the fuzzer keeps. Properties checked on success:
//   - resolve(read_ini(cfg.to_ini())) succeeds and gives the same parameters and sweep;
//   - parse_dist(spec.to_string()) gives the same spec (the canonical text is canonical);
//   - every axis value is finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "leadsim/config/config.h"
#include "leadsim/config/dist.h"
#include "leadsim/core/error.h"
#include "leadsim/models/registry.h"
#include "leadsim/port/model.h"

namespace {

void require(bool cond) {
  if (!cond) std::abort();
}

void fuzz_ini(std::string_view text) {
  using namespace leadsim;
  config::ResolvedConfig cfg;
  try {
    cfg = models::resolve(config::read_ini(text, "fuzz.ini"));
  } catch (const ConfigError&) {
    return;
  }
  // What resolve() accepted must survive its own canonical text.
  const std::string ini = cfg.to_ini();
  const config::ResolvedConfig back = models::resolve(config::read_ini(ini, "round-trip.ini"));
  require(back.param_text == cfg.param_text);
  require(back.sweep.size() == cfg.sweep.size());
  require(back.orgs == cfg.orgs && back.seed == cfg.seed && back.samples == cfg.samples);
  // Building the model validates modes and extra sections; keep it cheap.
  if (cfg.scenario_count() <= 64) {
    try {
      (void)models::find_model(cfg.model).create(cfg);
    } catch (const ConfigError&) {
    }
  }
}

void fuzz_dist(std::string_view text) {
  using namespace leadsim;
  try {
    const config::DistSpec spec = config::parse_dist(text);
    const config::DistSpec again = config::parse_dist(spec.to_string());
    require(again.kind == spec.kind && again.args == spec.args);
  } catch (const ConfigError&) {
  }
  try {
    for (double v : config::parse_axis(text)) require(std::isfinite(v));
  } catch (const ConfigError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_ini(text);
  if (size <= 256) fuzz_dist(text);
  return 0;
}
