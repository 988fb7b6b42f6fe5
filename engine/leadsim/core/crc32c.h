// CRC-32C (Castagnoli), the checksum of the record spool's blocks: detects every burst of up
// to 32 flipped bits and any odd number of flipped bits in a block. Software, slicing by 8
// (about 1-2 GB/s), so that it needs no CPU feature.
#pragma once

#include <cstdint>
#include <span>

namespace leadsim {

// CRC-32C of `bytes` continuing from `crc` (0 to start): crc32c(b, crc32c(a)) == crc32c(a+b).
std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0);

}  // namespace leadsim
