// SerialStore against a real redis-server: the SOA serial only grows (spec §7).
#include "store/serial_store.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

class SerialStoreTest : public test::StoreTest {
 protected:
  SerialStore store_{client_};
};

TEST_F(SerialStoreTest, FirstAdvanceStoresTheCandidate) {
  EXPECT_FALSE(run(store_.get())->has_value());
  EXPECT_EQ(run(store_.advance(test::kNow)).value(), test::kNow);
  EXPECT_EQ(raw({"GET", "cdn:dns:serial"}).str(), "1700000000");
  EXPECT_EQ(run(store_.get())->value(), test::kNow);
}

TEST_F(SerialStoreTest, AdvanceIsStrictlyIncreasingEvenWhenTheCandidateIsLower) {
  ASSERT_EQ(run(store_.advance(test::kNow)).value(), test::kNow);
  // Same second, and a clock that went backwards: previous + 1 each time.
  EXPECT_EQ(run(store_.advance(test::kNow)).value(), test::kNow + 1);
  EXPECT_EQ(run(store_.advance(test::kNow - 3600)).value(), test::kNow + 2);
  EXPECT_EQ(run(store_.advance(0)).value(), test::kNow + 3);
  // A later clock wins.
  EXPECT_EQ(run(store_.advance(test::kNow + 100)).value(), test::kNow + 100);
  EXPECT_EQ(run(store_.get())->value(), test::kNow + 100);
}

TEST_F(SerialStoreTest, ConcurrentAdvancesGetDistinctSerials) {
  std::set<int64_t> serials;
  int finished = 0;
  for (int i = 0; i < 10; ++i) {
    boost::asio::co_spawn(
        io_,
        [&]() -> boost::asio::awaitable<void> {
          auto serial = co_await store_.advance(test::kNow);
          if (serial) serials.insert(*serial);
          ++finished;
        },
        boost::asio::detached);
  }
  ASSERT_TRUE(runUntil(io_, [&] { return finished == 10; }));
  EXPECT_EQ(serials.size(), 10u);
  EXPECT_EQ(*serials.rbegin(), test::kNow + 9);
}

TEST_F(SerialStoreTest, ADamagedSerialIsAnErrorNotARestartFromZero) {
  raw({"SET", "cdn:dns:serial", "garbage"});
  auto advanced = run(store_.advance(test::kNow));
  ASSERT_FALSE(advanced);
  EXPECT_EQ(advanced.error().code(), ErrorCode::kRedisReply);
  auto got = run(store_.get());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kProtocol);
  EXPECT_EQ(raw({"GET", "cdn:dns:serial"}).str(), "garbage");
}

}  // namespace
}  // namespace cirrus::store
