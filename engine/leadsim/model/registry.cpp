#include <string>

#include "leadsim/core/error.h"
#include "leadsim/march/factory.h"
#include "leadsim/model/api.h"
#include "leadsim/model/leadership/factory.h"

namespace leadsim::model {

const std::vector<const ModelFactory*>& all_models() {
  static const std::vector<const ModelFactory*> models = {&leadership_factory(), &march_factory()};
  return models;
}

const ModelFactory& find_model(const std::string& name) {
  std::string known;
  for (const auto* m : all_models()) {
    if (m->name() == name) return *m;
    known += (known.empty() ? "" : ", ") + m->name();
  }
  throw ConfigError("run.model = " + name + ": unknown model (known: " + known + ")");
}

}  // namespace leadsim::model
