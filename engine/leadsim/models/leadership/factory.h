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
#include <optional>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/models/leadership/sim.h"
#include "leadsim/port/model.h"

namespace leadsim::leadership {

// The factory named "leadership". A static object; thread-safe.
const port::ModelFactory& factory();

// A mode as configured: unset optional fields follow the scenario's [model] values.
struct ModeDef {
  std::string name;
  Route route = Route::kWorker;
  bool supervise = false;
  bool peer = false;  // the three peer mechanisms below, all on (built-in distributed)
  std::optional<double> coach_share;
  std::optional<double> teach_share;
  std::optional<double> theta;
  // Each peer mechanism on its own ([mode.NAME] consult, peer_coaching, round_robin); unset:
  // as `peer`. A section that sets `peer` and one of these to different values is refused.
  std::optional<bool> consult, peer_coaching, round_robin;
};

// What create() derives from a configuration: the run's modes and baseline, and what any
// scenario's ScenarioSpec is built from (every registry value, the sweep). Nothing is kept
// per scenario: scenario(s) builds the spec from ResolvedConfig::scenario_values(s).
struct ModelSetup {
  std::uint64_t seed = 1;
  std::vector<std::string> variants;
  std::string baseline;
  std::vector<ModeDef> modes;            // the run's, in variants order
  std::vector<config::DistSpec> values;  // every parameter, in param_table() order
  std::vector<std::size_t> axis_pos;     // param_table() position of each sweep axis
  // param_table() positions of the [model] constants drawn per organization (a distribution,
  // not swept): the same in every scenario; each is a record field after manager_load.
  std::vector<std::size_t> drawn_pos;
  config::ResolvedConfig grid;  // only `sweep` is set: scenario_count/values

  std::uint64_t scenario_count() const { return grid.scenario_count(); }
  // Scenario s's specs, constants and policies (swept parameters fixed as constants).
  // Throws std::out_of_range when s >= scenario_count(), ConfigError for a mode whose
  // coach_share + teach_share exceeds 1 (resolve_setup checks every scenario).
  ScenarioSpec scenario(std::uint64_t s) const;
  void fill(std::uint64_t s, ScenarioSpec& out) const;  // the same, reusing out's buffers
};
ModelSetup resolve_setup(const config::ResolvedConfig& cfg);

// A ResolvedConfig holding every registry default (tests and tools; no parsing involved).
config::ResolvedConfig default_config();

// decision_rate x span / manager_capacity (NaN without capacity): the load a level-1 manager
// would carry if it decided every problem of its team. A per-organization record field.
double manager_load(const Organization& o);

}  // namespace leadsim::leadership
