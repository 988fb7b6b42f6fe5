#include "leadsim/core/error.h"

#include <system_error>

namespace leadsim {

const char* option_name(RequestOption option) {
  switch (option) {
    case RequestOption::none:
      return "";
    case RequestOption::shard:
      return "shard";
    case RequestOption::scenario:
      return "scenario";
    case RequestOption::org:
      return "org";
    case RequestOption::resume:
      return "resume";
    case RequestOption::force:
      return "force";
    case RequestOption::allow_partial:
      return "allow_partial";
  }
  return "";
}

// std::generic_category().message() uses the thread-safe strerror_r, unlike std::strerror.
std::string errno_text(int err) {
  return std::generic_category().message(err);
}

}  // namespace leadsim
