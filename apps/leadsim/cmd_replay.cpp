// `leadsim replay`: re-simulates one organization of a results file from its stored
// configuration, prints what it drew and what each mode achieved, and checks the outcome
// bit for bit against the file's record of that organization (MODEL.md §10 check 8).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli_util.h"
#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/io/results.h"
#include "leadsim/io/safe_file.h"
#include "leadsim/io/state.h"
#include "leadsim/models/registry.h"
#include "leadsim/port/model.h"
#include "leadsim/run/merge.h"
#include "leadsim/run/sensitivity.h"
#include "leadsim/run/study.h"

namespace leadsim::cli {
namespace {

constexpr const char* kUsage =
    "leadsim replay OUT.h5 --scenario S --org K [--mode M] [--trace FILE.csv [--force]]";
constexpr const char* kSummary =
    "Re-simulates organization K of scenario S from the configuration stored in OUT.h5 and\n"
    "prints its drawn parameters and each mode's metrics (only mode M with --mode). When\n"
    "the file stores that organization's record (run --samples), the replay must equal it\n"
    "bit for bit; a difference exits with 1 naming the first field that differs. --trace\n"
    "writes the per-period trace as CSV: mode,<columns>, one row per period and mode,\n"
    "under a temporary name renamed when complete; an existing FILE.csv is kept unless\n"
    "--force, and the trace may never replace OUT.h5 itself.";

// Writes one CSV row per period: mode,<columns>. The header comes from the first variant.
// The file is written under a temporary name (io::SafeFile: an existing file is kept unless
// force, a device or FIFO is never replaced) and renamed in close(); abandoned, it leaves
// nothing behind.
class CsvTrace : public port::TraceSink {
 public:
  CsvTrace(const std::string& path, bool force, std::optional<std::string> only_mode)
      : path_(path), safe_(path, force), only_(std::move(only_mode)) {
    out_.open(safe_.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out_) {
      throw IoError("'" + safe_.temp_path() +
                    "': cannot create the trace file: " + errno_text(errno));
    }
  }

  void begin(const std::string& variant, const std::vector<std::string>& columns) override {
    variant_ = variant;
    active_ = !only_ || *only_ == variant;
    if (!header_written_) {
      out_ << "mode";
      for (const auto& c : columns) out_ << ',' << c;
      out_ << '\n';
      header_written_ = true;
      columns_ = columns.size();
    } else if (columns.size() != columns_) {
      throw IoError(path_ + ": trace columns of mode " + variant + " differ from the header");
    }
  }

  void row(std::span<const double> values) override {
    if (!active_) return;
    out_ << variant_;
    for (double v : values) out_ << ',' << format_exact(v);
    out_ << '\n';
  }

  void close() {
    out_.flush();
    const bool written = static_cast<bool>(out_);
    const int err = errno;
    out_.close();
    if (!written || !out_) {
      throw IoError("'" + path_ + "': cannot write the trace file: " + errno_text(err));
    }
    safe_.commit();
  }

 private:
  std::string path_;
  io::SafeFile safe_;
  std::optional<std::string> only_;
  std::ofstream out_;
  std::string variant_;
  bool active_ = true;
  bool header_written_ = false;
  std::size_t columns_ = 0;
};

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

std::string bits_text(double v) {
  std::uint64_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(u));
  return format_exact(v) + " (" + buf + ")";
}

}  // namespace

