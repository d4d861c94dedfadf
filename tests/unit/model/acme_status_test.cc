#include "model/acme_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

AcmeStatus sample() {
  AcmeStatus s;
  s.status = AcmeState::kIssued;
  s.updated_at = 1700000100;
  s.issued_at = 1700000090;
  s.username = "c36f50e8-4632-44f0-83fe-e070fef28a10";
  s.password = "htB9mR9DYgcu9bX_afHF62erXaH2TS7bg9KW3F7Z";
  s.subdomain = "8e5700ea-a4bf-41c7-8a77-e990661dcc6a";
  s.fulldomain = "8e5700ea-a4bf-41c7-8a77-e990661dcc6a.auth.cdn.local.test";
  return s;
}

TEST(AcmeStatusTest, ApiJsonNeverContainsThePassword) {
  json j = toApiJson("www.example.com", sample());
  EXPECT_FALSE(j.contains("password"));
  EXPECT_EQ(j.dump().find(sample().password), std::string::npos);
  EXPECT_EQ(j["status"], "issued");
  EXPECT_EQ(j["username"], sample().username);
  EXPECT_TRUE(j["error"].is_null());
}

TEST(AcmeStatusTest, ApiJsonNamesTheChallengeCname) {
  json j = toApiJson("www.example.com", sample());
  EXPECT_EQ(j["cname"], json::parse(R"({"name": "_acme-challenge.www.example.com",
    "target": "8e5700ea-a4bf-41c7-8a77-e990661dcc6a.auth.cdn.local.test"})"));
  AcmeStatus unregistered;
  json k = toApiJson("www.example.com", unregistered);
  EXPECT_TRUE(k["cname"].is_null());
  EXPECT_TRUE(k["issued_at"].is_null());
  EXPECT_EQ(k["status"], "pending");
}

TEST(AcmeStatusTest, HashRoundTripKeepsTheCredentials) {
  HashFields fields = toHash(sample());
  EXPECT_EQ(fields.front(), (std::pair<std::string, std::string>{"status", "issued"}));
  auto r = acmeStatusFromHash(HashMap(fields.begin(), fields.end()));
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value, sample());
}

TEST(AcmeStatusTest, MissingStatusIsPendingAndUnknownIsFailed) {
  EXPECT_EQ(acmeStatusFromHash({}).value.status, AcmeState::kPending);
  auto r = acmeStatusFromHash({{"status", "done"}});
  EXPECT_THAT(r.errors, ElementsAre(ErrorAt("status", "enum")));
  EXPECT_EQ(r.value.status, AcmeState::kFailed);
}

TEST(AcmeStatusTest, StateNamesMatchTheSpec) {
  EXPECT_EQ(toString(AcmeState::kPending), "pending");
  EXPECT_EQ(toString(AcmeState::kRunning), "running");
  EXPECT_EQ(toString(AcmeState::kIssued), "issued");
  EXPECT_EQ(toString(AcmeState::kFailed), "failed");
}

}  // namespace
}  // namespace cirrus::model
