#include "leadsim/run/runner.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "leadsim/core/error.h"
#include "leadsim/rng/distributions.h"

namespace leadsim::run {

WorkPlan::WorkPlan(std::uint64_t scenarios, std::uint64_t orgs_per_scenario,
                   std::uint32_t block_size)
    : scenarios_(scenarios),
      orgs_(orgs_per_scenario),
      block_(block_size == 0 ? 1 : block_size),
      blocks_per_scenario_((orgs_per_scenario + block_ - 1) / block_),
      items_(scenarios * blocks_per_scenario_) {}

WorkItem WorkPlan::item(std::uint64_t index) const {
  const std::uint64_t s = index / blocks_per_scenario_;
  const std::uint64_t b = index % blocks_per_scenario_;
  return WorkItem{s, b * block_, std::min(orgs_, (b + 1) * block_)};
}

std::pair<std::uint64_t, std::uint64_t> WorkPlan::shard(std::uint64_t k, std::uint64_t m) const {
  // floor(k * W / m) without overflow for any realistic W (W < 2^40, m < 2^20).
  const auto cut = [&](std::uint64_t j) {
    return static_cast<std::uint64_t>((static_cast<rng::u128>(j) * items_) / m);
  };
  return {cut(k), cut(k + 1)};
}

std::uint64_t WorkPlan::orgs_in(std::uint64_t first, std::uint64_t end) const {
  std::uint64_t n = 0;
  for (std::uint64_t i = first; i < end; ++i) {
    const WorkItem w = item(i);
    n += w.end_org - w.first_org;
  }
  return n;
}

namespace {

// One block's outcomes, filled by a worker thread, consumed by the serial in-order stage.
struct Slot {
  std::uint64_t index = 0;
  WorkItem item;
  std::vector<stats::OrgOutcome> outcomes;
  std::uint64_t events = 0;
  std::uint64_t rng_blocks = 0;
  std::exception_ptr error;
  std::string error_what;
  std::uint64_t error_org = 0;
};

// Happens-before edges that ThreadSanitizer can see. oneTBB passes tokens between pipeline
// stages and joins its arena with synchronization inside libtbb, which Debian does not build
// with TSan, so TSan cannot see it. Every stage therefore passes through this mutex on entry
// and on exit (a few uncontended lock/unlock pairs per block of organizations, nothing per
// organization), and the caller does once more before it reads what the stages wrote.
class Handoff {
 public:
  void sync() { const std::lock_guard<std::mutex> lock(mu_); }

 private:
  std::mutex mu_;
};

class Edge {
 public:
  explicit Edge(Handoff& h) : h_(h) { h_.sync(); }
  ~Edge() { h_.sync(); }
  Edge(const Edge&) = delete;
  Edge& operator=(const Edge&) = delete;

 private:
  Handoff& h_;
};

}  // namespace

RunReport run(const port::Model& model, const config::ResolvedConfig& cfg, const RunOptions& opt,
              stats::RunStats& stats, RecordSink* records) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const WorkPlan plan(cfg.scenario_count(), cfg.orgs, cfg.block_size);
  const std::uint64_t first = std::min(opt.first_item, plan.size());
  const std::uint64_t end = std::min(opt.end_item, plan.size());
  const unsigned threads =
      opt.threads == 0 ? static_cast<unsigned>(tbb::info::default_concurrency()) : opt.threads;
  const unsigned tokens = opt.max_in_flight == 0 ? 4 * threads : opt.max_in_flight;
  const std::size_t K = model.metrics().size();
  const std::size_t M = model.variants().size();
  const std::size_t P = model.record_fields().size();

  RunReport report;
  report.threads = threads;
  report.next_item = first;
  const std::uint64_t orgs_total = plan.orgs_in(first, end);

  std::vector<Slot> slots(tokens);
  tbb::enumerable_thread_specific<std::unique_ptr<port::Simulator>> sims(
      [&model] { return model.make_simulator(); });

  std::uint64_t next = first;
  auto last_progress = t0;
  io::RecordBatch batch;

  Handoff handoff;
  const Edge on_exit(handoff);  // also orders the stages' writes before unwinding destroys them

