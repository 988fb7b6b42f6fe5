// Reference data files of the regression tests: one `key value...` line per reference,
// '#' comments. check_refs() compares what the code computes now with the file, or rewrites
// the file when the executable runs with --update (support/regression_main.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace leadsim::testing_support {

inline bool& update_refs_flag() {
  static bool update = false;
  return update;
}
inline void set_update_refs(bool on) {
  update_refs_flag() = on;
}

// Reads "key value" lines; values are the rest of the line, trimmed.
inline std::map<std::string, std::string> read_refs(const std::string& path) {
  std::map<std::string, std::string> refs;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string key, value, word;
    ls >> key;
    while (ls >> word) value += (value.empty() ? "" : " ") + word;
    refs[key] = value;
  }
  return refs;
}

// Compares `actual` (key -> value) with the file at `path`, or writes it under --update with
// `header` as its comment lines. Every key in either must be in both.
inline void check_refs(const std::string& path, const std::string& header,
                       const std::map<std::string, std::string>& actual) {
  if (update_refs_flag()) {
    std::ofstream out(path);
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    std::istringstream hs(header);
    for (std::string line; std::getline(hs, line);) out << "# " << line << '\n';
    for (const auto& [k, v] : actual) out << k << ' ' << v << '\n';
    std::cout << "updated " << path << '\n';
    return;
  }
  const auto expected = read_refs(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing or empty (run with --update to create it)";
  for (const auto& [k, v] : expected) {
    const auto it = actual.find(k);
    if (it == actual.end()) {
      ADD_FAILURE() << path << ": reference '" << k << "' is no longer computed";
    } else {
      EXPECT_EQ(it->second, v) << path << ": reference '" << k << "' differs";
    }
  }
  for (const auto& [k, v] : actual) {
    EXPECT_TRUE(expected.count(k)) << path << ": '" << k << "' has no reference (--update)";
  }
}

inline std::string hex64(std::uint64_t x) {
  std::ostringstream s;
  s << std::hex;
  s.width(16);
  s.fill('0');
  s << x;
  return s.str();
}

}  // namespace leadsim::testing_support
