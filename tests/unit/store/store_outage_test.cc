// Every repository while Redis is down: calls fail with storeUnavailable (no crash, no
// exception), nothing is half-written, and the same objects work again once Redis is back.
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/audit_log.h"
#include "store/bootstrap_state.h"
#include "store/domain_store.h"
#include "store/purge_log.h"
#include "store/session_store.h"
#include "store/store_fixture.h"
#include "store/user_store.h"

namespace cirrus::store {
namespace {

using namespace std::chrono_literals;

model::DomainConf makeConf(const std::string& domain) {
  nlohmann::json body = {{"domain", domain}};
  body["origins"] = nlohmann::json::array({{{"scheme", "http"}, {"host", "origin.test"}}});
  return model::parseDomainConf(body).value;
}

class StoreOutageTest : public test::StoreTest {
 protected:
  // AOF on, so what was committed before the outage is still there after the restart.
  StoreOutageTest() : StoreTest({"--appendonly", "yes"}) {}

  template <class T>
  void expectUnavailable(const Result<T>& r, const char* what) {
    ASSERT_FALSE(r) << what << " succeeded while Redis was down";
    EXPECT_TRUE(isUnavailable(r.error())) << what << ": " << r.error().message();
    EXPECT_TRUE(isStoreError(r.error())) << what;
  }

  // The client reconnects lazily with a backoff of up to 2 s.
  bool waitForRedis() {
    for (int i = 0; i < 100; ++i) {
      redis::Command ping{"PING"};
      if (run(client_.command(std::move(ping)))) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  DomainStore domains_{client_};
  UserStore users_{client_};
  SessionStore sessions_{client_};
  PurgeLog purges_{client_};
  AuditLog audit_{client_};
};

TEST_F(StoreOutageTest, CallsFailWithStoreUnavailableAndLeaveNoPartialWrite) {
  ASSERT_TRUE(run(domains_.create(makeConf("a.test"), audit())));
  ASSERT_TRUE(run(users_.create({"ann", "$argon2id$h", model::Role::kAdmin, test::kNow}, audit())));
  ASSERT_TRUE(run(sessions_.create("s1", "ann", 3600s, test::kNow)));
  server_.stop();

  expectUnavailable(run(domains_.create(makeConf("b.test"), audit())), "domain create");
  expectUnavailable(run(domains_.put(makeConf("a.test"), audit())), "domain put");
  expectUnavailable(run(domains_.remove("a.test", audit())), "domain remove");
  expectUnavailable(run(domains_.list()), "domain list");
  expectUnavailable(run(users_.remove("ann", audit())), "user remove");
  expectUnavailable(run(sessions_.touch("s1", 3600s)), "session touch");
  expectUnavailable(run(purges_.append({"a.test", "/x", "", false})), "purge append");
  expectUnavailable(run(audit_.page(std::nullopt, 10)), "audit page");
  expectUnavailable(run(bootstrapOpen(client_)), "bootstrapOpen");

  server_.start();
  ASSERT_TRUE(waitForRedis()) << "client did not reconnect";
  EXPECT_TRUE(run(domains_.get("a.test"))->has_value());
  EXPECT_FALSE(run(domains_.get("b.test"))->has_value());
  EXPECT_TRUE(run(users_.get("ann"))->has_value());
  EXPECT_TRUE(run(sessions_.touch("s1", 3600s))->has_value());
  EXPECT_EQ(raw({"XLEN", "cdn:audit"}).integer(), 2) << "only the two writes made before";
  EXPECT_EQ(raw({"EXISTS", "cdn:purge:log"}).integer(), 0);
  // And the repositories work again.
  EXPECT_TRUE(run(domains_.create(makeConf("b.test"), audit())));
}

}  // namespace
}  // namespace cirrus::store
