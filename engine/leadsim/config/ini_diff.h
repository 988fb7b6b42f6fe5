// The first difference between two configuration texts written by ResolvedConfig::to_ini(),
// for the messages of resume, merge and the finished-output check: "configuration text
// differs" alone does not say what to fix.
#pragma once

#include <string>
#include <string_view>

namespace leadsim::config {

// "" when the texts are equal. Otherwise the first key, in the order of `a`, whose value
// differs or that only one side has, then keys only `b` has: "[org] workers = 10 in A, 20 in B"
// or "[sweep] info_reach = list(0.2) in A, absent in B" (values cut by excerpt()); when
// every key agrees but the texts do not, "the same keys in another order".
std::string ini_difference(std::string_view a, std::string_view b, std::string_view a_name,
                           std::string_view b_name);

}  // namespace leadsim::config
