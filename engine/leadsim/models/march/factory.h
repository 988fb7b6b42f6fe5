// The March (1991) model as the engine runs it: `[run] model = march1991`.
//
// Parameters (section [model], all ParamKind::kConstant and sweepable): m, n, p1, p2, p3, p4,
// max_periods, periods (see march/model.h for their meaning and the model's readings).
// Variants: the single mode "march1991", also the baseline; [run] modes must be empty or
// exactly {march1991}, the baseline empty or march1991, else create() throws ConfigError.
// Metrics: knowledge, code_correct, periods, individual_knowledge, hit_cap.
// Record fields: m, n, p1, p2, p3, p4 (the scenario's values).
// OrgOutcome.events = periods x n (individual-periods).
#pragma once

#include "leadsim/models/march/model.h"
#include "leadsim/port/model.h"

namespace leadsim::march {

// The factory named "march1991". A static object; thread-safe.
const port::ModelFactory& factory();

// Params at the registry's defaults (the default texts parsed): Params holds none of its own.
Params default_params();

}  // namespace leadsim::march
