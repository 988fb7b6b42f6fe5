// Cost of the leadership model on one thread, fixed seeds (seed 1, default configuration).
// Items are problem-mode events (problems arrived x modes run) unless stated; for the
// generation benchmarks an organization's problems count once per default mode (5), so that
// their items/s compare directly with the simulation's. Run:
//   leadsim_bench --benchmark_filter='BM_(OrgGenerate|ProblemStream|SimulateMode|SimulateOrg)'
// Performance target 1: BM_SimulateOrgAllModes >= 30 M items/s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "leadsim/models/leadership/factory.h"
#include "leadsim/models/leadership/params.h"
#include "leadsim/models/leadership/sim.h"
#include "leadsim/models/leadership/streams.h"
#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"

namespace leadsim::leadership {
namespace {

constexpr std::uint64_t kSeed = 1;

ScenarioSpec default_spec() {
  return resolve_setup(default_config()).scenario(0);
}

// Draws whole organizations (structure, agents, ties, environment) with `workers` fixed.
void BM_OrgGenerate(benchmark::State& state) {
  ScenarioSpec sc = default_spec();
  sc.org[kWorkers] = config::DistSpec::constant(static_cast<double>(state.range(0)));
  OrgSimulator eng;
  std::uint64_t org = 0;
  std::int64_t problems = 0;
  std::uint64_t blocks = 0;
  for (auto _ : state) {
    blocks += eng.draw(sc, kSeed, org++ % 64);
    problems += static_cast<std::int64_t>(eng.env().period.size());
  }
  state.SetItemsProcessed(problems * static_cast<std::int64_t>(sc.policies.size()));
  state.counters["philox_words_per_problem"] =
      4.0 * static_cast<double>(blocks) / static_cast<double>(problems);
}
BENCHMARK(BM_OrgGenerate)->Arg(10)->Arg(50)->Arg(200)->Arg(500);

// The per-problem draws of the shared problem stream alone, as OrgSimulator::draw makes them
// (λ = 1.35, the mean of the default loguniform(0.25, 4); w̄ = 0.55, κ = 10; D = 10, L = 3;
// σ = 0.175): one stream per (worker, period). Items: problems x 5 modes.
void BM_ProblemStream(benchmark::State& state) {
  const double lambda = 1.35;
  const rng::BetaSampler wdist(5.5, 4.5);
  std::uint32_t worker = 0;
  std::int64_t problems = 0;
  double sink = 0.0;
  for (auto _ : state) {
    rng::Stream s(kSeed, 0, leadership::stream_tag(leadership::Purpose::kProblems, worker++), 0);
    const std::int64_t n = rng::poisson(s, lambda);
    for (std::int64_t q = 0; q < n; ++q) {
      int d = 0;
      if (!(s.uniform() < 0.7)) d = 1 + static_cast<int>(rng::uniform_index(s, 9));
      const double us = s.uniform();
      const int l = 1 + (us < 0.175 ? 1 : 0) + (us < 0.175 * 0.175 ? 1 : 0);
      sink += d + l + wdist(s) + rng::exponential_zig(s) + s.uniform() + s.uniform();
    }
    problems += n;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(problems * 5);
}
BENCHMARK(BM_ProblemStream);

// One mode on drawn organizations (workers and decision_rate fixed), a new organization
// every iteration, drawn outside the timing. Not one organization repeated: the branch
// predictor learns a repeated organization's sequence of outcomes (on this benchmark's first
// machine a repeated 50-worker organization ran twice as fast per problem as distinct ones,
// which made small organizations look cheaper than they are). Arguments: mode index (default
// order), workers, decision rate x 100.
void BM_SimulateMode(benchmark::State& state) {
  ScenarioSpec sc = default_spec();
  const auto& pol = sc.policies.at(static_cast<std::size_t>(state.range(0)));
  sc.org[kWorkers] = config::DistSpec::constant(static_cast<double>(state.range(1)));
  sc.org[kDecisionRate] = config::DistSpec::constant(static_cast<double>(state.range(2)) / 100.0);
  OrgSimulator eng;
  eng.set_problem_detail(false);
  std::uint64_t org = 0;
  std::int64_t problems = 0;
  for (auto _ : state) {
    state.PauseTiming();
    eng.draw(sc, kSeed, org++);
    problems += static_cast<std::int64_t>(eng.env().period.size());
    state.ResumeTiming();
    const ModeResult r = eng.run_mode(pol, sc.constants);
    benchmark::DoNotOptimize(r.metrics[0]);
  }
  state.SetItemsProcessed(problems);
  state.SetLabel(pol.name);
}
BENCHMARK(BM_SimulateMode)->ArgsProduct({{0, 1, 2, 3, 4}, {50, 500}, {25, 135, 400}});

// The target workload: default organizations 0..199 of seed 1 in turn, each drawn and run
// under the five default modes, exactly as the bulk path does.
void BM_SimulateOrgAllModes(benchmark::State& state) {
  const ScenarioSpec sc = default_spec();
  OrgSimulator eng;
  eng.set_problem_detail(false);
  std::uint64_t org = 0;
  std::int64_t events = 0;
  std::uint64_t blocks = 0;
  for (auto _ : state) {
    blocks += eng.draw(sc, kSeed, org++ % 200);
    for (const auto& pol : sc.policies) {
      const ModeResult r = eng.run_mode(pol, sc.constants);
      blocks += r.rng_blocks;
      benchmark::DoNotOptimize(r.metrics[0]);
    }
    events += static_cast<std::int64_t>(eng.env().period.size() * sc.policies.size());
  }
  state.SetItemsProcessed(events);
  state.counters["philox_words_per_event"] =
      4.0 * static_cast<double>(blocks) / static_cast<double>(events);
}
BENCHMARK(BM_SimulateOrgAllModes)->Iterations(200)->Repetitions(5)->ReportAggregatesOnly(true);

}  // namespace
}  // namespace leadsim::leadership
