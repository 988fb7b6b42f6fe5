// Checkpoint serialization and the record spool: round trips, and every kind of damaged input
// rejected with a FormatError that names the file, never a crash or an out-of-bounds read.
#include "leadsim/run/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "leadsim/core/crc32c.h"
#include "leadsim/core/error.h"
#include "leadsim/run/spool.h"
#include "leadsim/stats/run_stats.h"

namespace leadsim::run {
namespace {

namespace fs = std::filesystem;

Checkpoint sample_checkpoint() {
  std::vector<stats::MetricDef> metrics = {
      {"a", "1", "toy a", stats::Better::kHigher, 0.0, 2.0, 20, false}};
  stats::RunStats st(2, 3, metrics, 0);
  for (int i = 0; i < 50; ++i) {
    const double v = 0.03 * i;
    const std::vector<double> m = {v, v + 0.1, v * 0.5};
    st.add(static_cast<std::uint64_t>(i % 2), m);
  }
  Checkpoint c;
  c.config_ini = "[run]\nmodel = toy\nseed = 7\n";
  c.model = "toy";
  c.identity = "toy results v1; fp ieee";
  c.binaries = {"leadsim 0.0.9 (git abc; GNU 12)", binary_description()};
  c.seed = 7;
  c.shard_index = 1;
  c.shard_count = 3;
  c.item_first = 10;
  c.item_end = 20;
  c.items_total = 30;
  c.next_item = 15;
  c.spool_rows = 80;
  c.events = 12345;
  c.rng_blocks = 678;
  c.spool_checksums = {0xdeadbeefu, 7u};
  c.stats = st.serialize();
  return c;
}

std::string temp_dir() {
  const fs::path d =
      fs::temp_directory_path() / ("leadsim-ckpt-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d.string();
}

TEST(Checkpoint, RoundTripsEveryField) {
  const Checkpoint c = sample_checkpoint();
  const auto bytes = serialize_checkpoint(c);
  const Checkpoint d = parse_checkpoint(bytes, "test");
  EXPECT_EQ(d.config_ini, c.config_ini);
  EXPECT_EQ(d.model, c.model);
  EXPECT_EQ(d.identity, c.identity);
  EXPECT_EQ(d.binaries, c.binaries);
  EXPECT_EQ(d.spool_checksums, c.spool_checksums);
  EXPECT_EQ(d.seed, c.seed);
  EXPECT_EQ(d.shard_index, c.shard_index);
  EXPECT_EQ(d.shard_count, c.shard_count);
  EXPECT_EQ(d.item_first, c.item_first);
  EXPECT_EQ(d.item_end, c.item_end);
  EXPECT_EQ(d.items_total, c.items_total);
  EXPECT_EQ(d.next_item, c.next_item);
  EXPECT_EQ(d.spool_rows, c.spool_rows);
  EXPECT_EQ(d.events, c.events);
  EXPECT_EQ(d.rng_blocks, c.rng_blocks);
  EXPECT_EQ(d.stats, c.stats);
  // The stats bytes come back as a state equal to the one serialized.
  EXPECT_TRUE(stats::RunStats::deserialize(d.stats) == stats::RunStats::deserialize(c.stats));
  EXPECT_EQ(serialize_checkpoint(d), bytes);
}

TEST(Checkpoint, WriteIsAtomicAndReadable) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/checkpoint.bin";
  Checkpoint c = sample_checkpoint();
  write_checkpoint(path, c);
  c.next_item = 19;
  write_checkpoint(path, c);  // replaces the first
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(read_checkpoint(path).next_item, 19u);
  fs::remove_all(dir);
}

TEST(Checkpoint, EveryTruncationIsAFormatError) {
  const auto bytes = serialize_checkpoint(sample_checkpoint());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::span<const std::uint8_t> cut(bytes.data(), n);
    EXPECT_THROW(parse_checkpoint(cut, "ck"), FormatError) << "length " << n;
  }
}

TEST(Checkpoint, EverySingleBitFlipIsDetected) {
  const auto good = serialize_checkpoint(sample_checkpoint());
  // FNV-1a detects every single-bit change; flipping every 7th byte keeps the test fast.
  for (std::size_t i = 0; i < good.size(); i += 7) {
    auto bad = good;
    bad[i] ^= 0x10;
    try {
      parse_checkpoint(bad, "ck.bin");
      ADD_FAILURE() << "flip at byte " << i << " accepted";
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("ck.bin"), std::string::npos) << e.what();
    }
  }
}

