// The leadership model's random-stream purposes (rng::tag(purpose, id), sub): what each
// stream's words are for. Values are part of the replay contract: never renumber.
#pragma once

#include <cstdint>

#include "leadsim/rng/philox.h"

namespace leadsim::leadership {

enum class Purpose : std::uint32_t {
  kParam = 1,        // id = hash of the parameter name: one organization-level draw
  kStructure = 2,    // id = worker position: that worker's cross ties
  kWorker = 3,       // id = worker position; traits at period 0
  kManager = 4,      // id = manager index
  kProblems = 5,     // id = worker position, sub = period: that worker's arrivals
  kTurnover = 6,     // sub = period: who leaves
  kReplacement = 7,  // id = worker position, sub = period: the replacement's traits
  kTurbulence = 8,   // sub = period
  kShock = 9,        // which managers a shock removes
  kMode = 10,        // id = hash of the mode name, sub = period: a mode's own choices
  kConstant = 11,    // id = hash of a [model] constant's name: its draw for one organization
};

// The counter word c0 of a leadership stream.
constexpr std::uint64_t stream_tag(Purpose p, std::uint32_t id) {
  return rng::tag(static_cast<std::uint32_t>(p), id);
}

}  // namespace leadsim::leadership
