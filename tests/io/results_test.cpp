// Tests of the HDF5 results file: round trip, safe writing, and reader validation.
#include "leadsim/io/results.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/io/h5_util.h"

namespace leadsim::io {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Deterministic test values (splitmix64), independent of any standard-library distribution.
struct Mix {
  std::uint64_t x;
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// A small synthetic run: 2 x 3 scenarios, 3 modes, 2 metrics, 2 record fields, with NaNs.
struct Synthetic {
  ResultsMeta meta;
  RecordBatch records;
  stats::Summary summary;
};

Synthetic make_synthetic(std::uint64_t orgs, std::int64_t samples) {
  Synthetic syn;
  ResultsMeta& m = syn.meta;
  m.command_line = "leadsim run configs/quick.ini -o x.h5";
  m.config_ini = "[run]\nmodel = leadership\nseed = 42\n";
  m.model = "leadership";
  m.seed = 42;
  m.orgs_per_scenario = orgs;
  m.block_size = 16;
  m.baseline_mode = "hierarchical";
  m.rng = "philox4x64-10";
  m.modes = {"hierarchical", "distributed", "rotating"};
  m.metrics = {{"decision_quality", "share", "mean quality of decisions made",
                stats::Better::kHigher, 0.0, 1.0, 10, false},
               {"recovery_time", "periods", "periods to recover after a shock",
                stats::Better::kLower, 0.1, 1000.0, 8, true}};
  m.record_fields = {{"org.size", "workers", "organization size"},
                     {"problem rate", "problems/period", "arrival rate"}};
  m.sweep_params = {"org.size", "mean"};  // "mean" collides with a summary dataset name
  m.sweep_units = {"workers", "1"};
  m.scenarios = 6;
  m.scenario_values = {{10, 10, 20, 20, 40, 40}, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2}};
  m.samples = samples;
  m.extra_attrs = {{"shard", "0/1"}, {"threads", "4"}};

  const std::size_t S = m.scenarios, M = m.modes.size(), K = m.metrics.size();
  Mix mix{7};
  RecordBatch& r = syn.records;
  for (std::uint64_t s = 0; s < S; ++s) {
    for (std::uint64_t o = 0; o < orgs; ++o) {
      r.scenario.push_back(s);
      r.org.push_back(o);
      r.params.push_back(m.scenario_values[0][s]);
      r.params.push_back(mix.unit());
      for (std::size_t v = 0; v < M; ++v) {
        r.metrics.push_back(0.3 + 0.1 * static_cast<double>(v) + 0.5 * mix.unit());
        const double u = mix.unit();
        r.metrics.push_back(u < 0.15 ? kNaN : std::exp(8.0 * u - 1.0));
      }
    }
  }

