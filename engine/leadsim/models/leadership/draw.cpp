// Drawing an organization and its shared environment (MODEL.md §1-§3 and §6, §8.1;
// spec §11.1-§11.3): org-level values, the hierarchy, the agents' period-0 traits, the cross
// ties, and every period's problems, turnover, turbulence and shock, identical for every mode.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/models/leadership/sim.h"
#include "leadsim/models/leadership/streams.h"
#include "leadsim/rng/beta_table.h"
#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"

namespace leadsim::leadership {
namespace {

using rng::Stream;

// Sub-stream ids of an agent's traits: one stream per (agent, trait), so that changing one
// trait's distribution leaves every other trait bit-identical (MODEL.md §10.9).
constexpr std::uint64_t kSubHome = rng::name_id("home_domain");
constexpr std::uint64_t kSubSkillHome = rng::name_id("skill_home");
constexpr std::uint64_t kSubSkillOther = rng::name_id("skill_other");
constexpr std::uint64_t kSubSkillManager = rng::name_id("skill_manager");
constexpr std::uint64_t kSubAlignment = rng::name_id("alignment_worker");
constexpr std::uint64_t kSubAlignmentManager = rng::name_id("alignment_manager");
constexpr std::uint64_t kSubCrossTies = rng::name_id("cross_ties");

// A replacement's traits: sub = period * 4 + trait.
constexpr std::uint64_t kReplOther = 0;
constexpr std::uint64_t kReplHome = 1;
constexpr std::uint64_t kReplAlign = 2;

struct OrgParamInfo {
  std::uint32_t id = 0;
  double lo = 0.0;
  double hi = 0.0;
  bool integer = false;
};

const std::array<OrgParamInfo, kNumOrgParams>& org_param_info() {
  static const std::array<OrgParamInfo, kNumOrgParams> info = [] {
    std::array<OrgParamInfo, kNumOrgParams> r{};
    for (const auto& e : param_table()) {
      if (e.category != ParamCategory::kOrg) continue;
      r[static_cast<std::size_t>(e.index)] =
          OrgParamInfo{rng::name_id(e.def.name.c_str()), e.def.lo, e.def.hi, e.def.integer};
    }
    return r;
  }();
  return info;
}

// A local weight w_p ~ beta_mean(w̄, κ) = Beta(w̄κ, (1-w̄)κ) by rng::BetaSampler (the exact
// table sampler for the shapes of the default configuration, set up once per organization);
// the degenerate means 0 and 1 give w̄ without a draw.
struct LocalWeight {
  double fixed = -1.0;  // >= 0: every w_p equals it
  rng::BetaSampler beta;
  LocalWeight(double wbar, double kappa) {
    if (!(wbar > 0.0)) {
      fixed = 0.0;
    } else if (!(wbar < 1.0)) {
      fixed = 1.0;
    } else {
      beta.set(wbar * kappa, (1.0 - wbar) * kappa);
    }
  }
  double operator()(Stream& s) const { return fixed >= 0.0 ? fixed : beta(s); }
};

// A per-agent trait draw. beta_mean(m, κ) (the default of every agent trait) uses the
// engine's rng::BetaSampler for that trait, kept across organizations (a scenario fixes the
// shape, so its table is built once); every other kind samples through DistSpec::sample.
struct AgentDraw {
  const config::DistSpec* spec;
  const rng::BetaSampler* beta = nullptr;
  AgentDraw(const config::DistSpec& sp, rng::BetaSampler& cache) : spec(&sp) {
    if (sp.kind == config::DistSpec::Kind::kBetaMean) {
      cache.set(sp.args[0] * sp.args[1], (1.0 - sp.args[0]) * sp.args[1]);
      beta = &cache;
    }
  }
  double operator()(Stream& s) const {
    return beta != nullptr ? (*beta)(s) : spec->sample(s, 0.0, 1.0, false);
  }
};

}  // namespace

std::uint64_t draw_constants(const ScenarioSpec& spec, std::uint64_t seed, std::uint64_t org,
                             Constants& c, std::vector<Policy>& policies,
                             std::vector<double>& values) {
  std::uint64_t blocks = 0;
  values.resize(spec.drawn.size());
  for (std::size_t j = 0; j < spec.drawn.size(); ++j) {
    const DrawnConstant& dc = spec.drawn[j];
    const config::ParamDef& def = dc.entry->def;
    // Its own stream (not the org parameters'): the organization's parameters, agents and
    // environment draws are those of a run where this constant is fixed.
    Stream st(seed, org, stream_tag(Purpose::kConstant, dc.id), 0);
    double x = dc.spec.sample(st, def.lo, def.hi, def.integer);
    blocks += st.blocks();
    if (def.integer) x = static_cast<double>(std::lround(x));
    values[j] = x;
    set_constant(*dc.entry, x, c);
    if (dc.entry->policy_field != nullptr) {
      for (std::size_t v : dc.policies) policies[v].*dc.entry->policy_field = x;
    }
  }
  return blocks;
}

std::uint64_t OrgSimulator::draw(const ScenarioSpec& spec, const Constants& c, std::uint64_t seed,
                                 std::uint64_t org) {
  seed_ = seed;
  org_id_ = org;
  blocks_ = 0;
  const auto& info = org_param_info();
  for (int k = 0; k < kNumOrgParams; ++k) {
    const auto& s = spec.org[static_cast<std::size_t>(k)];
    const auto& pi = info[static_cast<std::size_t>(k)];
    double x;
    if (s.is_constant()) {
      x = s.value();
    } else {
      // Each org-level parameter owns its stream: changing one leaves the others intact.
      Stream st(seed, org, stream_tag(Purpose::kParam, pi.id), 0);
      x = s.sample(st, pi.lo, pi.hi, pi.integer);
      blocks_ += st.blocks();
    }
    org_.p[static_cast<std::size_t>(k)] = x;
  }
  org_.workers = static_cast<int>(org_.p[kWorkers]);
  org_.span = static_cast<int>(org_.p[kSpan]);
  org_.domains = static_cast<int>(org_.p[kDomains]);
  build_hierarchy();
  draw_agents(spec);
  draw_ties();
  draw_environment(spec, c);
  finish_environment();
  return blocks_;
}

void OrgSimulator::build_hierarchy() {
  Organization& o = org_;
  if (o.workers < 1 || o.span < 2 || o.domains < 1 || o.domains > 64) {
    throw SimulationError("leadership: organization outside the legal ranges (workers " +
                              std::to_string(o.workers) + ", span " + std::to_string(o.span) +
                              ", domains " + std::to_string(o.domains) + ")",
                          0, org_id_, "");
  }
  o.level_offset.assign(2, 0);  // index 0 unused; level 1 starts at 0
  o.span_pow.assign(1, 1);
  o.reports.clear();
  std::int64_t below = o.workers;  // units at the level below
  int total = 0;
  do {
    const std::int64_t n = (below + o.span - 1) / o.span;
    for (std::int64_t j = 0; j < n; ++j) {
      const std::int64_t r = std::min<std::int64_t>(o.span, below - j * o.span);
      o.reports.push_back(static_cast<int>(r));
    }
    total += static_cast<int>(n);
    o.level_offset.push_back(total);
    o.span_pow.push_back(o.span_pow.back() * o.span);
    below = n;
  } while (below > 1);
  o.managers = total;
  o.levels = static_cast<int>(o.level_offset.size()) - 2;
}

void OrgSimulator::draw_agents(const ScenarioSpec& spec) {
  Organization& o = org_;
  const int W = o.workers;
  const int D = o.domains;
  o.home.resize(static_cast<std::size_t>(W));
  o.skill0.resize(static_cast<std::size_t>(W) * static_cast<std::size_t>(D));
  o.align0.resize(static_cast<std::size_t>(W));
  o.g0.resize(static_cast<std::size_t>(o.managers));
  o.align_manager.resize(static_cast<std::size_t>(o.managers));
  const AgentDraw skill_home(spec.agent[kSkillHome], trait_beta_[kSkillHome]);
  const AgentDraw skill_other(spec.agent[kSkillOther], trait_beta_[kSkillOther]);
  const AgentDraw skill_manager(spec.agent[kSkillManager], trait_beta_[kSkillManager]);
  const AgentDraw alignment(spec.agent[kAlignmentWorker], trait_beta_[kAlignmentWorker]);
  const config::DistSpec& align_manager_spec = spec.agent[kAlignmentManager];
  const AgentDraw align_manager(align_manager_spec, trait_beta_[kAlignmentManager]);
  for (int i = 0; i < W; ++i) {
    const auto id = stream_tag(Purpose::kWorker, static_cast<std::uint32_t>(i));
    Stream home_stream(seed_, org_id_, id, kSubHome);
    const int h = static_cast<int>(rng::uniform_index(home_stream, static_cast<std::uint64_t>(D)));
    o.home[static_cast<std::size_t>(i)] = h;
    // Other-domain skills are drawn for every domain in order (the home entry is then
    // overwritten), so a worker's skill in domain d does not depend on its home domain.
    Stream other_stream(seed_, org_id_, id, kSubSkillOther);
    double* k = &o.skill0[static_cast<std::size_t>(i) * static_cast<std::size_t>(D)];
    for (int d = 0; d < D; ++d) k[d] = skill_other(other_stream);
    Stream home_skill_stream(seed_, org_id_, id, kSubSkillHome);
    k[h] = skill_home(home_skill_stream);
    Stream align_stream(seed_, org_id_, id, kSubAlignment);
    o.align0[static_cast<std::size_t>(i)] = alignment(align_stream);
    blocks_ += home_stream.blocks() + other_stream.blocks() + home_skill_stream.blocks() +
               align_stream.blocks();
  }
  for (int m = 0; m < o.managers; ++m) {
    Stream manager_stream(seed_, org_id_,
                          stream_tag(Purpose::kManager, static_cast<std::uint32_t>(m)),
                          kSubSkillManager);
    o.g0[static_cast<std::size_t>(m)] = skill_manager(manager_stream);
    blocks_ += manager_stream.blocks();
    // Its own sub-stream, and none for a constant: the default (1) draws nothing, so every
    // other draw is as it was before managers could be misaligned.
    if (align_manager_spec.is_constant()) {
      o.align_manager[static_cast<std::size_t>(m)] = align_manager_spec.value();
    } else {
      Stream align_stream(seed_, org_id_,
                          stream_tag(Purpose::kManager, static_cast<std::uint32_t>(m)),
                          kSubAlignmentManager);
      o.align_manager[static_cast<std::size_t>(m)] = align_manager(align_stream);
      blocks_ += align_stream.blocks();
    }
  }
}

// Lateral cross ties: worker i (in index order) adds min(cross_ties, available) ties to
// distinct workers of other teams it is not yet tied to; ties are undirected.
void OrgSimulator::draw_ties() {
  Organization& o = org_;
  const int W = o.workers;
  const auto want = static_cast<std::int64_t>(o.p[kCrossTies]);
  if (adj_.size() < static_cast<std::size_t>(W)) adj_.resize(static_cast<std::size_t>(W));
  for (int i = 0; i < W; ++i) adj_[static_cast<std::size_t>(i)].clear();
  if (want > 0) {
    for (int i = 0; i < W; ++i) {
      auto& ai = adj_[static_cast<std::size_t>(i)];
      const int t0 = o.team_begin(i);
      const int t1 = o.team_end(i);
      const std::int64_t others = W - (t1 - t0);
      const std::int64_t avail = others - static_cast<std::int64_t>(ai.size());
      if (avail <= 0) continue;
      const std::int64_t need = std::min(want, avail);
      Stream ts(seed_, org_id_, stream_tag(Purpose::kStructure, static_cast<std::uint32_t>(i)),
                kSubCrossTies);
      auto tied = [&ai](int j) { return std::find(ai.begin(), ai.end(), j) != ai.end(); };
      auto add = [&](int j) {
        ai.push_back(j);
        adj_[static_cast<std::size_t>(j)].push_back(i);
      };
      if (need == avail) {
        for (int j = 0; j < W; ++j) {
          if ((j < t0 || j >= t1) && !tied(j)) add(j);
        }
      } else if (avail * 2 >= others) {
        std::int64_t added = 0;
        while (added < need) {
          const auto r =
              static_cast<int>(rng::uniform_index(ts, static_cast<std::uint64_t>(others)));
          const int j = r < t0 ? r : r + (t1 - t0);
          if (tied(j)) continue;
          add(j);
          ++added;
        }
      } else {
        // Dense case: enumerate the candidates and draw without replacement.
        scratch_.clear();
        for (int j = 0; j < W; ++j) {
          if ((j < t0 || j >= t1) && !tied(j)) scratch_.push_back(j);
        }
        for (std::int64_t q = 0; q < need; ++q) {
          const auto n =
              static_cast<std::uint64_t>(scratch_.size()) - static_cast<std::uint64_t>(q);
          const auto r =
              static_cast<std::size_t>(q) + static_cast<std::size_t>(rng::uniform_index(ts, n));
          std::swap(scratch_[static_cast<std::size_t>(q)], scratch_[r]);
          add(scratch_[static_cast<std::size_t>(q)]);
        }
      }
      blocks_ += ts.blocks();
    }
  }
  o.tie_begin.resize(static_cast<std::size_t>(W) + 1);
  o.ties.clear();
  for (int i = 0; i < W; ++i) {
    auto& ai = adj_[static_cast<std::size_t>(i)];
    std::sort(ai.begin(), ai.end());
    o.tie_begin[static_cast<std::size_t>(i)] = static_cast<int>(o.ties.size());
    o.ties.insert(o.ties.end(), ai.begin(), ai.end());
  }
  o.tie_begin[static_cast<std::size_t>(W)] = static_cast<int>(o.ties.size());
}

void OrgSimulator::draw_environment(const ScenarioSpec& spec, const Constants& c) {
  env_.periods = c.periods;
  draw_problems(c);
  draw_turnover(spec);
  draw_turbulence();
  draw_shock(c);
}

// Every period's problems, worker by worker (§8.1): count, domain, scope, local weight,
// importance and the correctness and alignment draws, from the worker's problem stream.
void OrgSimulator::draw_problems(const Constants& c) {
  const Organization& o = org_;
  Environment& e = env_;
  const int W = o.workers;
  const int D = o.domains;
  const int L = o.levels;
  const int T = e.periods;
  const double lambda = o.p[kDecisionRate];
  const double home_share = o.p[kHomeShare];
  const double sigma = o.p[kScopeEscalation];
  const LocalWeight local_weight(o.p[kLocalWeight], c.problem_concentration);

  sigma_pow_.assign(static_cast<std::size_t>(L) + 1, 1.0);
  for (int j = 1; j <= L; ++j) {
    sigma_pow_[static_cast<std::size_t>(j)] = sigma_pow_[static_cast<std::size_t>(j) - 1] * sigma;
  }
  const double* sigma_pow = sigma_pow_.data();
  e.period_begin.resize(static_cast<std::size_t>(T) + 1);
  // Problems are written through raw pointers into the environment's arrays (not push_back:
  // eight vectors' bookkeeping per problem cost more than the draws around it). The arrays
  // keep their size from the last organization and grow without a fill before a stream could
  // overrun them; they are cut to the problem count at the end.
  std::size_t cap = 0;
  int* out_period = nullptr;
  int* out_worker = nullptr;
  std::uint8_t* out_domain = nullptr;
  std::uint8_t* out_scope = nullptr;
  double* out_weight = nullptr;
  double* out_importance = nullptr;
  double* out_correct = nullptr;
  double* out_align = nullptr;
  auto resize_problems = [&e](std::size_t n) {
    e.period.resize(n);
    e.worker.resize(n);
    e.domain.resize(n);
    e.scope.resize(n);
    e.w.resize(n);
    e.v.resize(n);
    e.u.resize(n);
    e.a.resize(n);
  };
  auto reserve = [&](std::size_t want) {
    if (want > e.period.size()) resize_problems(want);
    cap = e.period.size();
    out_period = e.period.data();
    out_worker = e.worker.data();
    out_domain = e.domain.data();
    out_scope = e.scope.data();
    out_weight = e.w.data();
    out_importance = e.v.data();
    out_correct = e.u.data();
    out_align = e.a.data();
  };
  reserve(0);
  const rng::PoissonTable poisson(lambda);
  std::size_t np = 0;
  for (int t = 0; t < T; ++t) {
    e.period_begin[static_cast<std::size_t>(t)] = static_cast<int>(np);
    for (int i = 0; i < W; ++i) {
      Stream s(seed_, org_id_, stream_tag(Purpose::kProblems, static_cast<std::uint32_t>(i)),
               static_cast<std::uint64_t>(t));
      const std::int64_t n = poisson(s);
      if (n <= 0) {
        blocks_ += s.blocks();
        continue;
      }
      if (static_cast<std::uint64_t>(n) > cap - np) {
        if (static_cast<std::uint64_t>(n) >
            static_cast<std::uint64_t>(std::numeric_limits<int>::max() / 2)) {
          throw SimulationError("leadership: more than 2^30 problems in one organization", 0,
                                org_id_, "");
        }
        reserve(2 * (np + static_cast<std::size_t>(n)) + 1024);
      }
      const int h = o.home[static_cast<std::size_t>(i)];
      for (std::int64_t q = 0; q < n; ++q, ++np) {
        int d = h;
        if (!(s.uniform() < home_share) && D > 1) {
          const int r = static_cast<int>(rng::uniform_index(s, static_cast<std::uint64_t>(D - 1)));
          d = r < h ? r : r + 1;
        }
        // Scope by inversion from one uniform: P(ℓ > j) = σ^j for j < L, the law of the
        // sequential σ-coins capped at L. σ^j does not increase with j, so the count of
        // j < L with us < σ^j is the first j that fails.
        // Counted over all j < L (a fixed trip count per organization, no exit to predict).
        const double us = s.uniform();
        int l = 1;
        for (int j = 1; j < L; ++j) l += us < sigma_pow[static_cast<std::size_t>(j)] ? 1 : 0;
        out_period[np] = t;
        out_worker[np] = i;
        out_domain[np] = static_cast<std::uint8_t>(d);
        out_scope[np] = static_cast<std::uint8_t>(l);
        out_weight[np] = local_weight(s);
        out_importance[np] = rng::exponential_zig(s);
        out_correct[np] = s.uniform();
        out_align[np] = s.uniform();
      }
      blocks_ += s.blocks();
    }
    if (np > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2)) {
      throw SimulationError("leadership: more than 2^30 problems in one organization", 0, org_id_,
                            "");
    }
  }
  resize_problems(np);
  e.period_begin[static_cast<std::size_t>(T)] = static_cast<int>(e.period.size());
}

