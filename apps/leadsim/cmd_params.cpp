// `leadsim params`: every configuration key from the registries (run_params() and the
// model's params()) with section, default, legal range, unit and meaning.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "leadsim/config/config.h"
#include "leadsim/config/param.h"
#include "leadsim/models/registry.h"
#include "leadsim/port/model.h"

namespace leadsim::cli {
namespace {

constexpr const char* kUsage = "leadsim params [--markdown] [--model NAME]";
constexpr const char* kSummary =
    "Lists every configuration parameter: the run-level keys ([run], [output]) and the\n"
    "model's parameters ([org], [model]), with default, legal range, unit and meaning.\n"
    "[org] parameters take a constant or a distribution: uniform(a,b), loguniform(a,b),\n"
    "int_uniform(a,b), int_loguniform(a,b), beta_mean(m,k), normal(m,s), choice(v1,...).\n"
    "[model] constants of kind 'constant or drawn' take a number or the same distributions,\n"
    "drawn once per organization (recorded in /orgs/params); '(int)' ones take only integer\n"
    "distributions (int_uniform, int_loguniform, choice of integers). A 'switch' takes one of\n"
    "its names and is fixed per run. Any numeric parameter or switch can be swept in [sweep]\n"
    "with linspace(a,b,n) or list(v1,...).";

std::string bound(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return format_number(v, 6);
}

// A run-level key whose value is text (a name, a list of names, a path, a boolean) is declared
// with the empty numeric range [0, 0]: show what it takes instead of that range.
bool is_text_key(const config::ParamDef& d) {
  return d.choices.empty() && !d.integer && d.lo == 0.0 && d.hi == 0.0;
}

std::string range_text(const config::ParamDef& d) {
  if (is_text_key(d)) {
    if (d.unit == "bool") return "true|false";
    if (d.unit == "names") return "names";
    return "text";
  }
  std::string r;
  if (!d.choices.empty()) {  // a switch: its choices (or their index, as sweeps list them)
    for (const auto& c : d.choices) r.append(r.empty() ? "" : "|").append(c);
    return r;
  }
  r.append("[").append(bound(d.lo)).append(", ").append(bound(d.hi)).append("]");
  if (d.integer) r.append(" integer");
  return r;
}

std::string kind_text(const config::ParamDef& d) {
  switch (d.kind) {
    case config::ParamKind::kOrg:
      return "per org";
    case config::ParamKind::kPerAgent:
      return "per agent";
    case config::ParamKind::kConstant:
      if (!d.choices.empty()) return "switch";
      if (d.drawable) return d.integer ? "constant or drawn (int)" : "constant or drawn";
      return "constant";
  }
  return "?";
}

}  // namespace

int cmd_params(const Args& args, const std::string& /*command_line*/) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")("markdown", po::bool_switch(),
                                                 "print a Markdown table")(
      "model", po::value<std::string>()->default_value("leadership")->value_name("NAME"),
      "model whose parameters to list");
  if (wants_help(args)) {
    print_help(std::cout, kUsage, kSummary, desc);
    std::cout << "\nModels:";
    for (const auto* m : models::all_models())
      std::cout << "\n  " << m->name() << "  " << m->description();
    std::cout << '\n';
    return kExitOk;
  }
  const po::variables_map vm = parse_options(args, desc, po::positional_options_description());
  const port::ModelFactory& factory = models::find_model(vm["model"].as<std::string>());

  std::vector<config::ParamDef> defs = config::run_params();
  for (const auto& d : factory.params()) defs.push_back(d);

  Table t({"section", "name", "default", "range", "kind", "unit", "meaning"});
  for (const auto& d : defs) {
    std::string meaning = d.meaning;
    if (!d.symbol.empty()) meaning = d.symbol + ": " + meaning;
    t.add_row({d.section, d.name, d.default_spec, range_text(d), kind_text(d), d.unit, meaning});
  }
  // The values [run] model takes (its meaning says that this command lists them).
  std::string names;
  for (const auto* m : models::all_models()) {
    names.append(names.empty() ? "" : ", ").append(m->name());
  }
  if (vm["markdown"].as<bool>()) {
    std::cout << "Parameters of model `" << factory.name() << "` and the run-level keys.\n"
              << "Models: " << names << " (`--model NAME` lists another model's parameters).\n\n";
    t.print_markdown(std::cout);
  } else {
    std::cout << "model " << factory.name() << ": " << factory.description() << '\n';
    std::cout << "models: " << names << " (--model NAME lists another model's parameters)\n\n";
    t.left_align();
    t.print(std::cout);
  }
  return kExitOk;
}

}  // namespace leadsim::cli
