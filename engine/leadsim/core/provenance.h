// Provenance strings recorded in every results file.
#pragma once

#include <string>

namespace leadsim {

std::string version_string();   // e.g. "0.1.0"
std::string git_describe();     // from the build tree, "unknown" outside git
std::string compiler_string();  // compiler id, version and the flags that matter
std::string utc_now_iso8601();  // "2026-11-27T08:13:10Z"
// The floating-point mode the engine was compiled in, as far as it changes results:
// "ieee", "ieee+fma" (contraction into fused multiply-adds allowed) or "fast-math".
std::string float_mode();

}  // namespace leadsim
