// DomainStore against a real redis-server: key names, atomic units and notifications are
// asserted from outside the code, through MONITOR and direct reads.
#include "store/domain_store.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;
using namespace std::chrono_literals;

model::DomainConf makeConf(const std::string& domain, const std::string& origin = "origin.test") {
  nlohmann::json body = {{"domain", domain}};
  body["origins"] = nlohmann::json::array({{{"scheme", "http"}, {"host", origin}}});
  auto parsed = model::parseDomainConf(body);
  EXPECT_TRUE(parsed.ok()) << model::describe(parsed.errors);
  return parsed.value;
}

class DomainStoreTest : public test::StoreTest {
 protected:
  DomainStore store_{client_};
};

TEST_F(DomainStoreTest, CreateWritesConfigMemberAndAuditInOneScriptThenPublishes) {
  test::RedisMonitor monitor(server_);
  model::DomainConf conf = makeConf("a.test");
  auto created = run(store_.create(conf, audit()));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_THAT(
      recorded(monitor),
      ElementsAre("SCRIPT", "EXISTS cdn:dom:a.test",
                  "SET cdn:dom:a.test " + model::toJson(conf).dump(), "SADD cdn:domains a.test",
                  "XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor alice method session "
                  "action domain.create target a.test details {}",
                  "PUBLISH cdn:conf a.test", "PUBLISH cdn:cname:dirty a.test"));
}

TEST_F(DomainStoreTest, GetParsesTheDocumentAndGetRawReturnsItVerbatim) {
  model::DomainConf conf = makeConf("a.test");
  ASSERT_TRUE(run(store_.create(conf, audit())));
  auto got = run(store_.get("a.test"));
  ASSERT_TRUE(got) << got.error().message();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, conf);
  auto raw_json = run(store_.getRaw("a.test"));
  ASSERT_TRUE(raw_json);
  EXPECT_EQ(raw_json->value(), raw({"GET", "cdn:dom:a.test"}).str());
  EXPECT_FALSE(run(store_.get("missing.test"))->has_value());
  EXPECT_FALSE(run(store_.getRaw("missing.test"))->has_value());
}

TEST_F(DomainStoreTest, CreatingAnExistingDomainIsAConflictThatWritesNothing) {
  ASSERT_TRUE(run(store_.create(makeConf("a.test", "first.test"), audit())));
  test::RedisMonitor monitor(server_);
  auto again = run(store_.create(makeConf("a.test", "second.test"), audit("bob")));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isConflict(again.error())) << again.error().message();
  EXPECT_THAT(recorded(monitor), ElementsAre("SCRIPT", "EXISTS cdn:dom:a.test"));
  EXPECT_EQ(run(store_.get("a.test"))->value().origins.at(0).host, "first.test");
  EXPECT_EQ(raw({"XLEN", "cdn:audit"}).integer(), 1);
}

TEST_F(DomainStoreTest, TwentyConcurrentCreatesOfOneDomainYieldExactlyOneSuccess) {
  // Several connections, so the creates really interleave at the server.
  std::vector<std::unique_ptr<redis::Client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<redis::Client>(io_.get_executor(), server_.options()));
  }
  int successes = 0, conflicts = 0, others = 0, finished = 0;
  for (int i = 0; i < 20; ++i) {
    boost::asio::co_spawn(
        io_,
        [&, i]() -> boost::asio::awaitable<void> {
          DomainStore store(*clients[i % clients.size()]);
          auto r = co_await store.create(makeConf("race.test", "o" + std::to_string(i) + ".test"),
                                         audit("user" + std::to_string(i)));
          if (r) {
            ++successes;
          } else if (isConflict(r.error())) {
            ++conflicts;
          } else {
            ++others;
          }
          ++finished;
        },
        boost::asio::detached);
  }
  ASSERT_TRUE(runUntil(
      io_, [&] { return finished == 20; }, 30s));
  EXPECT_EQ(successes, 1);
  EXPECT_EQ(conflicts, 19);
  EXPECT_EQ(others, 0);
  EXPECT_EQ(raw({"XLEN", "cdn:audit"}).integer(), 1);
  EXPECT_EQ(raw({"SCARD", "cdn:domains"}).integer(), 1);
}

