// The leadership model's simulation core (MODEL.md §2-§8 with the readings of §11).
// Internal to the model: the engine reaches it through factory.h. Declared in a header so
// that tests can simulate hand-built organizations and problem lists and inspect
// per-problem outcomes (the exact checks of MODEL.md §10).
//
// Data layout: structure of arrays. An organization (Organization) and its shared
// environment (Environment: problems, turnover, replacements, turbulence, shock) are drawn
// once; every mode then runs over them (OrgSimulator::run_mode). All buffers live in the
// OrgSimulator and are reused across organizations; run_mode allocates nothing once the buffers
// have grown to the largest organization seen.
//
// Thread safety: an OrgSimulator is single-threaded state; make one per thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "leadsim/config/dist.h"
#include "leadsim/core/uninit_vector.h"
#include "leadsim/models/leadership/metrics.h"
#include "leadsim/models/leadership/params.h"
#include "leadsim/port/model.h"
#include "leadsim/rng/beta_table.h"
#include "leadsim/rng/philox.h"

namespace leadsim::leadership {

using port::TraceSink;

// Who decides a problem (MODEL.md §5).
enum class Route : std::uint8_t {
  kManager,    // the worker's level-ℓ_p manager
  kException,  // the worker if k·c_W >= θ at arrival, else the level-ℓ_p manager (§11.7)
  kWorker,     // the worker
};

// A mode as a policy record, resolved for one scenario.
struct Policy {
  std::string name;
  Route route = Route::kWorker;
  bool supervise = false;    // managers pay supervision_cost per direct report per period
  bool peer = false;         // consultation, peer coaching, round-robin serving (§11.8)
  double coach_share = 0.0;  // χ: share of a level-1 manager's C spent coaching
  double teach_share = 0.0;  // π: share spent teaching peer practice
  double theta = 0.0;        // θ for exception routing and consultation
  // Each peer mechanism on its own ([mode.NAME] consult, peer_coaching, round_robin); unset:
  // as `peer`.
  std::optional<bool> consult{}, peer_coaching{}, round_robin{};

