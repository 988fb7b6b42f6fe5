#include "leadsim/run/merge.h"
#include "leadsim/run/sensitivity.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "leadsim/config/config.h"
#include "leadsim/config/ini_diff.h"
#include "leadsim/core/error.h"
#include "leadsim/io/safe_file.h"
#include "leadsim/port/model.h"
#include "leadsim/run/runner.h"
#include "leadsim/run/study.h"

namespace leadsim::run {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kChunkRows = 65536;

using Range = std::pair<std::uint64_t, std::uint64_t>;

// A contiguous run of work items held by one input.
struct Segment {
  Range items;
  std::size_t input;
};

// What merge keeps of an input between passes: the files are reopened one at a time, so
// memory does not grow with the number of inputs.
struct Input {
  std::string path;
  io::ResultsState state;      // run_stats emptied once merged
  std::vector<Range> covered;  // [item_first, item_end) minus the input's own missing items
};

// [first, end) minus the sorted, disjoint `holes`.
std::vector<Range> subtract(Range r, const std::vector<Range>& holes) {
  std::vector<Range> out;
  std::uint64_t at = r.first;
  for (const auto& [a, b] : holes) {
    if (b <= at || a >= r.second) continue;
    if (a > at) out.emplace_back(at, a);
    at = std::max(at, b);
  }
  if (at < r.second) out.emplace_back(at, r.second);
  return out;
}

// First record row whose (scenario, org) is not below (s, o): records are sorted.
std::uint64_t lower_bound_row(const io::ResultsReader& r, std::uint64_t s, std::uint64_t o) {
  std::uint64_t lo = 0, hi = r.record_count();
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    const io::RecordBatch b = r.read_records(mid, 1);
    if (b.scenario[0] < s || (b.scenario[0] == s && b.org[0] < o)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

}  // namespace

std::string ranges_text(const std::vector<Range>& ranges) {
  std::string s;
  for (const auto& [a, b] : ranges) {
    if (!s.empty()) s.push_back(' ');
    s.push_back('[');
    s.append(std::to_string(a));
    s.append(", ");
    s.append(std::to_string(b));
    s.push_back(')');
  }
  return s;
}

void check_record_count(const std::string& path, const io::ResultsMeta& meta,
                        const io::ResultsState& state, std::uint64_t records) {
  const WorkPlan plan(meta.scenarios, meta.orgs_per_scenario, meta.block_size);
  if (state.items_total != plan.size() || state.item_end > plan.size()) {
    throw FormatError(path + ": work items [" + std::to_string(state.item_first) + ", " +
                      std::to_string(state.item_end) + ") of " + std::to_string(state.items_total) +
                      " do not fit its " + std::to_string(plan.size()) + " work items");
  }
  std::uint64_t orgs = 0, want = 0;
  for (const auto& [a, b] : subtract({state.item_first, state.item_end}, state.missing_items)) {
    orgs += plan.orgs_in(a, b);
    if (meta.samples == 0) continue;
    for (std::uint64_t i = a; i < b; ++i) {
      const WorkItem w = plan.item(i);
      const std::uint64_t keep =
          meta.samples < 0
              ? w.end_org
              : std::min<std::uint64_t>(w.end_org, static_cast<std::uint64_t>(meta.samples));
      if (keep > w.first_org) want += keep - w.first_org;
    }
  }
  if (records != want) {
    throw FormatError(path + ": holds " + std::to_string(records) +
                      " per-organization records; its samples setting (" +
                      (meta.samples < 0 ? std::string("all") : std::to_string(meta.samples)) +
                      ") and its " + std::to_string(orgs) + " organizations call for " +
                      std::to_string(want) + " (records removed or damaged?)");
  }
  if (!state.run_stats.empty()) {
    std::uint64_t counted = 0;
    try {
      counted = stats::RunStats::deserialize(state.run_stats).orgs();
    } catch (const FormatError& e) {
      throw FormatError(path + ": /state/run_stats: " + e.what());
    }
    if (counted != orgs) {
      throw FormatError(path + ": its statistics count " + std::to_string(counted) +
                        " organizations; its work items hold " + std::to_string(orgs));
    }
  }
}

std::vector<std::uint64_t> orgs_present(const io::ResultsMeta& meta,
                                        const io::ResultsState& state) {
  const WorkPlan plan(meta.scenarios, meta.orgs_per_scenario, meta.block_size);
  std::vector<std::uint64_t> out(meta.scenarios, 0);
  for (const auto& [a, b] : subtract({state.item_first, state.item_end}, state.missing_items)) {
    for (std::uint64_t i = a; i < std::min(b, plan.size()); ++i) {
      const WorkItem w = plan.item(i);
      if (w.scenario < out.size()) out[w.scenario] += w.end_org - w.first_org;
    }
  }
  return out;
}

struct Merge::Impl {
  MergeOptions opt;
  std::chrono::steady_clock::time_point t0;
  std::vector<Input> inputs;
  io::ResultsMeta m0;
  std::unique_ptr<stats::RunStats> merged;
  std::vector<Segment> segs;
  std::vector<io::ShardProvenance> provenance;  // one per input
  MergeResult res;
};

Merge::~Merge() = default;

const std::string& Merge::config_ini() const {
  return impl_->m0.config_ini;
}

std::string Merge::config_origin() const {
  return impl_->inputs[0].path + " (config)";
}

Merge::Merge(const MergeOptions& opt) : impl_(std::make_unique<Impl>()) {
  impl_->opt = opt;
  impl_->t0 = std::chrono::steady_clock::now();
  if (opt.inputs.empty()) throw ConfigError("merge: no input files");
  if (opt.output.empty()) throw ConfigError("merge: no output file (-o)");
  for (const auto& in : opt.inputs) {
    if (in == opt.output || same_file(in, opt.output)) {
      throw ConfigError("merge: the output '" + opt.output + "' is also an input");
    }
  }

  // Pass 1, one input open at a time: identity checks and the exact statistics merge.
  auto& inputs = impl_->inputs;
  auto& m0 = impl_->m0;
  auto& merged = impl_->merged;
  for (const auto& path : opt.inputs) {
    Input in;
    in.path = path;
    io::ResultsMeta m;
    std::uint64_t records = 0;
    {
      const io::ResultsReader reader(path);
      m = reader.meta();
      records = reader.record_count();
    }
    in.state = io::read_state(path);
    check_record_count(path, m, in.state, records);
    impl_->provenance.push_back({path, in.state.shard_index, in.state.shard_count,
                                 in.state.item_first, in.state.item_end, m.leadsim_version,
                                 m.git_describe, m.compiler, m.created_utc, m.identity});
    in.covered = subtract({in.state.item_first, in.state.item_end}, in.state.missing_items);
    if (inputs.empty()) {
      m0 = m;
      // The stored configuration's run.allow_huge lifts the memory limit, as for the run.
      const config::ConfigTree tree = config::read_ini(m0.config_ini, path + ":/config");
      const bool huge = std::any_of(tree.begin(), tree.end(), [](const config::Entry& e) {
        return e.section == "run" && e.key == "allow_huge" && e.value == "true";
      });
      check_stats_memory(m0, huge);
    } else {
      // The first difference, most fundamental first, with both values.
      auto vs = [&](const std::string& a, const std::string& b) {
        return excerpt(a) + " in '" + path + "', " + excerpt(b) + " in '" + inputs[0].path + "'";
      };
      std::string what;
      if (m.model != m0.model) {
        what = "model: " + vs(m.model, m0.model);
      } else if (m.identity != m0.identity) {
        what = "results identity: " + vs(m.identity, m0.identity);
      } else if (m.seed != m0.seed) {
        what = "seed: " + vs(std::to_string(m.seed), std::to_string(m0.seed));
      } else if (m.config_ini != m0.config_ini) {
        what = "configuration: " + config::ini_difference(m.config_ini, m0.config_ini,
                                                          "'" + path + "'",
                                                          "'" + inputs[0].path + "'");
      } else if (m.block_size != m0.block_size) {
        what = "block_size: " + vs(std::to_string(m.block_size), std::to_string(m0.block_size));
      } else if (in.state.items_total != inputs[0].state.items_total) {
        what = "work items: " + vs(std::to_string(in.state.items_total),
                                   std::to_string(inputs[0].state.items_total));
      }
      if (!what.empty()) {
        std::string msg = "merge: '" + path + "' and '";
        msg += inputs[0].path;
        msg += "' are not shards of one study (" + what + ")";
        throw ConfigError(msg);
      }
    }
    try {
      stats::RunStats st = stats::RunStats::deserialize(in.state.run_stats);
      if (!merged) {
        merged = std::make_unique<stats::RunStats>(std::move(st));
      } else {
        merged->merge(st);
      }
    } catch (const FormatError& e) {
      throw FormatError(path + ": /state/run_stats: " + e.what());
    } catch (const std::invalid_argument& e) {
      throw FormatError(path + ": statistics of another shape: " + e.what());
    }
    in.state.run_stats = {};
    in.state.run_stats.shrink_to_fit();
    inputs.push_back(std::move(in));
  }
  const io::ResultsState& s0 = inputs[0].state;

  // Item coverage: segments (range, input) sorted by start must be disjoint.
  auto& segs = impl_->segs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (const auto& r : inputs[i].covered) segs.push_back({r, i});
  }
  std::sort(segs.begin(), segs.end(),
            [](const Segment& a, const Segment& b) { return a.items < b.items; });
  MergeResult& res = impl_->res;
  res.items_total = s0.items_total;
  std::uint64_t at = 0;
  for (std::size_t j = 0; j < segs.size(); ++j) {
    const Range r = segs[j].items;
    if (j > 0 && r.first < segs[j - 1].items.second) {
      const auto& prev = segs[j - 1];
      throw ConfigError("merge: '" + inputs[segs[j].input].path + "' and '" +
                        inputs[prev.input].path + "' overlap in work items [" +
                        std::to_string(r.first) + ", " +
                        std::to_string(std::min(r.second, prev.items.second)) + ")");
    }
    if (r.first > at) res.missing.emplace_back(at, r.first);
    at = std::max(at, r.second);
    res.items_covered += r.second - r.first;
  }
  if (at < res.items_total) res.missing.emplace_back(at, res.items_total);
  if (!res.missing.empty() && !opt.allow_partial) {
    throw MissingWorkItems("merge: the inputs do not cover work items " + ranges_text(res.missing) +
                               " of " + std::to_string(res.items_total),
                           res.missing, res.items_total);
  }
}

MergeResult Merge::write(const config::ResolvedConfig& cfg, const port::Model& model) {
  const MergeOptions& opt = impl_->opt;
  const auto& inputs = impl_->inputs;
  const io::ResultsMeta& m0 = impl_->m0;
  const auto& merged = impl_->merged;
  const auto& segs = impl_->segs;
  MergeResult& res = impl_->res;
  // The meta is rebuilt from the configuration, exactly as the single-process run made it.
  if (cfg.to_ini() != m0.config_ini || cfg.seed != m0.seed || cfg.model != m0.model) {
    throw FormatError(inputs[0].path + ": its config attribute does not describe its run");
  }
  io::ResultsMeta meta = make_meta(cfg, model, opt.command_line);
  // Shards made under another results identity (another model version, format or float
  // mode) would be labelled with this binary's: refused.
  if (m0.identity != meta.identity) {
    throw ConfigError("merge: '" + inputs[0].path + "' was written under results identity '" +
                      (m0.identity.empty() ? std::string("unrecorded") : m0.identity) +
                      "'; this leadsim's is '" + meta.identity +
                      "': merge with the leadsim that wrote the shards");
  }
  meta.shards = impl_->provenance;
  // The output location is checked before any record is read (the probe file is removed).
  { const io::ResultsWriter probe(opt.output, opt.force, meta); }
  const WorkPlan plan(cfg.scenario_count(), cfg.orgs, cfg.block_size);
  if (plan.size() != res.items_total) {
    throw FormatError(inputs[0].path + ": items_total does not match its configuration");
  }

  res.orgs = merged->orgs();

  io::ResultsState state;
  state.shard_index = 0;
  state.shard_count = 1;
  state.item_first = 0;
  state.item_end = res.items_total;
  state.items_total = res.items_total;
  state.missing_items = res.missing;
  const std::string staging = io::sibling_name(opt.output, ".merge." + std::to_string(::getpid()));
  io::write_results_file(
      opt.output, opt.force, staging, meta, *merged, state,
      [&](io::ResultsWriter& writer) {
        for (const Segment& sg : segs) {
          const Input& in = inputs[sg.input];
          const io::ResultsReader r(in.path);
          std::uint64_t a = 0, b = r.record_count();
          // An input with holes holds several segments: find this one's rows.
          if (in.covered.size() > 1) {
            const WorkItem w0 = plan.item(sg.items.first);
            a = lower_bound_row(r, w0.scenario, w0.first_org);
            if (sg.items.second < plan.size()) {
              const WorkItem w1 = plan.item(sg.items.second);
              b = lower_bound_row(r, w1.scenario, w1.first_org);
            }
          }
          for (std::uint64_t row = a; row < b; row += kChunkRows) {
            writer.append(r.read_records(row, std::min(kChunkRows, b - row)));
          }
          res.records += b - a;
        }
      },
      sensitivity_finisher(model, cfg, res.missing.empty(), 0));
  res.output = opt.output;
  res.inputs = inputs.size();
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->t0).count();
  return res;
}

}  // namespace leadsim::run
