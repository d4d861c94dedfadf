#include "edge/edge_cache.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cache/cached_object.h"
#include "core/metrics_registry.h"

namespace cirrus::edge {
namespace {

namespace asio = boost::asio;

cache::CachedObjectSharedPtr makeObject(std::string_view target, std::string body) {
  cache::ObjectInput in;
  in.key = cache::makePrimaryKey("http", "a.test", target, model::QueryStringMode::kInclude);
  in.domain = "a.test";
  in.path = target;
  std::vector<cache::HeaderField> fields{{"Cache-Control", "max-age=60"}};
  in.response_fields = fields;
  in.body = cache::Body::make(std::move(body));
  in.request_time = in.response_time = 1000;
  return cache::buildCachedObject(std::move(in));
}

cache::LookupResult lookupSync(EdgeCache& c, const cache::CachedObject& like) {
  asio::io_context ioc;
  auto f = asio::co_spawn(ioc, c.lookup(like.key, like.key_text, {}), asio::use_future);
  ioc.run();
  return f.get();
}

TEST(FlightTest, WakesEveryWaiterOnceAndRefusesLateWaiters) {
  Flight flight;
  int woken = 0;
  EXPECT_TRUE(flight.addWaiter([&] { ++woken; }));
  EXPECT_TRUE(flight.addWaiter([&] { ++woken; }));
  flight.finish();
  EXPECT_EQ(woken, 2);
  EXPECT_FALSE(flight.addWaiter([&] { ++woken; }));
  EXPECT_EQ(woken, 2);
}

TEST(EdgeCacheTest, OneLeaderPerKeyUntilItsFlightEnds) {
  metrics::Registry registry;
  auto cache = EdgeCache::create({}, registry);
  ASSERT_TRUE(cache);
  bool leader = false;
  FlightPtr first = (*cache)->joinFlight("http://a.test/x", leader);
  EXPECT_TRUE(leader);
  FlightPtr second = (*cache)->joinFlight("http://a.test/x", leader);
  EXPECT_FALSE(leader);
  EXPECT_EQ(first, second);
  (*cache)->joinFlight("http://a.test/y", leader);
  EXPECT_TRUE(leader);  // another key is independent
  bool woken = false;
  second->addWaiter([&] { woken = true; });
  (*cache)->endFlight("http://a.test/x", first);
  EXPECT_TRUE(woken);
  (*cache)->joinFlight("http://a.test/x", leader);
  EXPECT_TRUE(leader);
}

TEST(EdgeCacheTest, MemoryTierAnswersAndPurgeRemoves) {
  metrics::Registry registry;
  auto cache = EdgeCache::create({}, registry);
  ASSERT_TRUE(cache);
  auto obj = makeObject("/p", "body");
  (*cache)->insert(obj);
  auto found = lookupSync(**cache, *obj);
  ASSERT_TRUE(found);
  EXPECT_EQ(found.object->body->view(), "body");
  (*cache)->purge({"a.test", cache::PurgeScope::kExactPath, "/p", false}, 2000);
  EXPECT_FALSE(lookupSync(**cache, *obj));
  EXPECT_NE(registry.render().find("cirrus_cache_bytes{tier=\"memory\"}"), std::string::npos);
}

TEST(EdgeCacheTest, DiskTierOutlivesTheCacheObject) {
  auto dir =
      std::filesystem::temp_directory_path() / ("edge-cache-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  EdgeCacheOptions o;
  o.disk_dir = dir.string();
  o.disk_bytes = 64 << 20;
  auto obj = makeObject("/d", "on disk");
  {
    metrics::Registry registry;
    auto cache = EdgeCache::create(o, registry);
    ASSERT_TRUE(cache);
    (*cache)->insert(obj);
  }  // the destructor waits for the disk writes
  metrics::Registry registry;
  auto reopened = EdgeCache::create(o, registry);
  ASSERT_TRUE(reopened);
  auto found = lookupSync(**reopened, *obj);
  ASSERT_TRUE(found);
  EXPECT_EQ(found.object->body->view(), "on disk");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cirrus::edge
