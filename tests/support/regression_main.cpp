// main() of the regression test executables: GoogleTest's, plus `--update`, which makes the
// tests rewrite their reference files (tests/<module>/*.ref) from the current code instead
// of comparing with them. Update only for a deliberate change of results, in a commit of its
// own that says so.
#include <gtest/gtest.h>

#include <cstring>

#include "support/regression_refs.h"

int main(int argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--update") == 0) {
      leadsim::testing_support::set_update_refs(true);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
