// SafeFile and rename_onto: temporary name, commit by rename, removal when abandoned.
#include "leadsim/io/safe_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "leadsim/core/error.h"

namespace leadsim::io {
namespace {

namespace fs = std::filesystem;

class SafeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(LEADSIM_BINARY_DIR) / "io_test_tmp" /
           ("safe_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  static std::string text_of(const std::string& path) {
    std::ifstream in(path);
    std::string text;
    std::getline(in, text);
    return text;
  }
  fs::path dir_;
};

TEST_F(SafeFileTest, TemporaryNameBesideThePath) {
  const SafeFile f(file("out.h5"), false);
  EXPECT_EQ(f.path(), file("out.h5"));
  EXPECT_EQ(f.temp_path(), file("out.h5") + ".tmp." + std::to_string(::getpid()));
  EXPECT_FALSE(fs::exists(f.temp_path()));  // nothing is created by the constructor
}

TEST_F(SafeFileTest, CommitRenamesOntoThePath) {
  SafeFile f(file("out.h5"), false);
  { std::ofstream(f.temp_path()) << "complete"; }
  f.commit();
  EXPECT_FALSE(fs::exists(f.temp_path()));
  EXPECT_EQ(text_of(file("out.h5")), "complete");
}

TEST_F(SafeFileTest, AnUncommittedFileIsRemoved) {
  std::string temp;
  {
    const SafeFile f(file("out.h5"), false);
    temp = f.temp_path();
    { std::ofstream(temp) << "half"; }
  }
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_FALSE(fs::exists(file("out.h5")));
}

TEST_F(SafeFileTest, ReservationIsReleasedAtCommit) {
  SafeFile f(file("out.bin"), false);
  {
    std::ofstream out(f.temp_path());
    out << "x";
  }
  {
    const int fd = ::open(f.temp_path().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    f.reserve(fd, 1u << 20);
    ::close(fd);
  }
  EXPECT_EQ(fs::file_size(f.temp_path()), 1u);  // KEEP_SIZE: the size is unchanged
  f.commit();
  EXPECT_EQ(fs::file_size(file("out.bin")), 1u);
}

TEST_F(SafeFileTest, AnExistingPathIsRefusedWithoutForce) {
  { std::ofstream(file("out.h5")) << "keep me"; }
  EXPECT_THROW(SafeFile(file("out.h5"), false), IoError);
  EXPECT_NO_THROW(SafeFile(file("out.h5"), true));
  EXPECT_EQ(text_of(file("out.h5")), "keep me");
}

TEST_F(SafeFileTest, RenameOntoRefusesAnExistingTargetWithoutForce) {
  { std::ofstream(file("a")) << "new"; }
  { std::ofstream(file("b")) << "old"; }
  EXPECT_THROW(rename_onto(file("a"), file("b"), false), IoError);
  EXPECT_EQ(text_of(file("b")), "old");
  rename_onto(file("a"), file("b"), true);
  EXPECT_EQ(text_of(file("b")), "new");
  EXPECT_FALSE(fs::exists(file("a")));
}

}  // namespace
}  // namespace leadsim::io
