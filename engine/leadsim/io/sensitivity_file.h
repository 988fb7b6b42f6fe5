// The /sensitivity group of a results file (docs/RESULTS.md, docs/SENSITIVITY.md): Sobol'
// indices per scenario, output and factor, with their bootstrap intervals, written into a
// finished results file and read back by inspect and the tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leadsim::io {

struct SensitivityTables {
  std::string method;      // "sobol"
  std::string estimators;  // what estimates the first-order and total indices
  std::uint64_t base_samples = 0;
  std::uint32_t bootstrap = 0;  // resamples (0: no intervals)
  double confidence = 0.95;
  bool noise = false;                     // the last factor is the noise factor
  std::vector<std::string> factors;       // [F], the noise factor last when present
  std::vector<std::string> outputs;       // [O]: MODE/METRIC or delta/MODE/METRIC
  std::vector<std::string> output_units;  // [O]
  std::uint64_t scenarios = 0;            // S
  // [S, O, F] row-major.
  std::vector<double> first, total, first_low, first_high, total_low, total_high;
  // [S, O].
  std::vector<double> mean, variance, sum_first, sum_total;
  std::vector<std::uint64_t> used;  // base samples with every value finite
};

// Adds /sensitivity to the closed results file at `path`. Throws IoError naming the file, or
// std::invalid_argument when the shapes disagree or the group exists.
void write_sensitivity(const std::string& path, const SensitivityTables& t);

// The /sensitivity group of `path`, or nullopt when the file has none. Throws IoError /
// FormatError naming the file.
std::optional<SensitivityTables> read_sensitivity(const std::string& path);

}  // namespace leadsim::io
