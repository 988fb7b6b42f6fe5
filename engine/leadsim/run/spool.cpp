#include "leadsim/run/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "leadsim/core/crc32c.h"
#include "leadsim/core/error.h"

namespace leadsim::run {

static_assert(std::endian::native == std::endian::little, "the spool stores native rows");

namespace {

constexpr std::size_t kFlushBytes = std::size_t{4} << 20;

// Reads exactly n bytes at `offset`; false at end of file. Throws IoError.
bool pread_all(int fd, std::uint8_t* out, std::size_t n, off_t offset, const std::string& path) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, out + got, n - got, offset + static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw IoError("cannot read record spool '" + path + "': " + errno_text(errno));
    if (r == 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

std::uint64_t block_count(std::uint64_t rows) {
  return (rows + Spool::kBlockRows - 1) / Spool::kBlockRows;
}

}  // namespace

Spool::Spool(const std::string& path, std::size_t P, std::size_t MK, std::int64_t keep_rows,
             std::span<const std::uint32_t> checksums)
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
    if (checksums.size() != block_count(rows_)) {
      ::close(fd_);
      throw FormatError("record spool '" + path + "': the checkpoint holds " +
                        std::to_string(checksums.size()) + " block checksums for " +
                        std::to_string(rows_) + " rows (" + std::to_string(block_count(rows_)) +
                        " blocks)");
    }
    crcs_.assign(checksums.begin(), checksums.end());
    if (rows_ % kBlockRows != 0) {
      tail_crc_ = crcs_.back();
      crcs_.pop_back();
    }
    try {
      std::vector<std::uint8_t> raw;
      for (std::uint64_t first = 0; first < rows_; first += kBlockRows) {
        const std::uint64_t n = std::min(kBlockRows, rows_ - first);
        raw.resize(static_cast<std::size_t>(n) * row_bytes_);
        if (!pread_all(fd_, raw.data(), raw.size(), static_cast<off_t>(first * row_bytes_),
                       path_)) {
          throw FormatError("record spool '" + path_ + "': unexpected end of file");
        }
        verify(first, n, raw.data());
      }
    } catch (...) {
      ::close(fd_);
      throw;
    }
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
    tail_crc_ = crc32c({p, row_bytes_}, tail_crc_);
    if (++rows_ % kBlockRows == 0) {
      crcs_.push_back(tail_crc_);
      tail_crc_ = 0;
    }
    p += row_bytes_;
  }
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

std::vector<std::uint32_t> Spool::checksums() const {
  std::vector<std::uint32_t> out = crcs_;
  if (rows_ % kBlockRows != 0) out.push_back(tail_crc_);
  return out;
}

void Spool::verify(std::uint64_t first, std::uint64_t n, const std::uint8_t* raw) const {
  const std::uint64_t end = first + n;
  for (std::uint64_t b = block_count(first); b * kBlockRows < end; ++b) {
    const std::uint64_t a = b * kBlockRows;
    const std::uint64_t z = std::min(a + kBlockRows, rows_);
    if (z > end) break;  // not wholly in this range
    const std::uint32_t want = b < crcs_.size() ? crcs_[b] : tail_crc_;
    const std::uint8_t* p = raw + (a - first) * row_bytes_;
    if (crc32c({p, static_cast<std::size_t>(z - a) * row_bytes_}) != want) {
      throw FormatError("record spool '" + path_ + "': block " + std::to_string(b) + " (rows " +
                        std::to_string(a) + ".." + std::to_string(z - 1) +
                        ") fails its CRC-32C checksum (damaged on disk)");
    }
  }
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
  if (!pread_all(fd_, raw.data(), raw.size(), static_cast<off_t>(first * row_bytes_), path_)) {
    throw IoError("cannot read record spool '" + path_ + "': unexpected end of file");
  }
  verify(first, n, raw.data());
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
