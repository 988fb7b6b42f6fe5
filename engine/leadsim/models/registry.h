// The models compiled into leadsim: the top of the house. Only the app, the tests and the
// benchmarks link this target (leadsim::models); the engine's neutral modules (core, rng,
// config, stats, port, io, run) never see a model.
#pragma once

#include <string>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/port/model.h"

namespace leadsim::models {

// Every registered model kind, in a fixed order (leadership first).
const std::vector<const port::ModelFactory*>& all_models();
// The kind named `name`. Throws ConfigError naming the unknown model and the known ones.
const port::ModelFactory& find_model(const std::string& name);
// The schemas of all_models(), for config::resolve.
const std::vector<config::ModelSchema>& schemas();
// resolve(tree, schemas()): a configuration resolved against every compiled-in model.
config::ResolvedConfig resolve(const config::ConfigTree& tree);

}  // namespace leadsim::models
