// run_study_mpi: see mpi_run.h. Compiled only with LEADSIM_MPI (engine/CMakeLists.txt).
#include "leadsim/run/mpi_run.h"
#include "leadsim/run/sensitivity.h"

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "leadsim/core/error.h"
#include "leadsim/io/state.h"
#include "leadsim/run/merge.h"
#include "leadsim/run/output_lock.h"
#include "leadsim/run/spool.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::run {
namespace {

namespace fs = std::filesystem;

constexpr int kTagCommand = 11;
constexpr int kTagRows = 12;
constexpr int kTagData = 13;
constexpr int kTagStatsSize = 14;
constexpr int kTagStats = 15;
constexpr int kCommandNext = 1;  // rank 0 asks for the next chunk of records
constexpr int kCommandStop = 2;  // rank 0 needs no more (done, or writing failed)
// Row count that tells rank 0 this rank could not read its records.
constexpr std::uint64_t kRowsFailed = ~std::uint64_t{0};
// Largest single message: MPI counts are int.
constexpr std::size_t kMaxMessage = std::size_t{1} << 30;

// How often every rank tells the others whether it was signalled, failed or finished while
// simulating (one small nonblocking allreduce per period).
constexpr auto kPollPeriod = std::chrono::milliseconds(50);

// Failure kinds, ordered so that MPI_MAX picks the most serious one. kStopped: this rank
// stopped because another rank was signalled or failed (that rank is the one to name).
enum Kind : int { kOk = 0, kStopped, kCancelled, kSimulation, kIo, kFormat, kConfig, kOther };

Kind kind_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const Interrupted&) {
    return kCancelled;
  } catch (const ConfigError&) {
    return kConfig;
  } catch (const FormatError&) {
    return kFormat;
  } catch (const IoError&) {
    return kIo;
  } catch (const SimulationError&) {
    return kSimulation;
  } catch (...) {
    return kOther;
  }
}

// Collective. Every rank reports its outcome; if any failed, the failing rank rethrows its
// exception and the others throw the same kind naming it.
void agree(Kind mine, const std::exception_ptr& error, int rank, const char* phase) {
  struct {
    int kind;
    int rank;
  } in{mine, rank}, out{0, 0};
  MPI_Allreduce(&in, &out, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD);
  if (out.kind == kOk) return;
  if (error && out.rank == rank) std::rethrow_exception(error);
  if (error) std::rethrow_exception(error);  // failed too, less seriously: own message
  const std::string msg = std::string(phase) + ": stopped because MPI rank " +
                          std::to_string(out.rank) + " failed (see its message)";
  switch (out.kind) {
    case kStopped:
    case kCancelled:
      throw Interrupted(std::string(phase) + ": MPI rank " + std::to_string(out.rank) +
                        " was interrupted; MPI runs keep no checkpoint, run again");
    case kConfig:
      throw ConfigError(msg);
    case kFormat:
      throw FormatError(msg);
    case kIo:
      throw IoError(msg);
    default:
      throw Error(msg);  // exit status 1, like SimulationError
  }
}

void send_bytes(const std::uint8_t* data, std::size_t n, int dest, int tag) {
  for (std::size_t off = 0; off < n; off += kMaxMessage) {
    const std::size_t len = std::min(kMaxMessage, n - off);
    MPI_Send(data + off, static_cast<int>(len), MPI_BYTE, dest, tag, MPI_COMM_WORLD);
  }
}

