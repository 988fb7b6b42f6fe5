// The HDF5 results file (see docs/RESULTS.md): writer and reader. The only module that sees
// H5::. Not thread-safe (the HDF5 C++ API is not): use from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "leadsim/stats/outcome.h"
#include "leadsim/stats/summary.h"

namespace leadsim::io {

inline constexpr const char* kFormat = "leadsim-results";
// 2: the win rate is directional (MetricDef::better), /metrics_info/better, /paired/tie_rate
// and /paired/greater (docs/RESULTS.md, "Format versions").
inline constexpr std::int64_t kFormatVersion = 2;

// Where one input of a merge came from: /provenance/shards of the merged file.
struct ShardProvenance {
  std::string file;  // as given to merge
  std::uint64_t shard_index = 0, shard_count = 1;
  std::uint64_t item_first = 0, item_end = 0;
  std::string leadsim_version, git_describe, compiler, created_utc, identity;
};

// Everything that describes a run, written as root attributes and label datasets.
struct ResultsMeta {
  std::string command_line;
  std::string config_ini;  // ResolvedConfig::to_ini()
  std::string model;
  std::uint64_t seed = 0;
  std::uint64_t orgs_per_scenario = 0;
  std::uint32_t block_size = 0;
  std::string baseline_mode;
  std::string rng;  // rng::kRngScheme
  // What decides every number in the file besides the configuration: the model and its
  // results version, the random-number scheme, the format and the floating-point mode
  // (run::results_identity). Shards, checkpoints and finished outputs must agree on it.
  std::string identity;
  std::vector<std::string> modes;                    // [M]
  std::string mode_description = "model variant";    // what one mode is (Model::variant_noun)
  std::vector<stats::MetricDef> metrics;             // [K]
  std::vector<stats::FieldDef> record_fields;        // [P]
  std::vector<std::string> sweep_params;             // one per axis
  std::vector<std::string> sweep_units;              // unit of each axis' parameter; may be empty
  std::vector<std::vector<double>> scenario_values;  // [axis][S]: value of each scenario
  std::uint64_t scenarios = 0;
  std::int64_t samples = 0;  // -1 all, 0 none, N first N per scenario
  // Free-form extra root attributes (shard, blocks, run statistics): name -> value text.
  std::map<std::string, std::string> extra_attrs;
  // A merged file's inputs, in the order given (written as /provenance/shards; not read back).
  std::vector<ShardProvenance> shards;
  // Filled by the writer/reader, not by the caller:
  std::string leadsim_version, git_describe, created_utc, hdf5_version, compiler;
  std::int64_t format_version = kFormatVersion;
};

// One chunk of per-organization records, in the file's order.
struct RecordBatch {
  std::vector<std::uint64_t> scenario;  // [n]
  std::vector<std::uint64_t> org;       // [n]
  std::vector<double> params;           // [n, P]
  std::vector<double> metrics;          // [n, M, K] (mode-major per organization)
  std::size_t size() const { return scenario.size(); }
  // n records of P parameters and MK metric values each (contents unspecified until filled).
  void resize(std::size_t n, std::size_t P, std::size_t MK) {
    scenario.resize(n);
    org.resize(n);
    params.resize(n * P);
    metrics.resize(n * MK);
  }
  void clear() {
    scenario.clear();
    org.clear();
    params.clear();
    metrics.clear();
  }
};

// Writes to "<path>.tmp.<pid>" in the same directory, and renames onto `path` in commit().
// Destroying an uncommitted writer closes and removes the temporary file.
// Throws IoError naming the path (missing directory, not writable, is a directory, exists
// without force, disk full).
class ResultsWriter {
 public:
  ResultsWriter(const std::string& path, bool force, const ResultsMeta& meta);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Streams to chunked, compressed datasets. Records must come in strictly increasing
  // (scenario, org) order (std::invalid_argument otherwise); std::logic_error when
  // meta.samples == 0. Nothing is held in memory beyond HDF5's chunk caches.
  void append(const RecordBatch& batch);
  // Once, with shapes matching the meta (std::invalid_argument otherwise).
  void write_summary(const stats::Summary& summary);
  // Flush, close, rename onto the path. Requires write_summary() (std::logic_error).
  void commit();
  const std::string& temp_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A results file opened for reading. The constructor checks `format` and `format_version`
// and the presence and shapes of the datasets it needs; throws FormatError naming the file
// and what is wrong (not HDF5, another format, version N, missing /summary/mean...); IoError
// when the file is missing. meta().record_fields is empty when the file stores no records.
// read_records throws std::out_of_range beyond record_count(); find_record is a binary search.
class ResultsReader {
 public:
  explicit ResultsReader(const std::string& path);
  ~ResultsReader();
  const ResultsMeta& meta() const;
  const stats::Summary& summary() const;
  std::uint64_t record_count() const;
  // Reads records [first, first + n).
  RecordBatch read_records(std::uint64_t first, std::uint64_t n) const;
  // Index of the record of (scenario, org), or -1 when not stored.
  std::int64_t find_record(std::uint64_t scenario, std::uint64_t org) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadsim::io
