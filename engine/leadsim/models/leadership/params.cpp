#include "leadsim/models/leadership/params.h"

#include <cmath>

#include "leadsim/models/leadership/sim.h"

namespace leadsim::leadership {
namespace {

using config::ParamDef;
using config::ParamKind;

ParamEntry entry(ParamDef def, ParamCategory category, int index) {
  config::DistSpec dflt = config::parse_value(def, def.default_spec);
  return ParamEntry{std::move(def), std::move(dflt), category, index};
}

ParamEntry org(const char* name, const char* sym, const char* unit, const char* meaning, double lo,
               double hi, bool integer, const char* text, OrgParam idx) {
  return entry(ParamDef{name, "org", sym, unit, meaning, lo, hi, integer, ParamKind::kOrg, text},
               ParamCategory::kOrg, idx);
}

ParamEntry agent(const char* name, const char* unit, const char* meaning, const char* text,
                 AgentParam idx) {
  return entry(
      ParamDef{name, "org", "", unit, meaning, 0.0, 1.0, false, ParamKind::kPerAgent, text},
      ParamCategory::kAgent, idx);
}

// A numeric model constant: a number, or a distribution drawn per organization (drawable;
// the switches below are not).
ParamEntry cst(const char* name, const char* sym, const char* unit, const char* meaning, double lo,
               double hi, bool integer, const char* text, ConstParam idx) {
  ParamDef def{name, "model", sym, unit, meaning, lo, hi, integer, ParamKind::kConstant, text};
  def.drawable = true;
  return entry(std::move(def), ParamCategory::kConstant, idx);
}
ParamEntry cst(const char* name, const char* sym, const char* unit, const char* meaning, double lo,
               double hi, bool integer, const char* text, ConstParam idx, int Constants::*field) {
  ParamEntry e = cst(name, sym, unit, meaning, lo, hi, integer, text, idx);
  e.int_field = field;
  return e;
}
ParamEntry cst(const char* name, const char* sym, const char* unit, const char* meaning, double lo,
               double hi, bool integer, const char* text, ConstParam idx,
               double Constants::*field) {
  ParamEntry e = cst(name, sym, unit, meaning, lo, hi, integer, text, idx);
  e.double_field = field;
  return e;
}
ParamEntry cst(const char* name, const char* sym, const char* unit, const char* meaning, double lo,
               double hi, bool integer, const char* text, ConstParam idx, double Policy::*field) {
  ParamEntry e = cst(name, sym, unit, meaning, lo, hi, integer, text, idx);
  e.policy_field = field;
  return e;
}

std::vector<ParamEntry> build() {
  std::vector<ParamEntry> t;
  // Section "org": MODEL.md §2, in the table's order.
  t.push_back(org("workers", "W", "workers", "front-line workers", 1, 1e6, true,
                  "int_loguniform(10,500)", kWorkers));
  t.push_back(org("span", "s", "reports/manager",
                  "span of control (>= 2: a span of 1 would make the hierarchy infinite)", 2, 1000,
                  true, "int_uniform(3,12)", kSpan));
  t.push_back(org("domains", "D", "domains", "knowledge domains", 1, 64, true, "int_uniform(4,16)",
                  kDomains));
  t.push_back(org("info_reach", "ι", "share", "share of global information the front line can see",
                  0, 1, false, "uniform(0,1)", kInfoReach));
  t.push_back(org("decision_rate", "λ", "problems/worker/period",
                  "problems per worker per period (Poisson mean)", 0, 1000, false,
                  "loguniform(0.25,4)", kDecisionRate));
  t.push_back(org("local_weight", "w̄", "share",
                  "mean share of a problem's needed information that is local know-how", 0, 1,
                  false, "uniform(0.3,0.8)", kLocalWeight));
  t.push_back(org("control_loss", "δ", "share/level",
                  "fidelity lost per hierarchy level on local know-how", 0, 1, false,
                  "uniform(0.05,0.3)", kControlLoss));
  t.push_back(org("scope_escalation", "σ", "probability",
                  "P(a problem's scope reaches the next level)", 0, 1, false, "uniform(0.05,0.3)",
                  kScopeEscalation));
  t.push_back(org("manager_capacity", "C", "attention/manager/period",
                  "attention units per manager per period", 0, 1e6, false, "uniform(8,40)",
                  kManagerCapacity));
  t.push_back(org("worker_capacity", "K", "attention/worker/period",
                  "attention units per worker per period", 0, 1e6, false, "4", kWorkerCapacity));
  t.push_back(agent("skill_home", "probability-scale skill",
                    "worker skill in its home domain (one draw per worker)", "beta_mean(0.7,10)",
                    kSkillHome));
  t.push_back(agent("skill_other", "probability-scale skill",
                    "worker skill in other domains (one draw per worker and domain)",
                    "beta_mean(0.3,10)", kSkillOther));
  t.push_back(agent("skill_manager", "probability-scale skill",
                    "manager generalist skill, all domains (one draw per manager)",
                    "beta_mean(0.55,10)", kSkillManager));
  t.push_back(agent("alignment_worker", "share",
                    "worker's grasp of priorities, strategy, values (one draw per worker)",
                    "beta_mean(0.6,10)", kAlignmentWorker));
  t.push_back(agent("alignment_manager", "share",
                    "P(a manager's decision is aligned) (one draw per manager; 1: always, "
                    "the original model)",
                    "1", kAlignmentManager));
  t.push_back(org("home_share", "", "probability", "P(a problem is in the worker's home domain)", 0,
                  1, false, "0.7", kHomeShare));
  t.push_back(org("cross_ties", "", "ties/worker",
                  "random lateral ties each worker adds to workers of other teams", 0, 1000, true,
                  "2", kCrossTies));
  t.push_back(org("turnover", "", "probability/period", "P(a worker is replaced, per period)", 0, 1,
                  false, "0.01", kTurnover));
  t.push_back(org("turbulence", "", "probability/period",
                  "P(per period) that one random domain's knowledge decays", 0, 1, false, "0.02",
                  kTurbulence));
  t.push_back(org("obsolescence", "", "factor", "skill multiplier kept when a domain decays", 0, 1,
                  false, "0.7", kObsolescence));
  // Section "model": every other number of MODEL.md.
  t.push_back(cst("periods", "T", "periods", "periods simulated", 1, 100000, true, "60", kPeriods,
                  &Constants::periods));
  t.push_back(cst("psi0", "ψ0", "probability", "initial peer-leadership practice of a worker", 0, 1,
                  false, "0.05", kPsi0, &Constants::psi0));
  t.push_back(cst("rho0", "ρ0", "probability", "initial expertise recognition of a worker", 0, 1,
                  false, "0.2", kRho0, &Constants::rho0));
  t.push_back(cst("misalign_penalty", "", "share", "value lost by a misaligned right decision", 0,
                  1, false, "0.5", kMisalignPenalty, &Constants::misalign_penalty));
  t.push_back(cst("delay_discount", "", "share/period", "value discount per period of wait", 0, 1,
                  false, "0.1", kDelayDiscount, &Constants::delay_discount));
  t.push_back(cst("deadline", "", "periods", "longest wait at which a problem can still be decided",
                  0, 100000, true, "8", kDeadline, &Constants::deadline));
  t.push_back(cst("consult_cost", "", "attention", "helper's attention per consultation", 0, 1e6,
                  false, "0.5", kConsultCost, &Constants::consult_cost));
  t.push_back(cst("coach_cost", "", "attention", "coach's attention per coaching session", 0, 1e6,
                  false, "1", kCoachCost, &Constants::coach_cost));
  t.push_back(cst("teach_cost", "", "attention", "manager's attention per teaching session", 0, 1e6,
                  false, "1", kTeachCost, &Constants::teach_cost));
  t.push_back(cst("peer_coach_cost", "", "attention", "worker's attention per peer-coaching act", 0,
                  1e6, false, "0.5", kPeerCoachCost, &Constants::peer_coach_cost));
  t.push_back(cst("supervision_cost", "", "attention/report/period",
                  "a supervising manager's attention per direct report per period", 0, 1e6, false,
                  "0.25", kSupervisionCost, &Constants::supervision_cost));
  t.push_back(cst("theta", "θ", "k·c",
                  "threshold on k·c below which a worker escalates (exception) or consults "
                  "(distributed); default of every mode's theta",
                  0, 1, false, "0.35", kTheta, &Policy::theta));
  t.push_back(cst("coach_share", "χ", "share",
                  "share of a level-1 manager's capacity spent coaching (coaching, distributed)", 0,
                  1, false, "0.5", kCoachShare, &Policy::coach_share));
  t.push_back(cst("teach_share", "π", "share",
                  "share of a level-1 manager's capacity spent teaching peer practice "
                  "(distributed)",
                  0, 1, false, "0.25", kTeachShare, &Policy::teach_share));
  t.push_back(cst("learn_rate", "", "share", "asker's learning per consultation", 0, 1, false,
                  "0.02", kLearnRate, &Constants::learn_rate));
  t.push_back(cst("eta_c", "η_c", "share", "skill gain per coaching session", 0, 1, false, "0.03",
                  kEtaC, &Constants::eta_c));
  t.push_back(cst("eta_a", "η_a", "share", "alignment gain per coaching session", 0, 1, false,
                  "0.03", kEtaA, &Constants::eta_a));
  t.push_back(cst("eta_psi", "η_ψ", "share", "peer-practice gain per teaching session", 0, 1, false,
                  "0.05", kEtaPsi, &Constants::eta_psi));
  t.push_back(cst("eta_rho", "η_ρ", "share", "recognition gain per teaching session", 0, 1, false,
                  "0.05", kEtaRho, &Constants::eta_rho));
  t.push_back(cst("eta_p", "η_p", "share", "coachee's gain per peer-coaching act", 0, 1, false,
                  "0.05", kEtaP, &Constants::eta_p));
  t.push_back(cst("team_preference", "", "ratio",
                  "how much likelier a teammate is than a cross tie in a random tie choice", 0, 1e6,
                  false, "3", kTeamPreference, &Constants::team_preference));
  t.push_back(cst("problem_concentration", "", "1",
                  "Beta concentration of a problem's local weight around local_weight", 1e-6, 1e6,
                  false, "10", kProblemConcentration, &Constants::problem_concentration));
  t.push_back(cst("shock_at", "", "period", "first period of the manager shock (-1: no shock)", -1,
                  100000, true, "-1", kShockAt, &Constants::shock_at));
  t.push_back(cst("shock_length", "", "periods", "periods the shock lasts", 0, 100000, true, "5",
                  kShockLength, &Constants::shock_length));
  t.push_back(cst("shock_share", "", "share", "share of level-1 managers absent during the shock",
                  0, 1, false, "0.5", kShockShare, &Constants::shock_share));
  // Switches between readings of the specification (MODEL.md "Readings"): the first choice is
  // the original reading, bit for bit.
  ParamDef coachee{"peer_coachee",
                   "model",
                   "",
                   "choice",
                   "whom a peer coach picks with probability rho: its most_skilled tie in its "
                   "home domain (reading 13) or its least_skilled one",
                   0,
                   1,
                   true,
                   ParamKind::kConstant,
                   "most_skilled",
                   {"most_skilled", "least_skilled"}};
  t.push_back(entry(std::move(coachee), ParamCategory::kConstant, kPeerCoachee));
  t.back().int_field = &Constants::peer_coachee;
  ParamDef attention{"attention",
                     "model",
                     "",
                     "choice",
                     "whole: the fraction of attention a period leaves below one unit is lost "
                     "(spec 11.5); fractional: it carries to the decider's next period",
                     0,
                     1,
                     true,
                     ParamKind::kConstant,
                     "whole",
                     {"whole", "fractional"}};
  t.push_back(entry(std::move(attention), ParamCategory::kConstant, kAttention));
  t.back().int_field = &Constants::attention;
  return t;
}

}  // namespace

const std::vector<ParamEntry>& param_table() {
  static const std::vector<ParamEntry> table = build();
  return table;
}

const std::vector<config::ParamDef>& param_defs() {
  static const std::vector<config::ParamDef> defs = [] {
    std::vector<config::ParamDef> d;
    for (const auto& e : param_table()) d.push_back(e.def);
    return d;
  }();
  return defs;
}

const ParamEntry* find_param(const std::string& name) {
  for (const auto& e : param_table()) {
    if (e.def.name == name) return &e;
  }
  return nullptr;
}

void set_constant(const ParamEntry& e, double value, Constants& c) {
  if (e.int_field != nullptr) c.*e.int_field = static_cast<int>(std::lround(value));
  if (e.double_field != nullptr) c.*e.double_field = value;
}

Constants default_constants() {
  Constants c{};
  for (const auto& e : param_table()) {
    if (e.category == ParamCategory::kConstant) set_constant(e, e.default_value.value(), c);
  }
  return c;
}

}  // namespace leadsim::leadership
