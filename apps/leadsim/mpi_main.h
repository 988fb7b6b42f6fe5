// `leadsim run` under mpirun (docs/CLUSTER.md, "MPI"). In a build with -DLEADSIM_MPI=ON, a
// process started by mpirun (Open MPI's OMPI_COMM_WORLD_SIZE, or PMI/PMIx variables in its
// environment) initialises MPI (MPI_THREAD_FUNNELED) and, with more than one rank, runs
// run::run_study_mpi (one rank runs run::run_study, resumable as usual); any other
// process, and every process of a build without MPI, runs run::run_study exactly as before
// (no MPI initialisation, so a plain `leadsim run` needs no MPI runtime).
#pragma once

#include <string>

#include "leadsim/config/config.h"
#include "leadsim/port/model.h"
#include "leadsim/run/study.h"

namespace leadsim::cli {

// run::run_study or, under mpirun, the collective run::run_study_mpi (MPI is initialised and
// finalised inside). Throws what those throw.
run::StudyResult run_study_entry(const port::Model& model, const config::ResolvedConfig& cfg,
                                 const run::StudyOptions& opt);

// False on MPI ranks other than 0 after run_study_entry (they print no summary).
bool is_primary_process();

// For `leadsim --version`: "built in (Open MPI X.Y.Z)" or "not built in (...)".
std::string mpi_support_text();

// In a build without MPI: a one-line reason to refuse when this process is one of several
// started by mpirun/srun (OMPI_COMM_WORLD_SIZE or PMI_SIZE above 1), where every copy would
// run the whole study on the same output; empty otherwise (always empty in an MPI build).
std::string refuse_without_mpi();

}  // namespace leadsim::cli
