// SplitMix64 for the statistics tests: a tiny generator independent of the engine's Philox
// streams, so that the stats tests neither depend on the rng module nor change when it does.
// Not thread-safe; not for simulation.
#pragma once

#include <cstdint>

namespace leadsim::stats::test {

struct SplitMix {
  std::uint64_t s;
  std::uint64_t next_u64() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1p-53; }
  double uniform_pos() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1p-53; }
};

}  // namespace leadsim::stats::test
