// Runner tests on a toy model: the runner is model-agnostic, so a small synthetic model with
// known per-organization outcomes exercises scheduling, reduction, records and cancellation.
#include "leadsim/run/runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "leadsim/core/error.h"
#include "leadsim/rng/distributions.h"
#include "leadsim/rng/philox.h"
#include "leadsim/run/study.h"

namespace leadsim::run {
namespace {

// Outcomes are a pure function of (seed, scenario, org); some organizations take longer so
// that blocks finish out of order under several threads.
class ToySimulator final : public port::Simulator {
 public:
  ToySimulator(std::uint64_t seed, std::atomic<int>* live, std::atomic<int>* peak)
      : seed_(seed), live_(live), peak_(peak) {}
  void simulate(std::uint64_t scenario, std::uint64_t org, stats::OrgOutcome& out,
                port::TraceSink*) override {
    const int now = live_->fetch_add(1) + 1;
    int prev = peak_->load();
    while (now > prev && !peak_->compare_exchange_weak(prev, now)) {
    }
    rng::Stream g(seed_, org, rng::tag(rng::kTestPurpose, 1), scenario);
    const double base = g.uniform();
    out.params = {base, static_cast<double>(org)};
    out.metrics.resize(3 * 2);
    for (int m = 0; m < 3; ++m) {
      out.metrics[m * 2 + 0] = base + 0.1 * m + 0.01 * static_cast<double>(scenario);
      out.metrics[m * 2 + 1] = (org % 17 == 0 && m == 2) ? std::nan("") : rng::exponential(g);
    }
    // Uneven work: a busy loop whose length depends on the organization.
    volatile double sink = 0;
    for (std::uint64_t i = 0; i < (org % 7) * 2000; ++i) sink = sink + std::sqrt(double(i));
    out.events = 10 + org % 5;
    out.rng_blocks = g.blocks();
    live_->fetch_sub(1);
  }

 private:
  std::uint64_t seed_;
  std::atomic<int>* live_;
  std::atomic<int>* peak_;
};

class ToyModel final : public port::Model {
 public:
  explicit ToyModel(std::uint64_t seed) : seed_(seed) {
    metrics_ = {{"a", "1", "toy a", stats::Better::kHigher, 0.0, 2.0, 20, false},
                {"b", "1", "toy b", stats::Better::kLower, 1e-3, 1e2, 20, true}};
    variants_ = {"base", "other", "third"};
    fields_ = {{"base", "1", "draw"}, {"org", "1", "index"}};
  }
  const std::vector<stats::MetricDef>& metrics() const override { return metrics_; }
  const std::vector<std::string>& variants() const override { return variants_; }
  const std::vector<stats::FieldDef>& record_fields() const override { return fields_; }
  std::unique_ptr<port::Simulator> make_simulator() const override {
    return std::make_unique<ToySimulator>(seed_, &live_, &peak_);
  }
  std::string baseline() const override { return "base"; }
  std::uint32_t results_version() const override { return 1; }
  mutable std::atomic<int> live_{0};
  mutable std::atomic<int> peak_{0};

 private:
  std::uint64_t seed_;
  std::vector<stats::MetricDef> metrics_;
  std::vector<std::string> variants_;
  std::vector<stats::FieldDef> fields_;
};

config::ResolvedConfig toy_config(std::uint64_t orgs, std::uint32_t block) {
  config::ResolvedConfig cfg;
  cfg.model = "toy";
  cfg.seed = 7;
  cfg.orgs = orgs;
  cfg.block_size = block;
  cfg.samples = -1;
  cfg.sweep.push_back({"x", "list(0,1,2)", {0.0, 1.0, 2.0}});
  return cfg;
}

class CollectSink final : public RecordSink {
 public:
  void append(const io::RecordBatch& b) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++batches;
    all.scenario.insert(all.scenario.end(), b.scenario.begin(), b.scenario.end());
    all.org.insert(all.org.end(), b.org.begin(), b.org.end());
    all.params.insert(all.params.end(), b.params.begin(), b.params.end());
    all.metrics.insert(all.metrics.end(), b.metrics.begin(), b.metrics.end());
  }
  io::RecordBatch all;
  int batches = 0;

