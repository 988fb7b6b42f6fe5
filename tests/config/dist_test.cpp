#include "leadsim/config/dist.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "leadsim/core/error.h"

namespace leadsim::config {
namespace {

// Runs f, requires a ConfigError, and returns its message.
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

TEST(DistSpecParse, ConstantsAndWhitespace) {
  EXPECT_EQ(parse_dist("0.7").value(), 0.7);
  EXPECT_EQ(parse_dist("  -1e-3\t").value(), -1e-3);
  EXPECT_EQ(parse_dist("+4").value(), 4.0);
  const DistSpec u = parse_dist("  uniform ( 0.3 ,  0.8 ) ");
  EXPECT_EQ(u.kind, DistSpec::Kind::kUniform);
  EXPECT_EQ(u.args, (std::vector<double>{0.3, 0.8}));
  EXPECT_EQ(parse_dist("choice(1, 2,3)").args, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(parse_dist("choice(5)").args, (std::vector<double>{5}));
}

TEST(DistSpecParse, EveryKindRoundTripsExactly) {
  for (const char* text : {"0.1", "-0", "1e+300", "uniform(0.1,0.30000000000000004)",
                           "loguniform(0.25,4)", "int_uniform(3,12)", "int_loguniform(10,500)",
                           "beta_mean(0.7,10)", "normal(5,0.5)", "choice(1,2.5,-3)"}) {
    const DistSpec d = parse_dist(text);
    EXPECT_EQ(d.to_string(), text);
    const DistSpec back = parse_dist(d.to_string());
    EXPECT_EQ(back.kind, d.kind);
    EXPECT_EQ(back.args, d.args) << text;
  }
  // Canonical form drops whitespace and redundant digits.
  EXPECT_EQ(parse_dist(" uniform( 0.50 , 1.0 )").to_string(), "uniform(0.5,1)");
}

TEST(DistSpecParse, SupportBounds) {
  EXPECT_EQ(parse_dist("uniform(2,5)").support_min(), 2.0);
  EXPECT_EQ(parse_dist("uniform(2,5)").support_max(), 5.0);
  EXPECT_EQ(parse_dist("beta_mean(0.2,3)").support_min(), 0.0);
  EXPECT_EQ(parse_dist("beta_mean(0.2,3)").support_max(), 1.0);
  EXPECT_EQ(parse_dist("choice(3,-1,2)").support_min(), -1.0);
  EXPECT_EQ(parse_dist("choice(3,-1,2)").support_max(), 3.0);
  EXPECT_TRUE(std::isinf(parse_dist("normal(0,1)").support_min()));
  EXPECT_TRUE(std::isinf(parse_dist("normal(0,1)").support_max()));
  EXPECT_EQ(parse_dist("7").support_min(), 7.0);
  EXPECT_EQ(parse_dist("7").support_max(), 7.0);
}

TEST(DistSpecParse, ImpossibleDistributionsNameTheProblem) {
  EXPECT_EQ(error_of([] { parse_dist("uniform(2,1)"); }),
            "uniform(2,1): lower bound 2 exceeds upper bound 1");
  EXPECT_EQ(error_of([] { parse_dist("beta_mean(1.2,10)"); }),
            "beta_mean(1.2,10): mean 1.2 must be in (0,1)");
  EXPECT_NE(error_of([] { parse_dist("beta_mean(0,10)"); }).find("must be in (0,1)"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_dist("beta_mean(0.5,0)"); }).find("concentration 0 must be > 0"),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_dist("loguniform(0,1)"); }),
            "loguniform(0,1): lower bound 0 must be > 0 for a log scale");
  EXPECT_NE(error_of([] { parse_dist("int_loguniform(0,5)"); }).find("must be > 0"),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_dist("normal(0,0)"); }),
            "normal(0,0): standard deviation 0 must be > 0");
  EXPECT_NE(error_of([] { parse_dist("normal(0,-1)"); }).find("standard deviation -1"),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_dist("choice()"); }), "choice(): choice needs at least one value");
  EXPECT_NE(error_of([] { parse_dist("int_uniform(1.5,3)"); }).find("must be integers"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_dist("uniform(1)"); }).find("takes 2 arguments, got 1"),
            std::string::npos);
}

TEST(DistSpecParse, UnknownDistributionSuggestsAndListsKnown) {
  const std::string msg = error_of([] { parse_dist("unifrom(0,1)"); });
  EXPECT_NE(msg.find("unifrom(0,1): unknown distribution 'unifrom'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'uniform'?"), std::string::npos) << msg;
  EXPECT_NE(msg.find("known: uniform, loguniform, int_uniform"), std::string::npos) << msg;
  const std::string far = error_of([] { parse_dist("gauss(0,1)"); });
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
  EXPECT_NE(far.find("known: "), std::string::npos) << far;
}

