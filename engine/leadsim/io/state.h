// The exact statistics state and work-item range stored beside a results file's summary, so
// that shard files can be merged exactly (leadsim merge) and any file can be checked against
// the run that wrote it. Layout (added to a file written by ResultsWriter):
//   /state/run_stats   uint8 [n]   stats::RunStats::serialize() of the file's organizations
//   root attributes (uint64): shard_index, shard_count, item_first, item_end, items_total
//   root attribute missing_items (uint64 [r, 2], optional): [first, end) work-item ranges
//     absent from a partial merge
// Internal to nobody: the run module writes and reads it; not thread-safe (HDF5).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace leadsim::io {

struct ResultsState {
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  std::uint64_t item_first = 0;  // work items [item_first, item_end) of items_total
  std::uint64_t item_end = 0;
  std::uint64_t items_total = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing_items;  // [first, end) ranges
  std::vector<std::uint8_t> run_stats;
};

// Adds the /state group and the attributes above to a closed, complete results file. Throws
// IoError naming the file (unwritable, HDF5 failure) or std::invalid_argument when the
// attributes already exist.
void write_state(const std::string& path, const ResultsState& state);

// Reads them back. Throws IoError when the file is missing, FormatError naming the file when
// it has no /state (written before state was stored) or the state is malformed.
ResultsState read_state(const std::string& path);

}  // namespace leadsim::io