  bool consults() const { return consult.value_or(peer); }             // §8.7
  bool coaches_peers() const { return peer_coaching.value_or(peer); }  // §8.10
  bool round_robins() const { return round_robin.value_or(peer); }     // §8.6, else in turn
  // Any of the three: workers' attention is tracked through the period.
  bool peer_mechanisms() const { return consults() || coaches_peers() || round_robins(); }
};

// The model constants of section "model" except theta and the shares (which live in Policy).
// No defaults here: the values come only from the registry (params.cpp binds each entry to its
// field; default_constants() or the factory fill them). Value-initialize before filling.
struct Constants {
  int periods;
  double psi0;
  double rho0;
  double misalign_penalty;
  double delay_discount;
  int deadline;
  double consult_cost;
  double coach_cost;
  double teach_cost;
  double peer_coach_cost;
  double supervision_cost;
  double learn_rate;
  double eta_c;
  double eta_a;
  double eta_psi;
  double eta_rho;
  double eta_p;
  double team_preference;
  double problem_concentration;
  int shock_at;
  int shock_length;
  double shock_share;
  int peer_coachee;  // 0 most_skilled, 1 least_skilled (kLeastSkilled)
  int attention;     // 0 whole, 1 fractional (kFractional)
};
inline constexpr int kLeastSkilled = 1;  // Constants::peer_coachee
inline constexpr int kFractional = 1;    // Constants::attention

// A [model] constant given a distribution (and not swept): drawn once per organization from
// its own stream, Stream(seed, org, stream_tag(Purpose::kConstant, name_id(name)), 0), never
// keyed by the scenario, so equal distributions give equal draws in every scenario and mode.
struct DrawnConstant {
  const ParamEntry* entry = nullptr;
  config::DistSpec spec;
  std::uint32_t id = 0;               // name_id of the constant
  std::vector<std::size_t> policies;  // policy-bound: the modes that take [model]'s value
};

// Everything one scenario fixes: the specs of the drawn parameters, constants, modes.
struct ScenarioSpec {
  std::array<config::DistSpec, kNumOrgParams> org;
  std::array<config::DistSpec, kNumAgentParams> agent;
  Constants constants{};  // a drawn constant's field here is a placeholder
  std::vector<Policy> policies;
  std::vector<DrawnConstant> drawn;  // registry order; empty: every constant is fixed
};

// Draws spec.drawn for organization `org`: writes each drawn constant's field of `c` and, for a
// policy-bound one (theta, coach_share, teach_share), that field of every policy that takes the
// [model] value. `c` and `policies` hold spec.constants and spec.policies (or copies made once
// per scenario); nothing else of them is written. values[j] is drawn[j]'s value (integers
// rounded). Returns the Philox blocks drawn.
std::uint64_t draw_constants(const ScenarioSpec& spec, std::uint64_t seed, std::uint64_t org,
                             Constants& c, std::vector<Policy>& policies,
                             std::vector<double>& values);

// One organization: drawn values, hierarchy, agents' period-0 traits, lateral ties.
struct Organization {
  std::array<double, kNumOrgParams> p{};  // drawn (or scenario-fixed) org-level values
  int workers = 0;                        // W
  int span = 2;                           // s
  int domains = 1;                        // D
  int levels = 0;                         // L
  int managers = 0;                       // M, all levels; level-1 managers are 0..n1-1
  // level_offset[l] .. level_offset[l+1]-1 are the level-l managers, l = 1..L.
  std::vector<int> level_offset;
  std::vector<std::int64_t> span_pow;  // s^l, l = 0..L
  std::vector<int> reports;            // direct reports per manager
  std::vector<int> home;               // h_i per worker position
  std::vector<double> skill0;          // k_i[d] at period 0, W x D row-major
  std::vector<double> align0;          // α_i at period 0
  std::vector<double> g0;              // g_m at period 0
  std::vector<double> align_manager;   // α_m: P(manager m's decision is aligned), fixed
  std::vector<int> tie_begin;          // CSR of cross ties (sorted ascending), size W+1
  std::vector<int> ties;
  int level1() const { return level_offset.size() > 2 ? level_offset[2] : managers; }
  int team_begin(int i) const { return (i / span) * span; }
  int team_end(int i) const {
    const int e = team_begin(i) + span;
    return e < workers ? e : workers;
  }
};

// The shared environment of one organization: identical for every mode (§11.3).
struct Environment {
  int periods = 0;
  // Problems, ordered by arrival period, then worker index, then draw order.
  // Per-problem arrays keep their capacity across organizations and grow without a fill.
  std::vector<int> period_begin;  // size periods+1
  UninitVector<int> period;       // arrival period
  UninitVector<int> worker;       // arriving worker position
  UninitVector<std::uint8_t> domain;
  UninitVector<std::uint8_t> scope;  // ℓ_p in 1..L
  UninitVector<double> w, v, u, a;   // local weight, importance, correctness and alignment draws
  // Derived by OrgSimulator::finish_environment():
  UninitVector<double> cw;   // c_W = w + (1-w) ι
  UninitVector<double> cm;   // c_M of the level-ℓ_p manager = w (1-δ)^ℓ + (1-w)
  UninitVector<int> target;  // the level-ℓ_p manager's index
  std::vector<double> importance_by_period;  // Σ v_p by arrival period
  std::vector<int> queue_base;               // segment of each decider (W workers, then M)
  // Turnover events of period t: turn_begin[t] .. turn_begin[t+1]-1, worker positions
  // ascending, with the replacement's traits (D skills per event, alignment).
  std::vector<int> turn_begin;
  std::vector<int> turn_worker;
  std::vector<double> repl_skill;
  std::vector<double> repl_align;
  std::vector<int> turb_domain;      // per period: decaying domain or -1
  std::vector<std::uint8_t> absent;  // per level-1 manager: removed by the shock
  int shock_begin = 0;               // shock window [shock_begin, shock_end), empty = none
  int shock_end = 0;
  int absent_count = 0;
  double total_importance = 0.0;
};

// Outcome status of one problem after a mode ran.
enum ProblemStatus : std::uint8_t { kWaiting = 0, kDecided = 1, kExpired = 2 };
enum ProblemFlag : std::uint8_t { kRight = 1, kAligned = 2, kEscalated = 4, kHelped = 8 };

class OrgSimulator {
 public:
  // Draws organization `org` of a scenario: parameters, structure, agents, ties and the
  // environment (MODEL.md §1-§3, §11.1-§11.3). Returns the Philox blocks drawn.
  std::uint64_t draw(const ScenarioSpec& spec, std::uint64_t seed, std::uint64_t org) {
    return draw(spec, spec.constants, seed, org);
  }
  // The same with the organization's own constants `c` (spec.constants with its drawn
  // constants drawn: draw_constants()), which size and time its environment.
  std::uint64_t draw(const ScenarioSpec& spec, const Constants& c, std::uint64_t seed,
                     std::uint64_t org);

  // Hand-built path (tests): set org().p, workers, span, domains, then build_hierarchy();
  // fill home/skill0/align0/g0/ties and environment problems/events; finish_environment().
  void build_hierarchy();
  void finish_environment();
  void set_identity(std::uint64_t seed, std::uint64_t org) {
    seed_ = seed;
    org_id_ = org;
  }

