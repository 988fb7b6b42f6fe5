// Throughput of the generator and of each sampler on one thread, fixed seeds. Items are draws
// (BM_Philox4x64: 64-bit words). Run:
//   leadsim_bench --benchmark_filter='BM_(Philox|Uniform|Normal|Exp|Gamma|Beta|Poisson|LogU)'
#include <benchmark/benchmark.h>

#include <cstdint>

#include "leadsim/rng/beta_table.h"
#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"

namespace leadsim::rng {
namespace {

Stream bench_stream() {
  return Stream(12345, 678, tag(kTestPurpose, 1));
}

void BM_Philox4x64(benchmark::State& state) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(g.next_u64());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Philox4x64);

void BM_Uniform(benchmark::State& state) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(g.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Uniform);

void BM_UniformIndex(benchmark::State& state) {
  Stream g = bench_stream();
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(uniform_index(g, n));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UniformIndex)->Arg(7)->Arg(1000);

void BM_Normal(benchmark::State& state) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(normal(g));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Normal);

void BM_Exponential(benchmark::State& state) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(exponential(g));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Exponential);

// Argument: shape x 10 (5 -> 0.5 uses the boost path, 30 -> 3).
void BM_Gamma(benchmark::State& state) {
  Stream g = bench_stream();
  const double shape = static_cast<double>(state.range(0)) / 10.0;
  for (auto _ : state) benchmark::DoNotOptimize(gamma(g, shape));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Gamma)->Arg(5)->Arg(30);

void BM_Beta(benchmark::State& state) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(beta(g, 2.0, 5.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Beta);

void BM_BetaMean(benchmark::State& state) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(beta_mean(g, 0.7, 10.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BetaMean);

// The fast exact Beta samplers of the leadership model at the default problem-weight shape
// Beta(5.5, 4.5) (w̄ = 0.55, κ = 10): the gamma-ratio ziggurat one and the table one
// (BetaTable, set up outside the timing; BM_BetaTableSetup times the setup).
void BM_BetaZig(benchmark::State& state) {
  Stream g = bench_stream();
  const BetaZig p(5.5, 4.5);
  for (auto _ : state) benchmark::DoNotOptimize(beta_zig(g, p));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BetaZig);

void BM_BetaTable(benchmark::State& state) {
  Stream g = bench_stream();
  const BetaTable t(5.5, 4.5);
  for (auto _ : state) benchmark::DoNotOptimize(t(g));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BetaTable);

void BM_BetaTableSetup(benchmark::State& state) {
  double a = 5.5;
  for (auto _ : state) {
    BetaTable t(a, 4.5);
    benchmark::DoNotOptimize(t);
    a = a == 5.5 ? 5.25 : 5.5;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BetaTableSetup);

// small: mean 3 (sequential inversion); large: mean 250 (PTRS rejection).
void BM_Poisson(benchmark::State& state, double mean) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(poisson(g, mean));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Poisson, small, 3.0);
BENCHMARK_CAPTURE(BM_Poisson, large, 250.0);

void BM_LogUniform(benchmark::State& state) {
  Stream g = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(loguniform(g, 0.25, 4.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LogUniform);

}  // namespace
}  // namespace leadsim::rng
