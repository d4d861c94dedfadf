// Body: where stored bytes live (heap or sealed memfd) and that every reader sees the same bytes.
#include "cache/body.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace cirrus::cache {
namespace {

constexpr size_t kMin = 16 * 1024;

// Restores the process-wide defaults whatever a test configured.
class BodyTest : public ::testing::Test {
 protected:
  void SetUp() override { Body::configure(kMin); }
  void TearDown() override { Body::configure(kMin); }
};

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
  return s;
}

std::string readThroughFd(int fd, size_t n) {
  std::string out(n, '\0');
  ssize_t got = ::pread(fd, out.data(), n, 0);
  out.resize(got < 0 ? 0 : static_cast<size_t>(got));
  return out;
}

TEST_F(BodyTest, SmallBodiesStayOnTheHeap) {
  BodySharedPtr b = Body::make(pattern(kMin - 1));
  EXPECT_EQ(b->fd(), -1);
  EXPECT_EQ(b->view(), pattern(kMin - 1));
}

TEST_F(BodyTest, LargeBodiesGoToASealedFileWithTheSameBytes) {
  const std::string bytes = pattern(100 * 1024 + 3);
  size_t before = Body::fileCount();
  BodySharedPtr b = Body::make(bytes);
  ASSERT_GE(b->fd(), 0);
  EXPECT_EQ(Body::fileCount(), before + 1);
  EXPECT_EQ(b->view(), bytes);
  EXPECT_EQ(readThroughFd(b->fd(), bytes.size() + 10), bytes);  // and not a byte more
  int seals = ::fcntl(b->fd(), F_GET_SEALS);
  EXPECT_TRUE(seals & F_SEAL_WRITE);
  EXPECT_TRUE(seals & F_SEAL_SHRINK);
  EXPECT_EQ(::pwrite(b->fd(), "z", 1, 0), -1);  // nobody can change bytes a socket may hold
  b.reset();
  EXPECT_EQ(Body::fileCount(), before);
}

TEST_F(BodyTest, BudgetSpentSendsLargeBodiesBackToTheHeap) {
  Body::configure(kMin, Body::fileCount() + 1);
  BodySharedPtr first = Body::make(pattern(kMin));
  BodySharedPtr second = Body::make(pattern(kMin));
  EXPECT_GE(first->fd(), 0);
  EXPECT_EQ(second->fd(), -1);
  EXPECT_EQ(second->view(), pattern(kMin));
  first.reset();
  EXPECT_GE(Body::make(pattern(kMin))->fd(), 0);  // the freed slot is reused
}

TEST_F(BodyTest, ZeroMinimumTurnsFilesOff) {
  Body::configure(0);
  EXPECT_EQ(Body::maxFiles(), 0u);
  EXPECT_EQ(Body::make(pattern(1 << 20))->fd(), -1);
}

TEST_F(BodyTest, DefaultBudgetLeavesMostDescriptorsForConnections) {
  Body::configure(kMin);
  long open_max = ::sysconf(_SC_OPEN_MAX);
  ASSERT_GT(open_max, 0);
  EXPECT_GT(Body::maxFiles(), 0u);
  EXPECT_LE(Body::maxFiles(), static_cast<size_t>(open_max) / 4);
}

TEST_F(BodyTest, EmptyBodyIsSharedAndHasNoFile) {
  EXPECT_EQ(Body::empty(), Body::make(std::string()));
  EXPECT_EQ(Body::empty()->size(), 0u);
  EXPECT_EQ(Body::empty()->fd(), -1);
}

}  // namespace
}  // namespace cirrus::cache
