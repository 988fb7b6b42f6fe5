#include "leadsim/models/registry.h"

#include <string>

#include "leadsim/core/error.h"
#include "leadsim/models/analytic/analytic.h"
#include "leadsim/models/leadership/factory.h"
#include "leadsim/models/march/factory.h"

namespace leadsim::models {

const std::vector<const port::ModelFactory*>& all_models() {
  static const std::vector<const port::ModelFactory*> models = {
      &leadership::factory(), &march::factory(), &analytic::ishigami_factory(),
      &analytic::sobol_g_factory()};
  return models;
}

const port::ModelFactory& find_model(const std::string& name) {
  std::string known;
  for (const auto* m : all_models()) {
    if (m->name() == name) return *m;
    known += (known.empty() ? "" : ", ") + m->name();
  }
  throw ConfigError("run.model = " + name + ": unknown model (known: " + known + ")");
}

const std::vector<config::ModelSchema>& schemas() {
  static const std::vector<config::ModelSchema> all = [] {
    std::vector<config::ModelSchema> v;
    for (const auto* m : all_models()) v.push_back(m->schema());
    return v;
  }();
  return all;
}

config::ResolvedConfig resolve(const config::ConfigTree& tree) {
  return config::resolve(tree, schemas());
}

}  // namespace leadsim::models
