// Little-endian byte writer and bounds-checked reader for the stats serialization. Every read
// past the end throws FormatError naming the buffer and offset; nothing reads out of bounds.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "leadsim/core/error.h"

namespace leadsim::stats {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { buf_.push_back(v); }
  void u16(std::uint16_t v) { put(v, 2); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i32(std::int32_t v) { put(static_cast<std::uint32_t>(v), 4); }
  void f64(double v) { put(std::bit_cast<std::uint64_t>(v), 8); }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    buf_.insert(buf_.end(), s.begin(), s.end());
  }
  std::vector<std::uint8_t>& bytes() { return buf_; }

 private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> buf_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> b) : b_(b) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(get(1, "u8")); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(get(2, "u16")); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4, "u32")); }
  std::uint64_t u64() { return get(8, "u64"); }
  std::int32_t i32() {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(get(4, "i32")));
  }
  double f64() { return std::bit_cast<double>(get(8, "f64")); }
  std::string str(std::size_t max_len = 1u << 16) {
    const std::uint32_t n = u32();
    if (n > max_len || n > remaining()) fail("string length " + std::to_string(n));
    std::string s(b_.begin() + static_cast<std::ptrdiff_t>(pos_),
                  b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return s;
  }
  std::size_t remaining() const { return b_.size() - pos_; }
  std::size_t pos() const { return pos_; }
  // Throws unless at least n items of `size` bytes remain (guards allocations).
  void need(std::uint64_t n, std::uint64_t size, const char* what) const {
    if (size != 0 && n > remaining() / size)
      fail(std::string("count of ") + what + " " + std::to_string(n) + " exceeds the buffer");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw FormatError("run stats buffer: " + why + " at byte " + std::to_string(pos_));
  }

 private:
  std::uint64_t get(std::size_t n, const char* what) {
    if (remaining() < n) fail(std::string("truncated reading ") + what);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(b_[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
  }
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
};

}  // namespace leadsim::stats
