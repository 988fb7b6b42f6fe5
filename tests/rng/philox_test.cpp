// Known-answer tests for the generator and the stream layout built on it.
//
// The Philox4x64-10 vectors are the Random123 distribution's tests/kat_vectors lines
// "philox4x64 10 CTR KEY EXPECTED" (the zero, all-ones and pi-digits vectors, plus three lines
// with single set bits). They are copied from the published file, not computed here: a test
// that compared r123::Philox4x64 with itself could not fail.
#include "leadsim/rng/philox.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace leadsim::rng {
namespace {

struct Kat {
  std::array<std::uint64_t, 4> ctr;
  std::array<std::uint64_t, 2> key;
  std::array<std::uint64_t, 4> expected;
};

constexpr std::uint64_t kOnes = ~std::uint64_t{0};

const Kat kKats[] = {
    {{0, 0, 0, 0},
     {0, 0},
     {0x16554d9eca36314cull, 0xdb20fe9d672d0fdcull, 0xd7e772cee186176bull, 0x7e68b68aec7ba23bull}},
    {{kOnes, kOnes, kOnes, kOnes},
     {kOnes, kOnes},
     {0x87b092c3013fe90bull, 0x438c3c67be8d0224ull, 0x9cc7d7c69cd777b6ull, 0xa09caebf594f0ba0ull}},
    {{0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull},
     {0x452821e638d01377ull, 0xbe5466cf34e90c6cull},
     {0xa528f45403e61d95ull, 0x38c72dbd566e9788ull, 0xa5a1610e72fd18b5ull, 0x57bd43b5e52b7fe6ull}},
    {{1, 0, 0, 0},
     {1, 0},
     {0x4db6a27b756282dfull, 0xd944fa03babe0e2full, 0x27f872e577060d32ull, 0x07f697696a0482a2ull}},
    {{0, 0, 0, 1},
     {0, 1},
     {0xc403b0ed4f4a56bcull, 0x4c10205602338da5ull, 0x44026cf45fd8c7b3ull, 0xc85ab2577611200aull}},
    {{0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull},
     {0, 0x8000000000000000ull},
     {0x79b0012fa80e5ad7ull, 0x15b81f9bf706cc38ull, 0x6586b6802ea9ba1cull, 0x1bba4ac847739bcaull}},
};

TEST(Philox4x64, MatchesRandom123KnownAnswerVectors) {
  r123::Philox4x64 gen;
  for (const Kat& k : kKats) {
    const r123::Philox4x64::ctr_type ctr = {{k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]}};
    const r123::Philox4x64::key_type key = {{k.key[0], k.key[1]}};
    const auto out = gen(ctr, key);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(out.v[i], k.expected[static_cast<std::size_t>(i)])
          << "ctr[0]=" << std::hex << k.ctr[0] << " key[0]=" << k.key[0] << " word " << i;
    }
  }
}

// Stream(seed, org, c0, c1) must generate exactly the blocks Philox4x64(ctr=(c0, c1, b, 0),
// key=(seed, org)) for b = 0, 1, ...: pinned through published vectors, not through Random123.
TEST(Stream, LayoutMatchesKnownAnswerVectors) {
  Stream zero(0, 0, 0, 0);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(zero.next_u64(), kKats[0].expected[i]);
  EXPECT_EQ(zero.blocks(), 1u);

  // Block index 1 with key (1, 0): the kat line "ctr 0 0 1 0, key 1 0".
  const std::array<std::uint64_t, 4> block1 = {0x05c42b05ff257651ull, 0x83431181197ac359ull,
                                               0x57be92230b7ced59ull, 0x75073635c66ba84bull};
  Stream s(1, 0, 0, 0);
  for (int i = 0; i < 4; ++i) s.next_u64();
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(s.next_u64(), block1[i]);
  EXPECT_EQ(s.blocks(), 2u);

  // c1 = 1 with key (1, 0): the kat line "ctr 0 1 0 0, key 1 0".
  const std::array<std::uint64_t, 4> sub1 = {0xbbf738c62d3516b3ull, 0x7faed3926853226bull,
                                             0xc175b4809d5da923ull, 0x7a77f6c341cec732ull};
  Stream t(1, 0, 0, 1);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(t.next_u64(), sub1[i]);

  // c0 = 1 with key (1, 0): the kat line "ctr 1 0 0 0, key 1 0".
  Stream u(1, 0, 1, 0);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(u.next_u64(), kKats[3].expected[i]);
}

TEST(Stream, ResetRestartsAndCopiesAreIndependent) {
  Stream a(5, 6, tag(kTestPurpose, 1), 2);
  const std::uint64_t first = a.next_u64();
  Stream b = a;
  const std::uint64_t a2 = a.next_u64();
  EXPECT_EQ(b.next_u64(), a2);
  a.reset(5, 6, tag(kTestPurpose, 1), 2);
  EXPECT_EQ(a.next_u64(), first);
  EXPECT_EQ(a.blocks(), 1u);
}

TEST(Stream, UniformRangesAndResolution) {
  // uniform() = top 53 bits * 2^-53 in [0,1); uniform_pos() adds one ulp step: (0,1].
  Stream s(0, 0, 0, 0);
  const double u = s.uniform();
  EXPECT_EQ(u, static_cast<double>(kKats[0].expected[0] >> 11) * 0x1.0p-53);
  const double p = s.uniform_pos();
  EXPECT_EQ(p, static_cast<double>((kKats[0].expected[1] >> 11) + 1) * 0x1.0p-53);
}

TEST(StreamTag, PacksPurposeAndId) {
  EXPECT_EQ(tag(1u, 0), 0x100000000ull);
  EXPECT_EQ(tag(kTestPurpose, 0xffffffffu), (99ull << 32) | 0xffffffffull);
  EXPECT_NE(tag(3u, 1), tag(4u, 1));
}

TEST(StreamNameId, IsFnv1a32) {
  // Published FNV-1a 32-bit test values.
  static_assert(name_id("") == 0x811c9dc5u);
  static_assert(name_id("a") == 0xe40c292cu);
  static_assert(name_id("foobar") == 0xbf9cf968u);
  EXPECT_NE(name_id("skill_home"), name_id("skill_other"));
}

}  // namespace
}  // namespace leadsim::rng
