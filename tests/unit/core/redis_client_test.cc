// redis::Client against a real redis-server (tests/unit/support/redis_server.h).
#include "core/redis_client.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/sync_runner.h"
#include "support/redis_monitor.h"
#include "support/redis_server.h"

namespace cirrus::redis {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

class RedisClientTest : public ::testing::Test {
 protected:
  template <class T>
  T run(awaitable<T> task) {
    return runSync(io_, std::move(task), 30s);
  }

  // One command on `client`, for tests that only care about the outcome.
  Result<Reply> call(Client& client, Command argv) { return run(client.command(std::move(argv))); }

  test::RedisServer server_;
  asio::io_context io_;
};

TEST_F(RedisClientTest, SetThenGetRoundTripsAndAMissingKeyIsNil) {
  Client client(io_.get_executor(), server_.options());
  auto set = call(client, {"SET", "greeting", "hello"});
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_TRUE(set->isStatus("OK"));
  EXPECT_EQ(call(client, {"GET", "greeting"})->str(), "hello");
  auto missing = call(client, {"GET", "no-such-key"});
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->isNil());
  EXPECT_TRUE(client.connected());
}

TEST_F(RedisClientTest, IntegersArraysAndHashesComeBackTyped) {
  Client client(io_.get_executor(), server_.options());
  EXPECT_EQ(call(client, {"INCRBY", "counter", "41"})->integer(), 41);
  EXPECT_EQ(call(client, {"INCR", "counter"})->integer(), 42);
  EXPECT_EQ(call(client, {"GET", "counter"})->toInteger().value(), 42);
  ASSERT_TRUE(call(client, {"RPUSH", "list", "a", "b", "c"}));
  EXPECT_THAT(call(client, {"LRANGE", "list", "0", "-1"})->toStringVector().value(),
              ElementsAre("a", "b", "c"));
  ASSERT_TRUE(call(client, {"HSET", "hash", "f1", "v1", "f2", "v2"}));
  auto map = call(client, {"HGETALL", "hash"})->toMap();
  ASSERT_TRUE(map);
  EXPECT_EQ(map->at("f1"), "v1");
  EXPECT_EQ(map->at("f2"), "v2");
  auto mget = call(client, {"MGET", "counter", "nothing"})->toOptionalStringVector().value();
  EXPECT_EQ(mget[0], "42");
  EXPECT_FALSE(mget[1].has_value());
}

TEST_F(RedisClientTest, ValuesAreBinarySafeUpToAMebibyte) {
  Client client(io_.get_executor(), server_.options());
  const std::string with_nul("a\0b\r\n\xff", 6);
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
  ASSERT_TRUE(call(client, {"SET", with_nul, with_nul}));
  ASSERT_TRUE(call(client, {"SET", "big", big}));
  EXPECT_EQ(call(client, {"GET", with_nul})->str(), with_nul);
  auto got = call(client, {"GET", "big"});
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->str() == big) << "1 MiB value came back different, size " << got->str().size();
}

TEST_F(RedisClientTest, AnErrorReplyBecomesAnErrorWithTheServerMessage) {
  Client client(io_.get_executor(), server_.options());
  ASSERT_TRUE(call(client, {"SET", "text", "abc"}));
  auto incr = call(client, {"INCR", "text"});
  ASSERT_FALSE(incr);
  EXPECT_EQ(incr.error().code(), ErrorCode::kRedisReply);
  EXPECT_TRUE(isStoreError(incr.error()));
  EXPECT_EQ(incr.error().context(), "ERR value is not an integer or out of range");
  auto wrongtype = call(client, {"LPUSH", "text", "x"});
  ASSERT_FALSE(wrongtype);
  EXPECT_THAT(wrongtype.error().context(), ::testing::StartsWith("WRONGTYPE"));
  // The connection is still in step after error replies.
  EXPECT_EQ(call(client, {"GET", "text"})->str(), "abc");
}

