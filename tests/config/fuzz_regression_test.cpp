// Inputs tests/fuzz/fuzz_config once crashed on, as unit tests (the raw inputs also stay in
// tests/fuzz/corpus/config/ and replay in ctest fuzz.config_corpus).
#include <gtest/gtest.h>

#include <string>

#include "leadsim/config/config.h"
#include "leadsim/core/error.h"
#include "leadsim/models/registry.h"
#include "leadsim/port/model.h"

namespace leadsim::config {
namespace {

// crash-value-starts-with-comment: "[mode.]\ninfo_reach =;;..5" was accepted with the value
// ";;..5", and to_ini() wrote "info_reach = ;;..5", which reads back as a comment (no value):
// the resolved configuration did not survive its own canonical text.
TEST(FuzzRegression, ValueStartingWithCommentCharacterIsNoValue) {
  for (const char* text : {"[run]\norgs =;5\n", "[run]\norgs =#5\n", "[mode.x]\ntheta =;;..5\n"}) {
    try {
      read_ini(text, "f.ini");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("has no value"), std::string::npos) << e.what();
    }
  }
  // Comment characters inside a value stay part of it; only a leading one is refused.
  const auto tree = read_ini("[mode.x]\nroute = a;b#c\n", "f.ini");
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0].value, "a;b#c");
}

TEST(FuzzRegression, ExtraSectionsRoundTripThroughToIni) {
  const auto cfg = models::resolve(read_ini("[run]\norgs = 8\n[mode.x]\nroute = a;b#c\n", "f.ini"));
  const auto back = models::resolve(read_ini(cfg.to_ini(), "back.ini"));
  ASSERT_EQ(back.extra.size(), 1u);
  EXPECT_EQ(back.extra[0].value, "a;b#c");
}

}  // namespace
}  // namespace leadsim::config
