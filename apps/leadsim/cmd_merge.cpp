// `leadsim merge`: shard results files -> one results file (run::merge_results).
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/models/registry.h"
#include "leadsim/run/merge.h"
#include "leadsim/run/sensitivity.h"

namespace leadsim::cli {
namespace {

constexpr const char* kUsage = "leadsim merge -o OUT.h5 IN.h5... [--allow-partial] [--force]";

constexpr const char* kSummary =
    "Merges the shard files of one study (leadsim run --shard K/M) into one results file.\n"
    "The inputs must share configuration, seed, model, format version and block size, and\n"
    "their work-item ranges must be disjoint and complete (or --allow-partial: the missing\n"
    "ranges are recorded in the attribute missing_items). Statistics merge exactly and the\n"
    "records are concatenated in work-item order: every dataset equals that of a\n"
    "single-process run of the study.";

po::options_description make_options() {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "output,o", po::value<std::string>()->value_name("OUT.h5"), "merged results file")(
      "allow-partial", po::bool_switch(), "write a partial result when work items are missing")(
      "force", po::bool_switch(), "overwrite an existing output file")("quiet,q", po::bool_switch(),
                                                                       "print nothing on success");
  return desc;
}

}  // namespace

int cmd_merge(const Args& args, const std::string& command_line) {
  const po::options_description desc = make_options();
  if (wants_help(args)) {
    print_help(std::cout, kUsage, kSummary, desc);
    return kExitOk;
  }
  po::options_description all("all");
  all.add(desc).add_options()("inputs", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("inputs", -1);
  const po::variables_map vm = parse_options(args, all, pos);
  if (!vm.count("output")) throw ConfigError("merge: -o OUT.h5 is required");
  if (!vm.count("inputs")) throw ConfigError("merge: no input files (leadsim merge -o OUT IN...)");

  run::MergeOptions opt;
  opt.output = vm["output"].as<std::string>();
  check_results_path(opt.output, "-o");
  opt.inputs = vm["inputs"].as<std::vector<std::string>>();
  opt.force = vm["force"].as<bool>();
  opt.allow_partial = vm["allow-partial"].as<bool>();
  opt.command_line = command_line;
  run::Merge merge(opt);  // reads and checks the inputs
  const config::ResolvedConfig cfg =
      models::resolve(config::read_ini(merge.config_ini(), merge.config_origin()));
  const auto model = run::sensitivity_model(models::find_model(cfg.model).create(cfg), cfg);
  const run::MergeResult r = merge.write(cfg, *model);
  if (!r.missing.empty()) {
    std::cerr << "leadsim: warning: partial result; missing work items "
              << run::ranges_text(r.missing) << '\n';
  }
  if (!vm["quiet"].as<bool>()) {
    std::cout << "results:       " << r.output << '\n'
              << "inputs:        " << r.inputs << " files\n"
              << "work items:    " << with_commas(r.items_covered) << " of "
              << with_commas(r.items_total) << '\n'
              << "organizations: " << with_commas(r.orgs) << '\n'
              << "records:       " << with_commas(r.records) << '\n'
              << "wall time:     " << format_number(r.wall_s, 4) << " s\n";
  }
  return kExitOk;
}

}  // namespace leadsim::cli