TEST_F(RedisClientTest, CommandsThatWouldChangeTheSharedConnectionAreRefused) {
  Client client(io_.get_executor(), server_.options());
  for (const char* name : {"MULTI", "exec", "SELECT", "subscribe", "MONITOR"}) {
    auto r = call(client, {name});
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code(), ErrorCode::kInternal) << name;
  }
  EXPECT_FALSE(call(client, {}));
}

TEST_F(RedisClientTest, PipelineReturnsRepliesInOrderAndKeepsErrorRepliesInPlace) {
  Client client(io_.get_executor(), server_.options());
  auto replies = run(client.pipeline(
      {{"SET", "p", "1"}, {"INCR", "p"}, {"HGET", "p", "f"}, {"GET", "p"}, {"GET", "missing"}}));
  ASSERT_TRUE(replies) << replies.error().message();
  ASSERT_EQ(replies->size(), 5u);
  EXPECT_TRUE((*replies)[0].isStatus("OK"));
  EXPECT_EQ((*replies)[1].integer(), 2);
  EXPECT_TRUE((*replies)[2].isError());
  EXPECT_THAT((*replies)[2].str(), ::testing::StartsWith("WRONGTYPE"));
  EXPECT_EQ((*replies)[3].str(), "2");
  EXPECT_TRUE((*replies)[4].isNil());
  auto none = run(client.pipeline({}));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(RedisClientTest, AThousandConcurrentCommandsShareOneConnectionAndGetTheirOwnReplies) {
  Client client(io_.get_executor(), server_.options());
  constexpr int kCoroutines = 10;
  constexpr int kPerCoroutine = 100;
  int finished = 0;
  std::vector<std::string> mismatches;
  // 1000 coroutines, all in flight at once. Those sharing a key are spawned (so send) in
  // order, so INCR must answer each one its own position: replies are matched FIFO.
  for (int i = 0; i < kPerCoroutine; ++i) {
    for (int c = 0; c < kCoroutines; ++c) {
      asio::co_spawn(
          io_,
          [&, c, i]() -> awaitable<void> {
            auto r = co_await client.command("INCR", "counter:" + std::to_string(c));
            if (!r || r->integer() != i + 1) {
              mismatches.push_back(std::to_string(c) + "/" + std::to_string(i) + " -> " +
                                   (r ? r->debugString() : r.error().message()));
            }
            ++finished;
          },
          asio::detached);
    }
  }
  ASSERT_TRUE(runUntil(
      io_, [&] { return finished == kCoroutines * kPerCoroutine; }, 30s));
  EXPECT_THAT(mismatches, ::testing::IsEmpty());
  auto clients = call(client, {"CLIENT", "LIST"});
  ASSERT_TRUE(clients);
  EXPECT_EQ(std::count(clients->str().begin(), clients->str().end(), '\n'), 1) << clients->str();
}

TEST_F(RedisClientTest, TransactionSendsMultiCommandsExecAndReturnsExecReplies) {
  test::RedisMonitor monitor(server_);
  Client client(io_.get_executor(), server_.options());
  auto replies =
      run(client.transaction({{"SET", "tx:a", "1"}, {"INCR", "tx:a"}, {"LPUSH", "tx:a", "x"}}));
  ASSERT_TRUE(replies) << replies.error().message();
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_TRUE((*replies)[0].isStatus("OK"));
  EXPECT_EQ((*replies)[1].integer(), 2);
  EXPECT_TRUE((*replies)[2].isError());  // a run-time error stays in its slot
  ASSERT_TRUE(monitor.waitForCount(5));
  EXPECT_THAT(monitor.commands(),
              ElementsAre(ElementsAre("MULTI"), ElementsAre("SET", "tx:a", "1"),
                          ElementsAre("INCR", "tx:a"), ElementsAre("LPUSH", "tx:a", "x"),
                          ElementsAre("EXEC")));
}

TEST_F(RedisClientTest, TransactionWithARejectedCommandRunsNothingAndNamesTheCommand) {
  Client client(io_.get_executor(), server_.options());
  auto r = run(client.transaction({{"SET", "tx:b", "1"}, {"SET", "tx:b"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kRedisReply);
  EXPECT_THAT(r.error().context(), HasSubstr("transaction command 2 (SET) rejected"));
  EXPECT_THAT(r.error().context(), HasSubstr("wrong number of arguments"));
  EXPECT_TRUE(call(client, {"GET", "tx:b"})->isNil());
}

TEST_F(RedisClientTest, WatchedKeyChangedByAnotherClientAbortsTheTransactionAsConflict) {
  Client client(io_.get_executor(), server_.options());
  Client other(io_.get_executor(), server_.options());
  ASSERT_TRUE(call(client, {"SET", "balance", "10"}));
  ASSERT_TRUE(call(client, {"WATCH", "balance"}));
  ASSERT_EQ(call(client, {"GET", "balance"})->str(), "10");
  ASSERT_TRUE(call(other, {"SET", "balance", "99"}));
  auto r = run(client.transaction({{"SET", "balance", "11"}}));
  ASSERT_FALSE(r);
  EXPECT_TRUE(isConflict(r.error())) << r.error().message();
  EXPECT_EQ(call(client, {"GET", "balance"})->str(), "99");
  // Without an interfering write the same sequence commits.
  ASSERT_TRUE(call(client, {"WATCH", "balance"}));
  auto committed = run(client.transaction({{"SET", "balance", "100"}}));
  ASSERT_TRUE(committed) << committed.error().message();
  EXPECT_EQ(call(other, {"GET", "balance"})->str(), "100");
}

TEST_F(RedisClientTest, TransactionAfterAReconnectIsAConflictBecauseTheWatchIsGone) {
  Client client(io_.get_executor(), server_.options());
  Client admin(io_.get_executor(), server_.options());
  ASSERT_TRUE(call(client, {"SET", "w", "1"}));
  auto id = call(client, {"CLIENT", "ID"});
  ASSERT_TRUE(id);
  ASSERT_TRUE(call(client, {"WATCH", "w"}));
  ASSERT_TRUE(call(admin, {"CLIENT", "KILL", "ID", std::to_string(id->integer())}));
  ASSERT_TRUE(runUntil(
      io_, [&] { return !client.connected(); }, 5s));
  auto r = run(client.transaction({{"SET", "w", "2"}}));
  ASSERT_FALSE(r);
  EXPECT_TRUE(isConflict(r.error())) << r.error().message();
  EXPECT_EQ(call(client, {"GET", "w"})->str(), "1");
}

TEST_F(RedisClientTest, EvalUsesEvalshaAndFallsBackToEvalAfterScriptFlush) {
  static const Script kScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  Client client(io_.get_executor(), server_.options());
  test::RedisMonitor monitor(server_);
  auto first = run(client.eval(kScript, {"n"}, {"5"}));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->integer(), 5);
  auto second = run(client.eval(kScript, {"n"}, {"5"}));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->integer(), 10);
  ASSERT_TRUE(call(client, {"SCRIPT", "FLUSH"}));
  auto third = run(client.eval(kScript, {"n"}, {"1"}));
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_EQ(third->integer(), 11);

  // 6 commands from the client plus the script's INCRBY, shown as client "lua", 3 times.
  ASSERT_TRUE(monitor.waitForCount(9));
  std::vector<std::string> names;
  int script_calls = 0;
  for (const auto& e : monitor.entries()) {
    if (e.client == "lua") {
      ++script_calls;
    } else {
      names.push_back(e.argv[0]);
    }
  }
  EXPECT_EQ(script_calls, 3);
  // The first call loads the script (EVALSHA misses), the second reuses it.
  EXPECT_THAT(names, ElementsAre("EVALSHA", "EVAL", "EVALSHA", "SCRIPT", "EVALSHA", "EVAL"));
}

TEST_F(RedisClientTest, AnErrorRaisedByAScriptIsARedisReplyError) {
  static const Script kScript("return redis.error_reply('BADCONF domain missing')");
  Client client(io_.get_executor(), server_.options());
  auto r = run(client.eval(kScript, {}, {}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kRedisReply);
  EXPECT_THAT(r.error().context(), ::testing::StartsWith("BADCONF domain missing"));
}

TEST_F(RedisClientTest, ACancelledCallKeepsTheReplyStreamAligned) {
  using namespace asio::experimental::awaitable_operators;
  Client client(io_.get_executor(), server_.options());
  ASSERT_TRUE(call(client, {"SET", "after", "value"}));
  run([&]() -> awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
    // BLPOP answers nil after 0.5 s; the timer wins and cancels the call.
    Command blpop{"BLPOP", "empty-list", "0.5"};
    auto winner =
        co_await (client.command(std::move(blpop)) || timer.async_wait(asio::use_awaitable));
    EXPECT_EQ(winner.index(), 1u);
  }());
  // Queued behind the abandoned BLPOP: must get its own reply, not BLPOP's nil.
  auto r = call(client, {"GET", "after"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->str(), "value");
}

TEST_F(RedisClientTest, ATimedOutCommandFailsWithTimeoutFailsThePipelineBehindItAndRecovers) {
  auto options = server_.options();
  options.command_timeout = 200ms;
  Client client(io_.get_executor(), options);
  ASSERT_TRUE(call(client, {"SET", "k", "v"}));

  std::optional<Result<Reply>> blocked, behind;
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        Command argv{"BLPOP", "empty-list", "5"};
        blocked = co_await client.command(std::move(argv));
      },
      asio::detached);
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        Command argv{"GET", "k"};
        behind = co_await client.command(std::move(argv));
      },
      asio::detached);
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(runUntil(
      io_, [&] { return blocked && behind; }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  ASSERT_FALSE(*blocked);
  EXPECT_TRUE(isTimeout(blocked->error()));
  EXPECT_TRUE(isStoreError(blocked->error()));
  EXPECT_THAT(blocked->error().message(), HasSubstr("127.0.0.1:" + std::to_string(server_.port())));
  ASSERT_FALSE(*behind);
  EXPECT_TRUE(isUnavailable(behind->error())) << behind->error().message();

  auto again = call(client, {"GET", "k"});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->str(), "v");
}

