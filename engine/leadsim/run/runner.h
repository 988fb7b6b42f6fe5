// The parallel Monte Carlo runner: S scenarios x n organizations x M modes, reduced to
// mergeable statistics whose every number is independent of the thread count and of how
// blocks were assigned to threads.
//
// Work items. Organizations of a scenario are cut into blocks of cfg.block_size; the work
// items are (scenario, block) pairs in scenario-major order, numbered 0..W-1. A work item is
// the unit of scheduling, of reduction, of shards and of checkpoints. Shard K of M holds the
// contiguous item range [floor(K*W/M), floor((K+1)*W/M)).
//
// Determinism. Statistics are exact (integer counts and exact sums; see stats/), so their
// merge is associative and commutative bit for bit; per-organization records pass through a
// serial in-order stage and reach the sink in work-item order. Memory is bounded: at most
// `max_in_flight` blocks' outcomes are alive at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/io/results.h"
#include "leadsim/port/model.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::run {

struct Progress {
  std::uint64_t orgs_done = 0;
  std::uint64_t orgs_total = 0;
  double elapsed_s = 0.0;
  double orgs_per_s = 0.0;
  double eta_s = 0.0;
};

// Receives per-organization records in work-item order, from one thread at a time.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void append(const io::RecordBatch& batch) = 0;
};

struct WorkItem {
  std::uint64_t scenario = 0;
  std::uint64_t first_org = 0;
  std::uint64_t end_org = 0;
};

// The fixed work-item list of a configuration and shard ranges over it.
class WorkPlan {
 public:
  WorkPlan(std::uint64_t scenarios, std::uint64_t orgs_per_scenario, std::uint32_t block_size);
  std::uint64_t size() const { return items_; }
  WorkItem item(std::uint64_t index) const;
  // [first, end) of shard k of m (0 <= k < m).
  std::pair<std::uint64_t, std::uint64_t> shard(std::uint64_t k, std::uint64_t m) const;
  std::uint64_t orgs_in(std::uint64_t first, std::uint64_t end) const;

 private:
  std::uint64_t scenarios_, orgs_, block_, blocks_per_scenario_, items_;
};

struct RunOptions {
  unsigned threads = 0;                              // 0: all hardware threads
  std::uint64_t first_item = 0;                      // work-item range to run
  std::uint64_t end_item = ~std::uint64_t{0};        // clipped to the plan's size
  std::function<void(const Progress&)> on_progress;  // called from the serial stage
  double progress_interval_s = 1.0;
  const std::atomic<bool>* cancel = nullptr;  // checked between blocks
  // Called after each completed work item in order (from the serial stage), for checkpoints.
  std::function<void(std::uint64_t next_item)> on_item_done;
  unsigned max_in_flight = 0;  // 0: 4 x threads
};

struct RunReport {
  std::uint64_t items_done = 0;  // contiguous from first_item
  std::uint64_t next_item = 0;   // first item not done
  std::uint64_t orgs = 0;
  std::uint64_t events = 0;  // problems arrived x modes
  std::uint64_t rng_blocks = 0;
  double wall_s = 0.0;
  unsigned threads = 0;
  bool cancelled = false;
};

// Records of the first `samples` organizations of each scenario (-1: all, 0: none).
inline bool keep_record(std::int64_t samples, std::uint64_t org) {
  return samples < 0 || org < static_cast<std::uint64_t>(samples);
}

// Runs work items [opt.first_item, opt.end_item) and adds their outcomes into `stats`
// (which must have been made for this model and configuration). Records of kept
// organizations go to `records` (may be null). On an exception in an organization, throws
// SimulationError (Kind::run_failure) naming scenario and organization, the coordinates that
// replay it; an outcome of the wrong shape is Kind::malformed_outcome.
RunReport run(const port::Model& model, const config::ResolvedConfig& cfg, const RunOptions& opt,
              stats::RunStats& stats, RecordSink* records);

}  // namespace leadsim::run