  auto produce = [&](tbb::flow_control& fc) -> Slot* {
    const Edge edge(handoff);
    if (next >= end || (opt.cancel != nullptr && opt.cancel->load(std::memory_order_relaxed))) {
      fc.stop();
      return nullptr;
    }
    Slot* slot = &slots[next % tokens];
    slot->index = next;
    slot->item = plan.item(next);
    ++next;
    return slot;
  };

  auto simulate = [&](Slot* slot) -> Slot* {
    const Edge edge(handoff);
    auto& sim = sims.local();
    const WorkItem& w = slot->item;
    slot->outcomes.resize(w.end_org - w.first_org);
    slot->events = 0;
    slot->rng_blocks = 0;
    slot->error = nullptr;
    for (std::uint64_t k = w.first_org; k < w.end_org; ++k) {
      stats::OrgOutcome& out = slot->outcomes[k - w.first_org];
      try {
        sim->simulate(w.scenario, k, out);
      } catch (const std::exception& e) {
        slot->error = std::current_exception();
        slot->error_what = e.what();
        slot->error_org = k;
        return slot;
      }
      slot->events += out.events;
      slot->rng_blocks += out.rng_blocks;
    }
    return slot;
  };

  auto consume = [&](Slot* slot) {
    const Edge edge(handoff);
    const WorkItem& w = slot->item;
    if (slot->error) {
      throw SimulationError("simulation failed in scenario " + std::to_string(w.scenario) +
                                ", organization " + std::to_string(slot->error_org) + ": " +
                                slot->error_what,
                            w.scenario, slot->error_org, "", SimulationError::Kind::run_failure);
    }
    for (std::uint64_t k = w.first_org; k < w.end_org; ++k) {
      const stats::OrgOutcome& out = slot->outcomes[k - w.first_org];
      if (out.metrics.size() != M * K || out.params.size() != P) {
        throw SimulationError("model returned a malformed outcome in scenario " +
                                  std::to_string(w.scenario) + ", organization " +
                                  std::to_string(k),
                              w.scenario, k, "", SimulationError::Kind::malformed_outcome);
      }
      stats.add(w.scenario, out.metrics);
      if (records != nullptr && keep_record(cfg.samples, k)) {
        batch.scenario.push_back(w.scenario);
        batch.org.push_back(k);
        batch.params.insert(batch.params.end(), out.params.begin(), out.params.end());
        batch.metrics.insert(batch.metrics.end(), out.metrics.begin(), out.metrics.end());
      }
    }
    if (records != nullptr && batch.size() > 0) {
      records->append(batch);
      batch.clear();
    }
    report.orgs += w.end_org - w.first_org;
    report.events += slot->events;
    report.rng_blocks += slot->rng_blocks;
    ++report.items_done;
    report.next_item = slot->index + 1;
    if (opt.on_item_done) opt.on_item_done(report.next_item);
    if (opt.on_progress) {
      const auto now = Clock::now();
      const bool done = report.orgs == orgs_total;
      if (done ||
          std::chrono::duration<double>(now - last_progress).count() >= opt.progress_interval_s) {
        last_progress = now;
        Progress p;
        p.orgs_done = report.orgs;
        p.orgs_total = orgs_total;
        p.elapsed_s = std::chrono::duration<double>(now - t0).count();
        p.orgs_per_s = p.elapsed_s > 0 ? static_cast<double>(p.orgs_done) / p.elapsed_s : 0.0;
        p.eta_s =
            p.orgs_per_s > 0 ? static_cast<double>(orgs_total - p.orgs_done) / p.orgs_per_s : 0.0;
        opt.on_progress(p);
      }
    }
  };

  // An explicit thread count above the machine's concurrency is honoured (oversubscribed),
  // not capped silently by oneTBB's default worker limit: `--threads 16` runs 16 threads.
  std::optional<tbb::global_control> allow;
  if (threads > tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)) {
    allow.emplace(tbb::global_control::max_allowed_parallelism, threads);
  }
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    tbb::parallel_pipeline(
        tokens, tbb::make_filter<void, Slot*>(tbb::filter_mode::serial_in_order, produce) &
                    tbb::make_filter<Slot*, Slot*>(tbb::filter_mode::parallel, simulate) &
                    tbb::make_filter<Slot*, void>(tbb::filter_mode::serial_in_order, consume));
  });
  handoff.sync();

  report.cancelled = report.next_item < end;
  report.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return report;
}

}  // namespace leadsim::run