int cmd_replay(const Args& args, const std::string& /*command_line*/) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "scenario", po::value<std::string>()->value_name("S"), "scenario index (required)")(
      "org", po::value<std::string>()->value_name("K"),
      "organization index within the scenario (required)")(
      "mode", po::value<std::string>()->value_name("M"), "show (and trace) only this mode")(
      "trace", po::value<std::string>()->value_name("FILE.csv"),
      "write the per-period trace as CSV")("force", po::bool_switch(),
                                           "overwrite an existing trace file");
  const auto parsed = parse_file_command(args, desc, kUsage, kSummary);
  if (!parsed) return kExitOk;
  const po::variables_map& vm = *parsed;
  if (!vm.count("scenario")) throw po::error("the option '--scenario' is required");
  if (!vm.count("org")) throw po::error("the option '--org' is required");
  const std::string path = vm["file"].as<std::string>();
  const std::uint64_t s = parse_uint(vm["scenario"].as<std::string>(), "--scenario");
  const std::uint64_t k = parse_uint(vm["org"].as<std::string>(), "--org");

  std::optional<std::string> trace_path;
  if (vm.count("trace")) {
    trace_path = vm["trace"].as<std::string>();
    std::error_code ec;
    if (*trace_path == path || std::filesystem::equivalent(*trace_path, path, ec)) {
      throw ConfigError("--trace " + *trace_path + ": is the results file being replayed");
    }
  }

  const io::ResultsReader reader(path);
  const auto& meta = reader.meta();
  run::check_record_count(path, meta, io::read_state(path), reader.record_count());
  if (s >= meta.scenarios) {
    throw ConfigError("--scenario " + std::to_string(s) + ": out of range; " + path + " has " +
                      std::to_string(meta.scenarios) + " scenarios (0.." +
                      std::to_string(meta.scenarios == 0 ? 0 : meta.scenarios - 1) + ")");
  }
  if (k >= meta.orgs_per_scenario) {
    throw ConfigError("--org " + std::to_string(k) + ": out of range; " + path + " has " +
                      std::to_string(meta.orgs_per_scenario) + " organizations per scenario (0.." +
                      std::to_string(meta.orgs_per_scenario == 0 ? 0 : meta.orgs_per_scenario - 1) +
                      ")");
  }
  std::optional<std::string> only;
  if (vm.count("mode")) {
    only = vm["mode"].as<std::string>();
    if (std::find(meta.modes.begin(), meta.modes.end(), *only) == meta.modes.end()) {
      std::string known;
      for (const auto& m : meta.modes) known += (known.empty() ? "" : ", ") + m;
      throw ConfigError("--mode " + *only + ": not a mode of " + path + " (modes: " + known + ")");
    }
  }

  const config::ResolvedConfig cfg =
      models::resolve(config::read_ini(meta.config_ini, path + ":/config_ini"));
  if (cfg.scenario_count() != meta.scenarios) {
    throw FormatError(path + ": stored configuration has " + std::to_string(cfg.scenario_count()) +
                      " scenarios, the file " + std::to_string(meta.scenarios));
  }

  // Field, metric and mode definitions come from the model itself: a file without records
  // need not carry the record fields.
  const auto model = run::sensitivity_model(models::find_model(cfg.model).create(cfg), cfg);
  const auto& fields = model->record_fields();
  const auto& metrics = model->metrics();
  const auto& modes = model->variants();
  if (modes != meta.modes) {
    throw FormatError(path + ": the stored configuration's modes differ from the file's");
  }

  std::optional<CsvTrace> trace;
  if (trace_path) trace.emplace(*trace_path, vm["force"].as<bool>(), only);
  const stats::OrgOutcome out = run::replay_org(*model, cfg, s, k, trace ? &*trace : nullptr);
  if (trace) trace->close();

  const std::size_t P = fields.size();
  const std::size_t M = modes.size();
  const std::size_t K = metrics.size();
  if (out.params.size() != P || out.metrics.size() != M * K) {
    throw SimulationError("replay yields " + std::to_string(out.params.size()) + " fields and " +
                              std::to_string(out.metrics.size()) +
                              " metric values; the model declares " + std::to_string(P) + " and " +
                              std::to_string(M * K),
                          s, k, "", SimulationError::Kind::malformed_outcome);
  }

  std::cout << "organization " << k << " of scenario " << s << " (" << path << ", seed "
            << meta.seed << ")\n\nparameters\n";
  Table pt({"field", "value", "unit"});
  for (std::size_t p = 0; p < P; ++p) {
    pt.add_row({fields[p].name, format_exact(out.params[p]), fields[p].unit});
  }
  pt.print(std::cout, "  ");

  std::vector<std::string> header = {"metric"};
  std::vector<std::size_t> shown_modes;
  for (std::size_t m = 0; m < M; ++m) {
    if (only && modes[m] != *only) continue;
    shown_modes.push_back(m);
    header.push_back(modes[m]);
  }
  Table mt(header);
  for (std::size_t q = 0; q < K; ++q) {
    std::vector<std::string> row = {metrics[q].name};
    for (std::size_t m : shown_modes) row.push_back(format_exact(out.metrics[m * K + q]));
    mt.add_row(std::move(row));
  }
  std::cout << "\nmetrics\n";
  mt.print(std::cout, "  ");
  std::cout << "\nevents: " << with_commas(out.events)
            << "  rng blocks: " << with_commas(out.rng_blocks) << '\n';
  if (trace) std::cout << "trace: " << *trace_path << '\n';

  const std::int64_t idx = reader.find_record(s, k);
  if (idx < 0) {
    std::cout << "the file stores no record of this organization (samples: "
              << (meta.samples < 0 ? std::string("all") : std::to_string(meta.samples))
              << "); nothing to compare\n";
    return kExitOk;
  }
  const io::RecordBatch rec = reader.read_records(static_cast<std::uint64_t>(idx), 1);
  if (rec.params.size() != P || rec.metrics.size() != M * K) {
    throw FormatError(path + ": record " + std::to_string(idx) + " has the wrong shape");
  }
  for (std::size_t p = 0; p < P; ++p) {
    if (!same_bits(out.params[p], rec.params[p])) {
      throw SimulationError("replay differs from the file in field " + fields[p].name +
                                ": replay " + bits_text(out.params[p]) + ", file " +
                                bits_text(rec.params[p]),
                            s, k, "", SimulationError::Kind::replay_mismatch);
    }
  }
  for (std::size_t m = 0; m < M; ++m) {
    for (std::size_t q = 0; q < K; ++q) {
      const std::size_t i = m * K + q;
      if (!same_bits(out.metrics[i], rec.metrics[i])) {
        throw SimulationError("replay differs from the file in metric " + metrics[q].name +
                                  " of mode " + modes[m] + ": replay " + bits_text(out.metrics[i]) +
                                  ", file " + bits_text(rec.metrics[i]),
                              s, k, modes[m], SimulationError::Kind::replay_mismatch);
      }
    }
  }
  std::cout << "record matches the file bit for bit\n";
  return kExitOk;
}

}  // namespace leadsim::cli
