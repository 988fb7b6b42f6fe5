#include "leadsim/run/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include "leadsim/core/error.h"

namespace leadsim::run {

static_assert(std::endian::native == std::endian::little, "the spool stores native rows");

namespace {

constexpr std::size_t kFlushBytes = std::size_t{4} << 20;

}  // namespace

Spool::Spool(const std::string& path, std::size_t P, std::size_t MK, std::int64_t keep_rows)
    : path_(path), P_(P), MK_(MK), row_bytes_(16 + 8 * (P + MK)) {
  const int flags = O_RDWR | O_CREAT | O_CLOEXEC | (keep_rows < 0 ? O_TRUNC : 0);
  fd_ = ::open(path.c_str(), flags, 0644);
  if (fd_ < 0) {
    throw IoError("cannot open record spool '" + path + "': " + errno_text(errno));
  }
  if (keep_rows >= 0) {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      const int err = errno;
      ::close(fd_);
      throw IoError("cannot stat record spool '" + path + "': " + errno_text(err));
    }
    const std::uint64_t want = static_cast<std::uint64_t>(keep_rows) * row_bytes_;
    if (static_cast<std::uint64_t>(st.st_size) < want) {
      ::close(fd_);
      throw FormatError("record spool '" + path + "' has " + std::to_string(st.st_size) +
                        " bytes; the checkpoint needs " + std::to_string(want) +
                        " (truncated or from another run)");
    }
    // Rows written after the checkpoint (before a crash) are redone by the resumed run.
    if (::ftruncate(fd_, static_cast<off_t>(want)) != 0) {
      const int err = errno;
      ::close(fd_);
      throw IoError("cannot truncate record spool '" + path + "': " + errno_text(err));
    }
    rows_ = static_cast<std::uint64_t>(keep_rows);
  }
  if (::lseek(fd_, 0, SEEK_END) < 0) {
    const int err = errno;
    ::close(fd_);
    throw IoError("cannot seek record spool '" + path + "': " + errno_text(err));
  }
}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::append(const io::RecordBatch& b) {
  const std::size_t n = b.size();
  if (b.org.size() != n || b.params.size() != n * P_ || b.metrics.size() != n * MK_) {
    throw std::invalid_argument("record spool: batch shapes do not match the spool's row");
  }
  const std::size_t at = buf_.size();
  buf_.resize(at + n * row_bytes_);
  std::uint8_t* p = buf_.data() + at;
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(p, &b.scenario[i], 8);
    std::memcpy(p + 8, &b.org[i], 8);
    if (P_ > 0) std::memcpy(p + 16, b.params.data() + i * P_, 8 * P_);
    if (MK_ > 0) std::memcpy(p + 16 + 8 * P_, b.metrics.data() + i * MK_, 8 * MK_);
    p += row_bytes_;
  }
  rows_ += n;
  if (buf_.size() >= kFlushBytes) flush();
}

void Spool::flush() {
  const std::uint8_t* p = buf_.data();
  std::size_t left = buf_.size();
  while (left > 0) {
    const ssize_t w = ::write(fd_, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot write record spool '" + path_ + "': " + errno_text(errno));
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  buf_.clear();
}

void Spool::sync() {
  flush();
  if (::fdatasync(fd_) != 0) {
    throw IoError("cannot sync record spool '" + path_ + "': " + errno_text(errno));
  }
}

io::RecordBatch Spool::read(std::uint64_t first, std::uint64_t n) {
  flush();
  if (first > rows_ || n > rows_ - first) {
    throw std::out_of_range("record spool: rows beyond the " + std::to_string(rows_) + " stored");
  }
  std::vector<std::uint8_t> raw(static_cast<std::size_t>(n) * row_bytes_);
  std::size_t got = 0;
  const auto base = static_cast<off_t>(first * row_bytes_);
  while (got < raw.size()) {
    const ssize_t r =
        ::pread(fd_, raw.data() + got, raw.size() - got, base + static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      throw IoError("cannot read record spool '" + path_ +
                    "': " + (r == 0 ? std::string("unexpected end of file") : errno_text(errno)));
    }
    got += static_cast<std::size_t>(r);
  }
  io::RecordBatch b;
  b.resize(n, P_, MK_);
  const std::uint8_t* p = raw.data();
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(&b.scenario[i], p, 8);
    std::memcpy(&b.org[i], p + 8, 8);
    if (P_ > 0) std::memcpy(b.params.data() + i * P_, p + 16, 8 * P_);
    if (MK_ > 0) std::memcpy(b.metrics.data() + i * MK_, p + 16 + 8 * P_, 8 * MK_);
    p += row_bytes_;
  }
  return b;
}

}  // namespace leadsim::run