  // Runs one mode over the current organization and environment. Throws SimulationError
  // when decided + expired + waiting != arrived.
  ModeResult run_mode(const Policy& policy, const Constants& c, TraceSink* trace = nullptr);

  // Whether run_mode records the per-problem outcome (status(), flags(), wait(), helper(),
  // kc()). On by default (tests read it); the bulk path turns it off, which leaves those
  // vectors empty and changes no ModeResult.
  void set_problem_detail(bool on) { detail_ = on; }

  Organization& org() { return org_; }
  Environment& env() { return env_; }
  const Organization& org() const { return org_; }
  const Environment& env() const { return env_; }

  // Per-problem outcome of the last run_mode.
  const std::vector<std::uint8_t>& status() const { return status_; }
  const std::vector<std::uint8_t>& flags() const { return flags_; }
  const std::vector<int>& wait() const { return wait_; }
  const std::vector<int>& helper() const { return helper_; }  // consulted tie or -1
  const std::vector<double>& kc() const { return kc_; }       // k·c the decision used
  // State at the end of the last run_mode.
  const std::vector<double>& skill() const { return skill_; }
  const std::vector<double>& alignment() const { return align_; }
  const std::vector<double>& psi() const { return psi_; }
  const std::vector<double>& rho() const { return rho_; }

 private:
  // The steps of draw() (draw.cpp).
  void draw_agents(const ScenarioSpec& spec);
  void draw_ties();
  void draw_environment(const ScenarioSpec& spec, const Constants& c);
  void draw_problems(const Constants& c);
  void draw_turnover(const ScenarioSpec& spec);
  void draw_turbulence();
  void draw_shock(const Constants& c);
  // §8.7.1; with kLeast, the ρ branch takes the least skilled tie instead of the most skilled
  // (peer_coachee = least_skilled).
  template <bool kLeast = false>
  [[gnu::always_inline]] inline int choose_tie(int i, int d, double rho, double tau,
                                               rng::Stream& rs);
  // Runs a mode by a ModeRun (modes.cpp), which steps through the periods on these buffers.
  template <bool kDetail, Route kRoute, bool kPeerMode>
  ModeResult run_mode_impl(const Policy& policy, const Constants& c, TraceSink* trace);
  template <bool kDetail, Route kRoute, bool kPeerMode>
  friend class ModeRun;

  bool detail_ = true;

  std::uint64_t seed_ = 0;
  std::uint64_t org_id_ = 0;
  std::uint64_t blocks_ = 0;
  Organization org_;
  Environment env_;
  std::vector<std::vector<int>> adj_;  // tie construction scratch
  std::vector<int> scratch_;
  // Beta samplers of the agent traits (beta_mean kinds), rebuilt only when a shape changes.
  std::array<rng::BetaSampler, kNumAgentParams> trait_beta_;
  std::vector<double> sigma_pow_;  // σ^j, j = 0..L
  std::vector<int> team0_;         // first worker of each worker's team (run_mode)
  // Mode state.
  std::vector<double> skill_, align_, psi_, rho_, g_, rem_;
  // attention = fractional: per manager the fraction carried in its decision, coaching and
  // teaching budgets (3·M; workers carry theirs in rem_).
  std::vector<double> carry_;
  static constexpr int kFixedCopy = 64;  // longest fixed-count copy of a queue's head
  std::vector<int> queue_, head_, tail_, active_;
  std::vector<double> disc_, value_by_period_;
  std::array<double, 4> value_factor_{};  // value factor by (right, aligned)
  std::vector<int> open_;  // per arrival period: problems neither decided nor expired
  // The decision schedule of the non-peer worker-route modes (see ModeRun::plan_schedule): per
  // period the problems decided, in order (list[begin[t] .. begin[t+1])), and the count expired.
  // `list` (N + kFixedCopy entries) is also the decision-list scratch of runs that neither
  // record nor replay a schedule; they mark it invalid.
  struct Schedule {
    struct Key {
      std::uint64_t generation = 0;
      std::uint64_t capacity_bits = 0;  // K
      int deadline = 0;
      int periods = 0;
      bool carry = false;  // workers carry fractions (attention = fractional, K not whole)
      bool operator==(const Key&) const = default;
    };
    bool valid = false;
    Key key;
    std::vector<int> begin, list;
    std::vector<std::int64_t> expired;
    std::int64_t waiting = 0;
  };
  Schedule schedule_;
  std::uint64_t env_generation_ = 0;  // bumped by finish_environment()
  std::vector<std::uint8_t> status_, flags_;
  std::vector<int> wait_, helper_;
  std::vector<double> kc_;
  std::vector<std::pair<double, int>> order_;
  std::vector<double> trace_row_;
};

}  // namespace leadsim::leadership
