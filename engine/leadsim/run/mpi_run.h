// A study spread over the ranks of MPI_COMM_WORLD (`mpirun -n P leadsim run ...`), built only
// with -DLEADSIM_MPI=ON (docs/CLUSTER.md, "MPI"). The file it writes is the one run_study
// writes for the same configuration in one process: every dataset identical.
//
// Rank 0 takes the output's lock ("<OUT>.partial/lock", OutputLock) before anyone simulates
// and holds it to the end, so no other leadsim run writes the same output meanwhile. Rank r
// runs the contiguous work items WorkPlan::shard(r, P) with opt.threads oneTBB threads and
// spools its records to "<OUT>.partial/mpi-rank-<r>.records" (its temporary directory when
// its node does not see that directory). While simulating, the ranks agree every 50 ms, with
// a nonblocking allreduce, whether any of them has been signalled (opt.cancel) or has failed;
// if so all stop after their blocks in flight. Rank 0 then receives every rank's
// RunStats::serialize() bytes and merges them in rank order (exact), and writes the results
// file through write_results_file, pulling each rank's records in rank order - hence
// work-item order - in chunks of kMpiChunkRows, so no rank holds more than one chunk of
// another's records in memory.
#pragma once

#include <cstdint>

#include "leadsim/config/config.h"
#include "leadsim/run/study.h"

namespace leadsim::run {

inline constexpr std::uint64_t kMpiChunkRows = 4096;

// Collective: every rank calls it from the thread that initialised MPI (MPI_THREAD_FUNNELED
// suffices: only that thread calls MPI; the simulation runs on a thread of its own and oneTBB
// workers, which never do), with the same configuration
// and options. Rank 0 checks the output first (IoError before any simulation) and alone calls
// opt.on_progress (its own share) and opt.on_notice; it returns the study's result with the
// summed report. Other ranks return their own report and an empty output.
// Throws ConfigError when opt asks for a shard or --resume (ranks split the work themselves;
// MPI runs keep no checkpoint). When any rank fails or is cancelled, every rank throws: the
// failing rank its own exception, the others the same kind (ConfigError, IoError,
// FormatError, Interrupted; leadsim::Error for a SimulationError) naming that rank; a signal
// to any rank makes every rank throw Interrupted. Nothing is left under the output path then
// (the partial directory is removed). Another run holding the output's lock is OutputLocked
// on rank 0 (a ConfigError naming rank 0 on the others); a checkpoint in the partial directory is a
// ConfigError (an MPI run cannot resume it). Record spools that a killed MPI run left there are
// removed, with a notice.
StudyResult run_study_mpi(const port::Model& model, const config::ResolvedConfig& cfg,
                          const StudyOptions& opt);

}  // namespace leadsim::run