// Turnover (§8.11): geometric skips between leaving positions (exact Bernoulli(p) per worker),
// then every replacement's traits from its own streams.
void OrgSimulator::draw_turnover(const ScenarioSpec& spec) {
  const Organization& o = org_;
  Environment& e = env_;
  const int W = o.workers;
  const int D = o.domains;
  const int T = e.periods;
  const double pt = o.p[kTurnover];
  e.turn_begin.resize(static_cast<std::size_t>(T) + 1);
  e.turn_worker.clear();
  e.repl_skill.clear();
  e.repl_align.clear();
  const double log_q = std::log1p(-pt);
  for (int t = 0; t < T; ++t) {
    e.turn_begin[static_cast<std::size_t>(t)] = static_cast<int>(e.turn_worker.size());
    if (!(pt > 0.0)) continue;
    Stream s(seed_, org_id_, stream_tag(Purpose::kTurnover, 0), static_cast<std::uint64_t>(t));
    std::int64_t i = -1;
    for (;;) {
      double gap = 0.0;
      if (pt < 1.0) gap = std::floor(std::log(s.uniform_pos()) / log_q);
      if (!(gap < static_cast<double>(W))) break;
      i += static_cast<std::int64_t>(gap) + 1;
      if (i >= W) break;
      e.turn_worker.push_back(static_cast<int>(i));
    }
    blocks_ += s.blocks();
  }
  e.turn_begin[static_cast<std::size_t>(T)] = static_cast<int>(e.turn_worker.size());
  const AgentDraw repl_other(spec.agent[kSkillOther], trait_beta_[kSkillOther]);
  const AgentDraw repl_home(spec.agent[kSkillHome], trait_beta_[kSkillHome]);
  const AgentDraw repl_align(spec.agent[kAlignmentWorker], trait_beta_[kAlignmentWorker]);
  for (int t = 0; t < T; ++t) {
    for (int q = e.turn_begin[static_cast<std::size_t>(t)];
         q < e.turn_begin[static_cast<std::size_t>(t) + 1]; ++q) {
      const int i = e.turn_worker[static_cast<std::size_t>(q)];
      const auto id = stream_tag(Purpose::kReplacement, static_cast<std::uint32_t>(i));
      const auto sub = static_cast<std::uint64_t>(t) << 2;
      Stream os(seed_, org_id_, id, sub | kReplOther);
      Stream ks(seed_, org_id_, id, sub | kReplHome);
      Stream as(seed_, org_id_, id, sub | kReplAlign);
      const std::size_t base = e.repl_skill.size();
      for (int d = 0; d < D; ++d) e.repl_skill.push_back(repl_other(os));
      e.repl_skill[base + static_cast<std::size_t>(o.home[static_cast<std::size_t>(i)])] =
          repl_home(ks);
      e.repl_align.push_back(repl_align(as));
      blocks_ += os.blocks() + ks.blocks() + as.blocks();
    }
  }
}