// A version-2 checkpoint (the same without the list of builds) still resumes: it reads with
// no builds; a version this leadsim does not know is refused with both numbers.
TEST(Checkpoint, ReadsVersionTwoAndRefusesUnknownVersions) {
  Checkpoint c = sample_checkpoint();
  c.binaries.clear();
  auto v3 = serialize_checkpoint(c);
  // Version 2: the version field 2 and no 4-byte count of builds (an empty list is the
  // count 0 right after the identity string).
  std::vector<std::uint8_t> v2(v3.begin(), v3.end() - 8);
  std::size_t at = 8;
  for (int i = 0; i < 3; ++i) {
    std::uint32_t n = 0;
    std::memcpy(&n, v2.data() + at, 4);
    at += 4 + n;
  }
  v2.erase(v2.begin() + static_cast<std::ptrdiff_t>(at),
           v2.begin() + static_cast<std::ptrdiff_t>(at + 4));
  v2[4] = 2;
  auto seal = [](std::vector<std::uint8_t> b) {
    const std::uint64_t h = fnv1a64(b);
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(h >> (8 * i)));
    return b;
  };
  const Checkpoint d = parse_checkpoint(seal(v2), "v2.bin");
  EXPECT_TRUE(d.binaries.empty());
  EXPECT_EQ(d.identity, c.identity);
  EXPECT_EQ(d.next_item, c.next_item);
  EXPECT_EQ(d.stats, c.stats);
  std::vector<std::uint8_t> v4(v3.begin(), v3.end() - 8);
  v4[4] = 4;
  try {
    parse_checkpoint(seal(v4), "v4.bin");
    ADD_FAILURE() << "version 4 accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("version 4 (this leadsim reads 2 to 3)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Checkpoint, InconsistentRangeRejectedEvenWithValidChecksum) {
  Checkpoint c = sample_checkpoint();
  c.next_item = 25;  // beyond item_end
  EXPECT_THROW(parse_checkpoint(serialize_checkpoint(c), "ck"), FormatError);
  c = sample_checkpoint();
  c.shard_index = 3;  // not below shard_count
  EXPECT_THROW(parse_checkpoint(serialize_checkpoint(c), "ck"), FormatError);
}

TEST(Checkpoint, MissingFileIsAnIoErrorNamingIt) {
  try {
    read_checkpoint("/nonexistent-dir/checkpoint.bin");
    ADD_FAILURE() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/checkpoint.bin"), std::string::npos);
  }
}

io::RecordBatch rows(std::uint64_t first, std::uint64_t n, std::size_t P, std::size_t MK) {
  io::RecordBatch b;
  for (std::uint64_t i = first; i < first + n; ++i) {
    b.scenario.push_back(i / 10);
    b.org.push_back(i % 10);
    for (std::size_t p = 0; p < P; ++p) b.params.push_back(static_cast<double>(i) + 0.25 * p);
    for (std::size_t k = 0; k < MK; ++k) b.metrics.push_back(-static_cast<double>(i) / (k + 1));
  }
  return b;
}

TEST(Spool, RoundTripsRowsAndTruncatesOnResume) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/records.bin";
  constexpr std::size_t P = 2, MK = 3;
  std::vector<std::uint32_t> at_checkpoint;
  {
    Spool s(path, P, MK, -1);
    s.append(rows(0, 25, P, MK));
    s.sync();
    at_checkpoint = s.checksums();
    s.append(rows(25, 10, P, MK));  // "after the checkpoint"
    s.sync();
    EXPECT_EQ(s.rows(), 35u);
    EXPECT_EQ(fs::file_size(path), 35u * s.row_bytes());
  }
  ASSERT_EQ(at_checkpoint.size(), 1u);
  Spool s(path, P, MK, 25, at_checkpoint);  // resume from a checkpoint that saw 25 rows
  EXPECT_EQ(s.rows(), 25u);
  s.append(rows(25, 5, P, MK));
  const io::RecordBatch all = s.read(0, 30);
  const io::RecordBatch want = rows(0, 30, P, MK);
  EXPECT_EQ(all.scenario, want.scenario);
  EXPECT_EQ(all.org, want.org);
  EXPECT_EQ(all.params, want.params);
  EXPECT_EQ(all.metrics, want.metrics);
  EXPECT_THROW(s.read(20, 11), std::out_of_range);
  fs::remove_all(dir);
}

