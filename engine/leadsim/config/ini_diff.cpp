#include "leadsim/config/ini_diff.h"

#include <algorithm>
#include <vector>

#include "leadsim/core/error.h"

namespace leadsim::config {

namespace {

struct Line {
  std::string section, key, value;
};

// The (section, key, value) lines of canonical INI text; other lines are ignored.
std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> out;
  std::string section;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
      section = std::string(line.substr(1, line.size() - 2));
      continue;
    }
    const std::size_t eq = line.find(" = ");
    if (eq == std::string_view::npos) continue;
    out.push_back({section, std::string(line.substr(0, eq)), std::string(line.substr(eq + 3))});
  }
  return out;
}

const Line* find(const std::vector<Line>& lines, const Line& like) {
  const auto it = std::find_if(lines.begin(), lines.end(), [&](const Line& l) {
    return l.section == like.section && l.key == like.key;
  });
  return it == lines.end() ? nullptr : &*it;
}

std::string side(const Line* l, std::string_view name) {
  return (l == nullptr ? std::string("absent") : excerpt(l->value)) + " in " + std::string(name);
}

}  // namespace

std::string ini_difference(std::string_view a, std::string_view b, std::string_view a_name,
                           std::string_view b_name) {
  if (a == b) return "";
  const std::vector<Line> la = lines_of(a), lb = lines_of(b);
  for (const Line& l : la) {
    const Line* other = find(lb, l);
    if (other == nullptr || other->value != l.value) {
      return "[" + l.section + "] " + l.key + " = " + side(&l, a_name) + ", " + side(other, b_name);
    }
  }
  for (const Line& l : lb) {
    if (find(la, l) == nullptr) {
      return "[" + l.section + "] " + l.key + " = " + side(nullptr, a_name) + ", " +
             side(&l, b_name);
    }
  }
  return "the same keys in another order";
}

}  // namespace leadsim::config