// Turbulence (§8.12): per period, one coin and (on success) one domain.
void OrgSimulator::draw_turbulence() {
  const Organization& o = org_;
  Environment& e = env_;
  const int D = o.domains;
  const int T = e.periods;
  const double pb = o.p[kTurbulence];
  e.turb_domain.assign(static_cast<std::size_t>(T), -1);
  if (pb > 0.0) {
    for (int t = 0; t < T; ++t) {
      Stream s(seed_, org_id_, stream_tag(Purpose::kTurbulence, 0), static_cast<std::uint64_t>(t));
      if (s.uniform() < pb) {
        e.turb_domain[static_cast<std::size_t>(t)] =
            static_cast<int>(rng::uniform_index(s, static_cast<std::uint64_t>(D)));
      }
      blocks_ += s.blocks();
    }
  }
}

// Shock (§8.13): round(share * n1) level-1 managers by a partial Fisher-Yates shuffle.
void OrgSimulator::draw_shock(const Constants& c) {
  const Organization& o = org_;
  Environment& e = env_;
  const int T = e.periods;
  const int n1 = o.level1();
  e.absent.assign(static_cast<std::size_t>(n1), 0);
  e.absent_count = 0;
  e.shock_begin = e.shock_end = 0;
  if (c.shock_at >= 0 && c.shock_at < T && c.shock_length > 0) {
    e.shock_begin = c.shock_at;
    e.shock_end = static_cast<int>(
        std::min<std::int64_t>(T, static_cast<std::int64_t>(c.shock_at) + c.shock_length));
    const auto n_abs =
        static_cast<int>(std::min<double>(n1, std::round(c.shock_share * static_cast<double>(n1))));
    scratch_.resize(static_cast<std::size_t>(n1));
    for (int j = 0; j < n1; ++j) scratch_[static_cast<std::size_t>(j)] = j;
    Stream s(seed_, org_id_, stream_tag(Purpose::kShock, 0), 0);
    for (int j = 0; j < n_abs; ++j) {
      const auto r = static_cast<std::size_t>(j) + static_cast<std::size_t>(rng::uniform_index(
                                                       s, static_cast<std::uint64_t>(n1 - j)));
      std::swap(scratch_[static_cast<std::size_t>(j)], scratch_[r]);
      e.absent[static_cast<std::size_t>(scratch_[static_cast<std::size_t>(j)])] = 1;
    }
    e.absent_count = n_abs;
    blocks_ += s.blocks();
  }
}