TEST(DistSpecParse, NonFiniteNumbersAreRejected) {
  for (const char* text : {"nan", "NaN", "inf", "-inf", "infinity", "1e999", "uniform(0,inf)",
                           "normal(nan,1)", "choice(1,1e999)"}) {
    const std::string msg = error_of([&] { parse_dist(text); });
    EXPECT_NE(msg.find(text), std::string::npos) << msg;
  }
  EXPECT_NE(error_of([] { parse_dist("1e999"); }).find("out of the range of a double"),
            std::string::npos);
}

TEST(DistSpecParse, SyntaxErrors) {
  EXPECT_NE(error_of([] { parse_dist(""); }).find("empty value"), std::string::npos);
  EXPECT_NE(error_of([] { parse_dist("0.5x"); }).find("'0.5x' is not a number"), std::string::npos);
  EXPECT_NE(error_of([] { parse_dist("uniform(0,1"); }).find("expected ')'"), std::string::npos);
  EXPECT_NE(error_of([] { parse_dist("uniform(0,,1)"); }).find("empty argument"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_dist("(0,1)"); }).find("missing distribution name"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_dist("uniform((0,1))"); }).find("parenthesis"), std::string::npos);
}

TEST(DistSpecAxis, LinspaceHitsBothEndpointsExactly) {
  const auto v = parse_axis("linspace(0, 1, 11)");
  ASSERT_EQ(v.size(), 11u);
  EXPECT_EQ(v.front(), 0.0);
  EXPECT_EQ(v.back(), 1.0);
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_DOUBLE_EQ(v[i], static_cast<double>(i) / 10.0);
  }
  // 0.1 steps accumulate rounding; the last value must still be b bit for bit.
  const auto w = parse_axis("linspace(0.1,0.7,7)");
  EXPECT_EQ(w.back(), 0.7);
  EXPECT_EQ(parse_axis("linspace(3,9,1)"), (std::vector<double>{3.0}));
  EXPECT_EQ(parse_axis("linspace(2,-2,3)"), (std::vector<double>{2.0, 0.0, -2.0}));
  EXPECT_EQ(parse_axis("list(4, 8,16)"), (std::vector<double>{4, 8, 16}));
}

TEST(DistSpecAxis, BadAxes) {
  EXPECT_NE(error_of([] { parse_axis("linspace(0,1,0)"); }).find("point count 0"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("linspace(0,1,2.5)"); }).find("must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("linspace(0,1)"); }).find("takes 3 arguments"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("list()"); }).find("at least one value"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("0.5"); }).find("expected linspace(a,b,n) or list"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("linspace(0,nan,3)"); }).find("not a finite number"),
            std::string::npos);
  const std::string msg = error_of([] { parse_axis("lsit(1,2)"); });
  EXPECT_NE(msg.find("did you mean 'list'?"), std::string::npos) << msg;
}

// A list as long as the limit parses (in linear time: copying the whole text for every number
// made 10^6 values take hours, past any test timeout), and an error in it quotes an excerpt
// of the text, not all of it.
TEST(SweepAxisParse, LongListsParseAndErrorsQuoteAnExcerpt) {
  std::string text = "list(";
  for (std::size_t i = 0; i < kMaxAxisPoints; ++i) {
    if (i > 0) text.push_back(',');
    text.append(std::to_string(i % 1000));
  }
  const std::string bad = text.substr(0, text.size() / 2) + ",x)";
  text += ")";
  const auto v = parse_axis(text);
  ASSERT_EQ(v.size(), kMaxAxisPoints);
  EXPECT_EQ(v[999], 999.0);
  EXPECT_EQ(v.back(), static_cast<double>((kMaxAxisPoints - 1) % 1000));
  try {
    (void)parse_axis(bad);
    FAIL() << "no error for a non-number";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_LT(msg.size(), 2 * kExcerptChars) << msg.substr(0, 400);
    EXPECT_NE(msg.find("'x' is not a number"), std::string::npos) << msg.substr(0, 400);
    EXPECT_NE(msg.find(" characters)"), std::string::npos) << msg.substr(0, 400);
  }
}

// An excerpt counts characters, not bytes, and never cuts inside one: 300 two-byte 'é' keep
// 200 of them and say 300.
TEST(Excerpt, CountsUtf8CharactersAndCutsBetweenThem) {
  std::string e_acute;
  for (int i = 0; i < 300; ++i) e_acute += "\u00e9";
  EXPECT_EQ(count_characters(e_acute), 300u);
  std::string kept;
  for (int i = 0; i < 200; ++i) kept += "\u00e9";
  EXPECT_EQ(excerpt(e_acute), kept + "\u2026 (300 characters)");
  EXPECT_EQ(excerpt(kept), kept);  // 200 characters (400 bytes): whole
  EXPECT_EQ(excerpt(std::string(201, 'x')), std::string(200, 'x') + "\u2026 (201 characters)");
}

}  // namespace
}  // namespace leadsim::config
