// Typed errors of the engine. The app maps each to an exit code:
//   ConfigError -> 2 (usage or configuration), IoError/FormatError/SimulationError -> 1,
//   Interrupted -> 3 (resumable state written).
// Messages are one line and name the parameter, file or value at fault.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace leadsim {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad configuration value, key, distribution or command-line argument.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file could not be read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

// A file is readable but is not what it claims to be (wrong format, version, shape).
class FormatError : public IoError {
 public:
  using IoError::IoError;
};

// An organization's simulation failed; carries the coordinates that replay it.
class SimulationError : public Error {
 public:
  SimulationError(const std::string& what, std::uint64_t scenario, std::uint64_t org,
                  std::string mode)
      : Error(what), scenario_(scenario), org_(org), mode_(std::move(mode)) {}
  std::uint64_t scenario() const { return scenario_; }
  std::uint64_t org() const { return org_; }
  const std::string& mode() const { return mode_; }

 private:
  std::uint64_t scenario_;
  std::uint64_t org_;
  std::string mode_;
};

// The text of an errno value, like std::strerror but thread-safe.
std::string errno_text(int err);

// The run was cancelled (signal); a checkpoint may have been written.
class Interrupted : public Error {
 public:
  using Error::Error;
};

}  // namespace leadsim