TEST_F(RedisClientTest, AuthAndDatabaseComeFromOptions) {
  test::RedisServer secured({"--requirepass", "s3cret-pw"});
  auto in_db3 = secured.options();
  ASSERT_EQ(in_db3.password, "s3cret-pw");
  in_db3.db = 3;
  Client client3(io_.get_executor(), in_db3);
  Client client0(io_.get_executor(), secured.options());
  ASSERT_TRUE(call(client3, {"SET", "where", "db3"}));
  EXPECT_EQ(call(client3, {"GET", "where"})->str(), "db3");
  EXPECT_TRUE(call(client0, {"GET", "where"})->isNil());

  auto no_password = secured.options();
  no_password.password.clear();
  Client anonymous(io_.get_executor(), no_password);
  auto refused = call(anonymous, {"GET", "where"});
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().context(), HasSubstr("NOAUTH"));
}

TEST_F(RedisClientTest, AWrongPasswordFailsAsUnavailableWithoutQuotingThePassword) {
  test::RedisServer secured({"--requirepass", "right-pw"});
  auto options = secured.options();
  options.password = "wrong-pw-1234";
  Client client(io_.get_executor(), options);
  auto r = call(client, {"PING"});
  ASSERT_FALSE(r);
  EXPECT_TRUE(isUnavailable(r.error()));
  EXPECT_THAT(r.error().message(),
              HasSubstr("AUTH on 127.0.0.1:" + std::to_string(secured.port())));
  EXPECT_THAT(r.error().message(), HasSubstr("WRONGPASS"));
  EXPECT_THAT(r.error().message(), Not(HasSubstr("wrong-pw-1234")));
}

