#include "leadsim/core/provenance.h"

#include <ctime>

#include "leadsim/core/build_info.h"

namespace leadsim {

std::string version_string() {
  return build::kVersion;
}
std::string git_describe() {
  return build::kGitDescribe;
}
std::string compiler_string() {
  return std::string(build::kCompiler) + " [" + build::kBuildType + "] " + build::kFlags;
}
std::string float_mode() {
#if defined(__FAST_MATH__)
  return "fast-math";
#elif defined(__FMA__)
  return "ieee+fma";
#else
  return "ieee";
#endif
}
std::string utc_now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace leadsim
