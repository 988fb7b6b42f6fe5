// The record spool: per-organization records of a running study, appended in work-item order
// to a flat file of fixed-size rows, and turned into the HDF5 file's record datasets at the
// end. Row layout (native little-endian, 16 + 8 * (P + M*K) bytes):
//   u64 scenario | u64 org | P doubles (params) | M*K doubles (metrics, mode-major)
// A checkpoint records the row count; rows beyond it (written after the last checkpoint,
// before a crash) are cut off when the run resumes.
//
// Integrity: the rows form blocks of kBlockRows rows (the last one may be short), and the
// spool keeps the CRC-32C of each block's bytes as it appends them. A checkpoint stores
// checksums(); resuming verifies every kept block against them, and read() verifies every
// block it returns whole, so a flipped bit on disk is a FormatError naming the file and the
// block, never a value in the results.
// Not thread-safe: one thread (the runner's serial stage) appends.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "leadsim/io/results.h"
#include "leadsim/run/runner.h"

namespace leadsim::run {

class Spool final : public RecordSink {
 public:
  static constexpr std::uint64_t kBlockRows = 4096;

  // Opens `path` for appending rows of P params and MK metrics. With keep_rows < 0 the file is
  // created empty (truncated if present); otherwise it must hold at least keep_rows complete
  // rows, is truncated to exactly that many, and its blocks must match `checksums` (one per
  // block of the kept rows): FormatError naming the file (and the block) otherwise.
  // Throws IoError naming the file.
  Spool(const std::string& path, std::size_t P, std::size_t MK, std::int64_t keep_rows,
        std::span<const std::uint32_t> checksums = {});
  ~Spool() override;
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  void append(const io::RecordBatch& batch) override;
  // Writes buffered rows and fsyncs; afterwards rows() rows are durable.
  void sync();
  std::uint64_t rows() const { return rows_; }
  // CRC-32C of each block of rows() rows, the last (short) block included.
  std::vector<std::uint32_t> checksums() const;
  std::size_t row_bytes() const { return row_bytes_; }

  // Reads rows [first, first + n) (buffered rows are flushed first). Throws IoError.
  io::RecordBatch read(std::uint64_t first, std::uint64_t n);

 private:
  void flush();
  // Verifies the blocks lying wholly in rows [first, first + n) of `raw` (those rows' bytes).
  void verify(std::uint64_t first, std::uint64_t n, const std::uint8_t* raw) const;
  std::string path_;
  std::size_t P_, MK_, row_bytes_;
  int fd_ = -1;
  std::uint64_t rows_ = 0;  // rows appended (including buffered)
  std::vector<std::uint8_t> buf_;
  std::vector<std::uint32_t> crcs_;  // complete blocks
  std::uint32_t tail_crc_ = 0;       // the rows after them (rows_ % kBlockRows)
};

}  // namespace leadsim::run
