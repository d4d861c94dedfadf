// GoogleTest main shared by every unit test executable.
#include <csignal>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  // Tests kill redis-server under live connections; a write to a dead socket must fail with
  // EPIPE, not kill the test process.
  std::signal(SIGPIPE, SIG_IGN);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
