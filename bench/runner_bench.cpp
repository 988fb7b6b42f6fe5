// End-to-end engine benchmarks (fixed seeds; opt-in, never part of ctest). Items are
// problem-mode events (problems arrived x modes) unless stated. Run:
//   leadsim_bench --benchmark_filter='BM_(RunnerEndToEnd|Reduction|HDF5WriteRecords)'
// Performance target 3 (determinism costs <= 5%): compare BM_ReductionOrdered/T with
// BM_ReductionUnordered/T (same organizations, same statistics, checked bit for bit before
// timing; docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/io/results.h"
#include "leadsim/models/registry.h"
#include "leadsim/port/model.h"
#include "leadsim/run/runner.h"
#include "leadsim/run/study.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim {
namespace {

// The MODEL.md default organizations (registry defaults), five modes, one scenario.
constexpr const char* kIni = R"ini([run]
model = leadership
seed = 4242
orgs = 256
block_size = 8
modes = centralized, exception, delegated, coaching, distributed
baseline = centralized

[output]
samples = none
)ini";

struct Fixture {
  config::ResolvedConfig cfg;
  std::unique_ptr<port::Model> model;
  std::uint64_t baseline = 0;

  Fixture() {
    cfg = models::resolve(config::read_ini(kIni, "runner_bench"));
    model = models::find_model(cfg.model).create(cfg);
    const auto& v = model->variants();
    baseline =
        static_cast<std::uint64_t>(std::find(v.begin(), v.end(), model->baseline()) - v.begin());
  }
  stats::RunStats make_stats() const {
    return stats::RunStats(cfg.scenario_count(), model->variants().size(), model->metrics(),
                           baseline);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

int hardware_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Thread counts 1, 2 and all hardware threads, without duplicates.
void thread_args(benchmark::internal::Benchmark* b) {
  for (int t : {1, 2}) {
    if (t < hardware_threads()) b->Arg(t);
  }
  b->Arg(hardware_threads());
}

// 1 and all hardware threads.
void one_and_all(benchmark::internal::Benchmark* b) {
  if (hardware_threads() > 1) b->Arg(1);
  b->Arg(hardware_threads());
}

// The deterministic runner: parallel simulation, serial in-order reduction.
run::RunReport ordered(const Fixture& f, unsigned threads, stats::RunStats& stats) {
  run::RunOptions opt;
  opt.threads = threads;
  return run::run(*f.model, f.cfg, opt, stats, nullptr);
}

// The same organizations with no ordering: a plain parallel_for, one RunStats and one
// simulator per thread, merged at the end. Statistics are exact, so the result equals the
// ordered run's bit for bit; only the scheduling differs. Returns the events simulated.
std::uint64_t unordered(const Fixture& f, unsigned threads, stats::RunStats& stats) {
  struct Local {
    std::unique_ptr<port::Simulator> sim;
    stats::RunStats stats;
    stats::OrgOutcome out;
    std::uint64_t events = 0;
  };
  tbb::enumerable_thread_specific<Local> locals([&f] {
    return Local{f.model->make_simulator(), f.make_stats(), {}, 0};
  });
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, f.cfg.orgs, f.cfg.block_size),
                      [&](const tbb::blocked_range<std::uint64_t>& r) {
                        Local& l = locals.local();
                        for (std::uint64_t k = r.begin(); k != r.end(); ++k) {
                          l.sim->simulate(0, k, l.out);
                          l.stats.add(0, l.out.metrics);
                          l.events += l.out.events;
                        }
                      });
  });
  std::uint64_t events = 0;
  for (const Local& l : locals) {
    stats.merge(l.stats);
    events += l.events;
  }
  return events;
}

// Both reductions give identical statistics (checked once per thread count and process).
bool reductions_agree(unsigned threads) {
  static std::map<unsigned, bool> checked;
  const auto it = checked.find(threads);
  if (it != checked.end()) return it->second;
  const Fixture& f = fixture();
  stats::RunStats a = f.make_stats();
  stats::RunStats b = f.make_stats();
  const run::RunReport r = ordered(f, threads, a);
  const std::uint64_t events = unordered(f, threads, b);
  const bool same = a.serialize() == b.serialize() && r.events == events && a.orgs() == f.cfg.orgs;
  checked[threads] = same;
  return same;
}

