// AcmeStore against a real redis-server: lock semantics (exclusive, released only by its
// holder, expiring), the task pointer, the account and the per-domain key.
#include "store/acme_store.h"

#include <chrono>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using namespace std::chrono_literals;

class AcmeStoreTest : public test::StoreTest {
 protected:
  void SetUp() override { raw({"SET", "cdn:dom:a.test", "{}"}); }

  AcmeStore store_{client_};
};

TEST_F(AcmeStoreTest, StatusRoundTripsThroughTheAcmeHash) {
  EXPECT_FALSE(run(store_.getStatus("a.test"))->has_value());
  model::AcmeStatus status;
  status.status = model::AcmeState::kIssued;
  status.updated_at = test::kNow;
  status.issued_at = test::kNow;
  status.username = "u";
  status.password = "p";
  status.subdomain = "sub";
  status.fulldomain = "sub.acme.test";
  ASSERT_TRUE(run(store_.setStatus("a.test", status)));
  EXPECT_EQ(raw({"HGET", "cdn:acme:a.test", "status"}).str(), "issued");
  EXPECT_EQ(raw({"HGET", "cdn:acme:a.test", "fulldomain"}).str(), "sub.acme.test");
  EXPECT_EQ(run(store_.getStatus("a.test"))->value(), status);
}

TEST_F(AcmeStoreTest, StatusOfADeletedDomainIsNotRecreated) {
  auto set = run(store_.setStatus("gone.test", model::AcmeStatus{}));
  ASSERT_FALSE(set);
  EXPECT_TRUE(isNotFound(set.error()));
  EXPECT_FALSE(exists("cdn:acme:gone.test"));
}

TEST_F(AcmeStoreTest, ASecondTryLockFailsUntilTheHolderReleases) {
  EXPECT_TRUE(run(store_.tryLock("a.test", "worker-1", 60s)).value());
  EXPECT_EQ(raw({"GET", "cdn:acme:lock:a.test"}).str(), "worker-1");
  EXPECT_GT(ttl("cdn:acme:lock:a.test"), 50);
  EXPECT_FALSE(run(store_.tryLock("a.test", "worker-2", 60s)).value());
  EXPECT_TRUE(run(store_.release("a.test", "worker-1")).value());
  EXPECT_FALSE(exists("cdn:acme:lock:a.test"));
  EXPECT_TRUE(run(store_.tryLock("a.test", "worker-2", 60s)).value());
}

TEST_F(AcmeStoreTest, ReleaseByANonHolderDoesNothing) {
  ASSERT_TRUE(run(store_.tryLock("a.test", "worker-1", 60s)).value());
  EXPECT_FALSE(run(store_.release("a.test", "worker-2")).value());
  EXPECT_EQ(raw({"GET", "cdn:acme:lock:a.test"}).str(), "worker-1");
  EXPECT_FALSE(run(store_.release("b.test", "worker-1")).value()) << "free lock";
}

TEST_F(AcmeStoreTest, AnExpiredLockIsTakenByAnotherAndTheOldHolderCannotReleaseIt) {
  ASSERT_TRUE(run(store_.tryLock("a.test", "worker-1", 1s)).value());
  // Bounded wait for Redis to expire the key (1 s TTL).
  for (int i = 0; i < 40 && exists("cdn:acme:lock:a.test"); ++i) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(exists("cdn:acme:lock:a.test"));
  EXPECT_TRUE(run(store_.tryLock("a.test", "worker-2", 60s)).value());
  EXPECT_FALSE(run(store_.release("a.test", "worker-1")).value());
  EXPECT_FALSE(run(store_.refreshLock("a.test", "worker-1", 600s)).value());
  EXPECT_EQ(raw({"GET", "cdn:acme:lock:a.test"}).str(), "worker-2");
  EXPECT_LE(ttl("cdn:acme:lock:a.test"), 60);
}

TEST_F(AcmeStoreTest, RefreshLockExtendsOnlyTheHoldersLock) {
  ASSERT_TRUE(run(store_.tryLock("a.test", "worker-1", 30s)).value());
  EXPECT_TRUE(run(store_.refreshLock("a.test", "worker-1", 900s)).value());
  EXPECT_GT(ttl("cdn:acme:lock:a.test"), 800);
}

TEST_F(AcmeStoreTest, TaskPointerIsSetExpiresWithTheTaskAndClearsOnlyForItsTask) {
  EXPECT_FALSE(run(store_.getTask("a.test"))->has_value());
  ASSERT_TRUE(run(store_.setTask("a.test", "t1")));
  EXPECT_EQ(run(store_.getTask("a.test"))->value(), "t1");
  EXPECT_EQ(raw({"GET", "cdn:acme:task:a.test"}).str(), "t1");
  EXPECT_GT(ttl("cdn:acme:task:a.test"), 6 * 24 * 3600);
  EXPECT_FALSE(run(store_.clearTask("a.test", "t0")).value());
  EXPECT_TRUE(run(store_.clearTask("a.test", "t1")).value());
  EXPECT_FALSE(exists("cdn:acme:task:a.test"));
}

TEST_F(AcmeStoreTest, AccountRoundTripsThroughTheGlobalHash) {
  EXPECT_FALSE(run(store_.getAccount())->has_value());
  AcmeAccount account{"ACCOUNT KEY PEM", "https://ca.test/acct/1", "https://ca.test/dir"};
  ASSERT_TRUE(run(store_.putAccount(account)));
  EXPECT_EQ(raw({"HGET", "cdn:acmeacct:global", "kid"}).str(), "https://ca.test/acct/1");
  EXPECT_EQ(run(store_.getAccount())->value(), account);
}

TEST_F(AcmeStoreTest, CertKeyIsStoredPerDomainOnlyWhileTheDomainExists) {
  EXPECT_FALSE(run(store_.getCertKey("a.test"))->has_value());
  ASSERT_TRUE(run(store_.putCertKey("a.test", "DOMAIN KEY PEM")));
  EXPECT_EQ(raw({"GET", "cdn:acmecertkey:a.test"}).str(), "DOMAIN KEY PEM");
  EXPECT_EQ(run(store_.getCertKey("a.test"))->value(), "DOMAIN KEY PEM");
  auto gone = run(store_.putCertKey("gone.test", "KEY"));
  ASSERT_FALSE(gone);
  EXPECT_TRUE(isNotFound(gone.error()));
  EXPECT_FALSE(exists("cdn:acmecertkey:gone.test"));
}

}  // namespace
}  // namespace cirrus::store
