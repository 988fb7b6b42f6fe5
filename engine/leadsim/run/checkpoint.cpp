#include "leadsim/run/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "leadsim/core/error.h"
#include "leadsim/core/provenance.h"
#include "leadsim/stats/byte_io.h"

namespace leadsim::run {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[4] = {'L', 'S', 'C', 'K'};
constexpr std::size_t kMaxText = std::size_t{1} << 28;

[[noreturn]] void io_fail(const std::string& what, const std::string& path) {
  throw IoError("cannot " + what + " checkpoint '" + path + "': " + errno_text(errno));
}

void write_all(int fd, const std::uint8_t* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      errno = err;
      io_fail("write", path);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

std::string binary_description() {
  return "leadsim " + version_string() + " (git " + git_describe() + "; " + compiler_string() + ")";
}

std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::vector<std::uint8_t> serialize_checkpoint(const Checkpoint& c) {
  stats::ByteWriter w;
  for (char ch : kMagic) w.u8(static_cast<std::uint8_t>(ch));
  w.u32(kCheckpointVersion);
  w.str(c.config_ini);
  w.str(c.model);
  w.str(c.identity);
  w.u32(static_cast<std::uint32_t>(c.binaries.size()));
  for (const std::string& b : c.binaries) w.str(b);
  for (std::uint64_t v : {c.seed, c.shard_index, c.shard_count, c.item_first, c.item_end,
                          c.items_total, c.next_item, c.spool_rows, c.events, c.rng_blocks}) {
    w.u64(v);
  }
  w.u64(c.spool_checksums.size());
  for (std::uint32_t crc : c.spool_checksums) w.u32(crc);
  w.u64(c.stats.size());
  auto& b = w.bytes();
  b.insert(b.end(), c.stats.begin(), c.stats.end());
  w.u64(fnv1a64(b));
  return std::move(w.bytes());
}

Checkpoint parse_checkpoint(std::span<const std::uint8_t> bytes, const std::string& name) {
  auto bad = [&](const std::string& why, std::size_t at) -> void {
    throw FormatError(name + ": " + why + " at byte " + std::to_string(at));
  };
  if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    bad("not a leadsim checkpoint (bad magic)", 0);
  }
  if (bytes.size() < 4 + 4 + 8) bad("truncated", bytes.size());
  // The checksum is verified first so that nothing below acts on damaged bytes.
  const std::size_t body = bytes.size() - 8;
  stats::ByteReader tail(bytes.subspan(body));
  if (tail.u64() != fnv1a64(bytes.first(body))) {
    bad("checksum mismatch (truncated or damaged)", body);
  }
  Checkpoint c;
  try {
    stats::ByteReader r(bytes.first(body));
    for (int i = 0; i < 4; ++i) r.u8();
    const std::uint32_t version = r.u32();
    if (version < kCheckpointVersionRead || version > kCheckpointVersion) {
      bad("version " + std::to_string(version) + " (this leadsim reads " +
              std::to_string(kCheckpointVersionRead) + " to " + std::to_string(kCheckpointVersion) +
              ")",
          4);
    }
    c.config_ini = r.str(kMaxText);
    c.model = r.str(kMaxText);
    c.identity = r.str(kMaxText);
    if (version >= 3) {
      const std::uint32_t writers = r.u32();
      r.need(writers, 4, "binaries");
      c.binaries.resize(writers);
      for (std::string& b : c.binaries) b = r.str(kMaxText);
    }
    for (std::uint64_t* v :
         {&c.seed, &c.shard_index, &c.shard_count, &c.item_first, &c.item_end, &c.items_total,
          &c.next_item, &c.spool_rows, &c.events, &c.rng_blocks}) {
      *v = r.u64();
    }
    const std::uint64_t blocks = r.u64();
    r.need(blocks, 4, "spool checksums");
    c.spool_checksums.resize(static_cast<std::size_t>(blocks));
    for (std::uint32_t& crc : c.spool_checksums) crc = r.u32();
    const std::uint64_t n = r.u64();
    r.need(n, 1, "stats bytes");
    const std::size_t at = r.pos();
    c.stats.assign(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                   bytes.begin() + static_cast<std::ptrdiff_t>(at + n));
    if (at + n != body) bad(std::to_string(body - at - n) + " unexpected trailing bytes", at + n);
  } catch (const FormatError& e) {
    if (std::string(e.what()).rfind(name, 0) == 0) throw;
    throw FormatError(name + ": " + e.what());
  }
  if (c.shard_count == 0 || c.shard_index >= c.shard_count || c.item_first > c.item_end ||
      c.item_end > c.items_total || c.next_item < c.item_first || c.next_item > c.item_end) {
    bad("inconsistent shard or item range", 0);
  }
  return c;
}

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  const std::vector<std::uint8_t> bytes = serialize_checkpoint(c);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_fail("create", tmp);
  write_all(fd, bytes.data(), bytes.size(), tmp);
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    io_fail("sync", tmp);
  }
  if (::close(fd) != 0) io_fail("close", tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) io_fail("rename onto", path);
  // The rename is durable only once the directory entry is.
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

Checkpoint read_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) io_fail("open", path);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) io_fail("read", path);
  return parse_checkpoint(bytes, "checkpoint '" + path + "'");
}

}  // namespace leadsim::run