TEST(Spool, ShorterThanTheCheckpointIsAFormatError) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/records.bin";
  {
    Spool s(path, 1, 1, -1);
    s.append(rows(0, 4, 1, 1));
    s.sync();
  }
  EXPECT_THROW(Spool(path, 1, 1, 5), FormatError);
  fs::remove_all(dir);
}

TEST(Crc32c, KnownValueAndContinuation) {
  const std::string text = "123456789";
  const std::span<const std::uint8_t> b(reinterpret_cast<const std::uint8_t*>(text.data()),
                                        text.size());
  EXPECT_EQ(crc32c(b), 0xE3069283u);  // the CRC-32C check value (RFC 3720)
  for (std::size_t cut = 0; cut <= b.size(); ++cut) {
    EXPECT_EQ(crc32c(b.subspan(cut), crc32c(b.first(cut))), 0xE3069283u) << cut;
  }
  EXPECT_EQ(crc32c({}), 0u);
}

// Writes n rows of one parameter and one metric; returns the spool's block checksums.
std::vector<std::uint32_t> write_blocks(const std::string& path, std::uint64_t n) {
  Spool s(path, 1, 1, -1);
  for (std::uint64_t i = 0; i < n; i += 1000)
    s.append(rows(i, std::min<std::uint64_t>(1000, n - i), 1, 1));
  s.sync();
  return s.checksums();
}

void flip_byte(const std::string& path, std::uint64_t at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  const int c = f.get();
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(c ^ 0x01));
}

TEST(Spool, ResumeVerifiesEveryBlock) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/records.bin";
  const std::uint64_t n = Spool::kBlockRows * 5 / 2;
  const std::vector<std::uint32_t> crcs = write_blocks(path, n);
  ASSERT_EQ(crcs.size(), 3u);
  { Spool ok(path, 1, 1, static_cast<std::int64_t>(n), crcs); }
  const std::uint64_t row = 16 + 8 * 2;
  // A flip in block 1, then one in the short last block: each is named.
  for (const std::uint64_t block : {1u, 2u}) {
    const std::uint64_t at = (block * Spool::kBlockRows + 17) * row + 20;
    flip_byte(path, at);
    try {
      Spool bad(path, 1, 1, static_cast<std::int64_t>(n), crcs);
      ADD_FAILURE() << "flip in block " << block << " accepted";
    } catch (const FormatError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(path), std::string::npos) << msg;
      EXPECT_NE(msg.find("block " + std::to_string(block)), std::string::npos) << msg;
    }
    flip_byte(path, at);  // restored
  }
  // The checksums must be those of the kept rows.
  EXPECT_THROW(Spool(path, 1, 1, static_cast<std::int64_t>(n), {crcs.data(), 2}), FormatError);
  fs::remove_all(dir);
}

TEST(Spool, ReadVerifiesTheBlocksItReturns) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/records.bin";
  Spool s(path, 1, 1, -1);
  const std::uint64_t n = Spool::kBlockRows + 100;
  s.append(rows(0, n, 1, 1));
  s.sync();
  EXPECT_EQ(s.read(0, n).size(), n);
  flip_byte(path, 5 * s.row_bytes() + 9);  // block 0, damaged on disk after it was written
  EXPECT_EQ(s.read(Spool::kBlockRows, 100).size(), 100u);  // block 1 alone is intact
  try {
    s.read(0, n);
    ADD_FAILURE() << "a damaged block was read";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("block 0"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace leadsim::run