TEST_F(RedisClientTest, AnAclUserAuthenticatesWithUsernameAndPassword) {
  Client admin(io_.get_executor(), server_.options());
  ASSERT_TRUE(call(admin, {"ACL", "SETUSER", "cirrus", "on", ">cirrus-pw", "~cdn:*", "+@all"}));
  auto options = server_.options();
  options.username = "cirrus";
  options.password = "cirrus-pw";
  Client client(io_.get_executor(), options);
  EXPECT_EQ(call(client, {"ACL", "WHOAMI"})->str(), "cirrus");
  EXPECT_TRUE(call(client, {"SET", "cdn:x", "1"}));
  auto denied = call(client, {"SET", "other", "1"});
  ASSERT_FALSE(denied);
  EXPECT_THAT(denied.error().context(), ::testing::StartsWith("NOPERM"));
}

TEST_F(RedisClientTest, ASelectOfAMissingDatabaseFailsEveryCallAndNothingRunsInDbZero) {
  auto options = server_.options();
  options.db = 999;
  Client client(io_.get_executor(), options);
  auto r = call(client, {"SET", "leak", "1"});
  ASSERT_FALSE(r);
  EXPECT_TRUE(isUnavailable(r.error()));
  EXPECT_THAT(r.error().context(), HasSubstr("SELECT 999"));
  Client db0(io_.get_executor(), server_.options());
  EXPECT_TRUE(call(db0, {"GET", "leak"})->isNil());
}

