#include "leadsim/config/param.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "leadsim/core/error.h"

namespace leadsim::config {
namespace {

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError thrown";
  return {};
}

const ParamDef kReach{"info_reach", "org", "ι",   "share",         "reach",
                      0.0,          1.0,   false, ParamKind::kOrg, "uniform(0,1)"};
const ParamDef kWorkers{"workers", "org", "W",  "workers",       "workers",
                        1.0,       1e6,   true, ParamKind::kOrg, "int_loguniform(10,500)"};
const ParamDef kDeadline{"deadline",           "model", "", "periods", "deadline", 1.0, 100.0, true,
                         ParamKind::kConstant, "8"};

void check(const ParamDef& d, const std::string& text) {
  validate(d, parse_dist(text), text);
}

TEST(ParamDefValidate, AcceptsLegalValues) {
  EXPECT_NO_THROW(check(kReach, "0"));
  EXPECT_NO_THROW(check(kReach, "1"));
  EXPECT_NO_THROW(check(kReach, "uniform(0,1)"));
  EXPECT_NO_THROW(check(kReach, "beta_mean(0.3,4)"));
  EXPECT_NO_THROW(check(kReach, "normal(0.5,0.3)"));  // truncated: only the mean must fit
  EXPECT_NO_THROW(check(kWorkers, "int_loguniform(10,500)"));
  EXPECT_NO_THROW(check(kWorkers, "uniform(10,20)"));  // continuous on integer: rounded
  EXPECT_NO_THROW(check(kWorkers, "choice(10,20,40)"));
  EXPECT_NO_THROW(check(kDeadline, "8"));
}

TEST(ParamDefValidate, OutOfRangeConstant) {
  EXPECT_EQ(error_of([] { check(kReach, "1.5"); }),
            "org.info_reach = 1.5: 1.5 is outside the legal range [0, 1]");
  EXPECT_EQ(error_of([] { check(kDeadline, "0"); }),
            "model.deadline = 0: 0 is outside the legal range [1, 100] (integer)");
}

TEST(ParamDefValidate, SupportLeavingLegalRange) {
  EXPECT_EQ(error_of([] { check(kReach, "uniform(0,2)"); }),
            "org.info_reach = uniform(0,2): support [0, 2] leaves the legal range [0, 1]");
  EXPECT_NE(error_of([] { check(kWorkers, "choice(0,5)"); }).find("support [0, 5] leaves"),
            std::string::npos);
  EXPECT_NE(error_of([] { check(kReach, "normal(1.5,0.1)"); }).find("mean 1.5 is outside"),
            std::string::npos);
  // Mean inside but almost no mass inside: rejection sampling would never finish.
  EXPECT_NE(error_of([] { check(kReach, "normal(0.5,1e9)"); }).find("of its mass"),
            std::string::npos);
}

TEST(ParamDefValidate, NonIntegerForIntegerParam) {
  EXPECT_EQ(error_of([] { check(kWorkers, "10.5"); }),
            "org.workers = 10.5: 10.5 is not an integer (legal range [1, 1e+06] (integer))");
  EXPECT_NE(error_of([] { check(kWorkers, "choice(10,10.5)"); }).find("10.5 is not an integer"),
            std::string::npos);
}

TEST(ParamDefValidate, DistributionGivenToConstantParam) {
  const std::string msg = error_of([] { check(kDeadline, "int_uniform(2,5)"); });
  EXPECT_NE(msg.find("model.deadline = int_uniform(2,5): a model constant takes a number"),
            std::string::npos)
      << msg;
}

// A drawable constant (a model's, drawn per organization) takes distributions too; an integer
// one only integer-valued ones. A switch never takes a distribution.
TEST(ParamDefValidate, DrawableConstants) {
  ParamDef deadline = kDeadline;
  deadline.drawable = true;
  ParamDef penalty{"misalign_penalty",   "model", "", "share", "penalty", 0.0, 1.0, false,
                   ParamKind::kConstant, "0.5"};
  penalty.drawable = true;
  EXPECT_NO_THROW(check(deadline, "int_uniform(2,5)"));
  EXPECT_NO_THROW(check(deadline, "int_loguniform(2,50)"));
  EXPECT_NO_THROW(check(deadline, "choice(2,8)"));
  EXPECT_NO_THROW(check(penalty, "uniform(0.2,0.6)"));
  EXPECT_NO_THROW(check(penalty, "normal(0.5,0.2)"));
  EXPECT_EQ(error_of([&] { check(deadline, "uniform(2,5)"); }),
            "model.deadline = uniform(2,5): an integer constant takes an integer distribution "
            "(int_uniform, int_loguniform or choice of integers), not a continuous one (legal "
            "range [1, 100] (integer))");
  EXPECT_NE(error_of([&] { check(deadline, "normal(5,1)"); }).find("integer distribution"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check(deadline, "int_uniform(0,5)"); }).find("leaves the legal range"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check(penalty, "uniform(0.5,1.5)"); }).find("leaves the legal range"),
            std::string::npos);
  ParamDef sw{"peer_coachee",
              "model",
              "",
              "choice",
              "whom",
              0,
              1,
              true,
              ParamKind::kConstant,
              "most_skilled",
              {"most_skilled", "least_skilled"}};
  sw.drawable = true;  // even so: a switch is fixed per run
  EXPECT_EQ(error_of([&] { parse_value(sw, "choice(0,1)"); }),
            "model.peer_coachee = choice(0,1): a switch is fixed per run and cannot be drawn "
            "from a distribution; compare its readings with [sweep] peer_coachee = list(0, 1)");
  EXPECT_NE(error_of([&] {
              validate(sw, DistSpec{DistSpec::Kind::kChoice, {0, 1}}, "x");
            }).find("takes a number"),
            std::string::npos);
}

TEST(ParamDefClosest, PicksNearestWithinThreeEdits) {
  const std::vector<std::string> names = {"info_reach", "workers", "span", "spin", "deadline"};
  EXPECT_EQ(closest("info_reech", names), "info_reach");
  EXPECT_EQ(closest("wokrers", names), "workers");  // one transposition (OSA)
  EXPECT_EQ(closest("workers", names), "workers");
  EXPECT_EQ(closest("spxn", names), "span");  // tie with "spin": first in the given order
  EXPECT_EQ(closest("spxn", {"spin", "span"}), "spin");
  EXPECT_EQ(closest("dedline", names), "deadline");
  EXPECT_EQ(closest("completely_else", names), "");
  EXPECT_EQ(closest("abcd", {"wxyz"}), "");          // 4 substitutions
  EXPECT_EQ(closest("abcd", {"abcwxy"}), "abcwxy");  // 1 substitution + 2 insertions = 3
  EXPECT_EQ(closest("abcd", {"abcwxyz"}), "");       // 4 edits
  EXPECT_EQ(closest("", {"abc"}), "abc");            // 3 insertions
  EXPECT_EQ(closest("x", {}), "");
}

}  // namespace
}  // namespace leadsim::config
