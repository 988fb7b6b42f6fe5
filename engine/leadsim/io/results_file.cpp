#include "leadsim/io/results_file.h"

#include <filesystem>
#include <system_error>

#include "leadsim/io/safe_file.h"

namespace leadsim::io {

void write_results_file(const std::string& output, bool force, const std::string& staging,
                        const ResultsMeta& meta, const stats::RunStats& stats, ResultsState state,
                        const std::function<void(ResultsWriter&)>& write_records,
                        const std::function<void(const std::string&)>& finish) {
  try {
    {
      ResultsWriter writer(staging, /*force=*/true, meta);
      if (meta.samples != 0) write_records(writer);
      writer.write_summary(stats.summarize());
      writer.commit();
    }
    state.run_stats = stats.serialize();
    write_state(staging, state);
    if (finish) finish(staging);
    rename_onto(staging, output, force);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(staging, ec);
    throw;
  }
}

}  // namespace leadsim::io
