// leadsim: the command-line front end of the engine. Dispatches to one subcommand per file
// (cmd_*.cpp); see `leadsim help`.
#include <malloc.h>
#include <oneapi/tbb/global_control.h>
#include <cerrno>
#include <cstdio>

#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli_util.h"
#include "leadsim/config/param.h"
#include "leadsim/core/error.h"
#include "leadsim/core/provenance.h"
#include "mpi_main.h"

namespace {

using leadsim::cli::Args;
using leadsim::cli::subcommands;

void print_general_help(std::ostream& os) {
  os << "usage: leadsim <subcommand> [options]\n"
        "       leadsim help <subcommand>   (or: leadsim <subcommand> --help)\n"
        "       leadsim --version\n\n"
        "Monte Carlo experiments on leadership modes in organizations (MODEL.md).\n\n"
        "Subcommands:\n";
  for (const auto& sc : subcommands()) {
    std::string name = sc.name;
    name.resize(10, ' ');
    os << "  " << name << sc.summary << '\n';
  }
  os << '\n' << leadsim::cli::exit_codes_help();
}

void print_version(std::ostream& os) {
  os << "leadsim " << leadsim::version_string() << '\n'
     << "git: " << leadsim::git_describe() << '\n'
     << "compiler: " << leadsim::compiler_string() << '\n'
     << "mpi: " << leadsim::cli::mpi_support_text() << '\n';
}

const leadsim::cli::Subcommand* find_subcommand(const std::string& name) {
  for (const auto& sc : subcommands()) {
    if (name == sc.name) return &sc;
  }
  return nullptr;
}

int unknown_subcommand(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& sc : subcommands()) names.emplace_back(sc.name);
  std::string msg = "unknown subcommand '" + name + "'";
  const std::string near = leadsim::config::closest(name, names);
  if (!near.empty()) msg += "; did you mean '" + near + "'?";
  msg += " (see 'leadsim help')";
  leadsim::cli::print_error(msg);
  return leadsim::cli::kExitUsage;
}

int run_main(int argc, char** argv) {
  const std::vector<std::string> all(argv, argv + argc);
  const std::string command_line = leadsim::cli::shell_join(all);
  return leadsim::cli::run_guarded([&]() -> int {
    if (all.size() < 2) {
      print_general_help(std::cerr);
      return leadsim::cli::kExitUsage;
    }
    const std::string& first = all[1];
    if (first == "--version" || first == "-V" || first == "version") {
      print_version(std::cout);
      return leadsim::cli::kExitOk;
    }
    if (first == "help" || first == "--help" || first == "-h") {
      if (all.size() < 3) {
        print_general_help(std::cout);
        return leadsim::cli::kExitOk;
      }
      const auto* sc = find_subcommand(all[2]);
      if (sc == nullptr) return unknown_subcommand(all[2]);
      return sc->main(Args{"--help"}, command_line);
    }
    if (!first.empty() && first[0] == '-') {
      leadsim::cli::print_error("unknown option '" + first +
                                "' before the subcommand (see 'leadsim help')");
      return leadsim::cli::kExitUsage;
    }
    const auto* sc = find_subcommand(first);
    if (sc == nullptr) return unknown_subcommand(first);
    // A build without MPI under `mpirun -n P` (P > 1): P full copies would race on one output.
    if (const std::string why = leadsim::cli::refuse_without_mpi(); !why.empty()) {
      leadsim::cli::print_error(why);
      return leadsim::cli::kExitUsage;
    }
    return sc->main(Args(all.begin() + 2, all.end()), command_line);
  });
}

}  // namespace

int main(int argc, char** argv) {
  // Allocations of 256 KiB and more (the per-thread problem arrays of large organizations)
  // are mapped and unmapped one by one. glibc's default raises that threshold after the first
  // such free, after which every thread's grown-and-freed buffers stay in its heap: at 16
  // threads that kept ~50 MB of peak memory (docs/PERFORMANCE.md, target 4).
  (void)mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // Joins oneTBB's worker threads before static destructors run: they outlive the runner's
  // arena, and static data they read (the parameter registries) must not be destroyed under
  // them (ThreadSanitizer reports exactly that otherwise).
  oneapi::tbb::task_scheduler_handle tbb_workers{oneapi::tbb::attach{}};
  int rc = run_main(argc, argv);
  (void)oneapi::tbb::finalize(tbb_workers, std::nothrow);
  // What a command printed must have reached standard output (a full disk, /dev/full, a
  // closed pipe): a lost summary or JSON document is a failure, not a success.
  errno = 0;
  std::cout.flush();
  const bool lost = std::cout.fail() || std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
  if (lost) {
    const int err = errno;
    leadsim::cli::print_error("cannot write to standard output" +
                              (err != 0 ? ": " + leadsim::errno_text(err) : std::string()));
    if (rc == leadsim::cli::kExitOk) rc = leadsim::cli::kExitFailure;
  }
  return rc;
}
