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
enum AgentParam : int { kSkillHome, kSkillOther, kSkillManager, kAlignmentWorker, kNumAgentParams };

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
  kNumConstParams
};

enum class ParamCategory { kOrg, kAgent, kConstant };

struct ParamEntry {
  config::ParamDef def;
  config::DistSpec default_value;  // the same value as def.default_spec, built without parsing
  ParamCategory category;
  int index;  // OrgParam, AgentParam or ConstParam
};

// Every parameter, in registry order: the §2 table order (section "org"), then the model
// constants (section "model"). Immutable; thread-safe.
const std::vector<ParamEntry>& param_table();

// The ParamDefs of param_table(), same order.
const std::vector<config::ParamDef>& param_defs();

// The entry named `name`, or nullptr.
const ParamEntry* find_param(const std::string& name);

}  // namespace leadsim::leadership
