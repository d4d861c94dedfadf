// test::RedisMonitor, the fixture store tests use to assert the commands that reach Redis.
#include "support/redis_monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "core/redis_client.h"
#include "core/sync_runner.h"

namespace cirrus::test {
namespace {

using ::testing::ElementsAre;

TEST(RedisMonitorTest, ParsesAMonitorLineWithEscapes) {
  auto e = RedisMonitor::parseLine(
      R"(+1700000000.123456 [3 127.0.0.1:5000] "SET" "k \"q\"" "a\x00b\r\n\\")");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->db, 3);
  EXPECT_EQ(e->client, "127.0.0.1:5000");
  EXPECT_THAT(e->argv, ElementsAre("SET", "k \"q\"", std::string("a\0b\r\n\\", 6)));
}

TEST(RedisMonitorTest, RejectsLinesThatAreNotCommands) {
  EXPECT_FALSE(RedisMonitor::parseLine("+OK"));
  EXPECT_FALSE(RedisMonitor::parseLine("1.0 [x 1.2.3.4:5] \"GET\""));
  EXPECT_FALSE(RedisMonitor::parseLine("1.0 [0 lua] \"GET"));
}

TEST(RedisMonitorTest, RecordsOtherClientsCommandsInOrderWithoutHandshakeCommands) {
  RedisServer server({"--requirepass", "pw"});
  RedisMonitor monitor(server);
  boost::asio::io_context io;
  auto options = server.options();
  options.db = 2;
  redis::Client client(io.get_executor(), options);
  auto r = runSync(io, client.pipeline({{"SET", "a", "1"}, {"GET", "a"}}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(monitor.waitForCount(2));
  EXPECT_THAT(monitor.commands(),
              ElementsAre(ElementsAre("SET", "a", "1"), ElementsAre("GET", "a")));
  EXPECT_EQ(monitor.entries()[0].db, 2);
  monitor.clear();
  EXPECT_TRUE(monitor.commands().empty());
  EXPECT_FALSE(monitor.waitForCount(1, std::chrono::milliseconds(50)));
}

}  // namespace
}  // namespace cirrus::test
