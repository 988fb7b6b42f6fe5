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

std::string excerpt(std::string_view text) {
  if (text.size() <= kExcerptChars) return std::string(text);
  // Cut at a UTF-8 character boundary: never inside a multi-byte sequence.
  std::size_t cut = kExcerptChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;
  return std::string(text.substr(0, cut)) + "\u2026 (" + std::to_string(text.size()) +
         " characters)";
}

}  // namespace leadsim
