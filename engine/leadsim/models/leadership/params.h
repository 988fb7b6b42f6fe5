// The leadership model's parameter registry (MODEL.md §2 and every other number of the
// spec). One table feeds validation, `leadsim params`, the model's defaults and the record
// fields. Internal to the leadership model; the engine sees it only through
// ModelFactory::params().
#pragma once

#include <string>
#include <vector>

#include "leadsim/config/dist.h"
#include "leadsim/config/param.h"

namespace leadsim::leadership {

// Organization-level parameters (section "org", kind kOrg), drawn once per organization.
enum OrgParam : int {
  kWorkers,
  kSpan,
  kDomains,
  kInfoReach,
  kDecisionRate,
  kLocalWeight,
  kControlLoss,
  kScopeEscalation,
  kManagerCapacity,
  kWorkerCapacity,
  kHomeShare,
  kCrossTies,
  kTurnover,
  kTurbulence,
  kObsolescence,
  kNumOrgParams
};

// Per-agent distributions (section "org", kind kPerAgent): each agent draws its own value.
enum AgentParam : int {
  kSkillHome,
  kSkillOther,
  kSkillManager,
  kAlignmentWorker,
  kAlignmentManager,
  kNumAgentParams
};

// Model constants (section "model", kind kConstant).
enum ConstParam : int {
  kPeriods,
  kPsi0,
  kRho0,
  kMisalignPenalty,
  kDelayDiscount,
  kDeadline,
  kConsultCost,
  kCoachCost,
  kTeachCost,
  kPeerCoachCost,
  kSupervisionCost,
  kTheta,
  kCoachShare,
  kTeachShare,
  kLearnRate,
  kEtaC,
  kEtaA,
  kEtaPsi,
  kEtaRho,
  kEtaP,
  kTeamPreference,
  kProblemConcentration,
  kShockAt,
  kShockLength,
  kShockShare,
  kPeerCoachee,
  kAttention,
  kNumConstParams
};

enum class ParamCategory { kOrg, kAgent, kConstant };

struct Constants;  // sim.h
struct Policy;     // sim.h

// A registry entry: the parameter declared once (ParamDef: name, symbol, unit, range, default
// text, meaning) and bound to what it fills. The default text is the only written copy of the
// default; default_value is parsed from it.
struct ParamEntry {
  config::ParamDef def;
  config::DistSpec default_value;  // parse_dist(def.default_spec)
  ParamCategory category;
  int index;  // OrgParam, AgentParam or ConstParam
  // Section "model" only: the field the constant fills, exactly one of the three. The mode
  // defaults theta, coach_share and teach_share fill Policy (a mode may override them).
  int Constants::*int_field = nullptr;  // rounded to the nearest integer
  double Constants::*double_field = nullptr;
  double Policy::*policy_field = nullptr;
};

// Every parameter, in registry order: the §2 table order (section "org"), then the model
// constants (section "model"). Immutable; thread-safe.
const std::vector<ParamEntry>& param_table();

// The ParamDefs of param_table(), same order.
const std::vector<config::ParamDef>& param_defs();

// The entry named `name`, or nullptr.
const ParamEntry* find_param(const std::string& name);

// Sets the Constants field that `e` is bound to (nothing for a Policy-bound or non-constant
// entry). Integer fields take the value rounded to the nearest integer.
void set_constant(const ParamEntry& e, double value, Constants& c);

// Every Constants field at its registry default: Constants holds no defaults of its own.
Constants default_constants();

}  // namespace leadsim::leadership
