// The final results file of a study or a merge: layout (ResultsWriter), statistics state
// (write_state) and file safety (SafeFile, rename_onto) in one call.
#pragma once

#include <functional>
#include <string>

#include "leadsim/io/results.h"
#include "leadsim/io/state.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::io {

// Writes a complete results file at `output` through `staging` (a path on the same file
// system, created with ResultsWriter and removed on failure): meta, records from
// write_records, the summary of `stats`, and `state` (with stats.serialize()), then renames
// it onto `output` (refusing an existing output unless force). `finish`, when set, is called
// with the staging path once the file is closed and complete, before the rename (the
// /sensitivity group of a sensitivity study is computed from the records there). Throws
// IoError, or what `finish` throws.
void write_results_file(const std::string& output, bool force, const std::string& staging,
                        const ResultsMeta& meta, const stats::RunStats& stats, ResultsState state,
                        const std::function<void(ResultsWriter&)>& write_records,
                        const std::function<void(const std::string&)>& finish = {});

}  // namespace leadsim::io