void OrgSimulator::finish_environment() {
  ++env_generation_;  // a new environment: no recorded schedule applies to it
  const Organization& o = org_;
  Environment& e = env_;
  const std::size_t n = e.period.size();
  const int W = o.workers;
  const int M = o.managers;
  const double iota = o.p[kInfoReach];
  const double keep = 1.0 - o.p[kControlLoss];
  std::array<double, 256> loss{};
  loss[0] = 1.0;
  for (int l = 1; l <= o.levels; ++l)
    loss[static_cast<std::size_t>(l)] = loss[static_cast<std::size_t>(l) - 1] * keep;
  e.cw.resize(n);
  e.cm.resize(n);
  e.target.resize(n);
  e.queue_base.assign(static_cast<std::size_t>(W + M) + 1, 0);
  e.importance_by_period.assign(static_cast<std::size_t>(e.periods), 0.0);
  // The level-l manager of every worker, l = 0..L (row stride L + 1): one division per
  // (worker, level) instead of one per problem.
  const auto stride = static_cast<std::size_t>(o.levels) + 1;
  scratch_.resize(static_cast<std::size_t>(W) * stride);
  for (int i = 0; i < W; ++i) {
    for (std::size_t l = 0; l < stride; ++l) {
      scratch_[static_cast<std::size_t>(i) * stride + l] =
          o.level_offset[l] + static_cast<int>(i / o.span_pow[l]);
    }
  }
  const int* level_manager = scratch_.data();
  const double* local_weight = e.w.data();
  const double* importance = e.v.data();
  const int* arriving_worker = e.worker.data();
  const int* arrival = e.period.data();
  const std::uint8_t* scope = e.scope.data();
  double* reach_worker = e.cw.data();
  double* reach_manager = e.cm.data();
  int* target = e.target.data();
  int* queue_count = e.queue_base.data();
  double* importance_by_period = e.importance_by_period.data();
  for (std::size_t p = 0; p < n; ++p) {
    const double w = local_weight[p];
    const std::size_t l = scope[p];
    reach_worker[p] = w + (1.0 - w) * iota;
    reach_manager[p] = w * loss[l] + (1.0 - w);
    const int i = arriving_worker[p];
    const int m = level_manager[static_cast<std::size_t>(i) * stride + l];
    target[p] = m;
    ++queue_count[i + 1];
    ++queue_count[W + m + 1];
  }
  // Σ v_p by period and in all, each in problem order (problems are sorted by period, so a
  // period's sum is one run of the array: a register instead of a store per problem).
  double total = 0.0;
  for (std::size_t p = 0; p < n;) {
    const int t = arrival[p];
    double sum = importance_by_period[t];
    for (; p < n && arrival[p] == t; ++p) {
      sum += importance[p];
      total += importance[p];
    }
    importance_by_period[t] = sum;
  }
  e.total_importance = total;
  for (int x = 0; x < W + M; ++x) {
    e.queue_base[static_cast<std::size_t>(x) + 1] += e.queue_base[static_cast<std::size_t>(x)];
  }
}

}  // namespace leadsim::leadership
