// run_study_entry: see mpi_main.h.
#include "mpi_main.h"

#include <cstdlib>
#include <string>

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

std::string mpi_support_text() {
#ifdef LEADSIM_HAVE_MPI
#if defined(OMPI_MAJOR_VERSION)
  return "built in (Open MPI " + std::to_string(OMPI_MAJOR_VERSION) + "." +
         std::to_string(OMPI_MINOR_VERSION) + "." + std::to_string(OMPI_RELEASE_VERSION) +
         "; mpirun -n P leadsim run ...)";
#else
  return "built in (MPI " + std::to_string(MPI_VERSION) + "." + std::to_string(MPI_SUBVERSION) +
         "; mpirun -n P leadsim run ...)";
#endif
#else
  return "not built in (cmake --preset mpi builds it)";
#endif
}

std::string refuse_without_mpi() {
#ifdef LEADSIM_HAVE_MPI
  return {};
#else
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* value = std::getenv(var);
    if (value == nullptr) continue;
    char* end = nullptr;
    const long size = std::strtol(value, &end, 10);
    if (end != value && size > 1) {
      return std::string("this leadsim is built without MPI but was started as one of ") + value +
             " MPI processes (" + var + "=" + value +
             "): each would run the whole study on the same output; run one process, or an " +
             "MPI build (cmake --preset mpi; see leadsim --version)";
    }
  }
  return {};
#endif
}

}  // namespace leadsim::cli