 private:
  std::mutex mu_;
};

struct Outcome {
  std::vector<std::uint8_t> stats;
  io::RecordBatch records;
  RunReport report;
};

Outcome run_toy(unsigned threads, std::uint32_t block = 8, std::uint64_t first = 0,
                std::uint64_t end = ~std::uint64_t{0}) {
  const auto cfg = toy_config(100, block);
  ToyModel model(cfg.seed);
  stats::RunStats st(3, 3, model.metrics(), 0);
  CollectSink sink;
  RunOptions opt;
  opt.threads = threads;
  opt.first_item = first;
  opt.end_item = end;
  Outcome o;
  o.report = run(model, cfg, opt, st, &sink);
  o.stats = st.serialize();
  o.records = sink.all;
  return o;
}

TEST(WorkPlan, ItemsCoverEveryOrganizationOnce) {
  const WorkPlan plan(3, 100, 8);
  EXPECT_EQ(plan.size(), 3u * 13u);
  std::vector<int> seen(300, 0);
  for (std::uint64_t i = 0; i < plan.size(); ++i) {
    const WorkItem w = plan.item(i);
    for (auto k = w.first_org; k < w.end_org; ++k) ++seen[w.scenario * 100 + k];
  }
  for (int s : seen) EXPECT_EQ(s, 1);
  EXPECT_EQ(plan.orgs_in(0, plan.size()), 300u);
}

TEST(WorkPlan, ShardsPartitionItemsContiguously) {
  const WorkPlan plan(11, 1000, 64);
  for (std::uint64_t m : {1u, 3u, 7u, 100u}) {
    std::uint64_t expect_first = 0;
    for (std::uint64_t k = 0; k < m; ++k) {
      const auto [a, b] = plan.shard(k, m);
      EXPECT_EQ(a, expect_first);
      EXPECT_LE(a, b);
      expect_first = b;
    }
    EXPECT_EQ(expect_first, plan.size());
  }
}

TEST(Runner, ByteIdenticalAcrossThreadCounts) {
  const Outcome one = run_toy(1);
  for (unsigned t : {2u, 3u, 8u}) {
    const Outcome many = run_toy(t);
    EXPECT_EQ(one.stats, many.stats) << t << " threads";
    EXPECT_EQ(one.records.org, many.records.org) << t << " threads";
    EXPECT_EQ(one.records.scenario, many.records.scenario);
    ASSERT_EQ(one.records.metrics.size(), many.records.metrics.size());
    EXPECT_EQ(0, std::memcmp(one.records.metrics.data(), many.records.metrics.data(),
                             one.records.metrics.size() * sizeof(double)));
    EXPECT_EQ(one.report.events, many.report.events);
  }
}

TEST(Runner, IndependentOfBlockSize) {
  // Exact statistics make the result independent of how organizations are cut into blocks.
  EXPECT_EQ(run_toy(2, 8).stats, run_toy(2, 5).stats);
  EXPECT_EQ(run_toy(2, 8).stats, run_toy(1, 100).stats);
}

TEST(Runner, RecordsInScenarioOrgOrder) {
  const Outcome o = run_toy(4);
  ASSERT_EQ(o.records.size(), 300u);
  for (std::size_t i = 0; i < o.records.size(); ++i) {
    EXPECT_EQ(o.records.scenario[i], i / 100);
    EXPECT_EQ(o.records.org[i], i % 100);
  }
}

TEST(Runner, SplitRangesMergeToTheWholeRun) {
  const Outcome whole = run_toy(2);
  const auto cfg = toy_config(100, 8);
  const WorkPlan plan(3, 100, 8);
  ToyModel model(cfg.seed);
  stats::RunStats merged(3, 3, model.metrics(), 0);
  for (std::uint64_t k : {2u, 0u, 1u}) {  // any order
    const auto [a, b] = plan.shard(k, 3);
    const Outcome part = run_toy(2, 8, a, b);
    merged.merge(stats::RunStats::deserialize(part.stats));
  }
  EXPECT_EQ(merged.serialize(), whole.stats);
}

TEST(Runner, BoundedOutcomesInFlight) {
  const auto cfg = toy_config(400, 4);
  ToyModel model(cfg.seed);
  stats::RunStats st(3, 3, model.metrics(), 0);
  RunOptions opt;
  opt.threads = 4;
  opt.max_in_flight = 6;
  const RunReport r = run(model, cfg, opt, st, nullptr);
  EXPECT_EQ(r.orgs, 1200u);
  // At most max_in_flight blocks (6 x 4 organizations) are being simulated at once.
  EXPECT_LE(model.peak_.load(), 6 * 4);
  EXPECT_EQ(st.orgs(), 1200u);
}

// The toy model with hooks around each organization's simulation (tests of what the runner
// does when a simulation fails or waits).
class HookedModel final : public port::Model {
 public:
  using Hook = std::function<void(std::uint64_t scenario, std::uint64_t org)>;
  explicit HookedModel(Hook before, Hook after = {})
      : before_(std::move(before)), after_(std::move(after)) {}
  const std::vector<stats::MetricDef>& metrics() const override { return inner_.metrics(); }
  const std::vector<std::string>& variants() const override { return inner_.variants(); }
  const std::vector<stats::FieldDef>& record_fields() const override {
    return inner_.record_fields();
  }
  std::uint32_t results_version() const override { return inner_.results_version(); }
  std::unique_ptr<port::Simulator> make_simulator() const override {
    struct Sim final : port::Simulator {
      Sim(const HookedModel& m, std::unique_ptr<port::Simulator> inner)
          : model(m), inner_(std::move(inner)) {}
      void simulate(std::uint64_t s, std::uint64_t k, stats::OrgOutcome& out,
                    port::TraceSink* t) override {
        if (model.before_) model.before_(s, k);
        inner_->simulate(s, k, out, t);
        if (model.after_) model.after_(s, k);
      }
      const HookedModel& model;
      std::unique_ptr<port::Simulator> inner_;
    };
    return std::make_unique<Sim>(*this, inner_.make_simulator());
  }
  std::string baseline() const override { return "base"; }

