#include "leadsim/models/march/model.h"

#include <string>
#include <vector>

namespace leadsim::march {

namespace {

rng::Stream stream(std::uint64_t seed, std::uint64_t run, StreamId id, std::uint64_t sub) {
  return rng::Stream(seed, run, rng::tag(kStreamPurpose, static_cast<std::uint32_t>(id)), sub);
}

}  // namespace

RunResult simulate_run(const Params& p, std::uint64_t seed, std::uint64_t run, detail::State& s,
                       port::TraceSink* trace, detail::KRule rule) {
  RunResult out;
  s.resize(p.m, p.n);
  {
    auto g = stream(seed, run, StreamId::kReality, 0);
    detail::draw_reality(s, g);
    out.rng_blocks += g.blocks();
  }
  {
    auto g = stream(seed, run, StreamId::kInitialBeliefs, 0);
    for (int i = 0; i < s.n; ++i) detail::draw_individual(s.belief_row(i), g);
    out.rng_blocks += g.blocks();
  }
  std::vector<double> q_pow;
  detail::stay_table(p.p2, p.n, q_pow);

  if (trace != nullptr) {
    trace->begin(kModelName, {"period", "knowledge", "individual_knowledge", "superior"});
  }
  const bool fixed = p.fixed_length();
  const std::int64_t last = fixed ? p.periods : p.max_periods;
  const double inv_m = 1.0 / static_cast<double>(p.m);
  std::int64_t t = 0;
  bool equilibrium = false;
  while (t < last) {
    ++t;
    const auto sub = static_cast<std::uint64_t>(t);
    // Streams are only opened for steps that can draw, so p3 = 0 costs nothing; separate
    // streams keep the other steps' draws identical whether or not these ran.
    if (p.p3 > 0.0) {
      auto g = stream(seed, run, StreamId::kTurnover, sub);
      detail::turnover(s, p.p3, g);
      out.rng_blocks += g.blocks();
    }
    if (p.p4 > 0.0) {
      auto g = stream(seed, run, StreamId::kTurbulence, sub);
      detail::turbulence(s, p.p4, g);
      out.rng_blocks += g.blocks();
    }
    {
      auto g = stream(seed, run, StreamId::kActions, sub);
      detail::act(s, g);
      out.rng_blocks += g.blocks();
    }
    // The superior group is judged against the code at the start of the period, before step 3.
    const int group = detail::mark_superior(s, detail::code_score(s));
    {
      auto g = stream(seed, run, StreamId::kSocialization, sub);
      detail::socialize(s, p.p1, g);
      out.rng_blocks += g.blocks();
    }
    if (group > 0) {
      auto g = stream(seed, run, StreamId::kCodeLearning, sub);
      detail::learn_code(s, q_pow, rule, g);
      out.rng_blocks += g.blocks();
    }
    if (trace != nullptr) {
      const double row[] = {static_cast<double>(t),
                            static_cast<double>(detail::code_score(s)) * inv_m,
                            detail::mean_individual_knowledge(s), static_cast<double>(group)};
      trace->row(row);
    }
    if (!fixed && detail::at_equilibrium(s)) {
      equilibrium = true;
      break;
    }
  }
  out.periods = t;
  out.hit_cap = !fixed && !equilibrium;
  const std::int32_t cs = detail::code_score(s);
  out.knowledge = static_cast<double>(cs) * inv_m;
  int correct = 0;
  for (int d = 0; d < s.m; ++d) {
    correct += s.code[static_cast<std::size_t>(d)] == s.reality[static_cast<std::size_t>(d)];
  }
  out.code_correct = static_cast<double>(correct) * inv_m;
  out.individual_knowledge = detail::mean_individual_knowledge(s);
  return out;
}

}  // namespace leadsim::march
