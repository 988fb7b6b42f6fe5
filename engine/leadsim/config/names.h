// The characters of names (modes, sections, keys): shared by the INI reader and resolve().
// Internal to the config module.
#pragma once

namespace leadsim::config {

// Lowercase letters, digits, '_' and '-': a mode, parameter or section name.
inline bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace leadsim::config
