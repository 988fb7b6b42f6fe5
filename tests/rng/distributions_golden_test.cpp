// Stability (golden-value) tests: the first outputs of every sampler for a fixed stream, and the
// Philox blocks each consumed. These values ARE the replay contract of leadsim-rng v1: a change
// to any algorithm, to the words a call consumes, or to the stream layout changes every
// organization of every result. If one of these fails, the change is a new RNG scheme: bump
// kRngScheme, regenerate these values deliberately, and say so in the change log.
// Values were generated once (Release, -ffp-contract=off, glibc libm) and printed with %.17g.
// They rely on std::log/exp/pow/sqrt/lgamma being correctly rounded or at least identical on
// the platforms we replay on (glibc x86-64 here).
#include "leadsim/rng/distributions.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "leadsim/config/dist.h"
#include "leadsim/rng/philox.h"

namespace leadsim::rng {
namespace {

Stream golden_stream(std::uint32_t id) {
  return Stream(20240601, 17, tag(kTestPurpose, id), 3);
}

template <class F>
void expect_golden(std::uint32_t id, const std::vector<double>& expected, std::uint64_t blocks,
                   F draw) {
  Stream g = golden_stream(id);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(static_cast<double>(draw(g)), expected[i]) << "stream id " << id << " draw " << i;
  }
  EXPECT_EQ(g.blocks(), blocks) << "stream id " << id;
}

TEST(DistributionsGolden, RawWords) {
  Stream g = golden_stream(0);
  const std::array<std::uint64_t, 6> words = {0x624b9d8383505f7cull, 0x13c6c00837bdb31cull,
                                              0xcddb8a3b1e9fce79ull, 0xf74bfb4ed5041778ull,
                                              0xbbf06e4b47fb2b2bull, 0xf4f79b1f50f4e398ull};
  for (auto w : words) EXPECT_EQ(g.next_u64(), w);
  EXPECT_EQ(g.blocks(), 2u);
}

TEST(DistributionsGolden, Uniforms) {
  expect_golden(
      1,
      {0.40982472178169682, 0.045606907495640225, 0.67565364835976416, 0.097326108480536799,
       0.31628600346031877, 0.33755270397783177, 0.47553840567869632, 0.78003273903488024},
      2, [](Stream& g) { return g.uniform(); });
  expect_golden(2,
                {0.65699197534924503, 0.69076706534776156, 0.59811373601293871, 0.49251054465898103,
                 0.82488483538365276, 0.26181401352853906, 0.427621543593524, 0.90838742366718306},
                2, [](Stream& g) { return g.uniform_pos(); });
  expect_golden(5,
                {2.8175286304109037, 2.2324747479103189, 3.4432976750527553, 2.3321835275762672,
                 2.2885021712015945, 3.4405623165802011, 2.700150900907353, 2.1890465332529865},
                2, [](Stream& g) { return uniform_real(g, 2.0, 3.5); });
}

TEST(DistributionsGolden, Integers) {
  expect_golden(3, {5, 4, 6, 3, 5, 1, 6, 4}, 2, [](Stream& g) { return uniform_index(g, 7); });
  expect_golden(4, {-5, 0, -3, 3, -3, 2, 1, -2}, 2,
                [](Stream& g) { return uniform_int(g, -5, 5); });
  expect_golden(6, {0, 0, 0, 0, 1, 0, 0, 0}, 2, [](Stream& g) { return bernoulli(g, 0.3); });
  expect_golden(17, {2, 4, 4, 4, 3, 4, 4, 4}, 2, [](Stream& g) {
    static const double w[] = {0.1, 0.0, 2.0, 0.5, 1.4};
    return categorical(g, std::span<const double>(w, 5));
  });
}

TEST(DistributionsGolden, Continuous) {
  expect_golden(
      7,
      {0.46141606766500443, 0.22740569627725857, 1.2861651108743053, 0.32265804620629518,
       1.4917909662874864, 1.0946820177662908, 0.061745737761899483, 0.0058421580865330698},
      2, [](Stream& g) { return exponential(g); });
  expect_golden(
      8,
      {1.3088716271477268, -0.17585843590560582, 0.33862535403882366, 1.0886319467144312,
       -1.5906137635411044, 1.2857345027316602, 0.93181088726978789, -0.25308537909907308},
      4, [](Stream& g) { return normal(g); });
  expect_golden(9,
                {10.578252020165603, 10.114438105252667, 11.924541169342326, 10.639479246972471,
                 10.351160046885024, 9.941619458293216, 11.172695750532387, 7.6966545303856826},
                6, [](Stream& g) { return normal(g, 10.0, 2.0); });
  expect_golden(
      10,
      {1.0261996538513918, 0.00051994758970425351, 0.40118921799412843, 0.11636013634648854,
       0.52469835823808519, 0.5813685803388785, 0.21607354766664963, 0.83340026619684104},
      9, [](Stream& g) { return gamma(g, 0.5); });
  expect_golden(11,
                {2.4757303325703774, 4.5837601915952231, 2.5924664926806198, 3.1785482287495168,
                 1.1073105559376568, 4.3244186846501806, 5.5033072891505892, 1.7105638430076122},
                7, [](Stream& g) { return gamma(g, 3.0); });
  expect_golden(
      12,
      {0.11229364453928821, 0.1125779931903115, 0.39480720067978442, 0.38851979725217245,
       0.14887272118784675, 0.1781990887561915, 0.058917712164034873, 0.46458650428261627},
      15, [](Stream& g) { return beta(g, 2.0, 5.0); });
  expect_golden(
      13,
      {0.8107675808739323, 0.48613554743478998, 0.86929231039517907, 0.73970126087914101,
       0.50915394611728648, 0.61196243794930694, 0.85529442685092305, 0.46238919008095103},
      14, [](Stream& g) { return beta_mean(g, 0.7, 10.0); });
  expect_golden(14,
                {1.5177553588656618, 2.6883539064464945, 0.57709215121646007, 0.76907239418239504,
                 1.205770051134659, 1.5218772742364972, 0.38694065925707022, 0.59811930901968691},
                2, [](Stream& g) { return loguniform(g, 0.25, 4.0); });
}

TEST(DistributionsGolden, Poisson) {
  expect_golden(15, {4, 2, 1, 2, 5, 2, 3, 5}, 2, [](Stream& g) { return poisson(g, 3.0); });
  expect_golden(16, {257, 252, 231, 247, 276, 232, 237, 215}, 6,
                [](Stream& g) { return poisson(g, 250.0); });
}

// Long runs pin the rejection loops' word consumption, not just the first few draws.
TEST(DistributionsGolden, BlocksOverLongRuns) {
  expect_golden(18, {25197}, 627, [](Stream& g) {
    std::int64_t s = 0;
    for (int i = 0; i < 1000; ++i) s += poisson(g, 25.0);
    return s;
  });
  expect_golden(19, {520.45058579070235}, 1153, [](Stream& g) {
    double s = 0.0;
    for (int i = 0; i < 1000; ++i) s += gamma(g, 0.5);
    return s;
  });
}

TEST(DistSpecSampleGolden, EveryKind) {
  using config::DistSpec;
  using K = DistSpec::Kind;
  const DistSpec ilog{K::kIntLogUniform, {10, 500}};
  expect_golden(30, {129, 270, 37, 315, 11, 376, 97, 74}, 2,
                [&](Stream& g) { return ilog.sample(g, 1, 1e6, true); });
  const DistSpec iuni{K::kIntUniform, {3, 12}};
  expect_golden(31, {11, 12, 6, 10, 4, 6, 12, 10}, 2,
                [&](Stream& g) { return iuni.sample(g, 2, 100, true); });
  const DistSpec norm{K::kNormal, {0.5, 0.3}};
  expect_golden(
      32,
      {0.7299539988795094, 0.59333681325311249, 0.33615930658958421, 0.31418645388319355,
       0.34186001791426346, 0.84762731490338128, 0.42904471595623123, 0.15186897377564368},
      5, [&](Stream& g) { return norm.sample(g, 0, 1, false); });
  const DistSpec choice{K::kChoice, {1, 2.5, 4}};
  expect_golden(33, {4, 4, 2.5, 2.5, 4, 2.5, 2.5, 2.5}, 2,
                [&](Stream& g) { return choice.sample(g, 0, 10, false); });
  const DistSpec rounded{K::kUniform, {0, 10}};
  expect_golden(34, {2, 6, 8, 3, 6, 0, 5, 6}, 2,
                [&](Stream& g) { return rounded.sample(g, 0, 10, true); });
  const DistSpec bm{K::kBetaMean, {0.7, 10}};
  expect_golden(
      35,
      {0.58447246792373286, 0.61185253866483946, 0.74387722850086457, 0.83458699797197589,
       0.72436333612922854, 0.79305005107231941, 0.76945136758046839, 0.85743796820237261},
      14, [&](Stream& g) { return bm.sample(g, 0, 1, false); });
  const DistSpec lu{K::kLogUniform, {0.25, 4}};
  expect_golden(36,
                {1.2969134997517318, 0.34394032397703228, 0.94234889038170033, 0.4502451116128261,
                 1.1320361662526555, 0.98517202246215607, 2.0951064488241, 0.96411760502520638},
                2, [&](Stream& g) { return lu.sample(g, 0, 10, false); });
  const DistSpec c = DistSpec::constant(0.7);
  expect_golden(37, {0.7, 0.7}, 0, [&](Stream& g) { return c.sample(g, 0, 1, false); });
}

TEST(DistributionsGolden, PoissonTableReplaysPoisson) {
  // PoissonTable is poisson() with its partial sums precomputed: every value and every word
  // must be the same, for the inversion range (including a mean whose tail underflows before
  // the sums reach 1), the PTRS range it delegates, and the degenerate mean 0.
  for (double mean : {0.0, 1e-300, 0.25, 1.35, 4.0, 9.999, 10.0, 37.5}) {
    SCOPED_TRACE(testing::Message() << "mean " << mean);
    const PoissonTable table(mean);
    Stream a = golden_stream(40);
    Stream b = golden_stream(40);
    for (int i = 0; i < 20000; ++i) ASSERT_EQ(table(a), poisson(b, mean)) << "draw " << i;
    EXPECT_EQ(a.blocks(), b.blocks());
  }
}

}  // namespace
}  // namespace leadsim::rng
