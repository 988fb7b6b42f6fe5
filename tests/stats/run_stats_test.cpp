#include "leadsim/stats/run_stats.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/rng/distributions.h"
#include "stats/test_rng.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LEADSIM_SANITIZER_HEAP 1
// The sanitizer runtimes define it; GCC installs no header that declares it.
// NOLINTNEXTLINE(bugprone-reserved-identifier)
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace leadsim::stats {
namespace {

using test::SplitMix;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<stats::MetricDef> defs() {
  std::vector<stats::MetricDef> d(3);
  d[0] = {"value", "1", "v", stats::Better::kHigher, 0.0, 1.0, 10, false};
  d[1] = {"wait", "periods", "w", stats::Better::kLower, 0.01, 100.0, 8, true};
  d[2] = {"gain", "1", "g", stats::Better::kNone, -1.0, 1.0, 5, false};
  return d;
}

constexpr std::uint64_t S = 2, M = 3, K = 3, kBase = 1;

// One organization's metrics: shared per-org component so modes are paired; NaN/inf sprinkled.
std::vector<double> org_metrics(SplitMix& g) {
  std::vector<double> v(M * K);
  const double common = g.uniform();
  for (std::uint64_t m = 0; m < M; ++m) {
    v[m * K + 0] = std::clamp(
        common + 0.1 * (static_cast<double>(m) - 1.0) + rng::normal(g, 0.0, 0.05), -0.2, 1.2);
    v[m * K + 1] = g.uniform() < 0.1 ? kNaN : rng::exponential(g) * (1.0 + static_cast<double>(m));
    v[m * K + 2] = g.uniform() < 0.02 ? kInf : (g.uniform() < 0.3 ? 0.0 : rng::normal(g, 0.0, 0.6));
  }
  return v;
}

RunStats filled(std::uint64_t seed, int orgs) {
  RunStats r(S, M, defs(), kBase);
  SplitMix g{seed};
  for (int i = 0; i < orgs; ++i) r.add(static_cast<std::uint64_t>(i) % S, org_metrics(g));
  return r;
}

TEST(RunStats, EstimatedBytesBoundWhatItHolds) {
  // Heap bytes (glibc mallinfo2, or the sanitizer's allocator) of states with 2000 scenarios of one
  // organization, and of 40 organizations: the estimate that run::check_stats_memory relies on must
  // not understate them, nor overstate them more than fourfold.
  constexpr std::uint64_t kS = 2000;
  const auto heap = [] {
#ifdef LEADSIM_SANITIZER_HEAP  // a sanitizer replaces malloc: ask its allocator
    return static_cast<double>(__sanitizer_get_current_allocated_bytes());
#else  // allocated chunks plus the large ones glibc maps separately
    const struct mallinfo2 mi = mallinfo2();
    return static_cast<double>(mi.uordblks) + static_cast<double>(mi.hblkhd);
#endif
  };
  for (const std::uint64_t orgs : {std::uint64_t{1}, std::uint64_t{40}}) {
    const double before = heap();
    RunStats r(kS, M, defs(), kBase);
    SplitMix g{5};
    for (std::uint64_t i = 0; i < orgs * kS; ++i) r.add(i % kS, org_metrics(g));
    const double used = heap() - before;
    const double est = RunStats::estimated_bytes(kS, M, defs(), orgs);
    EXPECT_LE(used, est) << orgs << " orgs: estimate " << est;
    EXPECT_GE(used, est / 4) << orgs << " orgs: estimate " << est;
  }
}

TEST(RunStats, MergeEqualsOneAccumulatorBitForBit) {
  // The same organizations, split into shards in different ways and merged in any order.
  SplitMix g{5};
  std::vector<std::vector<double>> orgs(900);
  for (auto& o : orgs) o = org_metrics(g);
  RunStats all(S, M, defs(), kBase);
  RunStats a(S, M, defs(), kBase), b(S, M, defs(), kBase), c(S, M, defs(), kBase);
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    all.add(i % S, orgs[i]);
    (i < 200 ? a : i < 700 ? b : c).add(i % S, orgs[i]);
  }
  RunStats ab_c = a;
  ab_c.merge(b);
  ab_c.merge(c);
  RunStats bc = b;
  bc.merge(c);
  RunStats a_bc = a;
  a_bc.merge(bc);
  RunStats cba = c;
  cba.merge(b);
  cba.merge(a);
  EXPECT_TRUE(ab_c == all);
  EXPECT_TRUE(a_bc == all);
  EXPECT_TRUE(cba == all);
  EXPECT_EQ(cba.serialize(), all.serialize());
  EXPECT_EQ(a_bc.serialize(), all.serialize());
  EXPECT_EQ(all.orgs(), 900u);
  RunStats other = a;
  other.add(0, orgs[0]);
  EXPECT_FALSE(other == a);
}

TEST(RunStats, SummaryShapesCountsAndBaseline) {
  const RunStats r = filled(9, 1000);
  const Summary s = r.summarize();
  ASSERT_EQ(s.S, S);
  ASSERT_EQ(s.M, M);
  ASSERT_EQ(s.K, K);
  ASSERT_EQ(s.Q, kDefaultQuantileLevels.size());
  const std::size_t n = S * M * K;
  for (auto* v :
       {&s.mean, &s.std, &s.sem, &s.min, &s.max, &s.paired_mean, &s.paired_std, &s.paired_ci_low,
        &s.paired_ci_high, &s.win_rate, &s.win_rate_ci_low, &s.win_rate_ci_high, &s.tie_rate})
    EXPECT_EQ(v->size(), n);
  EXPECT_EQ(s.quantiles.size(), n * s.Q);
  ASSERT_EQ(s.histograms.size(), K);
  for (std::uint64_t k = 0; k < K; ++k) {
    const auto nb = static_cast<std::uint64_t>(defs()[k].bins);
    EXPECT_EQ(s.histograms[k].edges.size(), nb + 1);
    EXPECT_EQ(s.histograms[k].counts.size(), S * M * nb);
    EXPECT_EQ(s.histograms[k].underflow.size(), S * M);
  }
  for (std::uint64_t sc = 0; sc < S; ++sc)
    for (std::uint64_t m = 0; m < M; ++m)
      for (std::uint64_t k = 0; k < K; ++k) {
        const std::size_t i = (sc * M + m) * K + k;
        EXPECT_EQ(s.count[i] + s.nan_count[i], 500u);  // every org counted once
        std::uint64_t h =
            s.histograms[k].underflow[sc * M + m] + s.histograms[k].overflow[sc * M + m];
        const auto nb = static_cast<std::uint64_t>(defs()[k].bins);
        for (std::uint64_t bin = 0; bin < nb; ++bin)
          h += s.histograms[k].counts[(sc * M + m) * nb + bin];
        EXPECT_EQ(h, s.count[i]);
        EXPECT_LE(s.min[i], s.quantiles[i * s.Q]);
        EXPECT_LE(s.quantiles[i * s.Q + s.Q - 1], s.max[i]);
        EXPECT_LE(s.paired_ci_low[i], s.paired_mean[i]);
        EXPECT_LE(s.paired_mean[i], s.paired_ci_high[i]);
        if (m == kBase) {  // baseline against itself: d = 0 everywhere
          EXPECT_EQ(s.paired_count[i], s.count[i]);
          EXPECT_EQ(s.ties[i], s.count[i]);
          EXPECT_EQ(s.wins[i], 0u);
          EXPECT_EQ(s.greater[i], 0u);
          if (k == 2) {  // direction none: no win rate
            EXPECT_TRUE(std::isnan(s.win_rate[i]));
          } else {
            EXPECT_EQ(s.win_rate[i], 0.0);
          }
          if (s.count[i] > 0) {
            EXPECT_EQ(s.tie_rate[i], 1.0);
          }
          EXPECT_EQ(s.paired_mean[i], 0.0);
          EXPECT_EQ(s.paired_std[i], 0.0);
        }
      }
  // Metric 0 of mode 2 is shifted +0.1 against the baseline (before clamping).
  const std::size_t i = (0 * M + 2) * K + 0;
  EXPECT_NEAR(s.paired_mean[i], 0.1, 0.02);
  EXPECT_GT(s.win_rate[i], 0.9);
  EXPECT_THROW(r.summarize({0.5, 1.5}), std::invalid_argument);
}

TEST(RunStats, NanAndInfAreUndefined) {
  RunStats r(1, 2, defs(), 0);
  std::vector<double> v = {0.5, kNaN, 0.1, 0.7, 3.0, -kInf};
  r.add(0, v);
  EXPECT_EQ(r.nan_count(0, 0, 1), 1u);
  EXPECT_EQ(r.nan_count(0, 1, 2), 1u);
  EXPECT_EQ(r.moments(0, 1, 0).count(), 1u);
  EXPECT_EQ(r.paired(0, 1, 0).count(), 1u);
  EXPECT_EQ(r.paired(0, 1, 1).count(), 0u);  // baseline undefined
  EXPECT_EQ(r.paired(0, 1, 2).count(), 0u);  // mode undefined
  EXPECT_EQ(r.orgs(), 1u);
  EXPECT_THROW(r.add(1, v), std::invalid_argument);
  EXPECT_THROW(r.add(0, std::vector<double>(5)), std::invalid_argument);
}

TEST(RunStats, ShapeMismatchAndBadArguments) {
  RunStats a(S, M, defs(), kBase);
  RunStats b(S, M, defs(), 0);
  EXPECT_THROW(a.merge(b), std::invalid_argument);
  auto d = defs();
  d[1].bins = 9;
  EXPECT_THROW(a.merge(RunStats(S, M, d, kBase)), std::invalid_argument);
  EXPECT_THROW(RunStats(S, M, defs(), M), std::invalid_argument);
  d[1].lo = 0.0;
  EXPECT_THROW(RunStats(S, M, d, 0), std::invalid_argument);
}

TEST(RunStats, SerializeRoundTrip) {
  const RunStats r = filled(3, 400);
  const auto bytes = r.serialize();
  const RunStats back = RunStats::deserialize(bytes);
  EXPECT_TRUE(back == r);
  EXPECT_EQ(back.serialize(), bytes);
  EXPECT_EQ(back.summarize().mean, r.summarize().mean);
  const RunStats empty(1, 1, {}, 0);
  EXPECT_TRUE(RunStats::deserialize(empty.serialize()) == empty);
}

TEST(RunStats, DeserializeRejectsTruncationAndCorruption) {
  const auto bytes = filled(4, 200).serialize();
  SplitMix g{99};
  for (int i = 0; i < 300; ++i) {  // truncations
    const std::size_t len = g.next_u64() % bytes.size();
    EXPECT_THROW(RunStats::deserialize(std::span(bytes.data(), len)), FormatError) << len;
  }
  for (int i = 0; i < 300; ++i) {  // random byte corruptions: the checksum catches them
    auto c = bytes;
    const int flips = 1 + static_cast<int>(g.next_u64() % 4);
    for (int f = 0; f < flips; ++f)
      c[g.next_u64() % c.size()] ^= static_cast<std::uint8_t>(1 + g.next_u64() % 255);
    EXPECT_THROW(RunStats::deserialize(c), FormatError);
  }
  // Corruptions with a recomputed checksum exercise the structural checks: they must throw
  // FormatError or yield a valid object, never crash.
  int rejected = 0;
  for (int i = 0; i < 300; ++i) {
    auto c = bytes;
    c[8 + g.next_u64() % (c.size() - 16)] ^= static_cast<std::uint8_t>(1 + g.next_u64() % 255);
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t j = 0; j + 8 < c.size(); ++j) h = (h ^ c[j]) * 0x100000001b3ull;
    for (int j = 0; j < 8; ++j) c[c.size() - 8 + j] = static_cast<std::uint8_t>(h >> (8 * j));
    try {
      const RunStats r = RunStats::deserialize(c);
      (void)r.summarize();
    } catch (const FormatError&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 100);
  std::vector<std::uint8_t> bad = bytes;
  bad[4] = 1;  // the previous version, without directions
  EXPECT_THROW(RunStats::deserialize(bad), FormatError);
  EXPECT_THROW(RunStats::deserialize(std::vector<std::uint8_t>{'L', 'S'}), FormatError);
}

// Constructed organizations, one mode against the baseline: metric 0 "value" (higher is
// better), 1 "wait" (lower), 2 "gain" (none). Per organization (baseline, mode).
TEST(RunStats, WinRateFollowsTheDirectionOfBetter) {
  RunStats r(1, 2, defs(), 0);
  const double rows[][2][3] = {
      // value       wait          gain
      {{0.5, 4.0, 0.1}, {0.6, 2.0, 0.3}},   // value up, wait down (win), gain up
      {{0.5, 4.0, 0.1}, {0.4, 3.0, -0.2}},  // value down, wait down (win), gain down
      {{0.5, 4.0, 0.1}, {0.5, 4.0, 0.1}},   // ties everywhere
      {{0.5, 4.0, 0.1}, {0.7, 5.0, 0.1}},   // value up, wait up (loss), gain tie
      {{0.5, 1.0, 0.1}, {0.2, 0.5, 0.4}},   // value down, wait down (win), gain up
  };
  for (const auto& row : rows) {
    std::vector<double> v;
    for (const auto& mode : row) v.insert(v.end(), mode, mode + 3);
    r.add(0, v);
  }
  const Summary s = r.summarize();
  const auto i = [](std::uint64_t k) { return (0 * 2 + 1) * K + k; };
  // value: 2 higher of 5, 1 tie.
  EXPECT_EQ(s.wins[i(0)], 2u);
  EXPECT_EQ(s.win_rate[i(0)], 0.4);
  EXPECT_EQ(s.ties[i(0)], 1u);
  EXPECT_EQ(s.tie_rate[i(0)], 0.2);
  // wait, lower is better: the 3 organizations where it fell are wins, not losses.
  EXPECT_EQ(s.greater[i(1)], 1u);
  EXPECT_EQ(s.ties[i(1)], 1u);
  EXPECT_EQ(s.wins[i(1)], 3u);
  EXPECT_EQ(s.win_rate[i(1)], 0.6);
  EXPECT_EQ(s.tie_rate[i(1)], 0.2);
  const Interval w = wilson_interval(3, 5);
  EXPECT_EQ(s.win_rate_ci_low[i(1)], w.low);
  EXPECT_EQ(s.win_rate_ci_high[i(1)], w.high);
  EXPECT_LT(s.paired_mean[i(1)], 0.0);
  // gain, no direction: no win rate, ties still reported.
  EXPECT_TRUE(std::isnan(s.win_rate[i(2)]));
  EXPECT_TRUE(std::isnan(s.win_rate_ci_low[i(2)]));
  EXPECT_TRUE(std::isnan(s.win_rate_ci_high[i(2)]));
  EXPECT_EQ(s.wins[i(2)], 0u);
  EXPECT_EQ(s.greater[i(2)], 2u);
  EXPECT_EQ(s.ties[i(2)], 2u);
  EXPECT_EQ(s.tie_rate[i(2)], 0.4);
  // The same after a round trip through bytes (checkpoints, shards, MPI) and a merge.
  RunStats back = RunStats::deserialize(r.serialize());
  back.merge(RunStats(1, 2, defs(), 0));
  const Summary t = back.summarize();
  EXPECT_EQ(t.wins, s.wins);
  EXPECT_EQ(t.ties, s.ties);
  for (std::size_t j = 0; j < s.win_rate.size(); ++j) {
    EXPECT_EQ(std::isnan(t.win_rate[j]), std::isnan(s.win_rate[j])) << j;
    if (!std::isnan(s.win_rate[j])) {
      EXPECT_EQ(t.win_rate[j], s.win_rate[j]) << j;
    }
  }
}

TEST(RunStats, DirectionIsRequiredAndPartOfTheDefinition) {
  auto d = defs();
  d[1].better = Better{};
  EXPECT_THROW(RunStats(S, M, d, kBase), std::invalid_argument);
  d[1].better = static_cast<Better>(7);
  EXPECT_THROW(RunStats(S, M, d, kBase), std::invalid_argument);
  // merge refuses a different direction like any other definition difference.
  d[1].better = Better::kHigher;
  RunStats a(S, M, defs(), kBase);
  try {
    a.merge(RunStats(S, M, d, kBase));
    ADD_FAILURE() << "merge accepted a different direction";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'wait' is better lower in one and higher"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(RunStats(S, M, d, kBase) == RunStats(S, M, defs(), kBase));
}

TEST(RunStats, SerializationCarriesTheDirection) {
  const RunStats r = filled(3, 50);
  const auto bytes = r.serialize();
  const RunStats back = RunStats::deserialize(bytes);
  ASSERT_EQ(back.metrics().size(), K);
  for (std::uint64_t k = 0; k < K; ++k) EXPECT_EQ(back.metrics()[k].better, defs()[k].better);
  // The direction byte of metric 0 follows magic, version, S, M, K, baseline, orgs and its
  // three strings. Any value but 1, 2, 3 is refused even under a valid checksum.
  const MetricDef m0 = defs()[0];
  const std::size_t at =
      8 + 5 * 8 + 3 * 4 + m0.name.size() + m0.unit.size() + m0.description.size();
  ASSERT_EQ(bytes[at], static_cast<std::uint8_t>(Better::kHigher));
  for (const std::uint8_t v : {0, 4, 255}) {
    auto c = bytes;
    c[at] = v;
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t j = 0; j + 8 < c.size(); ++j) h = (h ^ c[j]) * 0x100000001b3ull;
    for (int j = 0; j < 8; ++j) c[c.size() - 8 + j] = static_cast<std::uint8_t>(h >> (8 * j));
    EXPECT_THROW(RunStats::deserialize(c), FormatError) << int{v};
  }
  // A valid other direction reads back as that direction.
  auto c = bytes;
  c[at] = static_cast<std::uint8_t>(Better::kLower);
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t j = 0; j + 8 < c.size(); ++j) h = (h ^ c[j]) * 0x100000001b3ull;
  for (int j = 0; j < 8; ++j) c[c.size() - 8 + j] = static_cast<std::uint8_t>(h >> (8 * j));
  EXPECT_EQ(RunStats::deserialize(c).metrics()[0].better, Better::kLower);
}

}  // namespace
}  // namespace leadsim::stats
