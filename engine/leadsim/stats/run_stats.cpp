#include "leadsim/stats/run_stats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "leadsim/core/error.h"
#include "leadsim/stats/byte_io.h"
#include "leadsim/stats/histogram.h"

namespace leadsim::stats {
namespace {

// 2: each metric definition carries its direction of better (summarize() needs it).
constexpr std::uint32_t kVersion = 2;
constexpr std::uint64_t kMaxDim = std::uint64_t{1} << 32;

std::uint64_t fnv1a(std::span<const std::uint8_t> b) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const std::uint8_t c : b) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

bool same_def(const stats::MetricDef& a, const stats::MetricDef& b) {
  return a.name == b.name && a.unit == b.unit && a.description == b.description &&
         a.better == b.better &&
         std::bit_cast<std::uint64_t>(a.lo) == std::bit_cast<std::uint64_t>(b.lo) &&
         std::bit_cast<std::uint64_t>(a.hi) == std::bit_cast<std::uint64_t>(b.hi) &&
         a.bins == b.bins && a.log_bins == b.log_bins;
}

struct Cell {
  Moments mom;
  QuantileSketch sketch;
  std::uint64_t nan = 0;
  bool operator==(const Cell&) const = default;
};

}  // namespace

struct RunStats::Impl {
  std::uint64_t S, M, K, baseline;
  std::uint64_t orgs = 0;
  std::vector<stats::MetricDef> metrics;
  std::vector<Bins> bins;
  std::vector<std::uint64_t> hist_off;  // [K + 1] offsets of metric k within one (s, m) row
  std::vector<Cell> cells;              // [S, M, K]
  std::vector<PairedDiff> paired;       // [S, M, K]
  std::vector<std::uint64_t> hist;      // [S, M, sum_k (B_k + 2)]

  Impl(std::uint64_t s, std::uint64_t m, std::vector<stats::MetricDef> defs, std::uint64_t b)
      : S(s), M(m), K(defs.size()), baseline(b), metrics(std::move(defs)) {
    if (S < 1 || M < 1 || S > kMaxDim || M > kMaxDim || K > kMaxDim)
      throw std::invalid_argument("RunStats: need 1 <= scenarios, modes <= 2^32");
    if (baseline >= M)
      throw std::invalid_argument("RunStats: baseline mode " + std::to_string(baseline) +
                                  " out of range (modes = " + std::to_string(M) + ")");
    if (S * M > kMaxDim || S * M * K > kMaxDim)
      throw std::invalid_argument("RunStats: scenarios x modes x metrics too large");
    hist_off.push_back(0);
    for (const auto& d : metrics) {
      if (!is_direction(d.better))
        throw std::invalid_argument("RunStats: metric '" + d.name +
                                    "' does not declare its direction of better (higher, lower "
                                    "or none)");
      bins.emplace_back(d);
      hist_off.push_back(hist_off.back() + static_cast<std::uint64_t>(bins.back().size()) + 2);
    }
    cells.resize(S * M * K);
    paired.resize(S * M * K);
    hist.assign(S * M * hist_off.back(), 0);
  }
  std::uint64_t cell(std::uint64_t s, std::uint64_t m, std::uint64_t k) const {
    if (s >= S || m >= M || k >= K) throw std::out_of_range("RunStats: cell index out of range");
    return (s * M + m) * K + k;
  }
  std::uint64_t hist_base(std::uint64_t s, std::uint64_t m, std::uint64_t k) const {
    return (s * M + m) * hist_off.back() + hist_off[k];
  }
};

double RunStats::estimated_bytes(std::uint64_t scenarios, std::uint64_t modes,
                                 const std::vector<stats::MetricDef>& metrics,
                                 std::uint64_t orgs_per_scenario) {
  // Per cell: the structures, four exact sums' stored limbs (about 6 limbs and an allocation
  // each), the sketch's buckets (8 bytes, 128 per binade, growth slack up to half) and the
  // histogram row.
  constexpr double kExactSums = 4 * (6 * 8 + 16);
  constexpr double kBucketBytes = 8 * 128 * 1.5;
  constexpr int kLinearBinades = 20;
  auto binades = [](double top, double bottom) {
    return top <= 0 ? 0.0 : std::max(1.0, std::log2(top / bottom) + 1);
  };
  double per_sm = 0;  // bytes per (scenario, mode)
  for (const auto& d : metrics) {
    double sketch = 2 * 16.0;  // two stores' allocations
    if (orgs_per_scenario <= 1) {
      sketch += 8;
    } else if (d.log_bins) {
      sketch += kBucketBytes * binades(d.hi, d.lo);
    } else {
      const double low = std::ldexp(1.0, -kLinearBinades);
      sketch += kBucketBytes * (binades(d.hi, d.hi * low) + binades(-d.lo, -d.lo * low));
    }
    per_sm += static_cast<double>(sizeof(Cell) + sizeof(PairedDiff)) + kExactSums + sketch +
              8.0 * (d.bins + 2);
  }
  return static_cast<double>(scenarios) * static_cast<double>(modes) * per_sm;
}

