// AuditLog against a real redis-server: entries come back newest first, page by page.
#include "store/audit_log.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class AuditLogTest : public test::StoreTest {
 protected:
  AuditLog log_{client_};
};

TEST_F(AuditLogTest, AuditCommandIsABoundedXaddWithEveryField) {
  AuditContext context{"tok1", AuthMethod::kToken, test::kNow, {{"paths", 3}}};
  EXPECT_THAT(auditCommand(context, "purge.request", "a.test"),
              ElementsAre("XADD", "cdn:audit", "MAXLEN", "~", "100000", "*", "ts", "1700000000",
                          "actor", "tok1", "method", "token", "action", "purge.request", "target",
                          "a.test", "details", R"({"paths":3})"));
}

TEST_F(AuditLogTest, AppendedEntriesReadBackWithTheirFields) {
  AuditContext context{"master", AuthMethod::kMaster, test::kNow, {{"paths", 3}}};
  auto id = run(log_.append(context, "purge.request", "a.test"));
  ASSERT_TRUE(id) << id.error().message();
  auto page = run(log_.page(std::nullopt, 10));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  const AuditEntry& e = page->front();
  EXPECT_EQ(e.id, *id);
  EXPECT_EQ(e.ts, test::kNow);
  EXPECT_EQ(e.actor, "master");
  EXPECT_EQ(e.method, "master");
  EXPECT_EQ(e.action, "purge.request");
  EXPECT_EQ(e.target, "a.test");
  EXPECT_EQ(e.details, (nlohmann::json{{"paths", 3}}));
}

TEST_F(AuditLogTest, PagesGoNewestFirstAndContinueBeforeTheLastIdSeen) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(run(log_.append(audit(), "domain.update", "d" + std::to_string(i) + ".test")));
  }
  auto targets = [](const std::vector<AuditEntry>& entries) {
    std::vector<std::string> out;
    for (const AuditEntry& e : entries) out.push_back(e.target);
    return out;
  };
  auto first = run(log_.page(std::nullopt, 2));
  ASSERT_TRUE(first);
  EXPECT_THAT(targets(*first), ElementsAre("d4.test", "d3.test"));
  auto second = run(log_.page(first->back().id, 2));
  ASSERT_TRUE(second);
  EXPECT_THAT(targets(*second), ElementsAre("d2.test", "d1.test"));
  auto third = run(log_.page(second->back().id, 2));
  ASSERT_TRUE(third);
  EXPECT_THAT(targets(*third), ElementsAre("d0.test"));
  EXPECT_THAT(run(log_.page(third->back().id, 2)).value(), IsEmpty());
  EXPECT_THAT(run(log_.page(std::nullopt, 0)).value(), IsEmpty());
}

TEST_F(AuditLogTest, AnEntryWithNonJsonDetailsKeepsThemAsAString) {
  raw({"XADD", "cdn:audit", "*", "ts", "1700000000", "actor", "x", "details", "not json"});
  auto page = run(log_.page(std::nullopt, 1));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().details, nlohmann::json("not json"));
  EXPECT_EQ(page->front().method, "");
}

TEST(AuthMethodTest, NamesRoundTrip) {
  for (AuthMethod m :
       {AuthMethod::kSession, AuthMethod::kToken, AuthMethod::kMaster, AuthMethod::kBootstrap}) {
    EXPECT_EQ(parseAuthMethod(toString(m)), m);
  }
  EXPECT_FALSE(parseAuthMethod("Session").has_value());
}

}  // namespace
}  // namespace cirrus::store
