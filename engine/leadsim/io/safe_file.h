// A file written safely: under a temporary name beside its final path, with disk space
// reserved ahead of the writes, renamed onto the final path only when complete, and removed
// when abandoned. Knows nothing of the file's contents (see results.cpp for the layout).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace leadsim::io {

// The longest file name (one path component) the writer makes: Linux NAME_MAX.
inline constexpr std::size_t kMaxFileName = 255;

// `path` + `suffix`, the name of a file or directory made next to `path` (temporary file,
// partial directory). When that name would exceed kMaxFileName, the file-name part of `path`
// is cut and a hash of the whole name keeps it unique: deterministic, so a resume finds the
// same partial directory. Example: sibling_name("o.h5", ".partial") == "o.h5.partial".
std::string sibling_name(const std::string& path, const std::string& suffix);

class SafeFile {
 public:
  // Checks that `path` may be created: its directory exists and is writable, `path` is not a
  // directory and, unless `force`, does not exist. The temporary name is "<path>.tmp.<pid>";
  // nothing is created yet. Throws IoError (OutputExists for an existing path).
  SafeFile(std::string path, bool force);
  // Removes the temporary file unless committed.
  ~SafeFile();
  SafeFile(const SafeFile&) = delete;
  SafeFile& operator=(const SafeFile&) = delete;

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_; }

  // Reserves disk blocks (fallocate, KEEP_SIZE) for the temporary file, open on descriptor
  // `fd`, up to byte `end`, so that a full disk fails here rather than in the writer's own
  // writes. Throws IoError naming the path when the disk is full, the quota or the file-size
  // limit (ulimit -f) is exceeded; does nothing on file systems without fallocate.
  void reserve(int fd, std::uint64_t end);

  // Points `fd` at an anonymous in-memory file: whatever is still flushed to a file being
  // thrown away succeeds and reaches no disk.
  static void divert(int fd) noexcept;

  // The temporary file is complete and closed: releases the blocks reserved past its end,
  // syncs it to disk, renames it onto the path and syncs the directory. Throws IoError.
  void commit();

  // Removes the temporary file (closed by the caller) unless committed.
  void remove() noexcept;

 private:
  std::string path_;
  std::string temp_;
  std::uint64_t reserved_end_ = 0;
  bool reserve_supported_ = true;
  bool committed_ = false;
};

// Renames the complete file `from` onto `to` (same file system), refusing an existing `to`
// unless `force` (OutputExists): fsync of `from` first, of the directory after, so that the
// result is on disk before anything that could rebuild it (a checkpoint) is removed. Throws
// IoError.
void rename_onto(const std::string& from, const std::string& to, bool force);

}  // namespace leadsim::io