RunStats::RunStats(std::uint64_t scenarios, std::uint64_t modes,
                   std::vector<stats::MetricDef> metrics, std::uint64_t baseline_mode)
    : impl_(std::make_unique<Impl>(scenarios, modes, std::move(metrics), baseline_mode)) {}
RunStats::~RunStats() = default;
RunStats::RunStats(const RunStats& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
RunStats& RunStats::operator=(const RunStats& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
RunStats::RunStats(RunStats&&) noexcept = default;
RunStats& RunStats::operator=(RunStats&&) noexcept = default;

void RunStats::add(std::uint64_t scenario, std::span<const double> metrics) {
  Impl& p = *impl_;
  if (scenario >= p.S)
    throw std::invalid_argument("RunStats::add: scenario " + std::to_string(scenario) +
                                " out of range");
  if (metrics.size() != p.M * p.K)
    throw std::invalid_argument("RunStats::add: expected " + std::to_string(p.M * p.K) +
                                " metric values, got " + std::to_string(metrics.size()));
  ++p.orgs;
  const double* base = metrics.data() + p.baseline * p.K;
  for (std::uint64_t m = 0; m < p.M; ++m) {
    const std::uint64_t c0 = (scenario * p.M + m) * p.K;
    const std::uint64_t h0 = (scenario * p.M + m) * p.hist_off.back();
    for (std::uint64_t k = 0; k < p.K; ++k) {
      const double x = metrics[m * p.K + k];
      Cell& cell = p.cells[c0 + k];
      if (!std::isfinite(x)) {
        ++cell.nan;
        continue;
      }
      cell.mom.add(x);
      cell.sketch.add(x);
      const int b = p.bins[k].index(x);
      const auto nb = static_cast<std::uint64_t>(p.bins[k].size());
      const std::uint64_t slot = b == Bins::kUnderflow ? nb
                                 : static_cast<std::uint64_t>(b) == nb
                                     ? nb + 1
                                     : static_cast<std::uint64_t>(b);
      ++p.hist[h0 + p.hist_off[k] + slot];
      const double d = x - base[k];
      if (std::isfinite(d)) p.paired[c0 + k].add(d);
    }
  }
}

void RunStats::merge(const RunStats& other) {
  Impl& a = *impl_;
  const Impl& b = *other.impl_;
  bool same = a.S == b.S && a.M == b.M && a.K == b.K && a.baseline == b.baseline;
  for (std::uint64_t k = 0; same && k < a.K; ++k) {
    if (a.metrics[k].name == b.metrics[k].name && a.metrics[k].better != b.metrics[k].better)
      throw std::invalid_argument("RunStats::merge: metric '" + a.metrics[k].name + "' is better " +
                                  better_name(a.metrics[k].better) + " in one and " +
                                  better_name(b.metrics[k].better) + " in the other");
    same = same_def(a.metrics[k], b.metrics[k]);
  }
  if (!same) throw std::invalid_argument("RunStats::merge: shapes or metric definitions differ");
  a.orgs += b.orgs;
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    a.cells[i].mom.merge(b.cells[i].mom);
    a.cells[i].sketch.merge(b.cells[i].sketch);
    a.cells[i].nan += b.cells[i].nan;
    a.paired[i].merge(b.paired[i]);
  }
  for (std::size_t i = 0; i < a.hist.size(); ++i) a.hist[i] += b.hist[i];
}

std::uint64_t RunStats::orgs() const {
  return impl_->orgs;
}
std::uint64_t RunStats::scenarios() const {
  return impl_->S;
}
std::uint64_t RunStats::modes() const {
  return impl_->M;
}
std::uint64_t RunStats::baseline_mode() const {
  return impl_->baseline;
}
const std::vector<stats::MetricDef>& RunStats::metrics() const {
  return impl_->metrics;
}
const Moments& RunStats::moments(std::uint64_t s, std::uint64_t m, std::uint64_t k) const {
  return impl_->cells[impl_->cell(s, m, k)].mom;
}
const QuantileSketch& RunStats::sketch(std::uint64_t s, std::uint64_t m, std::uint64_t k) const {
  return impl_->cells[impl_->cell(s, m, k)].sketch;
}
const PairedDiff& RunStats::paired(std::uint64_t s, std::uint64_t m, std::uint64_t k) const {
  return impl_->paired[impl_->cell(s, m, k)];
}
std::uint64_t RunStats::nan_count(std::uint64_t s, std::uint64_t m, std::uint64_t k) const {
  return impl_->cells[impl_->cell(s, m, k)].nan;
}
std::span<const std::uint64_t> RunStats::histogram(std::uint64_t s, std::uint64_t m,
                                                   std::uint64_t k) const {
  impl_->cell(s, m, k);
  return {impl_->hist.data() + impl_->hist_base(s, m, k),
          static_cast<std::size_t>(impl_->bins[k].size()) + 2};
}

bool RunStats::operator==(const RunStats& other) const {
  const Impl& a = *impl_;
  const Impl& b = *other.impl_;
  if (a.S != b.S || a.M != b.M || a.K != b.K || a.baseline != b.baseline || a.orgs != b.orgs)
    return false;
  for (std::uint64_t k = 0; k < a.K; ++k)
    if (!same_def(a.metrics[k], b.metrics[k])) return false;
  return a.cells == b.cells && a.paired == b.paired && a.hist == b.hist;
}

std::vector<std::uint8_t> RunStats::serialize() const {
  const Impl& p = *impl_;
  ByteWriter w;
  for (const char c : {'L', 'S', 'R', 'S'}) w.u8(static_cast<std::uint8_t>(c));
  w.u32(kVersion);
  w.u64(p.S);
  w.u64(p.M);
  w.u64(p.K);
  w.u64(p.baseline);
  w.u64(p.orgs);
  for (const auto& d : p.metrics) {
    w.str(d.name);
    w.str(d.unit);
    w.str(d.description);
    w.u8(static_cast<std::uint8_t>(d.better));
    w.f64(d.lo);
    w.f64(d.hi);
    w.i32(d.bins);
    w.u8(d.log_bins ? 1 : 0);
  }
  for (const Cell& c : p.cells) {
    w.u64(c.nan);
    c.mom.serialize(w);
    c.sketch.serialize(w);
  }
  w.u64(p.hist.size());
  for (const std::uint64_t h : p.hist) w.u64(h);
  for (const PairedDiff& d : p.paired) {
    d.m_.serialize(w);
    w.u64(d.greater_);
    w.u64(d.ties_);
  }
  w.u64(fnv1a(w.bytes()));
  return std::move(w.bytes());
}

RunStats RunStats::deserialize(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 16 || bytes[0] != 'L' || bytes[1] != 'S' || bytes[2] != 'R' || bytes[3] != 'S')
    throw FormatError("run stats buffer: not a run statistics record (magic 'LSRS' missing)");
  ByteReader r(bytes);
  r.u32();
  const std::uint32_t version = r.u32();
  if (version != kVersion)
    throw FormatError("run stats buffer: version " + std::to_string(version) +
                      " not supported (expected " + std::to_string(kVersion) + ")");
  {
    ByteReader tail(bytes.subspan(bytes.size() - 8));
    if (tail.u64() != fnv1a(bytes.first(bytes.size() - 8)))
      throw FormatError("run stats buffer: checksum mismatch (truncated or corrupted, " +
                        std::to_string(bytes.size()) + " bytes)");
  }
  const std::uint64_t S = r.u64();
  const std::uint64_t M = r.u64();
  const std::uint64_t K = r.u64();
  const std::uint64_t baseline = r.u64();
  const std::uint64_t orgs = r.u64();
  if (S < 1 || M < 1 || S > kMaxDim || M > kMaxDim || K > kMaxDim || S * M > kMaxDim ||
      S * M * K > kMaxDim || baseline >= M)
    r.fail("invalid shape S=" + std::to_string(S) + " M=" + std::to_string(M) +
           " K=" + std::to_string(K) + " baseline=" + std::to_string(baseline));
  r.need(K, 34, "metric definitions");
  std::vector<stats::MetricDef> defs(K);
  for (auto& d : defs) {
    d.name = r.str();
    d.unit = r.str();
    d.description = r.str();
    const std::uint8_t better = r.u8();
    d.better = static_cast<Better>(better);
    if (!is_direction(d.better))
      r.fail("metric '" + d.name + "' direction of better " + std::to_string(better));
    d.lo = r.f64();
    d.hi = r.f64();
    d.bins = r.i32();
    const std::uint8_t lg = r.u8();
    if (lg > 1) r.fail("metric '" + d.name + "' log flag " + std::to_string(lg));
    d.log_bins = lg != 0;
    try {
      Bins check(d);
    } catch (const std::invalid_argument& e) {
      r.fail(e.what());
    }
  }
  r.need(S * M * K, 2 * 77, "cells");
  RunStats out(S, M, std::move(defs), baseline);
  Impl& p = *out.impl_;
  p.orgs = orgs;
  for (Cell& c : p.cells) {
    c.nan = r.u64();
    c.mom = Moments::deserialize(r);
    c.sketch = QuantileSketch::deserialize(r);
    if (c.sketch.count() != c.mom.count() || c.nan > orgs || c.mom.count() > orgs - c.nan ||
        (c.mom.count() > 0 && (std::bit_cast<std::uint64_t>(c.sketch.min()) !=
                                   std::bit_cast<std::uint64_t>(c.mom.min()) ||
                               std::bit_cast<std::uint64_t>(c.sketch.max()) !=
                                   std::bit_cast<std::uint64_t>(c.mom.max()))))
      r.fail("inconsistent cell counts");
  }
  const std::uint64_t nh = r.u64();
  if (nh != p.hist.size()) r.fail("histogram size " + std::to_string(nh) + " does not match");
  r.need(nh, 8, "histogram counts");
  for (std::uint64_t& h : p.hist) h = r.u64();
  for (std::uint64_t s = 0; s < S; ++s)
    for (std::uint64_t m = 0; m < M; ++m)
      for (std::uint64_t k = 0; k < K; ++k) {
        std::uint64_t total = 0;
        for (const std::uint64_t h : out.histogram(s, m, k)) {
          if (total + h < total) r.fail("histogram counts overflow");
          total += h;
        }
        if (total != p.cells[p.cell(s, m, k)].mom.count())
          r.fail("histogram counts do not add up to the cell count");
      }
  for (PairedDiff& d : p.paired) {
    d.m_ = Moments::deserialize(r);
    d.greater_ = r.u64();
    d.ties_ = r.u64();
    if (d.m_.count() > orgs || d.greater_ > d.m_.count() || d.ties_ > d.m_.count() - d.greater_)
      r.fail("inconsistent paired counts");
  }
  if (r.remaining() != 8) r.fail("trailing bytes after the record");
  return out;
}

