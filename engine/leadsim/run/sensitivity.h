// Sensitivity studies ([sensitivity], docs/SENSITIVITY.md): a Saltelli design run through the
// ordinary runner. A base sample is an "organization" of the run: the SaltelliModel wraps the
// configured model and, for base sample j, evaluates the design points A_j, B_j, every
// A_B^(i)_j and (with the noise factor) A_j with the noise redrawn. Its record holds A_j's
// record and metrics (so /summary and /stats describe the N organizations of the A sample),
// B_j's factor values and the outputs at every other point. Threads, shards, merge, resume
// and MPI therefore work, and are bit-identical, exactly as for any study; the indices are
// computed from the complete file's records when it is written (sensitivity_finisher).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/io/sensitivity_file.h"
#include "leadsim/port/model.h"

namespace leadsim::run {

// Where each value of a base sample's record lives.
struct SensitivityLayout {
  std::vector<std::string> factors;        // the analysed factors, k (names)
  std::vector<std::size_t> factor_pos;     // their positions in the model's factors()
  std::vector<std::string> model_factors;  // every factor the configuration draws
  bool noise = false;            // the model is stochastic, or some factors are not analysed
  std::size_t inner_fields = 0;  // the model's own record fields (A_j's record)
  std::size_t modes = 0, metrics = 0;
  // The analysed outputs: mode/metric or delta/mode/metric (delta: minus the baseline).
  struct Output {
    std::string name, unit;
    std::size_t mode = 0, metric = 0;
    bool delta = false;
  };
  std::vector<Output> outputs;
  std::size_t baseline = 0;
  // (mode, metric) pairs stored at every design point but A (whose metrics are the record's).
  std::vector<std::pair<std::size_t, std::size_t>> raw;
  // Design points: A, B, A_B^(i) for each analysed factor, then A with the noise redrawn.
  std::size_t points() const { return factors.size() + 2 + (noise ? 1 : 0); }
  std::string point_name(std::size_t p) const;
  // Record field of raw output r at design point p >= 1.
  std::size_t field(std::size_t p, std::size_t r) const {
    return inner_fields + model_factors.size() + (p - 1) * raw.size() + r;
  }
  // The raw index of (mode, metric).
  std::size_t raw_index(std::size_t mode, std::size_t metric) const;
};

// The layout of `cfg`'s sensitivity study on `inner`. Throws ConfigError naming the key:
// no factor drawn, an unknown factor or output, a delta of the baseline.
SensitivityLayout sensitivity_layout(const port::Model& inner, const config::ResolvedConfig& cfg);

// `inner` wrapped for cfg's sensitivity study (inner itself when cfg has no [sensitivity]).
std::unique_ptr<port::Model> sensitivity_model(std::unique_ptr<port::Model> inner,
                                               const config::ResolvedConfig& cfg);

// The noise key of the redrawn-noise point of base sample j: j with the top bit set, an
// organization id no study uses.
constexpr std::uint64_t redrawn_noise(std::uint64_t j) {
  return j | (std::uint64_t{1} << 63);
}

// The layout of a model made by sensitivity_model(), or nullptr for any other model.
const SensitivityLayout* layout_of(const port::Model& model);

// The indices of every scenario and output from the records of the complete results file at
// `path`, a study of cfg whose records have `layout`. Outputs run in parallel on `threads`
// (0: all); the result does not depend on it.
io::SensitivityTables compute_sensitivity(const std::string& path, const SensitivityLayout& layout,
                                          const config::ResolvedConfig& cfg, unsigned threads);

// For io::write_results_file: computes and writes /sensitivity into the staging file when
// `complete` (the file holds every work item; a shard's file has none, merge computes them).
// Empty when `model` is not a sensitivity study's.
std::function<void(const std::string&)> sensitivity_finisher(const port::Model& model,
                                                             const config::ResolvedConfig& cfg,
                                                             bool complete, unsigned threads);

}  // namespace leadsim::run
