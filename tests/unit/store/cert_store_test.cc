// CertStore against a real redis-server: the private key is written beside the metadata but
// never read back by getMeta(), and a certificate cannot outlive its domain.
#include "store/cert_store.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kChain[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
constexpr char kKey[] = "-----BEGIN PRIVATE KEY-----\nSECRET\n-----END PRIVATE KEY-----\n";

model::CertificateMeta makeMeta() {
  model::CertificateMeta meta;
  meta.domain = "a.test";
  meta.not_before = 1690000000;
  meta.not_after = 1790000000;
  meta.issuer = "CN=Test CA";
  meta.source = model::CertSource::kUpload;
  meta.updated_at = test::kNow;
  meta.names = {"a.test", "www.a.test"};
  return meta;
}

class CertStoreTest : public test::StoreTest {
 protected:
  void SetUp() override { raw({"SET", "cdn:dom:a.test", "{}"}); }

  CertStore store_{client_};
};

TEST_F(CertStoreTest, PutReplacesTheWholeHashInOneScriptThenPublishes) {
  raw({"HSET", "cdn:cert:a.test", "legacy", "stale"});
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.put("a.test", kChain, kKey, makeMeta(), audit())));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:dom:a.test", "DEL cdn:cert:a.test",
                          StartsWith("HSET cdn:cert:a.test fullchain "),
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor alice "
                                     "method session action certificate.update target a.test"),
                          "PUBLISH cdn:certs a.test"));
  EXPECT_EQ(raw({"HGET", "cdn:cert:a.test", "fullchain"}).str(), kChain);
  EXPECT_EQ(raw({"HGET", "cdn:cert:a.test", "key"}).str(), kKey);
  EXPECT_EQ(raw({"HGET", "cdn:cert:a.test", "not_after"}).str(), "1790000000");
  EXPECT_EQ(raw({"HGET", "cdn:cert:a.test", "source"}).str(), "upload");
  EXPECT_FALSE(raw({"HEXISTS", "cdn:cert:a.test", "legacy"}).integer());
}

TEST_F(CertStoreTest, PutWithoutAuditContextWritesNoAuditEntry) {
  ASSERT_TRUE(run(store_.put("a.test", kChain, kKey, makeMeta(), std::nullopt)));
  EXPECT_EQ(raw({"XLEN", "cdn:audit"}).integer(), 0);
  EXPECT_TRUE(exists("cdn:cert:a.test"));
}

TEST_F(CertStoreTest, PutForADeletedDomainIsNotFoundAndLeavesNothing) {
  auto put = run(store_.put("gone.test", kChain, kKey, makeMeta(), std::nullopt));
  ASSERT_FALSE(put);
  EXPECT_TRUE(isNotFound(put.error()));
  EXPECT_FALSE(exists("cdn:cert:gone.test"));
}

TEST_F(CertStoreTest, GetMetaReadsOnlyMetadataFieldsNeverTheKey) {
  ASSERT_TRUE(run(store_.put("a.test", kChain, kKey, makeMeta(), std::nullopt)));
  test::RedisMonitor monitor(server_);
  auto meta = run(store_.getMeta("a.test"));
  ASSERT_TRUE(meta) << meta.error().message();
  ASSERT_TRUE(meta->has_value());
  EXPECT_EQ(**meta, makeMeta());
  auto lines = recorded(monitor);
  EXPECT_THAT(lines, ElementsAre("EXISTS cdn:cert:a.test",
                                 "HMGET cdn:cert:a.test not_before not_after issuer source "
                                 "updated_at names"));
  for (const std::string& line : lines) EXPECT_THAT(line, Not(HasSubstr("key")));
  EXPECT_FALSE(run(store_.getMeta("other.test"))->has_value());
}

TEST_F(CertStoreTest, GetFullReturnsChainKeyAndMeta) {
  ASSERT_TRUE(run(store_.put("a.test", kChain, kKey, makeMeta(), std::nullopt)));
  auto full = run(store_.getFull("a.test"));
  ASSERT_TRUE(full);
  ASSERT_TRUE(full->has_value());
  EXPECT_EQ((*full)->fullchain, kChain);
  EXPECT_EQ((*full)->key, kKey);
  EXPECT_EQ((*full)->meta, makeMeta());
  EXPECT_FALSE(run(store_.getFull("other.test"))->has_value());
  // A hash without a key (damaged or half-written by hand) is no usable certificate.
  raw({"HSET", "cdn:cert:half.test", "fullchain", kChain});
  EXPECT_FALSE(run(store_.getFull("half.test"))->has_value());
}

TEST_F(CertStoreTest, RemoveDeletesAuditsAndPublishesAndAMissingOneIsNotFound) {
  ASSERT_TRUE(run(store_.put("a.test", kChain, kKey, makeMeta(), std::nullopt)));
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.remove("a.test", audit())));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:cert:a.test", "DEL cdn:cert:a.test",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor alice "
                                     "method session action certificate.delete target a.test"),
                          "PUBLISH cdn:certs a.test"));
  EXPECT_FALSE(exists("cdn:cert:a.test"));
  EXPECT_TRUE(exists("cdn:dom:a.test"));
  auto again = run(store_.remove("a.test", audit()));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isNotFound(again.error()));
}

}  // namespace
}  // namespace cirrus::store
