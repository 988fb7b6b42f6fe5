// Configuration: raw entries (from INI files and --set) and the resolved, validated run
// configuration the engine consumes. The engine never reads files or argv itself: the app
// turns INI text into a ConfigTree (read_ini below needs no Boost) and calls resolve().
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadsim/config/dist.h"
#include "leadsim/config/param.h"

namespace leadsim::config {

struct Entry {
  std::string section;  // "run", "org", "model", "sweep", "output", "mode.distributed"...
  std::string key;
  std::string value;
  std::string origin;  // "configs/quick.ini:12" or "--set"; used in error messages
};
using ConfigTree = std::vector<Entry>;  // later entries override earlier ones

// Parses INI text: [section] headers, key = value lines, '#' or ';' comments (at line start,
// or after whitespace at the end of a line), blank lines; keys and values are trimmed.
// Throws ConfigError "FILE:LINE: ..." for a line without '=', an empty key or value (a value
// starting with '#' or ';' counts as empty), a key before any section, control characters
// or invalid UTF-8; "FILE: no settings (empty configuration file)" when nothing is set.
// Entry::origin is "FILE:LINE".
ConfigTree read_ini(std::string_view text, const std::string& origin_name);

// Parses one --set argument "SECTION.KEY=VALUE" (the section may itself contain dots:
// "mode.distributed.theta=0.4" is section "mode.distributed", key "theta").
Entry parse_set(std::string_view arg);

struct SweepAxis {
  std::string param;  // registry name
  std::string text;   // "linspace(0,1,11)"
  std::vector<double> values;
  std::string unit = {};  // the parameter's ParamDef::unit, filled by resolve()
};

// [sensitivity]: a global sensitivity study (docs/SENSITIVITY.md), on when the section has an
// entry. Its base samples are the run's organizations (orgs = base_samples) and every record
// is kept (samples = all): a base sample's record holds its outputs at every design point.
struct SensitivitySpec {
  bool enabled = false;
  std::string method = "sobol";
  std::uint64_t base_samples = 1024;
  std::vector<std::string> factors;  // empty: every factor of the model's configuration
  std::vector<std::string> outputs;  // empty: every metric of every mode and paired difference
  std::uint32_t bootstrap = 200;     // resamples for the confidence intervals (0: none)
  double confidence = 0.95;
  bool operator==(const SensitivitySpec&) const = default;
};

struct ResolvedConfig {
  std::string model = "leadership";
  std::uint64_t seed = 1;
  std::uint64_t orgs = 1000;       // organizations per scenario
  std::uint32_t block_size = 64;   // organizations per block: scheduling/reduction unit
  std::vector<std::string> modes;  // empty: the model's defaults
  std::string baseline;            // empty: the model's default
  std::int64_t samples = 0;        // per-org records: -1 all, 0 none, N first N per scenario
  bool allow_huge = false;         // [run] allow_huge: skip the size limits of check_work()
  std::string output = "leadsim.h5";
  SensitivitySpec sensitivity;
  std::vector<SweepAxis> sweep;                   // first axis varies slowest
  std::map<std::string, DistSpec> params;         // every registry parameter, defaults filled in
  std::map<std::string, std::string> param_text;  // as written (canonical)
  std::vector<Entry> extra;  // model-owned sections (e.g. [mode.NAME]) for the model
  // (section, name) of every registry parameter in registry order, filled by resolve(); to_ini()
  // writes params in this order and omits those not listed.
  std::vector<std::pair<std::string, std::string>> param_order;

  // INI text that resolve(read_ini(...)) turns back into an equal configuration.
  std::string to_ini() const;
  // Number of scenarios: product of the sweep axes' lengths (1 without a sweep).
  std::uint64_t scenario_count() const;
  // Values of every swept parameter for scenario s (row-major, first axis slowest), in the
  // order of `sweep`. Throws std::out_of_range when s >= scenario_count().
  std::vector<double> scenario_values(std::uint64_t s) const;
};

// What resolve() knows of a model kind: its name, its parameter table and the sections it
// owns besides its parameters' sections (as prefixes, "mode."). The model itself is built
// later, once, from the resolved configuration.
struct ModelSchema {
  std::string name;
  const std::vector<ParamDef>* params = nullptr;
  std::vector<std::string> section_prefixes;
};

// Resolves entries against the run keys and the schema of the model named by [run] model
// (default "leadership"), looked up among `models` by name. Unknown sections
// and keys are errors naming the origin and the closest valid key; a parameter in the wrong
// section, an illegal value, a bad sweep axis and malformed run keys are errors too. Sections
// starting with one of the schema's section_prefixes go to `extra` unchanged. Later
// entries override earlier ones (a swept parameter keeps its first axis position).
// Throws ConfigError "ORIGIN: ...".
ResolvedConfig resolve(const ConfigTree& tree, std::span<const ModelSchema> models);

// A lower bound of what a run costs, computed up front from the configuration alone (no model
// is built). Model-agnostic: it reads the registry parameters named "periods" and "workers"
// when the model has them (their smallest possible value), else counts 1 for each.
struct WorkEstimate {
  double org_simulations = 0;  // orgs x scenarios (x (k + 3) evaluations in a sensitivity study)
  double variants = 1;         // run.modes listed (1 when unset: a lower bound)
  double agent_periods = 0;    // org_simulations x variants x periods x workers
  double cpu_seconds = 0;      // max(agent_periods / kAgentPeriodsPerSecond,
                               //     org_simulations x variants / kOrgVariantsPerSecond)
  double record_bytes = 0;     // stored records x (2 + variants) x 8 bytes
};
// Deliberately optimistic throughputs of one core (10x above anything measured on a 2024
// x86-64 core), so that cpu_seconds never overstates a run.
inline constexpr double kAgentPeriodsPerSecond = 1e8;
inline constexpr double kOrgVariantsPerSecond = 1e6;
// Limits resolve() enforces unless [run] allow_huge = true (docs/RELIABILITY.md).
inline constexpr double kMaxCpuSeconds = 1e6;    // ~278 core-hours
inline constexpr double kMaxRecordBytes = 1e12;  // 1 TB of per-organization records
WorkEstimate estimate_work(const ResolvedConfig& cfg);

// Throws ConfigError "run too large: ..." naming the estimate and the limit when `cfg` exceeds
// kMaxCpuSeconds or kMaxRecordBytes and cfg.allow_huge is false. resolve() calls it last.
void check_work(const ResolvedConfig& cfg);

// The run-level keys ([run], [output]) with meaning, default and range, for `leadsim params`.
const std::vector<ParamDef>& run_params();

}  // namespace leadsim::config
