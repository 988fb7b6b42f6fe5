#include "leadsim/io/safe_file.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "leadsim/core/error.h"

namespace leadsim::io {

namespace fs = std::filesystem;

namespace {

std::string in_quotes(const std::string& s) {
  return "'" + s + "'";
}

// What a non-regular file at the output path is, for the refusal.
std::string file_kind(fs::file_type t) {
  switch (t) {
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

// Outputs replace regular files only: never a device, FIFO or socket (with --force or not).
void check_replaceable(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::exists(st) && !fs::is_directory(st) && !fs::is_regular_file(st)) {
    throw ConfigError(in_quotes(path) + " is " + file_kind(st.type()) +
                      ": an output may only replace a regular file");
  }
}

// Checks that `path` may be created; throws IoError otherwise.
void check_target(const std::string& path, bool force) {
  const fs::path p(path);
  fs::path dir = p.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    throw IoError("output directory " + in_quotes(dir.string()) + " does not exist");
  }
  if (!fs::is_directory(dir, ec)) {
    throw IoError("output directory " + in_quotes(dir.string()) + " is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw IoError("output directory " + in_quotes(dir.string()) + " is not writable");
  }
  if (fs::is_directory(p, ec)) throw IoError(in_quotes(path) + " is a directory");
  check_replaceable(path);
  if (fs::exists(fs::symlink_status(p, ec)) && !force) throw OutputExists(path);
}

// fsync of a complete file, so that its data is on disk before a rename makes it the result.
void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw IoError("cannot sync " + in_quotes(path) + " to disk: " + errno_text(err));
  }
  ::close(fd);
}

// fsync of the directory holding `path`: makes a rename into it durable. File systems that
// cannot sync a directory (EINVAL) are left as they are.
void sync_dir_of(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  if (::fsync(fd) != 0 && errno != EINVAL) {
    const int err = errno;
    ::close(fd);
    throw IoError("cannot sync directory " + in_quotes(dir.string()) + ": " + errno_text(err));
  }
  ::close(fd);
}

// Durable rename: the file's data, the rename, then the directory entry.
void durable_rename(const std::string& from, const std::string& to) {
  sync_file(from);
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    const int err = errno;
    throw IoError("cannot rename " + in_quotes(from) + " to " + in_quotes(to) + ": " +
                  errno_text(err));
  }
  sync_dir_of(to);
}

}  // namespace

std::string sibling_name(const std::string& path, const std::string& suffix) {
  const auto slash = path.rfind('/');
  const std::size_t name_begin = slash == std::string::npos ? 0 : slash + 1;
  const std::size_t name_size = path.size() - name_begin;
  if (name_size + suffix.size() <= kMaxFileName) return path + suffix;
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a of the whole name
  for (std::size_t i = name_begin; i < path.size(); ++i) {
    h ^= static_cast<unsigned char>(path[i]);
    h *= 1099511628211ULL;
  }
  char hash[18];
  std::snprintf(hash, sizeof hash, "~%016llx", static_cast<unsigned long long>(h));
  std::size_t keep = kMaxFileName - suffix.size() - (sizeof hash - 1);
  // Cut at a UTF-8 character boundary.
  while (keep > 0 && (static_cast<unsigned char>(path[name_begin + keep]) & 0xC0u) == 0x80u) {
    --keep;
  }
  return path.substr(0, name_begin + keep) + hash + suffix;
}

SafeFile::SafeFile(std::string path, bool force) : path_(std::move(path)) {
  check_target(path_, force);
  temp_ = sibling_name(path_, ".tmp." + std::to_string(::getpid()));
}

SafeFile::~SafeFile() {
  remove();
}

void SafeFile::reserve(int fd, std::uint64_t end) {
  if (fd < 0 || !reserve_supported_ || end <= reserved_end_) return;
  // fallocate with KEEP_SIZE is not subject to the file-size limit (ulimit -f); check it.
  rlimit limit{};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      end > limit.rlim_cur) {
    throw IoError(in_quotes(path_) + ": cannot write the file: " + errno_text(EFBIG));
  }
  if (::fallocate(fd, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(reserved_end_),
                  static_cast<off_t>(end - reserved_end_)) != 0) {
    const int err = errno;
    if (err == ENOSPC || err == EFBIG || err == EDQUOT) {
      throw IoError(in_quotes(path_) + ": cannot write the file: " + errno_text(err));
    }
    reserve_supported_ = false;
    return;
  }
  reserved_end_ = end;
}

void SafeFile::divert(int fd) noexcept {
  if (fd < 0) return;
  const int sink = ::memfd_create("leadsim-abandoned", MFD_CLOEXEC);
  if (sink >= 0) {
    ::dup2(sink, fd);
    ::close(sink);
  }
}

void SafeFile::commit() {
  if (committed_) return;
  // Truncating to the current size releases blocks reserved past the end of file (a hole
  // punched beyond EOF does not, on ext4).
  std::error_code ec;
  const auto size = fs::file_size(temp_, ec);
  if (!ec && reserved_end_ > size) ::truncate(temp_.c_str(), static_cast<off_t>(size));
  durable_rename(temp_, path_);
  committed_ = true;
}

void SafeFile::remove() noexcept {
  if (committed_) return;
  std::error_code ec;
  fs::remove(temp_, ec);
}

void rename_onto(const std::string& from, const std::string& to, bool force) {
  std::error_code ec;
  check_replaceable(to);
  if (!force && fs::exists(fs::symlink_status(to, ec))) throw OutputExists(to);
  durable_rename(from, to);
}

}  // namespace leadsim::io