 private:
  Hook before_;
  Hook after_;
  ToyModel inner_{1};
};

// A thread count above the machine's cores is honoured, not capped at the core count by
// oneTBB: that many simulators are live at the same moment. Every simulation waits until
// `threads` of them are live at once; with fewer threads the first wait gives up after 30 s,
// the rest do not wait, and the peak stays below the count.
TEST(Runner, ThreadsAboveTheCoreCountAllRun) {
  const unsigned threads = std::max(2u, std::thread::hardware_concurrency()) + 3;
  std::atomic<int> live{0};
  std::atomic<int> peak{0};
  std::atomic<bool> gave_up{false};
  HookedModel model(
      [&](std::uint64_t, std::uint64_t) {
        const int now = live.fetch_add(1) + 1;
        int prev = peak.load();
        while (now > prev && !peak.compare_exchange_weak(prev, now)) {
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (peak.load() < static_cast<int>(threads) && !gave_up.load()) {
          if (std::chrono::steady_clock::now() >= until) gave_up.store(true);
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      },
      [&](std::uint64_t, std::uint64_t) { live.fetch_sub(1); });
  const auto cfg = toy_config(4 * threads, 1);
  stats::RunStats st(3, 3, model.metrics(), 0);
  RunOptions opt;
  opt.threads = threads;
  const RunReport r = run(model, cfg, opt, st, nullptr);
  EXPECT_EQ(r.threads, threads);
  EXPECT_EQ(peak.load(), static_cast<int>(threads));
  EXPECT_FALSE(gave_up.load());
  EXPECT_EQ(st.orgs(), 3u * 4u * threads);
}

TEST(Runner, CancelStopsBetweenBlocksAndReportsPrefix) {
  const auto cfg = toy_config(200, 4);
  ToyModel model(cfg.seed);
  stats::RunStats st(3, 3, model.metrics(), 0);
  std::atomic<bool> cancel{false};
  RunOptions opt;
  opt.threads = 2;
  opt.cancel = &cancel;
  opt.on_item_done = [&](std::uint64_t next) {
    if (next == 10) cancel.store(true);
  };
  const RunReport r = run(model, cfg, opt, st, nullptr);
  EXPECT_TRUE(r.cancelled);
  EXPECT_GE(r.next_item, 10u);
  EXPECT_LT(r.next_item, WorkPlan(3, 200, 4).size());
  // Statistics hold exactly the completed prefix.
  EXPECT_EQ(st.orgs(), WorkPlan(3, 200, 4).orgs_in(0, r.next_item));
}

TEST(Runner, FailureNamesScenarioOrganizationAndReplay) {
  const auto cfg = toy_config(100, 8);
  HookedModel model([](std::uint64_t s, std::uint64_t k) {
    if (s == 1 && k == 42) throw std::runtime_error("invariant broken");
  });
  stats::RunStats st(3, 3, model.metrics(), 0);
  RunOptions opt;
  opt.threads = 2;
  try {
    run(model, cfg, opt, st, nullptr);
    FAIL() << "expected SimulationError";
  } catch (const SimulationError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.scenario(), 1u);
    EXPECT_EQ(e.org(), 42u);
    EXPECT_NE(what.find("scenario 1, organization 42: invariant broken"), std::string::npos)
        << what;
    // The coordinates replay it (the app names the replay command); no command line here.
    EXPECT_EQ(e.kind(), SimulationError::Kind::run_failure);
    EXPECT_EQ(what.find("--"), std::string::npos) << what;
  }
}

// The engine's errors about a request name its option and carry what failed, in messages
// without command-line flags (the app spells them).
TEST(Study, ErrorsNameTheRequestOption) {
  namespace fs = std::filesystem;
  const auto cfg = toy_config(20, 4);
  const ToyModel model(cfg.seed);
  const fs::path dir = fs::path(LEADSIM_BINARY_DIR) / "run_test_tmp" / "study_errors";
  fs::remove_all(dir);
  fs::create_directories(dir);
  StudyOptions opt;
  opt.output = (dir / "out.h5").string();
  const std::string partial = partial_dir(opt.output);
  const auto no_flag = [](const std::exception& e) {
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  };

  opt.shard_index = 2;
  opt.shard_count = 2;
  try {
    run_study(model, cfg, opt);
    ADD_FAILURE() << "expected OptionValueError";
  } catch (const OptionValueError& e) {
    EXPECT_EQ(e.option(), RequestOption::shard);
    EXPECT_EQ(e.value(), "2/2");
    no_flag(e);
  }
  opt.shard_index = 0;
  opt.shard_count = 1;

  fs::create_directory(partial);
  { std::ofstream(partial + "/checkpoint.bin") << "x"; }
  try {
    run_study(model, cfg, opt);
    ADD_FAILURE() << "expected CheckpointExists";
  } catch (const CheckpointExists& e) {
    EXPECT_EQ(e.option(), RequestOption::resume);
    EXPECT_EQ(e.checkpoint(), partial + "/checkpoint.bin");
    EXPECT_EQ(e.partial_dir(), partial);
    no_flag(e);
  }
  fs::remove_all(partial);

  run_study(model, cfg, opt);
  try {
    run_study(model, cfg, opt);
    ADD_FAILURE() << "expected OutputExists";
  } catch (const OutputExists& e) {
    EXPECT_EQ(e.option(), RequestOption::force);
    EXPECT_EQ(e.path(), opt.output);
    no_flag(e);
  }

  try {
    replay_org(model, cfg, 3, 0, nullptr);
    ADD_FAILURE() << "expected OptionValueError";
  } catch (const OptionValueError& e) {
    EXPECT_EQ(e.option(), RequestOption::scenario);
    EXPECT_EQ(e.value(), "3");
    no_flag(e);
  }
  try {
    replay_org(model, cfg, 0, 20, nullptr);
    ADD_FAILURE() << "expected OptionValueError";
  } catch (const OptionValueError& e) {
    EXPECT_EQ(e.option(), RequestOption::org);
    EXPECT_EQ(e.value(), "20");
    no_flag(e);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace leadsim::run
