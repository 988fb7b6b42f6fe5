// Typed errors of the engine. The app maps each to an exit code:
//   ConfigError -> 2 (usage or configuration), IoError/FormatError/SimulationError -> 1,
//   Interrupted -> 3 (resumable state written).
// Messages are one line and name the parameter, file or value at fault. The engine knows no
// command line: an error about a request option (a field of run::StudyOptions or
// run::MergeOptions, or replay's coordinates) names it by RequestOption and carries what the
// app needs to say it in its own terms (apps/leadsim/cli_util.cpp: user_message).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadsim {

// The request options an error can name: the one whose value is at fault, or the one that
// would have allowed the request.
enum class RequestOption : std::uint8_t {
  none,
  shard,          // StudyOptions::shard_index / shard_count
  scenario,       // replay_org's scenario
  org,            // replay_org's organization
  resume,         // StudyOptions::resume
  force,          // StudyOptions::force, MergeOptions::force
  allow_partial,  // MergeOptions::allow_partial
};

// The field's name: "shard", "scenario", "org", "resume", "force", "allow_partial" ("" for none).
const char* option_name(RequestOption option);

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, RequestOption option = RequestOption::none)
      : std::runtime_error(what), option_(option) {}
  // The request option the error is about (none for most errors).
  RequestOption option() const { return option_; }

 private:
  RequestOption option_;
};

// A bad configuration value, key, distribution or command-line argument.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A request option's value is out of range. Message: "<option> <value>: <problem>".
class OptionValueError : public ConfigError {
 public:
  OptionValueError(RequestOption option, std::string value, std::string problem)
      : ConfigError(std::string(option_name(option)) + " " + value + ": " + problem, option),
        value_(std::move(value)),
        problem_(std::move(problem)) {}
  const std::string& value() const { return value_; }      // "0/0", "7"
  const std::string& problem() const { return problem_; }  // what is wrong with it

 private:
  std::string value_;
  std::string problem_;
};

// A resumed study's output already holds the finished result of another study (option force
// replaces it). difference(): the first thing that differs, as run::checkpoint_difference
// words it.
class OutputOfAnotherStudy : public ConfigError {
 public:
  OutputOfAnotherStudy(std::string path, std::string difference)
      : ConfigError("'" + path + "' holds the finished result of another study (" + difference +
                        "); force to replace it",
                    RequestOption::force),
        path_(std::move(path)),
        difference_(std::move(difference)) {}
  const std::string& path() const { return path_; }
  const std::string& difference() const { return difference_; }

 private:
  std::string path_;
  std::string difference_;
};

// A study's output has a checkpoint of an earlier run and the request did not ask to resume
// it (option resume).
class CheckpointExists : public ConfigError {
 public:
  CheckpointExists(std::string checkpoint, std::string partial_dir)
      : ConfigError("a checkpoint of an earlier run exists at '" + checkpoint +
                        "'; resume it, or remove '" + partial_dir + "' to start afresh",
                    RequestOption::resume),
        checkpoint_(std::move(checkpoint)),
        partial_dir_(std::move(partial_dir)) {}
  const std::string& checkpoint() const { return checkpoint_; }
  const std::string& partial_dir() const { return partial_dir_; }

 private:
  std::string checkpoint_;
  std::string partial_dir_;
};

// Another live process holds the output's lock (run::OutputLock): it is writing the same
// output right now. pid and host are what that process recorded (0 and "" when unreadable).
class OutputLocked : public ConfigError {
 public:
  OutputLocked(std::string output, long pid, std::string host)
      : ConfigError("'" + output + "' is being written by another leadsim run (pid " +
                    std::to_string(pid) + (host.empty() ? "" : " on " + host) + ")"),
        output_(std::move(output)),
        pid_(pid),
        host_(std::move(host)) {}
  const std::string& output() const { return output_; }
  long pid() const { return pid_; }
  const std::string& host() const { return host_; }

 private:
  std::string output_;
  long pid_;
  std::string host_;
};

// Merge inputs lack work items and the request did not allow a partial result (option
// allow_partial). The message lists the missing ranges.
class MissingWorkItems : public ConfigError {
 public:
  using Range = std::pair<std::uint64_t, std::uint64_t>;
  MissingWorkItems(const std::string& what, std::vector<Range> missing, std::uint64_t items_total)
      : ConfigError(what, RequestOption::allow_partial),
        missing_(std::move(missing)),
        items_total_(items_total) {}
  const std::vector<Range>& missing() const { return missing_; }  // [first, end) item ranges
  std::uint64_t items_total() const { return items_total_; }

 private:
  std::vector<Range> missing_;
  std::uint64_t items_total_;
};

// A file could not be read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

// The output file exists and the request did not ask to overwrite it (option force).
class OutputExists : public IoError {
 public:
  explicit OutputExists(std::string path)
      : IoError("'" + path + "' exists and overwriting it was not requested", RequestOption::force),
        path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A file is readable but is not what it claims to be (wrong format, version, shape).
class FormatError : public IoError {
 public:
  using IoError::IoError;
};

// An organization's simulation failed; carries the coordinates that replay it.
class SimulationError : public Error {
 public:
  // What failed: a model's own check (the models throw these), an organization whose
  // simulation threw during a run (the runner's report, with the model's message), an outcome
  // of the wrong shape, or a replay that differs from the stored record.
  enum class Kind : std::uint8_t { model, run_failure, malformed_outcome, replay_mismatch };
  SimulationError(const std::string& what, std::uint64_t scenario, std::uint64_t org,
                  std::string mode, Kind kind = Kind::model)
      : Error(what), scenario_(scenario), org_(org), mode_(std::move(mode)), kind_(kind) {}
  std::uint64_t scenario() const { return scenario_; }
  std::uint64_t org() const { return org_; }
  const std::string& mode() const { return mode_; }
  Kind kind() const { return kind_; }

 private:
  std::uint64_t scenario_;
  std::uint64_t org_;
  std::string mode_;
  Kind kind_;
};

// The text of an errno value, like std::strerror but thread-safe.
std::string errno_text(int err);

// `text` as it may appear in a message: whole up to kExcerptChars characters, else its first
// kExcerptChars and "… (N characters)", so that an error never echoes a huge input.
// Characters are UTF-8 code points (count_characters), not bytes.
inline constexpr std::size_t kExcerptChars = 200;
std::size_t count_characters(std::string_view text);
std::string excerpt(std::string_view text);

// The run was cancelled (signal). When a checkpoint was written, checkpoint() names it and
// option() is resume: the run continues from it.
class Interrupted : public Error {
 public:
  explicit Interrupted(const std::string& what, std::string checkpoint = "")
      : Error(what, checkpoint.empty() ? RequestOption::none : RequestOption::resume),
        checkpoint_(std::move(checkpoint)) {}
  const std::string& checkpoint() const { return checkpoint_; }

 private:
  std::string checkpoint_;
};

}  // namespace leadsim
