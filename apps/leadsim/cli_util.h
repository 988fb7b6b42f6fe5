// Shared pieces of the `leadsim` command-line tool: subcommand table, option parsing, error
// reporting with exit codes, configuration loading, and plain-text/Markdown/JSON output.
// The engine never reads argv or prints; everything user-facing lives in apps/leadsim.
// Results go to stdout, progress and errors to stderr.
#pragma once

// GCC 12 at -O2 reports false -Wnull-dereference/-Wrestrict inside Boost.Program_options'
// typed_value<T>::notify() (GCC bugs 105329, 106199); silenced for that header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wrestrict"
#include <boost/program_options.hpp>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "leadsim/config/config.h"
#include "leadsim/core/error.h"

namespace leadsim::cli {

namespace po = boost::program_options;

// Exit codes of every subcommand (documented in `leadsim help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // IoError, FormatError, SimulationError, others
inline constexpr int kExitUsage = 2;        // ConfigError, bad options, unknown subcommand
inline constexpr int kExitInterrupted = 3;  // SIGINT/SIGTERM/SIGUSR1: checkpoint written

using Args = std::vector<std::string>;

// One subcommand: `main` receives the arguments after the subcommand name and the whole
// command line (shell-quoted) for provenance. It may throw; run_guarded maps exceptions.
struct Subcommand {
  const char* name;
  const char* summary;
  int (*main)(const Args& args, const std::string& command_line);
};

int cmd_run(const Args& args, const std::string& command_line);
int cmd_inspect(const Args& args, const std::string& command_line);
int cmd_replay(const Args& args, const std::string& command_line);
int cmd_params(const Args& args, const std::string& command_line);
int cmd_merge(const Args& args, const std::string& command_line);
int cmd_bench(const Args& args, const std::string& command_line);

const std::vector<Subcommand>& subcommands();

// Text appended to every --help: the exit codes.
std::string exit_codes_help();

// Calls fn and maps what it throws to an exit code, printing one line
// "leadsim: error: <user_message>" on stderr (exit codes above).
int run_guarded(const std::function<int()>& fn);

// The command-line flag of an engine request option ("--shard", "--allow-partial"; "" for
// none).
std::string flag_of(RequestOption option);

// "leadsim replay <results.h5 or config.ini> --scenario S --org K".
std::string replay_command(std::uint64_t scenario, std::uint64_t org);

// What the user reads for an exception: the engine's typed errors in the tool's terms (the
// flag of the request option concerned, the replay command of a failed organization); any
// other exception's what().
std::string user_message(const std::exception& e);
// `message` fit for one line of a log: newlines become blanks, words (values, keys, paths)
// over kExcerptChars characters are cut with their length, and the whole is at most about
// 1000 characters (head and tail kept).
std::string shorten_message(std::string_view message);
// "leadsim: error: <shorten_message(message)>" on stderr.
void print_error(std::string_view message);

// Parses a subcommand's arguments. Throws po::error (exit 2 through run_guarded).
po::variables_map parse_options(const Args& args, const po::options_description& desc,
                                const po::positional_options_description& positional);

// True when the arguments ask for --help or -h.
bool wants_help(const Args& args);

// For subcommands that take one results file: prints the help and returns nothing when asked
// for it; else parses `desc` plus the positional FILE (value "file") and throws po::error when
// FILE is missing.
std::optional<po::variables_map> parse_file_command(const Args& args,
                                                    const po::options_description& desc,
                                                    std::string_view usage,
                                                    std::string_view summary);

// Prints "usage: <usage>\n\n<summary>\n\n<options><exit codes>" to `os`.
void print_help(std::ostream& os, std::string_view usage, std::string_view summary,
                const po::options_description& desc);

// A non-negative integer option value ("--seed 12"); throws ConfigError naming the option.
std::uint64_t parse_uint(std::string_view text, std::string_view option);

// Shell-quoted join of argv, for provenance and reproduction commands.
std::string shell_join(const std::vector<std::string>& argv);
std::string shell_quote(std::string_view arg);

// The largest configuration file read_config_file accepts.
inline constexpr std::size_t kMaxConfigBytes = 16u << 20;

// Reads a whole configuration file: a regular file of at most kMaxConfigBytes. Throws
// ConfigError (missing, unreadable - with the errno text -, a directory, a device or FIFO,
// too large) naming it.
std::string read_config_file(const std::string& path);

// A results file is HDF5: an output path (of run or merge) must end in .h5 or .hdf5, so that
// `-o out.csv` is refused before any work instead of writing HDF5 under a misleading name.
// Throws ConfigError "WHAT PATH: ..." naming the path (`what`: "-o", "output.path =").
void check_results_path(const std::string& path, std::string_view what);

// The entries of a configuration file, or of the built-in default study when `path` is empty.
config::ConfigTree load_config_tree(const std::optional<std::string>& path);

// Formatting. NaN prints as "-".
std::string with_commas(std::uint64_t n);
std::string join(const std::vector<std::string>& v, std::string_view sep = ", ");
std::string format_duration(double seconds);  // "0:12", "1:02:03"
std::string format_number(double v, int significant = 4);
std::string format_fixed(double v, int decimals);  // "%.*f"
std::string format_exact(double v);                // shortest text that round-trips: "0.8"
// "0.547 [0.426, 0.663]": a rate with its confidence interval.
std::string format_rate_ci(double rate, double lo, double hi);

// A plain-text table: columns padded to their widest cell; numeric-looking cells right-aligned
// unless left_align() makes every column start at the same offset in every row (a listing of
// mixed text and numbers, such as `leadsim params`).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void left_align() { left_align_ = true; }
  void print(std::ostream& os, std::string_view indent = "") const;
  // GitHub-flavoured Markdown table ('|' in cells escaped).
  void print_markdown(std::ostream& os) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  bool left_align_ = false;
};

// A minimal streaming JSON writer: objects, arrays, strings (escaped per RFC 8259), numbers
// (round-trip precision; NaN and infinities become null), booleans. Commas are tracked.
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& os) : os_(os) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(double v);
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(bool v);
  JsonWriter& null();

  static std::string escape(std::string_view s);

 private:
  void separate();
  std::ostream& os_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Index into a Summary [S, M, K] array.
inline std::size_t smk(std::uint64_t s, std::uint64_t m, std::uint64_t k, std::uint64_t M,
                       std::uint64_t K) {
  return static_cast<std::size_t>((s * M + m) * K + k);
}

}  // namespace leadsim::cli
