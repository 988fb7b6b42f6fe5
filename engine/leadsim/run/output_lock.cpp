#include "leadsim/run/output_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include "leadsim/core/error.h"

namespace leadsim::run {

namespace fs = std::filesystem;

namespace {

// "PID HOST" as the holder wrote it; {0, ""} when the file is empty or unreadable.
std::pair<long, std::string> read_holder(int fd) {
  char buf[512] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {0, ""};
  const std::string text(buf, static_cast<std::size_t>(n));
  const auto space = text.find(' ');
  long pid = 0;
  try {
    pid = std::stol(text.substr(0, space));
  } catch (const std::exception&) {
    return {0, ""};
  }
  std::string host = space == std::string::npos ? "" : text.substr(space + 1);
  while (!host.empty() && (host.back() == '\n' || host.back() == ' ')) host.pop_back();
  return {pid, host};
}

}  // namespace

OutputLock::OutputLock(const std::string& partial_dir, const std::string& output)
    : dir_(partial_dir), path_(partial_dir + "/lock") {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir_, ec)) && !fs::is_directory(dir_, ec)) {
    throw IoError("'" + dir_ + "' exists and is not a directory");
  }
  created_dir_ = fs::create_directory(dir_, ec);
  if (ec) throw IoError("cannot create '" + dir_ + "': " + ec.message());
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) {
    const int err = errno;
    throw IoError("cannot open the lock file '" + path_ + "': " + errno_text(err));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const auto [pid, host] = read_holder(fd_);
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) throw OutputLocked(output, pid, host);
    throw IoError("cannot lock '" + path_ + "': " + errno_text(err));
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  const std::string holder = std::to_string(::getpid()) + " " + host + "\n";
  // Best effort: the lock itself is what excludes; the text only names the holder.
  if (::ftruncate(fd_, 0) == 0) {
    (void)!::pwrite(fd_, holder.data(), holder.size(), 0);
  }
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  std::error_code ec;
  if (created_dir_ && fs::exists(dir_, ec)) {
    // Only the lock file inside: nothing worth keeping. Unlink it while still holding it.
    bool only_lock = true;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      if (entry.path().filename() != "lock") only_lock = false;
    }
    if (only_lock && !ec) fs::remove_all(dir_, ec);
  }
  ::close(fd_);
}

}  // namespace leadsim::run
