// run_study_entry: see mpi_main.h.
#include "mpi_main.h"

#include <cstdlib>

#ifdef LEADSIM_HAVE_MPI
#include <mpi.h>

#include "leadsim/core/error.h"
#include "leadsim/run/mpi_run.h"
#endif

namespace leadsim::cli {
namespace {

bool g_primary = true;

#ifdef LEADSIM_HAVE_MPI
bool launched_by_mpirun() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(var) != nullptr) return true;
  }
  return false;
}

// MPI from initialisation to finalisation on this (the main) thread. FUNNELED: oneTBB's worker
// threads never call MPI.
class MpiSession {
 public:
  MpiSession() {
    int provided = MPI_THREAD_SINGLE;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {
      MPI_Finalize();
      throw Error("the MPI library does not provide MPI_THREAD_FUNNELED");
    }
  }
  ~MpiSession() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized == 0) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};
#endif

}  // namespace

run::StudyResult run_study_entry(const port::Model& model, const config::ResolvedConfig& cfg,
                                 const run::StudyOptions& opt) {
#ifdef LEADSIM_HAVE_MPI
  if (launched_by_mpirun()) {
    MpiSession session;
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    // One rank (mpirun -n 1, or srun of a single task with PMI) is an ordinary run, with
    // --shard, --resume and checkpoints.
    if (size == 1) return run::run_study(model, cfg, opt);
    if (opt.shard_count != 1 || opt.shard_index != 0 || opt.resume) {
      throw ConfigError(
          "--shard and --resume do not apply under mpirun: the ranks split the work among "
          "themselves, and MPI runs keep no checkpoint");
    }
    g_primary = rank == 0;
    run::StudyOptions ranked = opt;
    if (!g_primary) {
      ranked.on_progress = nullptr;
      ranked.on_notice = nullptr;
    }
    return run::run_study_mpi(model, cfg, ranked);
  }
#endif
  return run::run_study(model, cfg, opt);
}

bool is_primary_process() {
  return g_primary;
}

}  // namespace leadsim::cli