void recv_bytes(std::uint8_t* data, std::size_t n, int source, int tag) {
  for (std::size_t off = 0; off < n; off += kMaxMessage) {
    const std::size_t len = std::min(kMaxMessage, n - off);
    MPI_Recv(data + off, static_cast<int>(len), MPI_BYTE, source, tag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
  }
}

// A record batch as one byte buffer: scenario[n] | org[n] | params[n*P] | metrics[n*MK].
std::vector<std::uint8_t> pack(const io::RecordBatch& b) {
  const std::size_t n = b.size();
  std::vector<std::uint8_t> out(8 * (2 * n + b.params.size() + b.metrics.size()));
  std::uint8_t* p = out.data();
  auto put = [&p](const void* src, std::size_t bytes) {
    if (bytes != 0) std::memcpy(p, src, bytes);
    p += bytes;
  };
  put(b.scenario.data(), 8 * n);
  put(b.org.data(), 8 * n);
  put(b.params.data(), 8 * b.params.size());
  put(b.metrics.data(), 8 * b.metrics.size());
  return out;
}

io::RecordBatch unpack(const std::vector<std::uint8_t>& bytes, std::uint64_t n, std::size_t P,
                       std::size_t MK) {
  io::RecordBatch b;
  b.resize(n, P, MK);
  const std::uint8_t* p = bytes.data();
  auto get = [&p](void* dst, std::size_t len) {
    if (len != 0) std::memcpy(dst, p, len);
    p += len;
  };
  get(b.scenario.data(), 8 * b.scenario.size());
  get(b.org.data(), 8 * b.org.size());
  get(b.params.data(), 8 * b.params.size());
  get(b.metrics.data(), 8 * b.metrics.size());
  return b;
}

std::uint64_t index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return static_cast<std::uint64_t>(it - names.begin());
}

// Name of rank r's record spool inside the output's partial directory.
std::string rank_spool_name(int rank) {
  return "mpi-rank-" + std::to_string(rank) + ".records";
}

// This host's name, as temporary spool names carry it ("" when unknown).
std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// A rank spool in the temporary directory: "leadsim-mpi-PID-HOST-mpi-rank-R.records".
std::string temp_spool_name(int rank) {
  return "leadsim-mpi-" + std::to_string(::getpid()) + "-" + host_name() + "-" +
         rank_spool_name(rank);
}

// Removes the temporary rank spools of this host whose process is gone (a rank killed
// outright cannot remove its own); returns how many. Spools of live processes, of processes
// this one may not signal, and of other hosts (a temporary directory may be shared) stay.
int remove_dead_temp_spools() {
  constexpr std::string_view prefix = "leadsim-mpi-";
  std::string tail = "-";  // built by appending: GCC 12 warns (-Wrestrict) on "-" + string
  tail += host_name();
  tail += "-mpi-rank-";
  int removed = 0;
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec);
  if (ec) return 0;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".records")) continue;
    long long pid = 0;
    const char* digits = name.data() + prefix.size();
    const auto [end, err] = std::from_chars(digits, name.data() + name.size(), pid);
    if (err != std::errc() || pid <= 0 || pid == ::getpid()) continue;
    if (!std::string_view(end, name.data() + name.size() - end).starts_with(tail)) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    if (fs::remove(entry.path(), rm)) ++removed;
  }
  return removed;
}

// The rank's record spool, removed with this object. It lives in "<OUT>.partial/" (locked by
// rank 0 for the whole run), so a rank killed outright leaves it where the next run on that
// output removes it; a rank whose node does not see that directory (output on a file system
// local to rank 0's node) falls back to its temporary directory, where the next MPI run on
// that host removes it (remove_dead_temp_spools).
struct RankSpool {
  std::string path;
  std::unique_ptr<Spool> spool;
  RankSpool(const std::string& partial, int rank, std::size_t P, std::size_t MK)
      : path(spool_path(partial, rank)), spool(std::make_unique<Spool>(path, P, MK, -1)) {}
  ~RankSpool() {
    spool.reset();
    std::error_code ec;
    fs::remove(path, ec);
  }
  RankSpool(const RankSpool&) = delete;
  RankSpool& operator=(const RankSpool&) = delete;

  static std::string spool_path(const std::string& partial, int rank) {
    std::error_code ec;
    if (fs::is_regular_file(partial + "/lock", ec)) return partial + "/" + rank_spool_name(rank);
    return (fs::temp_directory_path() / temp_spool_name(rank)).string();
  }
};

// Removes the rank spools a killed MPI run left in `partial` (the caller holds its lock, so
// nobody uses them); returns how many.
int remove_stale_spools(const std::string& partial) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(partial, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("mpi-rank-") && name.ends_with(".records")) {
      std::error_code rm;
      if (fs::remove(entry.path(), rm)) ++removed;
    }
  }
  return removed;
}

