// The /sensitivity part of `leadsim inspect` (docs/RESULTS.md): per scenario and output, the
// factors ranked by total Sobol' index with their intervals; the full arrays in --json.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "cli_util.h"
#include "leadsim/io/results.h"
#include "leadsim/io/sensitivity_file.h"

namespace leadsim::cli {

// Factors listed per output unless --all-factors.
inline constexpr std::size_t kTopFactors = 5;

// "scenario 3  (info_reach = 0.2, span = 4)": a scenario and its swept values ("scenario 3"
// without a sweep).
std::string scenario_heading(const io::ResultsMeta& meta, std::uint64_t s);

// The text section: a heading with the design (base samples, bootstrap resamples, interval
// level), then per scenario and output the factors by decreasing total index, each
// "factor  ST [lo, hi]  S1 [lo, hi]", at most kTopFactors of them unless `all_factors`, with
// the sums of the indices and the base samples used when fewer than the design's.
void print_sensitivity_text(std::ostream& os, const io::ResultsMeta& meta,
                            const io::SensitivityTables& t, bool all_factors);

// The key "sensitivity" and its object (attributes, labels, every array nested as
// [scenario][output][factor] or [scenario][output]) into the open JSON object of `j`.
void print_sensitivity_json(JsonWriter& j, const io::SensitivityTables& t);

}  // namespace leadsim::cli
