// redis::Subscriber against a real redis-server: delivery, patterns, resubscription after a
// restart (the acceptance test) and stop().
#include "core/redis_subscriber.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "core/redis_client.h"
#include "core/sync_runner.h"
#include "support/redis_server.h"

namespace cirrus::redis {
namespace {

namespace asio = boost::asio;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

struct Received {
  std::string channel, payload, pattern;
  bool operator==(const Received&) const = default;
};

void PrintTo(const Received& r, std::ostream* os) {
  *os << "{" << r.channel << ", " << r.payload << ", " << r.pattern << "}";
}

class RedisSubscriberTest : public ::testing::Test {
 protected:
  // A Subscriber wired to record into received_ and count onConnected calls.
  std::unique_ptr<Subscriber> makeSubscriber(config::RedisOptions options) {
    auto sub = std::make_unique<Subscriber>(io_.get_executor(), std::move(options));
    sub->onMessage([this](const Subscriber::Message& m) {
      received_.push_back({m.channel, m.payload, m.pattern});
    });
    sub->onConnected([this] { ++connected_count_; });
    return sub;
  }

  // PUBLISH, returning how many subscribers Redis delivered to.
  int64_t publish(const std::string& channel, const std::string& payload) {
    auto r = runSync(io_, publisher_.command({"PUBLISH", channel, payload}), 10s);
    EXPECT_TRUE(r) << r.error().message();
    return r ? r->integer() : -1;
  }

  bool waitForMessages(size_t n) {
    return runUntil(
        io_, [&] { return received_.size() >= n; }, 10s);
  }