  stats::Summary& su = syn.summary;
  su.S = S;
  su.M = M;
  su.K = K;
  su.Q = 3;
  su.quantile_levels = {0.1, 0.5, 0.9};
  const std::size_t n = S * M * K;
  su.count.assign(n, 0);
  su.nan_count.assign(n, 0);
  su.mean.assign(n, 0.0);
  su.std.assign(n, 0.0);
  su.sem.assign(n, 0.0);
  su.min.assign(n, 0.0);
  su.max.assign(n, 0.0);
  su.quantiles.assign(n * su.Q, 0.0);
  su.paired_count.assign(n, 0);
  for (auto* a : {&su.paired_mean, &su.paired_std, &su.paired_ci_low, &su.paired_ci_high,
                  &su.win_rate, &su.win_rate_ci_low, &su.win_rate_ci_high, &su.tie_rate}) {
    a->assign(n, 0.0);
  }
  su.wins.assign(n, 0);
  su.ties.assign(n, 0);
  su.greater.assign(n, 0);
  for (std::size_t k = 0; k < K; ++k) {
    stats::HistogramArrays h;
    const int B = m.metrics[k].bins;
    for (int b = 0; b <= B; ++b) {
      const double t = static_cast<double>(b) / B;
      h.edges.push_back(m.metrics[k].log_bins
                            ? m.metrics[k].lo * std::pow(m.metrics[k].hi / m.metrics[k].lo, t)
                            : m.metrics[k].lo + t * (m.metrics[k].hi - m.metrics[k].lo));
    }
    h.counts.assign(S * M * static_cast<std::size_t>(B), 0);
    h.underflow.assign(S * M, 0);
    h.overflow.assign(S * M, 0);
    su.histograms.push_back(h);
  }
  for (std::size_t s = 0; s < S; ++s) {
    for (std::size_t v = 0; v < M; ++v) {
      for (std::size_t k = 0; k < K; ++k) {
        const std::size_t i = (s * M + v) * K + k;
        std::vector<double> vals;
        for (std::size_t o = 0; o < orgs; ++o) {
          const double x = r.metrics[((s * orgs + o) * M + v) * K + k];
          if (std::isnan(x)) {
            ++su.nan_count[i];
          } else {
            vals.push_back(x);
          }
        }
        double sum = 0.0;
        for (double x : vals) sum += x;
        const double c = static_cast<double>(vals.size());
        su.count[i] = vals.size();
        su.mean[i] = vals.empty() ? kNaN : sum / c;
        double ss = 0.0;
        for (double x : vals) ss += (x - su.mean[i]) * (x - su.mean[i]);
        su.std[i] = vals.size() > 1 ? std::sqrt(ss / (c - 1.0)) : kNaN;
        su.sem[i] = su.std[i] / std::sqrt(c);
        std::sort(vals.begin(), vals.end());
        su.min[i] = vals.empty() ? kNaN : vals.front();
        su.max[i] = vals.empty() ? kNaN : vals.back();
        for (std::size_t q = 0; q < su.Q; ++q) {
          su.quantiles[i * su.Q + q] =
              vals.empty() ? kNaN
                           : vals[static_cast<std::size_t>(su.quantile_levels[q] * (c - 1.0))];
        }
        auto& h = su.histograms[k];
        const std::size_t B = h.edges.size() - 1;
        for (double x : vals) {
          if (x < h.edges.front()) {
            ++h.underflow[s * M + v];
          } else if (x >= h.edges.back()) {
            ++h.overflow[s * M + v];
          } else {
            const auto b = static_cast<std::size_t>(
                std::upper_bound(h.edges.begin(), h.edges.end(), x) - h.edges.begin() - 1);
            ++h.counts[(s * M + v) * B + b];
          }
        }
        // Paired with the baseline (mode 0), from the records, as the Python tools recount
        // them: differences where both are finite, wins in the metric's direction.
        std::vector<double> diffs;
        for (std::size_t o = 0; o < orgs; ++o) {
          const double x = r.metrics[((s * orgs + o) * M + v) * K + k];
          const double b = r.metrics[((s * orgs + o) * M) * K + k];
          if (std::isfinite(x) && std::isfinite(b)) diffs.push_back(x - b);
        }
        std::uint64_t greater = 0, ties = 0, less = 0;
        double dsum = 0.0;
        for (double d : diffs) {
          greater += d > 0 ? 1 : 0;
          ties += d == 0 ? 1 : 0;
          less += d < 0 ? 1 : 0;
          dsum += d;
        }
        const double pairs = static_cast<double>(diffs.size());
        const stats::Better better = m.metrics[k].better;
        su.paired_count[i] = diffs.size();
        su.paired_mean[i] = diffs.empty() ? kNaN : dsum / pairs;
        su.paired_ci_low[i] = su.paired_mean[i] - 0.05;
        su.paired_ci_high[i] = su.paired_mean[i] + 0.05;
        su.greater[i] = greater;
        su.ties[i] = ties;
        su.tie_rate[i] = diffs.empty() ? kNaN : static_cast<double>(ties) / pairs;
        su.wins[i] = better == stats::Better::kHigher  ? greater
                     : better == stats::Better::kLower ? less
                                                       : 0;
        su.win_rate[i] = better == stats::Better::kNone || diffs.empty()
                             ? kNaN
                             : static_cast<double>(su.wins[i]) / pairs;
        su.win_rate_ci_low[i] = std::max(0.0, su.win_rate[i] - 0.1);
        su.win_rate_ci_high[i] = std::min(1.0, su.win_rate[i] + 0.1);
      }
    }
  }
  return syn;
}

RecordBatch slice(const RecordBatch& all, std::size_t first, std::size_t n, std::size_t P,
                  std::size_t MK) {
  RecordBatch b;
  b.scenario.assign(all.scenario.begin() + first, all.scenario.begin() + first + n);
  b.org.assign(all.org.begin() + first, all.org.begin() + first + n);
  b.params.assign(all.params.begin() + first * P, all.params.begin() + (first + n) * P);
  b.metrics.assign(all.metrics.begin() + first * MK, all.metrics.begin() + (first + n) * MK);
  return b;
}

// Writes a synthetic run, the records in batches of the given sizes (summing to all records).
void write_synthetic(const std::string& path, const Synthetic& syn,
                     const std::vector<std::size_t>& batches, bool force = true) {
  ResultsWriter w(path, force, syn.meta);
  const std::size_t P = syn.meta.record_fields.size();
  const std::size_t MK = syn.meta.modes.size() * syn.meta.metrics.size();
  std::size_t first = 0;
  for (std::size_t n : batches) {
    w.append(slice(syn.records, first, n, P, MK));
    first += n;
  }
  w.write_summary(syn.summary);
  w.commit();
}

// Bitwise equality, so that NaN == NaN and -0.0 != 0.0.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(LEADSIM_BINARY_DIR) / "io_test_tmp" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::size_t files_in_dir() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  fs::path dir_;
};

