// Benchmarks of the statistics accumulators (fixed seeds; opt-in, never part of ctest).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "leadsim/stats/exact_sum.h"
#include "leadsim/stats/run_stats.h"

namespace {

using leadsim::stats::ExactSum;
using leadsim::stats::RunStats;

std::uint64_t mix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
double unit(std::uint64_t& s) {
  return static_cast<double>(mix(s) >> 11) * 0x1p-53;
}

constexpr std::uint64_t kS = 11, kM = 5, kK = 13;

std::vector<leadsim::stats::MetricDef> metric_defs() {
  std::vector<leadsim::stats::MetricDef> d(kK);
  for (std::uint64_t k = 0; k < kK; ++k) {
    d[k].name = std::string("m").append(std::to_string(k));
    d[k].better = leadsim::stats::Better::kHigher;
    d[k].log_bins = k % 4 == 3;
    d[k].lo = d[k].log_bins ? 1e-3 : 0.0;
    d[k].hi = d[k].log_bins ? 1e3 : 1.0;
  }
  return d;
}

std::vector<std::vector<double>> org_rows(int n) {
  std::uint64_t s = 1;
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(n), std::vector<double>(kM * kK));
  for (auto& r : rows) {
    for (std::uint64_t i = 0; i < r.size(); ++i) {
      const double u = unit(s);
      r[i] = (i % kK) % 4 == 3 ? 1e-3 + 100.0 * u : (u < 0.02 ? 0.0 : u);
      if (u > 0.995) r[i] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  return rows;
}

RunStats filled(int n, std::uint64_t seed_offset) {
  RunStats r(kS, kM, metric_defs(), 0);
  const auto rows = org_rows(n);
  for (std::size_t i = 0; i < rows.size(); ++i) r.add((i + seed_offset) % kS, rows[i]);
  return r;
}

void BM_ExactSumAdd(benchmark::State& state) {
  std::uint64_t s = 7;
  std::vector<double> xs(4096);
  for (double& x : xs) x = unit(s) - 0.5;
  ExactSum sum;
  for (auto _ : state) {
    for (const double x : xs) sum.add(x);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(xs.size()));
}
BENCHMARK(BM_ExactSumAdd);

// One add() = one organization: M*K = 65 values, plus 65 paired differences.
void BM_RunStatsAdd(benchmark::State& state) {
  const auto rows = org_rows(1024);
  RunStats r(kS, kM, metric_defs(), 0);
  std::size_t i = 0;
  for (auto _ : state) {
    r.add(i % kS, rows[i % rows.size()]);
    ++i;
  }
  benchmark::DoNotOptimize(r);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RunStatsAdd);

void BM_RunStatsMerge(benchmark::State& state) {
  const RunStats a = filled(2000, 0);
  const RunStats b = filled(2000, 3);
  for (auto _ : state) {
    RunStats c = a;
    c.merge(b);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_RunStatsMerge)->Unit(benchmark::kMillisecond);

void BM_Summarize(benchmark::State& state) {
  const RunStats a = filled(5000, 0);
  for (auto _ : state) benchmark::DoNotOptimize(a.summarize());
}
BENCHMARK(BM_Summarize)->Unit(benchmark::kMillisecond);

void BM_Serialize(benchmark::State& state) {
  const RunStats a = filled(5000, 0);
  for (auto _ : state) benchmark::DoNotOptimize(RunStats::deserialize(a.serialize()));
}
BENCHMARK(BM_Serialize)->Unit(benchmark::kMillisecond);

}  // namespace
