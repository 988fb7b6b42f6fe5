// Checkpoints of an interrupted or running study: everything needed to continue it bit for
// bit. Written atomically (temporary file, fsync, rename, fsync of the directory), so a
// checkpoint file is always either the previous complete one or the new complete one.
//
// File format (all little-endian):
//   "LSCK" | u32 version (3) | str config_ini | str model | str identity
//   | u32 w | w x str binaries (version 3 only) | u64 seed
//   | u64 shard_index | u64 shard_count | u64 item_first | u64 item_end | u64 items_total
//   | u64 next_item | u64 spool_rows | u64 events | u64 rng_blocks
//   | u64 b | b x u32 spool block CRC-32C (Spool::checksums())
//   | u64 n | n bytes RunStats::serialize() | u64 FNV-1a 64 of every byte before it
// where str is u32 length + bytes. Readers check the magic, version, checksum, every length
// and next_item within [item_first, item_end] before trusting anything.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace leadsim::run {

struct Checkpoint {
  std::string config_ini;  // ResolvedConfig::to_ini() of the run
  std::string model;
  std::string identity;  // run::results_identity of the binary that wrote it
  // Every leadsim build that has written a checkpoint of this run, oldest first, each once in
  // a row (binary_description()): a resume by another build appends itself. Empty in a
  // version-2 checkpoint, which did not record it.
  std::vector<std::string> binaries;
  std::uint64_t seed = 0;
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  std::uint64_t item_first = 0;  // the shard's work items [item_first, item_end)
  std::uint64_t item_end = 0;
  std::uint64_t items_total = 0;
  std::uint64_t next_item = 0;   // items [item_first, next_item) are done
  std::uint64_t spool_rows = 0;  // records of those items in the spool
  std::uint64_t events = 0;      // counters of the done items (progress reporting only)
  std::uint64_t rng_blocks = 0;
  std::vector<std::uint32_t> spool_checksums;  // of the spool's first spool_rows rows
  std::vector<std::uint8_t> stats;             // stats::RunStats::serialize()
};

inline constexpr std::uint32_t kCheckpointVersion = 3;
// The oldest version parse_checkpoint() still reads (2: the same, without `binaries`).
inline constexpr std::uint32_t kCheckpointVersionRead = 2;

// This build as a checkpoint records it: "leadsim 0.1.0 (git 94007cc; GNU 12.2.0 ...)".
std::string binary_description();

std::vector<std::uint8_t> serialize_checkpoint(const Checkpoint& c);
// Throws FormatError "<name>: <reason> at byte N" on a bad magic, version, checksum, length or
// inconsistent range. Never reads out of bounds.
Checkpoint parse_checkpoint(std::span<const std::uint8_t> bytes, const std::string& name);

// tmp + fsync + rename + directory fsync. Throws IoError naming the path.
void write_checkpoint(const std::string& path, const Checkpoint& c);
// Throws IoError (unreadable) or FormatError (corrupt or truncated) naming the path.
Checkpoint read_checkpoint(const std::string& path);

// FNV-1a 64 of a byte range.
std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes);

}  // namespace leadsim::run
