// A study spread over the ranks of MPI_COMM_WORLD (`mpirun -n P leadsim run ...`), built only
// with -DLEADSIM_MPI=ON (docs/CLUSTER.md, "MPI"). The file it writes is the one run_study
// writes for the same configuration in one process: every dataset identical.
//
// Rank r runs the contiguous work items WorkPlan::shard(r, P) with opt.threads oneTBB threads
// and spools its records to a file in the system temporary directory. Rank 0 then receives
// every rank's RunStats::serialize() bytes and merges them in rank order (exact), and writes
// the results file through write_results_file, pulling each rank's records in rank order -
// hence work-item order - in chunks of kMpiChunkRows, so no rank holds more than one chunk of
// another's records in memory.
#pragma once

#include <cstdint>

#include "leadsim/config/config.h"
#include "leadsim/run/study.h"

namespace leadsim::run {

inline constexpr std::uint64_t kMpiChunkRows = 4096;

// Collective: every rank calls it from the thread that initialised MPI (MPI_THREAD_FUNNELED
// suffices: only that thread calls MPI; oneTBB workers never do), with the same configuration
// and options. Rank 0 checks the output first (IoError before any simulation) and alone calls
// opt.on_progress (its own share) and opt.on_notice; it returns the study's result with the
// summed report. Other ranks return their own report and an empty output.
// Throws ConfigError when opt asks for a shard or --resume (ranks split the work themselves;
// MPI runs keep no checkpoint). When any rank fails or is cancelled, every rank throws: the
// failing rank its own exception, the others the same kind (ConfigError, IoError,
// FormatError, Interrupted; leadsim::Error for a SimulationError) naming that rank. Nothing
// is left under the output path then.
StudyResult run_study_mpi(const port::Model& model, const config::ResolvedConfig& cfg,
                          const StudyOptions& opt);

}  // namespace leadsim::run
