// libFuzzer target: the results reader's validation path. Writes the input to a temporary
// file, opens it with io::ResultsReader and reads everything the constructor claims is
// there. The only exceptions allowed out are leadsim::IoError / FormatError (and
// std::out_of_range only where the contract names it: never, for the reads below).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "leadsim/core/error.h"
#include "leadsim/io/results.h"

namespace {

void require(bool cond) {
  if (!cond) std::abort();
}

const std::string& temp_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/leadsim-fuzz-results." +
           std::to_string(::getpid()) + ".h5";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = temp_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  require(f != nullptr);
  require(std::fwrite(data, 1, size, f) == size);
  require(std::fclose(f) == 0);
  try {
    const leadsim::io::ResultsReader reader(path);
    const auto& meta = reader.meta();
    const auto& summary = reader.summary();
    (void)summary;
    require(meta.format_version == leadsim::io::kFormatVersion);
    const std::uint64_t n = reader.record_count();
    if (n > 0) {
      const auto batch = reader.read_records(0, std::min<std::uint64_t>(n, 8));
      require(batch.size() == std::min<std::uint64_t>(n, 8));
      (void)reader.find_record(batch.scenario[0], batch.org[0]);
    }
    (void)reader.find_record(0, 0);
  } catch (const leadsim::IoError&) {
    // FormatError derives from IoError: a clear refusal is the expected outcome.
  }
  std::remove(path.c_str());
  return 0;
}
