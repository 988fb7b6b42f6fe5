// The values of [model] constants drawn per organization follow their distributions: 4000
// organizations' records (through the model, as a run writes them) at a fixed seed.
//   - uniform(0.2, 0.6) misalign_penalty: every value in [0.2, 0.6); the mean within 5 standard
//     errors of 0.4; Kolmogorov-Smirnov sqrt(n) D_n below 1.949 (alpha = 1e-3);
//   - int_uniform(3, 7) periods: only the integers 3..7, each count within 5 standard errors
//     of n/5; and each organization's environment has exactly that many periods.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "leadsim/models/leadership/factory.h"

namespace leadsim::leadership {
namespace {

using config::DistSpec;

constexpr int kOrgs = 4000;
constexpr double kKsCritical = 1.949;  // alpha = 1e-3

// Counts the trace rows of one organization (one mode: one row per period).
class RowCounter : public port::TraceSink {
 public:
  void begin(const std::string&, const std::vector<std::string>&) override {}
  void row(std::span<const double>) override { ++rows; }
  double rows = 0;
};

TEST(DrawnConstantsStat, DrawnValuesFollowTheirDistributions) {
  auto cfg = default_config();
  cfg.params["workers"] = DistSpec::constant(3);
  cfg.params["decision_rate"] = DistSpec::constant(1);
  cfg.params["misalign_penalty"] = DistSpec{DistSpec::Kind::kUniform, {0.2, 0.6}};
  cfg.params["periods"] = DistSpec{DistSpec::Kind::kIntUniform, {3, 7}};
  cfg.modes = {"delegated"};
  const auto m = factory().create(cfg);
  const auto& fields = m->record_fields();
  ASSERT_EQ(fields.size(), 21u);
  ASSERT_EQ(fields[19].name, "periods");  // registry order
  ASSERT_EQ(fields[20].name, "misalign_penalty");
  auto sim = m->make_simulator();
  std::vector<double> penalty;
  std::map<double, int> periods;
  for (std::uint64_t org = 0; org < kOrgs; ++org) {
    port::OrgOutcome o;
    RowCounter rows;
    sim->simulate(0, org, o, org < 200 ? &rows : nullptr);
    penalty.push_back(o.params[20]);
    ++periods[o.params[19]];
    if (org < 200) {
      ASSERT_EQ(rows.rows, o.params[19]) << "trace rows of organization " << org;
    }
  }
  const double n = kOrgs;
  double sum = 0.0;
  for (double x : penalty) {
    ASSERT_GE(x, 0.2);
    ASSERT_LT(x, 0.6);
    sum += x;
  }
  const double se = 0.4 / std::sqrt(12.0) / std::sqrt(n);
  EXPECT_LT(std::fabs(sum / n - 0.4), 5.0 * se) << "mean " << sum / n;
  std::sort(penalty.begin(), penalty.end());
  double d = 0.0;
  for (std::size_t i = 0; i < penalty.size(); ++i) {
    const double f = (penalty[i] - 0.2) / 0.4;
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  EXPECT_LT(std::sqrt(n) * d, kKsCritical);
  ASSERT_EQ(periods.size(), 5u);
  const double expect = n / 5.0;
  const double count_se = std::sqrt(n * 0.2 * 0.8);
  for (const auto& [t, count] : periods) {
    EXPECT_TRUE(t == 3 || t == 4 || t == 5 || t == 6 || t == 7) << t;
    EXPECT_LT(std::fabs(count - expect), 5.0 * count_se) << "periods " << t << ": " << count;
  }
}

}  // namespace
}  // namespace leadsim::leadership