TEST_F(RedisClientTest, ConnectionRefusedFailsFastNamingTheAddress) {
  auto options = server_.options();
  options.port = test::freeLoopbackPort();
  Client client(io_.get_executor(), options);
  auto started = std::chrono::steady_clock::now();
  auto r = call(client, {"PING"});
  ASSERT_FALSE(r);
  EXPECT_TRUE(isUnavailable(r.error()));
  EXPECT_TRUE(r.error().retryable());
  EXPECT_EQ(r.error().context(),
            "connect 127.0.0.1:" + std::to_string(options.port) + ": Connection refused");
  // Within the backoff window the next call fails at once with the same error.
  auto again = call(client, {"PING"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().context(), r.error().context());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

// Acceptance test of the issue: kill redis-server under a connected client, see clear
// errors, restart it on the same port, and the same client works again on its own.
TEST_F(RedisClientTest, AcceptanceKilledRedisFailsClearlyAndTheClientRecoversAfterRestart) {
  Client client(io_.get_executor(), server_.options());
  ASSERT_TRUE(call(client, {"SET", "before", "1"}));
  server_.kill();

  const std::string address = "127.0.0.1:" + std::to_string(server_.port());
  for (int i = 0; i < 3; ++i) {
    auto r = call(client, {"GET", "before"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(isUnavailable(r.error())) << r.error().message();
    EXPECT_TRUE(isStoreError(r.error()));
    EXPECT_THAT(r.error().message(), HasSubstr(address));
  }

  server_.start();
  bool recovered = false;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!recovered && std::chrono::steady_clock::now() < deadline) {
    recovered = run([&]() -> awaitable<bool> {
      auto r = co_await client.command("SET", "after", "2");
      if (!r) {
        asio::steady_timer pause(co_await asio::this_coro::executor, 20ms);
        co_await pause.async_wait(asio::use_awaitable);
      }
      co_return bool(r);
    }());
  }
  ASSERT_TRUE(recovered) << "no successful command within 10 s of the restart";
  EXPECT_EQ(call(client, {"GET", "after"})->str(), "2");
}

TEST_F(RedisClientTest, CloseFailsInFlightAndLaterCalls) {
  Client client(io_.get_executor(), server_.options());
  ASSERT_TRUE(call(client, {"PING"}));
  std::optional<Result<Reply>> in_flight;
  asio::co_spawn(
      io_,
      [&]() -> awaitable<void> {
        Command argv{"BLPOP", "empty-list", "5"};
        in_flight = co_await client.command(std::move(argv));
      },
      asio::detached);
  runUntil(
      io_, [] { return false; }, 100ms);  // lets the BLPOP reach the server
  ASSERT_FALSE(in_flight.has_value());
  client.close();
  ASSERT_TRUE(runUntil(
      io_, [&] { return in_flight.has_value(); }, 2s));
  ASSERT_FALSE(*in_flight);
  EXPECT_TRUE(isUnavailable(in_flight->error()));
  auto later = call(client, {"PING"});
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().context(), "redis client closed");
}

}  // namespace
}  // namespace cirrus::redis