template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const IoError& e) {
    return e.what();
  }
  return "(no IoError)";
}

TEST_F(ResultsFileTest, RoundTripPreservesMetaSummaryAndRecords) {
  const Synthetic syn = make_synthetic(40, -1);
  const std::string path = file("run.h5");
  // Batches of uneven sizes, one empty, crossing scenario boundaries (240 records).
  write_synthetic(path, syn, {7, 0, 100, 1, 132});
  EXPECT_EQ(files_in_dir(), 1u);  // no temporary left beside it

  ResultsReader r(path);
  const ResultsMeta& m = r.meta();
  const ResultsMeta& e = syn.meta;
  EXPECT_EQ(m.format_version, kFormatVersion);
  EXPECT_EQ(m.command_line, e.command_line);
  EXPECT_EQ(m.config_ini, e.config_ini);
  EXPECT_EQ(m.model, e.model);
  EXPECT_EQ(m.seed, e.seed);
  EXPECT_EQ(m.orgs_per_scenario, e.orgs_per_scenario);
  EXPECT_EQ(m.block_size, e.block_size);
  EXPECT_EQ(m.baseline_mode, e.baseline_mode);
  EXPECT_EQ(m.rng, e.rng);
  EXPECT_EQ(m.modes, e.modes);
  ASSERT_EQ(m.metrics.size(), e.metrics.size());
  for (std::size_t k = 0; k < e.metrics.size(); ++k) {
    EXPECT_EQ(m.metrics[k].name, e.metrics[k].name);
    EXPECT_EQ(m.metrics[k].unit, e.metrics[k].unit);
    EXPECT_EQ(m.metrics[k].description, e.metrics[k].description);
    EXPECT_EQ(m.metrics[k].better, e.metrics[k].better);
    EXPECT_EQ(m.metrics[k].lo, e.metrics[k].lo);
    EXPECT_EQ(m.metrics[k].hi, e.metrics[k].hi);
    EXPECT_EQ(m.metrics[k].bins, e.metrics[k].bins);
    EXPECT_EQ(m.metrics[k].log_bins, e.metrics[k].log_bins);
  }
  ASSERT_EQ(m.record_fields.size(), e.record_fields.size());
  for (std::size_t p = 0; p < e.record_fields.size(); ++p) {
    EXPECT_EQ(m.record_fields[p].name, e.record_fields[p].name);
    EXPECT_EQ(m.record_fields[p].unit, e.record_fields[p].unit);
    EXPECT_EQ(m.record_fields[p].description, e.record_fields[p].description);
  }
  EXPECT_EQ(m.sweep_params, e.sweep_params);
  EXPECT_EQ(m.sweep_units, e.sweep_units);
  EXPECT_EQ(m.scenario_values, e.scenario_values);
  EXPECT_EQ(m.scenarios, e.scenarios);
  EXPECT_EQ(m.samples, e.samples);
  EXPECT_EQ(m.extra_attrs, e.extra_attrs);
  EXPECT_FALSE(m.leadsim_version.empty());
  EXPECT_FALSE(m.compiler.empty());
  EXPECT_EQ(m.hdf5_version.rfind("1.", 0), 0u) << m.hdf5_version;
  EXPECT_EQ(m.created_utc.size(), 20u) << m.created_utc;  // 2026-11-27T08:13:10Z

  const stats::Summary& s = r.summary();
  const stats::Summary& x = syn.summary;
  EXPECT_EQ(s.S, x.S);
  EXPECT_EQ(s.M, x.M);
  EXPECT_EQ(s.K, x.K);
  EXPECT_EQ(s.Q, x.Q);
  EXPECT_TRUE(same_bits(s.quantile_levels, x.quantile_levels));
  EXPECT_EQ(s.count, x.count);
  EXPECT_EQ(s.nan_count, x.nan_count);
  EXPECT_TRUE(same_bits(s.mean, x.mean));
  EXPECT_TRUE(same_bits(s.std, x.std));
  EXPECT_TRUE(same_bits(s.sem, x.sem));
  EXPECT_TRUE(same_bits(s.min, x.min));
  EXPECT_TRUE(same_bits(s.max, x.max));
  EXPECT_TRUE(same_bits(s.quantiles, x.quantiles));
  EXPECT_EQ(s.paired_count, x.paired_count);
  EXPECT_TRUE(same_bits(s.paired_mean, x.paired_mean));
  EXPECT_TRUE(same_bits(s.paired_std, x.paired_std));
  EXPECT_TRUE(same_bits(s.paired_ci_low, x.paired_ci_low));
  EXPECT_TRUE(same_bits(s.paired_ci_high, x.paired_ci_high));
  EXPECT_TRUE(same_bits(s.win_rate, x.win_rate));
  EXPECT_TRUE(same_bits(s.win_rate_ci_low, x.win_rate_ci_low));
  EXPECT_TRUE(same_bits(s.win_rate_ci_high, x.win_rate_ci_high));
  EXPECT_TRUE(same_bits(s.tie_rate, x.tie_rate));
  EXPECT_EQ(s.wins, x.wins);
  EXPECT_EQ(s.ties, x.ties);
  EXPECT_EQ(s.greater, x.greater);
  ASSERT_EQ(s.histograms.size(), x.histograms.size());
  for (std::size_t k = 0; k < x.histograms.size(); ++k) {
    EXPECT_TRUE(same_bits(s.histograms[k].edges, x.histograms[k].edges));
    EXPECT_EQ(s.histograms[k].counts, x.histograms[k].counts);
    EXPECT_EQ(s.histograms[k].underflow, x.histograms[k].underflow);
    EXPECT_EQ(s.histograms[k].overflow, x.histograms[k].overflow);
  }

  ASSERT_EQ(r.record_count(), syn.records.size());
  const RecordBatch all = r.read_records(0, r.record_count());
  EXPECT_EQ(all.scenario, syn.records.scenario);
  EXPECT_EQ(all.org, syn.records.org);
  EXPECT_TRUE(same_bits(all.params, syn.records.params));
  EXPECT_TRUE(same_bits(all.metrics, syn.records.metrics));
  const RecordBatch mid = r.read_records(95, 10);
  const RecordBatch want = slice(syn.records, 95, 10, 2, 6);
  EXPECT_EQ(mid.scenario, want.scenario);
  EXPECT_EQ(mid.org, want.org);
  EXPECT_TRUE(same_bits(mid.params, want.params));
  EXPECT_TRUE(same_bits(mid.metrics, want.metrics));
  EXPECT_EQ(r.read_records(240, 0).size(), 0u);
  EXPECT_THROW(r.read_records(235, 10), std::out_of_range);

  for (std::uint64_t i = 0; i < syn.records.size(); i += 13) {
    EXPECT_EQ(r.find_record(syn.records.scenario[i], syn.records.org[i]),
              static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(r.find_record(0, 0), 0);
  EXPECT_EQ(r.find_record(5, 39), 239);
  EXPECT_EQ(r.find_record(5, 40), -1);
  EXPECT_EQ(r.find_record(6, 0), -1);
}

TEST_F(ResultsFileTest, FirstSamplesPerScenarioAreFoundAndGapsAreNot) {
  Synthetic syn = make_synthetic(10, 3);
  // Keep the first 3 organizations of each scenario, as --samples 3 does.
  RecordBatch kept;
  for (std::size_t i = 0; i < syn.records.size(); ++i) {
    if (syn.records.org[i] < 3) {
      const RecordBatch one = slice(syn.records, i, 1, 2, 6);
      kept.scenario.push_back(one.scenario[0]);
      kept.org.push_back(one.org[0]);
      kept.params.insert(kept.params.end(), one.params.begin(), one.params.end());
      kept.metrics.insert(kept.metrics.end(), one.metrics.begin(), one.metrics.end());
    }
  }
  syn.records = kept;
  write_synthetic(file("s.h5"), syn, {5, 13});
  ResultsReader r(file("s.h5"));
  EXPECT_EQ(r.record_count(), 18u);
  EXPECT_EQ(r.find_record(2, 2), 8);
  EXPECT_EQ(r.find_record(2, 3), -1);
  EXPECT_EQ(r.find_record(3, 0), 9);
}

TEST_F(ResultsFileTest, NoSamplesMeansNoRecordGroup) {
  const Synthetic syn = make_synthetic(5, 0);
  {
    ResultsWriter w(file("n.h5"), false, syn.meta);
    EXPECT_THROW(w.append(slice(syn.records, 0, 1, 2, 6)), std::logic_error);
    w.write_summary(syn.summary);
    w.commit();
  }
  ResultsReader r(file("n.h5"));
  EXPECT_EQ(r.record_count(), 0u);
  EXPECT_EQ(r.find_record(0, 0), -1);
  EXPECT_TRUE(r.meta().record_fields.empty());
  H5::H5File f(file("n.h5"), H5F_ACC_RDONLY);
  EXPECT_FALSE(f.nameExists("orgs"));
}

TEST_F(ResultsFileTest, WriterRejectsRecordsOutOfOrder) {
  const Synthetic syn = make_synthetic(5, -1);
  ResultsWriter w(file("o.h5"), false, syn.meta);
  w.append(slice(syn.records, 3, 2, 2, 6));
  EXPECT_THROW(w.append(slice(syn.records, 0, 1, 2, 6)), std::invalid_argument);
}

TEST_F(ResultsFileTest, RefusesExistingFileWithoutForce) {
  const Synthetic syn = make_synthetic(4, -1);
  const std::string path = file("out.h5");
  { std::ofstream(path) << "keep me"; }
  EXPECT_EQ(error_of([&] { ResultsWriter w(path, false, syn.meta); }),
            "'" + path + "' exists and overwriting it was not requested");
  try {
    const ResultsWriter w(path, false, syn.meta);
    ADD_FAILURE() << "expected OutputExists";
  } catch (const OutputExists& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(e.option(), RequestOption::force);
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep me");
  EXPECT_EQ(files_in_dir(), 1u);
  write_synthetic(path, syn, {24}, /*force=*/true);
  EXPECT_EQ(ResultsReader(path).record_count(), 24u);
}

TEST_F(ResultsFileTest, MissingDirectoryIsNamed) {
  const Synthetic syn = make_synthetic(2, 0);
  const std::string dir = file("nope");
  EXPECT_EQ(error_of([&] { ResultsWriter w(dir + "/out.h5", false, syn.meta); }),
            "output directory '" + dir + "' does not exist");
}

TEST_F(ResultsFileTest, DirectoryAsPathIsRefused) {
  const Synthetic syn = make_synthetic(2, 0);
  fs::create_directory(file("d.h5"));
  EXPECT_EQ(error_of([&] { ResultsWriter w(file("d.h5"), true, syn.meta); }),
            "'" + file("d.h5") + "' is a directory");
}

TEST_F(ResultsFileTest, UnwritableDirectoryIsRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  const Synthetic syn = make_synthetic(2, 0);
  fs::create_directory(file("ro"));
  fs::permissions(file("ro"), fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_EQ(error_of([&] { ResultsWriter w(file("ro") + "/out.h5", false, syn.meta); }),
            "output directory '" + file("ro") + "' is not writable");
  fs::permissions(file("ro"), fs::perms::owner_all);
}

TEST_F(ResultsFileTest, UncommittedWriterLeavesNoFile) {
  const Synthetic syn = make_synthetic(10, -1);
  std::string temp;
  {
    ResultsWriter w(file("u.h5"), false, syn.meta);
    temp = w.temp_path();
    EXPECT_EQ(temp, file("u.h5") + ".tmp." + std::to_string(::getpid()));
    w.append(slice(syn.records, 0, 30, 2, 6));
    w.write_summary(syn.summary);
    EXPECT_TRUE(fs::exists(temp));
    EXPECT_FALSE(fs::exists(file("u.h5")));
  }
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_FALSE(fs::exists(file("u.h5")));
  EXPECT_EQ(files_in_dir(), 0u);
}

TEST_F(ResultsFileTest, CommitRequiresSummary) {
  const Synthetic syn = make_synthetic(2, 0);
  ResultsWriter w(file("c.h5"), false, syn.meta);
  EXPECT_THROW(w.commit(), std::logic_error);
}

// Appends records until the writer fails; returns the IoError text ("" if none).
std::string fill_until_error(ResultsWriter& w, const Synthetic& syn, int rounds) {
  try {
    for (int i = 0; i < rounds; ++i) w.append(syn.records);
    w.write_summary(syn.summary);
    w.commit();
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST_F(ResultsFileTest, WriteFailureIsAnIoErrorAndLeavesNoFile) {
  // RLIMIT_FSIZE makes write(2) fail with EFBIG past the limit, as a full disk fails it.
  // The limit is lifted before the writer is destroyed: it applies to every file, the
  // in-memory one the writer abandons its file into included (see the real-disk test below).
  Synthetic syn = make_synthetic(2000, -1);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);
  std::string message;
  {
    ResultsWriter w(file("full.h5"), false, syn.meta);
    rlimit small = old;
    small.rlim_cur = 64 * 1024;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    message = fill_until_error(w, syn, 1);
    ::setrlimit(RLIMIT_FSIZE, &old);
  }
  ::signal(SIGXFSZ, old_handler);
  EXPECT_NE(message.find("'" + file("full.h5") + "'"), std::string::npos) << message;
  EXPECT_EQ(files_in_dir(), 0u);
}

// A real full disk: set LEADSIM_TEST_FULL_DIR to a small, empty tmpfs
// (mount -t tmpfs -o size=8m tmpfs /mnt/full) to run it.
TEST_F(ResultsFileTest, FullDiskIsAnIoErrorAndLeavesNoFile) {
  const char* dir = std::getenv("LEADSIM_TEST_FULL_DIR");
  if (dir == nullptr) GTEST_SKIP() << "LEADSIM_TEST_FULL_DIR not set";
  const Synthetic syn = make_synthetic(40000, -1);  // 20 MB of records
  const std::string path = std::string(dir) + "/full.h5";
  std::string message;
  std::uint64_t round = 0;
  try {
    ResultsWriter w(path, true, syn.meta);
    for (; round < 20; ++round) w.append(slice(syn.records, round * 12000, 12000, 2, 6));
  } catch (const IoError& e) {
    message = e.what();
  }
  EXPECT_GT(round, 0u) << "use a file system larger than a few MiB";
  EXPECT_NE(message.find("'" + path + "'"), std::string::npos) << message;
  EXPECT_TRUE(fs::is_empty(dir));
}

// ---- Reader validation ----

void write_attr_text(H5::H5Object& o, const std::string& name, const std::string& v) {
  H5::StrType st(H5::PredType::C_S1, H5T_VARIABLE);
  o.createAttribute(name, st, H5::DataSpace(H5S_SCALAR)).write(st, v);
}

TEST_F(ResultsFileTest, ReaderRejectsTextFile) {
  { std::ofstream(file("t.h5")) << "time,value\n0,1\n"; }
  try {
    ResultsReader r(file("t.h5"));
    FAIL() << "no error";
  } catch (const FormatError& e) {
    EXPECT_EQ(std::string(e.what()), file("t.h5") + " is not an HDF5 file");
  }
}

TEST_F(ResultsFileTest, ReaderRejectsMissingFile) {
  EXPECT_EQ(error_of([&] { ResultsReader r(file("absent.h5")); }),
            "'" + file("absent.h5") + "' does not exist");
}

TEST_F(ResultsFileTest, ReaderRejectsOtherFormat) {
  {
    H5::H5File f(file("o.h5"), H5F_ACC_TRUNC);
    H5::Group root = f.openGroup("/");
    write_attr_text(root, "format", "openmc-statepoint");
  }
  EXPECT_EQ(error_of([&] { ResultsReader r(file("o.h5")); }),
            file("o.h5") + " is not a leadsim results file (format='openmc-statepoint')");
  { H5::H5File f(file("p.h5"), H5F_ACC_TRUNC); }
  EXPECT_EQ(error_of([&] { ResultsReader r(file("p.h5")); }),
            file("p.h5") + " is not a leadsim results file (format='')");
}

TEST_F(ResultsFileTest, ReaderRejectsOtherVersion) {
  write_synthetic(file("v.h5"), make_synthetic(3, 0), {});
  {
    H5::H5File f(file("v.h5"), H5F_ACC_RDWR);
    H5::Group root = f.openGroup("/");
    const std::int64_t v = 1;  // the layout before directions of better: refused
    root.openAttribute("format_version").write(H5::PredType::NATIVE_INT64, &v);
  }
  EXPECT_EQ(error_of([&] { ResultsReader r(file("v.h5")); }),
            file("v.h5") + " has format version 1; this leadsim reads version 2");
}

TEST_F(ResultsFileTest, DirectionOfBetterIsWrittenAndReadBack) {
  Synthetic syn = make_synthetic(3, 0);
  syn.meta.metrics[1].better = stats::Better::kNone;
  write_synthetic(file("b.h5"), syn, {});
  {
    H5::H5File f(file("b.h5"), H5F_ACC_RDONLY);
    EXPECT_EQ(detail::read_strings(f.openDataSet("/metrics_info/better")),
              (std::vector<std::string>{"higher", "none"}));
    EXPECT_EQ(detail::read_attr_string(f.openGroup("/histograms/recovery_time"), "better"), "none");
    const std::string why = detail::read_attr_string(f.openDataSet("/paired/win_rate"), "nan_when");
    EXPECT_NE(why.find("direction of better is none"), std::string::npos) << why;
    EXPECT_TRUE(f.nameExists("/paired/tie_rate"));
    EXPECT_TRUE(f.nameExists("/paired/greater"));
  }
  {
    const ResultsReader r(file("b.h5"));
    EXPECT_EQ(r.meta().metrics[0].better, stats::Better::kHigher);
    EXPECT_EQ(r.meta().metrics[1].better, stats::Better::kNone);
  }

  // An unknown direction in the file is refused by name.
  {
    H5::H5File f(file("b.h5"), H5F_ACC_RDWR);
    H5::Group info = f.openGroup("/metrics_info");
    info.unlink("better");
    detail::write_strings(info, "better", {"higher", "sideways"});
  }
  EXPECT_EQ(error_of([&] { ResultsReader x(file("b.h5")); }),
            file("b.h5") +
                ": /metrics_info/better of metric 'recovery_time' is 'sideways'; expected "
                "higher, lower or none");

  // The writer refuses a metric that does not declare its direction.
  Synthetic unset = make_synthetic(3, 0);
  unset.meta.metrics[0].better = stats::Better{};
  EXPECT_THROW(write_synthetic(file("u.h5"), unset, {}), std::invalid_argument);
}

TEST_F(ResultsFileTest, ReaderNamesMissingDataset) {
  write_synthetic(file("m.h5"), make_synthetic(3, -1), {18});
  {
    H5::H5File f(file("m.h5"), H5F_ACC_RDWR);
    f.unlink("/summary/mean");
  }
  EXPECT_EQ(error_of([&] { ResultsReader r(file("m.h5")); }),
            file("m.h5") + ": missing dataset /summary/mean");
}

TEST_F(ResultsFileTest, ReaderNamesWrongShape) {
  write_synthetic(file("w.h5"), make_synthetic(3, -1), {18});
  {
    H5::H5File f(file("w.h5"), H5F_ACC_RDWR);
    f.unlink("/paired/win_rate");
    const hsize_t dims[3] = {6, 3, 5};
    f.createDataSet("/paired/win_rate", H5::PredType::IEEE_F64LE, H5::DataSpace(3, dims));
  }
  EXPECT_EQ(error_of([&] { ResultsReader r(file("w.h5")); }),
            file("w.h5") + ": dataset /paired/win_rate has shape [6, 3, 5]; expected [6, 3, 2]");
}

TEST_F(ResultsFileTest, TruncatedFileIsAnErrorNotACrash) {
  write_synthetic(file("full.h5"), make_synthetic(200, -1), {1200});
  const auto size = fs::file_size(file("full.h5"));
  for (const double frac : {0.9, 0.5, 0.1, 0.001}) {
    const std::string cut = file("cut.h5");
    fs::copy_file(file("full.h5"), cut, fs::copy_options::overwrite_existing);
    fs::resize_file(cut, static_cast<std::uintmax_t>(static_cast<double>(size) * frac));
    EXPECT_THROW(
        {
          ResultsReader r(cut);
          r.read_records(0, r.record_count());
        },
        IoError)
        << "truncated to " << frac;
  }
}

// Writes the synthetic run to <build>/io_example.h5 for the Python tool tests
// (tests/python), which need a file even where the leadsim CLI is not built.
TEST(ResultsExample, WritesExampleFileForPythonTools) {
  const std::string path = std::string(LEADSIM_BINARY_DIR) + "/io_example.h5";
  write_synthetic(path, make_synthetic(50, -1), {120, 180});
  EXPECT_EQ(ResultsReader(path).record_count(), 300u);
}

}  // namespace
}  // namespace leadsim::io
