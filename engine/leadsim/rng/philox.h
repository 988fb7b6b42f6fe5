// Counter-based random streams addressed by what is simulated, never by thread or draw order.
//
// Generator: Philox4x64-10 (Random123). It is the fastest Philox variant on x86-64 (one
// 64x64->128 multiply per round and lane) and passes BigCrush; 10 rounds is the published
// safe default. A stream is
//     key     = (seed, org)                         two 64-bit words
//     counter = (c0 = tag(purpose, id), c1 = sub, c2 = block index, c3 = 0)
// and yields four 64-bit words per block, c2 counting blocks from 0. `purpose` says what the
// words are for (a parameter, a worker's traits, a period's problems...), `id` and `sub`
// narrow it down (parameter hash, worker index, period); the model numbers its purposes. The
// scenario is deliberately not in the key: organization k's randomness is shared by every scenario
// of a sweep (MODEL.md §1). Scheme name recorded in results files: kRngScheme.
//
// Thread safety: a Stream is a small value type; copies are independent. Never share one
// between threads.
#pragma once

#include <Random123/philox.h>

#include <cstdint>

namespace leadsim::rng {

inline constexpr const char* kRngScheme =
    "philox4x64-10; key=(seed,org); ctr=(purpose<<32|id, sub, block, 0); leadsim-rng v1";

// A purpose number says what a stream's words are for; the model that draws them names its
// numbers (leadership/streams.h, march/model.h) and they are part of its replay contract. The
// engine reserves kTestPurpose for tests and benchmarks, and kBootstrapPurpose for the
// bootstrap resamples of sensitivity studies (stats/sobol.h).
inline constexpr std::uint32_t kTestPurpose = 99;
inline constexpr std::uint32_t kBootstrapPurpose = 98;

constexpr std::uint64_t tag(std::uint32_t purpose, std::uint32_t id) {
  return (static_cast<std::uint64_t>(purpose) << 32) | id;
}

// 32-bit FNV-1a of a name: stable ids for parameters and modes, independent of their order.
constexpr std::uint32_t name_id(const char* s) {
  std::uint32_t h = 2166136261u;
  for (; *s != '\0'; ++s) {
    h ^= static_cast<unsigned char>(*s);
    h *= 16777619u;
  }
  return h;
}

class Stream {
 public:
  using result_type = std::uint64_t;

  Stream() = default;
  Stream(std::uint64_t seed, std::uint64_t org, std::uint64_t c0, std::uint64_t c1 = 0) {
    reset(seed, org, c0, c1);
  }
  void reset(std::uint64_t seed, std::uint64_t org, std::uint64_t c0, std::uint64_t c1 = 0) {
    key_ = {{seed, org}};
    ctr_ = {{c0, c1, 0, 0}};
    pos_ = 4;
  }

  std::uint64_t next_u64() {
    if (pos_ == 4) refill();
    return buf_.v[pos_++];
  }
  std::uint64_t operator()() { return next_u64(); }
  static constexpr std::uint64_t min() { return 0; }
  static constexpr std::uint64_t max() { return ~std::uint64_t{0}; }

  // Uniform on [0,1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0,1]: safe under log().
  double uniform_pos() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }

  // Philox blocks generated so far (4 words each): the RNG floor of a workload.
  std::uint64_t blocks() const { return ctr_.v[2]; }

 private:
  void refill() {
    buf_ = gen_(ctr_, key_);
    ++ctr_.v[2];
    pos_ = 0;
  }

  r123::Philox4x64 gen_;
  r123::Philox4x64::ctr_type ctr_{{0, 0, 0, 0}};
  r123::Philox4x64::key_type key_{{0, 0}};
  r123::Philox4x64::ctr_type buf_{{0, 0, 0, 0}};
  unsigned pos_ = 4;
};

}  // namespace leadsim::rng
