#include "leadsim/core/error.h"

#include <system_error>

namespace leadsim {

// std::generic_category().message() uses the thread-safe strerror_r, unlike std::strerror.
std::string errno_text(int err) {
  return std::generic_category().message(err);
}

}  // namespace leadsim