Summary RunStats::summarize(const std::vector<double>& levels) const {
  const Impl& p = *impl_;
  for (const double q : levels)
    if (!(q >= 0.0 && q <= 1.0))
      throw std::invalid_argument("RunStats::summarize: quantile level outside [0, 1]");
  Summary out;
  out.S = p.S;
  out.M = p.M;
  out.K = p.K;
  out.Q = levels.size();
  out.quantile_levels = levels;
  const std::size_t n = p.cells.size();
  out.count.resize(n);
  out.nan_count.resize(n);
  for (auto* v : {&out.mean, &out.std, &out.sem, &out.min, &out.max, &out.paired_mean,
                  &out.paired_std, &out.paired_ci_low, &out.paired_ci_high, &out.win_rate,
                  &out.win_rate_ci_low, &out.win_rate_ci_high, &out.tie_rate})
    v->resize(n);
  out.quantiles.resize(n * levels.size());
  out.paired_count.resize(n);
  out.wins.resize(n);
  out.ties.resize(n);
  out.greater.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Cell& c = p.cells[i];
    out.count[i] = c.mom.count();
    out.nan_count[i] = c.nan;
    out.mean[i] = c.mom.mean();
    out.std[i] = c.mom.std();
    out.sem[i] = c.mom.sem();
    out.min[i] = c.mom.min();
    out.max[i] = c.mom.max();
    for (std::size_t q = 0; q < levels.size(); ++q)
      out.quantiles[i * levels.size() + q] = c.sketch.quantile(levels[q]);
    const PairedDiff& d = p.paired[i];
    out.paired_count[i] = d.count();
    out.paired_mean[i] = d.moments().mean();
    out.paired_std[i] = d.moments().std();
    const Interval ci = d.mean_ci95();
    out.paired_ci_low[i] = ci.low;
    out.paired_ci_high[i] = ci.high;
    const Better better = p.metrics[i % p.K].better;
    out.win_rate[i] = d.win_rate(better);
    const Interval w = d.win_rate_ci95(better);
    out.win_rate_ci_low[i] = w.low;
    out.win_rate_ci_high[i] = w.high;
    out.tie_rate[i] = d.tie_rate();
    out.wins[i] = d.wins(better);
    out.ties[i] = d.ties();
    out.greater[i] = d.greater();
  }
  out.histograms.resize(p.K);
  for (std::uint64_t k = 0; k < p.K; ++k) {
    HistogramArrays& h = out.histograms[k];
    const auto nb = static_cast<std::uint64_t>(p.bins[k].size());
    h.edges = p.bins[k].edges();
    h.counts.resize(p.S * p.M * nb);
    h.underflow.resize(p.S * p.M);
    h.overflow.resize(p.S * p.M);
    for (std::uint64_t sm = 0; sm < p.S * p.M; ++sm) {
      const std::uint64_t* src = p.hist.data() + sm * p.hist_off.back() + p.hist_off[k];
      std::copy(src, src + nb, h.counts.begin() + static_cast<std::ptrdiff_t>(sm * nb));
      h.underflow[sm] = src[nb];
      h.overflow[sm] = src[nb + 1];
    }
  }
  return out;
}

}  // namespace leadsim::stats