TEST_F(DomainStoreTest, PutReplacesInOneTransactionAndIsIdempotent) {
  ASSERT_TRUE(run(store_.create(makeConf("a.test", "first.test"), audit())));
  model::DomainConf replacement = makeConf("a.test", "second.test");
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.put(replacement, audit("bob"))));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("MULTI", "SET cdn:dom:a.test " + model::toJson(replacement).dump(),
                          "SADD cdn:domains a.test",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor bob "
                                     "method session action domain.update target a.test"),
                          "EXEC", "PUBLISH cdn:conf a.test", "PUBLISH cdn:cname:dirty a.test"));
  ASSERT_TRUE(run(store_.put(replacement, audit("bob"))));
  EXPECT_EQ(run(store_.get("a.test"))->value(), replacement);
  EXPECT_EQ(raw({"SCARD", "cdn:domains"}).integer(), 1);
}

TEST_F(DomainStoreTest, PutCreatesAnAbsentDomain) {
  ASSERT_TRUE(run(store_.put(makeConf("new.test"), audit())));
  EXPECT_TRUE(run(store_.get("new.test"))->has_value());
  EXPECT_EQ(raw({"SISMEMBER", "cdn:domains", "new.test"}).integer(), 1);
}

TEST_F(DomainStoreTest, ListReturnsEveryDomainSorted) {
  for (const char* d : {"c.test", "a.test", "b.test"}) {
    ASSERT_TRUE(run(store_.create(makeConf(d), audit())));
  }
  EXPECT_THAT(run(store_.list()).value(), ElementsAre("a.test", "b.test", "c.test"));
}

TEST_F(DomainStoreTest, RemoveCascadesToCertificateAcmeStateKeyAndTaskPointer) {
  ASSERT_TRUE(run(store_.create(makeConf("a.test"), audit())));
  raw({"HSET", "cdn:cert:a.test", "fullchain", "PEM", "key", "KEY"});
  raw({"HSET", "cdn:acme:a.test", "status", "issued"});
  raw({"SET", "cdn:acmecertkey:a.test", "KEY"});
  raw({"SET", "cdn:acme:task:a.test", "t1"});
  raw({"SET", "cdn:acme:lock:a.test", "worker-1", "EX", "600"});
  raw({"SET", "cdn:dom:b.test", "{}"});
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.remove("a.test", audit())));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:dom:a.test",
                          "DEL cdn:dom:a.test cdn:cert:a.test cdn:acme:a.test "
                          "cdn:acmecertkey:a.test cdn:acme:task:a.test",
                          "SREM cdn:domains a.test",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor alice "
                                     "method session action domain.delete target a.test"),
                          "PUBLISH cdn:conf a.test", "PUBLISH cdn:cname:dirty a.test",
                          "PUBLISH cdn:certs a.test"));
  for (const char* key : {"cdn:dom:a.test", "cdn:cert:a.test", "cdn:acme:a.test",
                          "cdn:acmecertkey:a.test", "cdn:acme:task:a.test"}) {
    EXPECT_FALSE(exists(key)) << key;
  }
  EXPECT_TRUE(exists("cdn:acme:lock:a.test")) << "a running issuance keeps its lock";
  EXPECT_TRUE(exists("cdn:dom:b.test"));
  EXPECT_THAT(run(store_.list()).value(), ::testing::IsEmpty());
}

TEST_F(DomainStoreTest, RemovingAMissingDomainIsNotFoundAndAuditsNothing) {
  auto removed = run(store_.remove("missing.test", audit()));
  ASSERT_FALSE(removed);
  EXPECT_TRUE(isNotFound(removed.error()));
  EXPECT_EQ(raw({"XLEN", "cdn:audit"}).integer(), 0);
}

TEST_F(DomainStoreTest, ACorruptStoredDocumentIsAStoreProtocolError) {
  raw({"SET", "cdn:dom:bad.test", "{not json"});
  raw({"SET", "cdn:dom:invalid.test", R"({"domain":"invalid.test","origins":[]})"});
  auto bad = run(store_.get("bad.test"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kProtocol);
  auto invalid = run(store_.get("invalid.test"));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), ErrorCode::kProtocol);
  EXPECT_THAT(invalid.error().context(), ::testing::HasSubstr("origins"));
  // The edge still gets the bytes: it validates them itself.
  EXPECT_EQ(run(store_.getRaw("bad.test"))->value(), "{not json");
}

}  // namespace
}  // namespace cirrus::store