// run() on a worker thread while this thread (the one that called MPI_Init_thread) polls, every
// kPollPeriod, with a nonblocking allreduce over all ranks: whether any rank was signalled
// (`user_cancel`, set by its signal handler) or failed, and how many have finished. The first
// makes every rank stop issuing blocks (the runner's cancel flag), so a signal to any one
// rank stops all of them after their blocks in flight. Every rank takes part in every round
// until the reduction says that all have finished, so all ranks leave after the same round
// (no rank waits in a collective the others have left). Only cancellation passes between the
// threads; what each rank computes, and so every result, is what run() alone computes.
RunReport run_polled(const port::Model& model, const config::ResolvedConfig& cfg, RunOptions ro,
                     stats::RunStats& stats, RecordSink* sink, const std::atomic<bool>* user_cancel,
                     Kind& kind, std::exception_ptr& error) {
  std::atomic<bool> stop{false};
  std::atomic<bool> finished{false};
  ro.cancel = &stop;
  RunReport report;
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      report = run(model, cfg, ro, stats, sink);
    } catch (...) {
      failure = std::current_exception();
    }
    finished.store(true, std::memory_order_release);
  });
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  bool signalled = false;
  for (;;) {
    const auto until = std::chrono::steady_clock::now() + kPollPeriod;
    while (!finished.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const bool done = finished.load(std::memory_order_acquire);
    if (user_cancel != nullptr && user_cancel->load(std::memory_order_relaxed)) signalled = true;
    // {stop requests, finished ranks}; a rank that failed asks the others to stop.
    int local[2] = {(signalled || (done && failure != nullptr)) ? 1 : 0, done ? 1 : 0};
    int global[2] = {0, 0};
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Iallreduce(local, global, 2, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &request);
    int complete = 0;
    for (;;) {
      MPI_Test(&request, &complete, MPI_STATUS_IGNORE);
      if (complete != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (global[0] > 0) stop.store(true, std::memory_order_relaxed);
    if (global[1] == size) break;
  }
  worker.join();
  if (failure) {
    error = failure;
    kind = kind_of(failure);
  } else if (report.cancelled) {
    kind = signalled ? kCancelled : kStopped;
  } else {
    kind = kOk;
  }
  return report;
}

// Ranks other than 0: hand out the spooled records chunk by chunk on request.
void serve_records(Spool* spool) {
  std::uint64_t next = 0;
  const std::uint64_t rows = spool ? spool->rows() : 0;
  for (;;) {
    int command = 0;
    MPI_Recv(&command, 1, MPI_INT, 0, kTagCommand, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (command != kCommandNext) return;
    std::uint64_t n = std::min(kMpiChunkRows, rows - next);
    std::vector<std::uint8_t> bytes;
    std::exception_ptr error;
    if (n != 0) {
      try {
        bytes = pack(spool->read(next, n));
      } catch (...) {
        error = std::current_exception();
        n = kRowsFailed;
      }
    }
    MPI_Send(&n, 1, MPI_UINT64_T, 0, kTagRows, MPI_COMM_WORLD);
    if (error) std::rethrow_exception(error);
    if (n == 0) return;
    send_bytes(bytes.data(), bytes.size(), 0, kTagData);
    next += n;
  }
}

StudyResult run_ranks(const port::Model& model, const config::ResolvedConfig& cfg,
                      const StudyOptions& opt, const io::ResultsMeta& meta, const WorkPlan& plan,
                      const std::string& partial, int rank, int size, std::uint64_t first,
                      std::uint64_t end, std::unique_ptr<RankSpool>& spool) {
  const std::string output = opt.output.empty() ? cfg.output : opt.output;
  const std::size_t P = meta.record_fields.size();
  const std::size_t MK = meta.modes.size() * meta.metrics.size();

  // 2. Every rank simulates its contiguous range; a signal to any rank stops all of them.
  stats::RunStats stats(meta.scenarios, meta.modes.size(), meta.metrics,
                        index_of(meta.modes, meta.baseline_mode));
  RunReport report;
  {
    std::exception_ptr error;
    Kind kind = kOk;
    try {
      if (cfg.samples != 0) spool = std::make_unique<RankSpool>(partial, rank, P, MK);
    } catch (...) {
      error = std::current_exception();
      kind = kind_of(error);
    }
    // Collective: every rank has its spool (or all stop) before anyone simulates.
    agree(kind, error, rank, "creating the record spools");
    RunOptions ro;
    ro.threads = opt.threads;
    ro.first_item = first;
    ro.end_item = end;
    if (rank == 0) ro.on_progress = opt.on_progress;
    ro.progress_interval_s = opt.progress_interval_s;
    report = run_polled(model, cfg, ro, stats, spool ? spool->spool.get() : nullptr, opt.cancel,
                        kind, error);
    agree(kind, error, rank, "simulation");
  }

  // 3. Statistics and report counters to rank 0, merged in rank order.
  std::uint64_t counts[3] = {report.orgs, report.events, report.rng_blocks};
  std::uint64_t totals[3] = {0, 0, 0};
  MPI_Reduce(counts, totals, 3, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
  double wall = report.wall_s, wall_max = 0.0;
  MPI_Reduce(&wall, &wall_max, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  unsigned threads = report.threads, threads_sum = 0;
  MPI_Reduce(&threads, &threads_sum, 1, MPI_UNSIGNED, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank != 0) {
    const std::vector<std::uint8_t> bytes = stats.serialize();
    const std::uint64_t n = bytes.size();
    MPI_Send(&n, 1, MPI_UINT64_T, 0, kTagStatsSize, MPI_COMM_WORLD);
    send_bytes(bytes.data(), bytes.size(), 0, kTagStats);
  } else {
    for (int r = 1; r < size; ++r) {
      std::uint64_t n = 0;
      MPI_Recv(&n, 1, MPI_UINT64_T, r, kTagStatsSize, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      std::vector<std::uint8_t> bytes(n);
      recv_bytes(bytes.data(), bytes.size(), r, kTagStats);
      stats.merge(stats::RunStats::deserialize(bytes));
    }
  }

  // 4. Rank 0 writes the file, pulling the other ranks' records in rank order.
  StudyResult result;
  result.report = report;
  {
    std::exception_ptr error;
    if (rank != 0) {
      try {
        serve_records(spool ? spool->spool.get() : nullptr);
      } catch (...) {
        error = std::current_exception();
      }
    } else {
      std::vector<bool> served(static_cast<std::size_t>(size), false);
      try {
        io::ResultsState state;
        state.shard_index = 0;
        state.shard_count = 1;
        state.item_first = 0;
        state.item_end = plan.size();
        state.items_total = plan.size();
        write_results_file(
            output, opt.force, partial + "/result.h5", meta, stats, state,
            [&](io::ResultsWriter& writer) {
              if (spool) {
                Spool& own = *spool->spool;
                const std::uint64_t rows = own.rows();
                for (std::uint64_t r = 0; r < rows; r += kMpiChunkRows) {
                  writer.append(own.read(r, std::min(kMpiChunkRows, rows - r)));
                }
              }
              for (int r = 1; r < size; ++r) {
                for (;;) {
                  MPI_Send(&kCommandNext, 1, MPI_INT, r, kTagCommand, MPI_COMM_WORLD);
                  std::uint64_t n = 0;
                  MPI_Recv(&n, 1, MPI_UINT64_T, r, kTagRows, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                  if (n == kRowsFailed) {
                    served[static_cast<std::size_t>(r)] = true;
                    throw IoError("MPI rank " + std::to_string(r) +
                                  " could not read its records (see its message)");
                  }
                  if (n == 0) break;
                  std::vector<std::uint8_t> bytes(8 * n * (2 + P + MK));
                  recv_bytes(bytes.data(), bytes.size(), r, kTagData);
                  writer.append(unpack(bytes, n, P, MK));
                }
                served[static_cast<std::size_t>(r)] = true;
              }
            },
            sensitivity_finisher(model, cfg, true, opt.threads));
      } catch (...) {
        error = std::current_exception();
      }
      for (int r = 1; r < size; ++r) {
        if (!served[static_cast<std::size_t>(r)]) {
          MPI_Send(&kCommandStop, 1, MPI_INT, r, kTagCommand, MPI_COMM_WORLD);
        }
      }
    }
    agree(error ? kind_of(error) : kOk, error, rank, "writing the results");
  }

  if (rank == 0) {
    result.output = output;
    result.report.orgs = totals[0];
    result.report.events = totals[1];
    result.report.rng_blocks = totals[2];
    result.report.wall_s = wall_max;
    result.report.threads = threads_sum;
    result.report.items_done = plan.size();
    result.report.next_item = plan.size();
    result.summary = stats.summarize();
    result.modes = meta.modes;
    for (const auto& m : meta.metrics) result.metrics.push_back(m.name);
    result.baseline = meta.baseline_mode;
    result.event_unit = model.event_unit();
    result.item_first = 0;
    result.item_end = plan.size();
    result.items_total = plan.size();
  }
  return result;
}

}  // namespace

StudyResult run_study_mpi(const port::Model& model, const config::ResolvedConfig& cfg,
                          const StudyOptions& opt) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // The same options on every rank, so every rank throws here alike (no collective yet).
  if (opt.shard_count != 1 || opt.shard_index != 0 || opt.resume) {
    throw ConfigError(
        "a shard or a resume does not apply to an MPI run: the ranks split the work among "
        "themselves, and MPI runs keep no checkpoint",
        opt.resume ? RequestOption::resume : RequestOption::shard);
  }
  const std::string output = opt.output.empty() ? cfg.output : opt.output;
  const io::ResultsMeta meta = make_meta(cfg, model, opt.command_line);
  const WorkPlan plan(cfg.scenario_count(), cfg.orgs, cfg.block_size);
  const auto [first, end] =
      plan.shard(static_cast<std::uint64_t>(rank), static_cast<std::uint64_t>(size));
  const std::string partial = partial_dir(output);

  // 1. Rank 0 checks the output and takes its lock before anyone simulates; it holds the lock
  // until the end, so no other leadsim run (MPI or not) writes the same output meanwhile.
  std::optional<OutputLock> lock;
  bool own_partial = false;  // rank 0: the partial directory is this run's to remove
  {
    std::exception_ptr error;
    // Every rank holds the whole study's statistics: each checks that they fit its memory
    // before anything is allocated (the same limit as a single-process run).
    try {
      check_stats_memory(meta, cfg.allow_huge);
    } catch (...) {
      error = std::current_exception();
    }
    if (rank == 0 && !error) {
      try {
        { const io::ResultsWriter probe(output, opt.force, meta); }  // checks, then removes
        lock.emplace(partial, output);
        std::error_code ec;
        if (fs::exists(partial + "/checkpoint.bin", ec)) {
          throw ConfigError("'" + partial + "' holds a checkpoint of an interrupted run; " +
                            "MPI runs cannot resume it: resume it without mpirun, or remove it");
        }
        own_partial = true;
        const int stale = remove_stale_spools(partial);
        if (stale > 0 && opt.on_notice) {
          opt.on_notice("removed " + std::to_string(stale) + " record spool(s) of an MPI run " +
                        "on this output that was killed, from '" + partial + "'");
        }
        if (const int dead = remove_dead_temp_spools(); dead > 0 && opt.on_notice) {
          opt.on_notice("removed " + std::to_string(dead) +
                        " temporary record spool(s) of killed MPI runs from '" +
                        fs::temp_directory_path().string() + "'");
        }
      } catch (...) {
        error = std::current_exception();
      }
    }
    agree(error ? kind_of(error) : kOk, error, rank, "output check");
  }
  // Every other rank, on its host, after rank 0 (which reports what it removes): temporary
  // spools a killed run left where a rank that does not see the partial directory spools.
  if (rank != 0) remove_dead_temp_spools();
  if (rank == 0 && opt.on_notice) {
    opt.on_notice("MPI: " + std::to_string(size) + " ranks; rank 0 runs work items [" +
                  std::to_string(first) + ", " + std::to_string(end) + ") of " +
                  std::to_string(plan.size()));
  }

  std::unique_ptr<RankSpool> spool;
  // Every rank leaves through here: its own spool removed first, then (after all ranks have
  // removed theirs) rank 0 removes the partial directory, then releases the lock.
  auto clean_up = [&] {
    spool.reset();
    MPI_Barrier(MPI_COMM_WORLD);
    if (own_partial) {
      std::error_code ec;
      fs::remove_all(partial, ec);
    }
    lock.reset();
  };
  try {
    StudyResult result =
        run_ranks(model, cfg, opt, meta, plan, partial, rank, size, first, end, spool);
    clean_up();
    return result;
  } catch (...) {
    clean_up();
    throw;
  }
}

}  // namespace leadsim::run
