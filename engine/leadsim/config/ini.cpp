#include "leadsim/config/config.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "leadsim/config/dist.h"
#include "leadsim/config/names.h"
#include "leadsim/core/error.h"

// INI text and --set arguments to entries (read_ini, parse_set); resolve() in config.cpp.
namespace leadsim::config {
namespace {

bool is_key_char(char c) {
  return is_name_char(c) || (c >= 'A' && c <= 'Z') || c == '.';
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(c));
  return buf;
}

// Returns "" when `line` is printable UTF-8 text (tabs allowed), else what is wrong.
std::string text_problem(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size()) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return "control character " + hex_byte(c) + " (binary data, not a text configuration)";
      }
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1fu;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0fu;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return "invalid UTF-8 byte " + hex_byte(c) + " (binary data, not a text configuration)";
    }
    if (i + len > line.size()) return "truncated UTF-8 sequence (binary data?)";
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(line[i + k]);
      if ((cc & 0xc0) != 0x80) {
        return "invalid UTF-8 byte " + hex_byte(cc) + " (binary data, not a text configuration)";
      }
      cp = (cp << 6) | (cc & 0x3fu);
    }
    const bool overlong =
        (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return "invalid UTF-8 sequence (binary data, not a text configuration)";
    }
    i += len;
  }
  return {};
}

// Cuts a trailing comment: '#' or ';' preceded by whitespace.
std::string_view strip_comment(std::string_view s) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    if ((s[i] == '#' || s[i] == ';') && (s[i - 1] == ' ' || s[i - 1] == '\t')) {
      return s.substr(0, i);
    }
  }
  return s;
}

}  // namespace

ConfigTree read_ini(std::string_view text, const std::string& origin_name) {
  ConfigTree tree;
  std::string section;
  bool have_section = false;
  std::map<std::string, std::size_t> section_line;  // first header line of each section
  std::size_t line_no = 0;
  std::size_t pos = 0;
  // A UTF-8 byte order mark is what some editors write first; it is not content.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    const std::string where = origin_name + ":" + std::to_string(line_no);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (const auto problem = text_problem(line); !problem.empty()) {
      std::string msg = where;
      msg += ": ";
      msg += problem;
      throw ConfigError(msg);
    }
    line = trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    line = trim(strip_comment(line));
    if (line.front() == '[') {
      if (line.back() != ']')
        throw ConfigError(where + ": section header '" + std::string(line) + "' lacks ']'");
      const auto name = trim(line.substr(1, line.size() - 2));
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_key_char)) {
        throw ConfigError(where + ": bad section name '" + std::string(name) +
                          "' (letters, digits, '_', '-' and '.')");
      }
      section = std::string(name);
      have_section = true;
      if (const auto [it, fresh] = section_line.emplace(section, line_no); !fresh) {
        std::string msg = where;
        msg += ": section [" + section + "] repeated (first at ";
        msg += origin_name;
        msg += ":" + std::to_string(it->second) + "); put its keys under one header";
        throw ConfigError(msg);
      }
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      throw ConfigError(where + ": expected 'key = value' or '[section]', got '" +
                        std::string(line) + "'");
    }
    const auto key = trim(line.substr(0, eq));
    const auto value = trim(line.substr(eq + 1));
    if (key.empty()) throw ConfigError(where + ": empty key before '='");
    if (!std::all_of(key.begin(), key.end(), is_key_char)) {
      throw ConfigError(where + ": bad key '" + std::string(key) +
                        "' (letters, digits, '_', '-' and '.')");
    }
    if (!have_section) {
      throw ConfigError(where + ": key '" + std::string(key) + "' before any [section]");
    }
    // "key =;x" would be written back by to_ini() as "key = ;x", which reads as a comment:
    // a value may not start with a comment character (found by tests/fuzz/fuzz_config).
    if (value.empty() || value.front() == '#' || value.front() == ';') {
      throw ConfigError(where + ": key '" + std::string(key) + "' has no value");
    }
    tree.push_back(Entry{section, std::string(key), std::string(value), where});
  }
  if (tree.empty()) throw ConfigError(origin_name + ": no settings (empty configuration file)");
  return tree;
}

Entry parse_set(std::string_view arg) {
  const std::string bad = "--set '" + std::string(arg) + "': expected SECTION.KEY=VALUE";
  const auto eq = arg.find('=');
  if (eq == std::string_view::npos) throw ConfigError(bad);
  const auto lhs = trim(arg.substr(0, eq));
  const auto value = trim(arg.substr(eq + 1));
  const auto dot = lhs.rfind('.');
  if (dot == std::string_view::npos && !lhs.empty() && !value.empty() &&
      std::all_of(lhs.begin(), lhs.end(), is_key_char)) {
    // KEY=VALUE without a section: resolve() finds the section when the key is unambiguous.
    if (const auto problem = text_problem(value); !problem.empty()) {
      throw ConfigError("--set '" + std::string(arg) + "': " + problem);
    }
    return Entry{"", std::string(lhs), std::string(value), "--set"};
  }
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == lhs.size() || value.empty()) {
    throw ConfigError(bad);
  }
  const auto section = lhs.substr(0, dot);
  const auto key = lhs.substr(dot + 1);
  if (!std::all_of(lhs.begin(), lhs.end(), is_key_char) || section.front() == '.' ||
      section.back() == '.') {
    throw ConfigError(bad);
  }
  if (const auto problem = text_problem(value); !problem.empty()) {
    throw ConfigError("--set '" + std::string(arg) + "': " + problem);
  }
  return Entry{std::string(section), std::string(key), std::string(value), "--set"};
}

}  // namespace leadsim::config