void BM_RunnerEndToEnd(benchmark::State& state) {
  const Fixture& f = fixture();
  const auto threads = static_cast<unsigned>(state.range(0));
  std::int64_t events = 0;
  std::int64_t orgs = 0;
  for (auto _ : state) {
    stats::RunStats stats = f.make_stats();
    const run::RunReport r = ordered(f, threads, stats);
    events += static_cast<std::int64_t>(r.events);
    orgs += static_cast<std::int64_t>(r.orgs);
  }
  state.SetItemsProcessed(events);
  state.counters["orgs_per_s"] =
      benchmark::Counter(static_cast<double>(orgs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunnerEndToEnd)->Apply(thread_args)->Unit(benchmark::kMillisecond)->UseRealTime();

// Times one reduction of the fixture (`reduce` returns the events it simulated) after checking
// once that the ordered and unordered reductions agree byte for byte.
template <class Reduce>
void reduction_bench(benchmark::State& state, Reduce reduce) {
  const auto threads = static_cast<unsigned>(state.range(0));
  if (!reductions_agree(threads)) {
    state.SkipWithError("ordered and unordered reductions differ");
    return;
  }
  const Fixture& f = fixture();
  std::int64_t events = 0;
  for (auto _ : state) {
    stats::RunStats stats = f.make_stats();
    events += static_cast<std::int64_t>(reduce(f, threads, stats));
  }
  state.SetItemsProcessed(events);
}

void BM_ReductionOrdered(benchmark::State& state) {
  reduction_bench(state, [](const Fixture& f, unsigned threads, stats::RunStats& stats) {
    return ordered(f, threads, stats).events;
  });
}
BENCHMARK(BM_ReductionOrdered)->Apply(one_and_all)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReductionUnordered(benchmark::State& state) {
  reduction_bench(state, [](const Fixture& f, unsigned threads, stats::RunStats& stats) {
    return unordered(f, threads, stats);
  });
}
BENCHMARK(BM_ReductionUnordered)->Apply(one_and_all)->Unit(benchmark::kMillisecond)->UseRealTime();

// ResultsWriter::append of record batches of state.range(0) organizations (the fixture's
// shapes: P params, 5 modes x K metrics), into an uncommitted temporary file that the
// writer's destructor removes. Items: records; bytes: their payload.
void BM_HDF5WriteRecords(benchmark::State& state) {
  const Fixture& f = fixture();
  config::ResolvedConfig cfg = f.cfg;
  cfg.samples = -1;
  const io::ResultsMeta meta = run::make_meta(cfg, *f.model, "leadsim_bench");
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::size_t P = meta.record_fields.size();
  const std::size_t MK = meta.modes.size() * meta.metrics.size();

  // Realistic record contents: real outcomes of the first n organizations.
  io::RecordBatch batch;
  {
    auto sim = f.model->make_simulator();
    stats::OrgOutcome out;
    for (std::size_t i = 0; i < n; ++i) {
      sim->simulate(0, i, out);
      batch.scenario.push_back(0);
      batch.org.push_back(i);
      batch.params.insert(batch.params.end(), out.params.begin(), out.params.end());
      batch.metrics.insert(batch.metrics.end(), out.metrics.begin(), out.metrics.end());
    }
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("leadsim_bench_records_" + std::to_string(state.range(0)) + ".h5"))
                               .string();
  io::ResultsWriter writer(path, true, meta);
  std::uint64_t next_org = 0;
  for (auto _ : state) {
    // Organizations must increase strictly across batches.
    for (std::size_t i = 0; i < n; ++i) batch.org[i] = next_org + i;
    next_org += n;
    writer.append(batch);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(next_org));
  state.SetBytesProcessed(static_cast<std::int64_t>(next_org * (2 + P + MK) * 8));
}
BENCHMARK(BM_HDF5WriteRecords)->Arg(64)->Arg(1024)->Arg(16384);

}  // namespace
}  // namespace leadsim
