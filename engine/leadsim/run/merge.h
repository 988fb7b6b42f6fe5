// Merging shard results files into one (leadsim merge). A merged file's datasets are
// identical, value for value, to those of the same study run in one process (statistics are
// merged exactly; records are concatenated in work-item order, streamed in chunks).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/io/results.h"
#include "leadsim/io/results_file.h"
#include "leadsim/io/state.h"
#include "leadsim/port/model.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::run {

struct MergeOptions {
  std::vector<std::string> inputs;  // results files with /state (any order)
  std::string output;
  bool force = false;          // overwrite an existing output
  bool allow_partial = false;  // write a result that lacks some work items
  std::string command_line;    // recorded in the file
};

struct MergeResult {
  std::string output;
  std::uint64_t inputs = 0;
  std::uint64_t records = 0;
  std::uint64_t orgs = 0;
  std::uint64_t items_total = 0;
  std::uint64_t items_covered = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing;  // [first, end) item ranges
  double wall_s = 0.0;
};

// A merge in two phases, so that the engine never builds a model by name: the constructor
// reads every input's identity and statistics, the caller resolves config_ini() against its
// models and builds the model once, and write() writes the merged file.
//
// The constructor checks that the inputs come from one study (identical config text, seed,
// model, format version, block size, work-item count) and that their item ranges are
// disjoint and, unless allow_partial, complete. Throws ConfigError (no inputs, output among
// the inputs, mismatched or overlapping items; MissingWorkItems when items are missing
// without allow_partial; the message lists them), FormatError (an input without state or
// unreadable). write() throws FormatError when `cfg` is not the inputs' configuration,
// IoError on output problems (checked before reading any records; OutputExists without
// force).
class Merge {
 public:
  explicit Merge(const MergeOptions& opt);
  ~Merge();
  Merge(const Merge&) = delete;
  Merge& operator=(const Merge&) = delete;
  // The study's configuration as stored in the inputs, and where it came from (for errors).
  const std::string& config_ini() const;
  std::string config_origin() const;
  MergeResult write(const config::ResolvedConfig& cfg, const port::Model& model);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "[0, 10) [20, 30)": item ranges as text.
std::string ranges_text(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges);

// A results file agrees with itself: its record count is what `samples` keeps of the
// organizations of its work items (those not missing), and its statistics count exactly those
// organizations. Throws FormatError naming `path` and both numbers otherwise: a file with
// records cut out or a dataset removed is refused, never reported as complete.
void check_record_count(const std::string& path, const io::ResultsMeta& meta,
                        const io::ResultsState& state, std::uint64_t records);

// Organizations a file holds in each scenario: its work items' organizations, less the
// missing items of a partial merge. [meta.scenarios] entries.
std::vector<std::uint64_t> orgs_present(const io::ResultsMeta& meta, const io::ResultsState& state);

// The final-file writer lives in io (results_file.h); run_study and the MPI run call it here.
using io::write_results_file;

}  // namespace leadsim::run
