// The leadership model (MODEL.md) as registered with the engine: name "leadership".
//
// Configuration it reads (ResolvedConfig):
//   [org], [model]  the parameters of params() (MODEL.md §2 and every other number of it);
//   [mode.NAME]     overrides a built-in mode's fields or defines a new mode; keys
//                   route = manager|exception|worker, supervise = bool, peer = bool,
//                   coach_share, teach_share, theta (numbers in [0,1]). Unset fields of a new
//                   mode are those of `delegated`; unset shares/theta of built-ins follow the
//                   scenario's [model] coach_share / teach_share / theta.
//   [run] modes     which modes run, in order (empty: centralized, exception, delegated,
//                   coaching, distributed); [run] baseline (default centralized, or the first
//                   mode when centralized is not run).
// create() throws ConfigError naming the offending key ("mode.fast.route") or mode and the
// known modes. The Model is immutable and thread-safe; each Simulator is per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/models/leadership/sim.h"
#include "leadsim/port/model.h"

namespace leadsim::leadership {

// The factory named "leadership". A static object; thread-safe.
const port::ModelFactory& factory();

// What create() derives from a configuration: one ScenarioSpec per scenario (swept
// parameters fixed as constants), the run's modes and baseline. Throws ConfigError.
struct ModelSetup {
  std::uint64_t seed = 1;
  std::vector<ScenarioSpec> scenarios;
  std::vector<std::string> variants;
  std::string baseline;
};
ModelSetup resolve_setup(const config::ResolvedConfig& cfg);

// A ResolvedConfig holding every registry default (tests and tools; no parsing involved).
config::ResolvedConfig default_config();

}  // namespace leadsim::leadership
