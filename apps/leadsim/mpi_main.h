// `leadsim run` under mpirun (docs/CLUSTER.md, "MPI"). In a build with -DLEADSIM_MPI=ON, a
// process started by mpirun (Open MPI's OMPI_COMM_WORLD_SIZE, or PMI/PMIx variables in its
// environment) initialises MPI (MPI_THREAD_FUNNELED) and, with more than one rank, runs
// run::run_study_mpi (one rank runs run::run_study, resumable as usual); any other
// process, and every process of a build without MPI, runs run::run_study exactly as before
// (no MPI initialisation, so a plain `leadsim run` needs no MPI runtime).
#pragma once

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

}  // namespace leadsim::cli