  test::RedisServer server_;
  asio::io_context io_;
  Client publisher_{io_.get_executor(), server_.options()};
  std::vector<Received> received_;
  int connected_count_ = 0;
};

TEST_F(RedisSubscriberTest, DeliversMessagesOfSubscribedChannelsOnly) {
  auto sub = makeSubscriber(server_.options());
  sub->subscribe("cdn:cname:dirty");
  sub->subscribe("cdn:cert:changed");
  sub->start();
  ASSERT_TRUE(runUntil(io_, [&] { return connected_count_ == 1; }));
  EXPECT_TRUE(sub->connected());
  EXPECT_EQ(publish("cdn:cname:dirty", "1"), 1);
  EXPECT_EQ(publish("unrelated", "x"), 0);
  EXPECT_EQ(publish("cdn:cert:changed", std::string("a\0b", 3)), 1);
  ASSERT_TRUE(waitForMessages(2));
  EXPECT_THAT(received_, ElementsAre(Received{"cdn:cname:dirty", "1", ""},
                                     Received{"cdn:cert:changed", std::string("a\0b", 3), ""}));
  EXPECT_EQ(connected_count_, 1);
}

TEST_F(RedisSubscriberTest, PsubscribeMatchesGlobPatternsAndReportsThePattern) {
  auto sub = makeSubscriber(server_.options());
  sub->psubscribe("cdn:purge:*");
  sub->start();
  ASSERT_TRUE(runUntil(io_, [&] { return connected_count_ == 1; }));
  EXPECT_EQ(publish("cdn:purge:example.com", "/img/*"), 1);
  EXPECT_EQ(publish("cdn:other:example.com", "no"), 0);
  ASSERT_TRUE(waitForMessages(1));
  EXPECT_THAT(received_, ElementsAre(Received{"cdn:purge:example.com", "/img/*", "cdn:purge:*"}));
}

TEST_F(RedisSubscriberTest, SubscribingWhileConnectedTakesEffectAtOnceAndUnsubscribeStops) {
  auto sub = makeSubscriber(server_.options());
  sub->start();  // no subscriptions yet: onConnected right after connect
  ASSERT_TRUE(runUntil(io_, [&] { return connected_count_ == 1; }));
  sub->subscribe("late");
  ASSERT_TRUE(runUntil(io_, [&] {
    return runSync(io_, publisher_.command({"PUBSUB", "NUMSUB", "late"}))
               ->elements()[1]
               .integer() == 1;
  }));
  EXPECT_EQ(publish("late", "hi"), 1);
  ASSERT_TRUE(waitForMessages(1));
  sub->unsubscribe("late");
  ASSERT_TRUE(runUntil(io_, [&] {
    return runSync(io_, publisher_.command({"PUBSUB", "NUMSUB", "late"}))
               ->elements()[1]
               .integer() == 0;
  }));
  EXPECT_EQ(connected_count_, 1);
}

// Acceptance test of the issue: the subscriber's subscriptions survive a Redis restart.
TEST_F(RedisSubscriberTest, AcceptanceResubscribesEverythingAfterRedisRestarts) {
  auto sub = makeSubscriber(server_.options());
  sub->subscribe("cdn:cname:dirty");
  sub->psubscribe("cdn:purge:*");
  sub->start();
  ASSERT_TRUE(runUntil(io_, [&] { return connected_count_ == 1; }));

  server_.kill();
  ASSERT_TRUE(runUntil(
      io_, [&] { return !sub->connected(); }, 5s));
  server_.start();
  ASSERT_TRUE(runUntil(
      io_, [&] { return connected_count_ == 2; }, 15s))
      << "onConnected was not called again after the restart";
  EXPECT_TRUE(sub->connected());

  // The publisher reconnects by itself too; poll past its backoff.
  ASSERT_TRUE(runUntil(io_, [&] {
    auto r = runSync(io_, publisher_.command({"PUBLISH", "cdn:cname:dirty", "after-restart"}));
    return r && r->integer() == 1;
  }));
  EXPECT_EQ(publish("cdn:purge:a.test", "/x"), 1);
  ASSERT_TRUE(waitForMessages(2));
  EXPECT_THAT(received_, ElementsAre(Received{"cdn:cname:dirty", "after-restart", ""},
                                     Received{"cdn:purge:a.test", "/x", "cdn:purge:*"}));
}

TEST_F(RedisSubscriberTest, KeepsRetryingWhileRedisIsDownAndConnectsWhenItComesUp) {
  server_.kill();
  auto sub = makeSubscriber(server_.options());
  sub->subscribe("c");
  sub->start();
  runUntil(
      io_, [] { return false; }, 300ms);  // a few failed attempts with backoff
  EXPECT_EQ(connected_count_, 0);
  server_.start();
  ASSERT_TRUE(runUntil(
      io_, [&] { return connected_count_ == 1; }, 10s));
}

TEST_F(RedisSubscriberTest, AuthenticatesWithThePasswordFromOptions) {
  test::RedisServer secured({"--requirepass", "pubsub-pw"});
  Client publisher(io_.get_executor(), secured.options());
  auto sub = makeSubscriber(secured.options());
  sub->subscribe("secure");
  sub->start();
  ASSERT_TRUE(runUntil(io_, [&] { return connected_count_ == 1; }));
  EXPECT_EQ(runSync(io_, publisher.command({"PUBLISH", "secure", "ok"}))->integer(), 1);
  ASSERT_TRUE(waitForMessages(1));
  EXPECT_EQ(received_[0].payload, "ok");
}

TEST_F(RedisSubscriberTest, AHandlerThatThrowsDoesNotStopDelivery) {
  auto sub = std::make_unique<Subscriber>(io_.get_executor(), server_.options());
  int calls = 0;
  bool connected = false;
  sub->onMessage([&](const Subscriber::Message&) {
    ++calls;
    throw std::runtime_error("handler bug");
  });
  sub->onConnected([&] { connected = true; });
  sub->subscribe("c");
  sub->start();
  ASSERT_TRUE(runUntil(io_, [&] { return connected; }));
  publish("c", "1");
  publish("c", "2");
  ASSERT_TRUE(runUntil(io_, [&] { return calls == 2; }));
  EXPECT_TRUE(sub->connected());
}

TEST_F(RedisSubscriberTest, StopClosesTheConnectionAndNoCallbackRunsAfterwards) {
  auto sub = makeSubscriber(server_.options());
  sub->subscribe("c");
  sub->start();
  ASSERT_TRUE(runUntil(io_, [&] { return connected_count_ == 1; }));
  sub->stop();
  EXPECT_FALSE(sub->connected());
  ASSERT_TRUE(runUntil(io_, [&] {
    return runSync(io_, publisher_.command({"PUBSUB", "NUMSUB", "c"}))->elements()[1].integer() ==
           0;
  }));
  EXPECT_EQ(publish("c", "late"), 0);
  runUntil(
      io_, [] { return false; }, 100ms);
  EXPECT_TRUE(received_.empty());
  sub.reset();  // destroying a stopped subscriber is fine
}

TEST_F(RedisSubscriberTest, APingWithoutAnswerMakesItReconnect) {
  auto sub = std::make_unique<Subscriber>(io_.get_executor(), server_.options(), 100ms);
  int connects = 0;
  sub->onConnected([&] { ++connects; });
  sub->subscribe("c");
  sub->start();
  ASSERT_TRUE(runUntil(io_, [&] { return connects == 1; }));
  // While every client is paused the PING goes unanswered for longer than the interval.
  ASSERT_TRUE(runSync(io_, publisher_.command({"CLIENT", "PAUSE", "600", "ALL"})));
  ASSERT_TRUE(runUntil(
      io_, [&] { return connects == 2; }, 10s));
}

}  // namespace
}  // namespace cirrus::redis
