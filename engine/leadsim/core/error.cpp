#include "leadsim/core/error.h"

#include <algorithm>
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

namespace {
bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u;
}
}  // namespace

std::size_t count_characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !continuation_byte(c); }));
}

std::string excerpt(std::string_view text) {
  const std::size_t characters = count_characters(text);
  if (characters <= kExcerptChars) return std::string(text);
  // The first kExcerptChars characters, cut at a UTF-8 character boundary.
  std::size_t cut = 0;
  for (std::size_t kept = 0; cut < text.size() && kept < kExcerptChars; ++kept) {
    ++cut;
    while (cut < text.size() && continuation_byte(text[cut])) ++cut;
  }
  return std::string(text.substr(0, cut)) + "\u2026 (" + std::to_string(characters) +
         " characters)";
}

}  // namespace leadsim
