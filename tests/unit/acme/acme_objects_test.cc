// RFC 8555 resources as a CA sends them (shapes from §7.1.1-§7.1.4 and Pebble's answers):
// what the client relies on is parsed, a missing required member is a protocol error, and
// unknown members are ignored.
#include "acme/acme_objects.h"

#include <gtest/gtest.h>

#include "acme/acme_client.h"

namespace cirrus::acme {
namespace {

using nlohmann::json;

TEST(AcmeDirectoryTest, ReadsTheUrlsAndMeta) {
  auto d = parseDirectory(json::parse(R"({
    "newNonce": "https://ca/nonce", "newAccount": "https://ca/acct",
    "newOrder": "https://ca/order", "revokeCert": "https://ca/revoke",
    "keyChange": "https://ca/key",
    "meta": {"termsOfService": "https://ca/tos", "externalAccountRequired": false}})"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->new_nonce, "https://ca/nonce");
  EXPECT_EQ(d->new_account, "https://ca/acct");
  EXPECT_EQ(d->new_order, "https://ca/order");
  EXPECT_EQ(d->terms_of_service, "https://ca/tos");
  EXPECT_FALSE(d->external_account_required);
}

TEST(AcmeDirectoryTest, MissingNewOrderIsAProtocolError) {
  auto d = parseDirectory(json::parse(R"({"newNonce": "a", "newAccount": "b"})"));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message().find("newOrder"), std::string::npos);
  EXPECT_FALSE(parseDirectory(json::array()));
}

TEST(AcmeProblemTest, ParsesTypeDetailAndSubproblems) {
  auto p = parseProblem(R"({"type": "urn:ietf:params:acme:error:rejectedIdentifier",
    "detail": "bad\nname", "status": 400,
    "subproblems": [{"type": "urn:ietf:params:acme:error:malformed", "detail": "x"}]})");
  ASSERT_TRUE(p);
  EXPECT_EQ(problemName(*p), "rejectedIdentifier");
  EXPECT_EQ(p->status, 400);
  ASSERT_EQ(p->subproblems.size(), 1u);
  EXPECT_EQ(describe(*p), "rejectedIdentifier: bad name [malformed: x]");
  EXPECT_FALSE(isRetryableProblem(*p));
  EXPECT_FALSE(isBadNonce(*p));
}

TEST(AcmeProblemTest, BadNonceRateLimitAndServerErrorsAreRetryable) {
  EXPECT_TRUE(isBadNonce(*parseProblem(R"({"type":"urn:ietf:params:acme:error:badNonce"})")));
  EXPECT_TRUE(
      isRetryableProblem(*parseProblem(R"({"type":"urn:ietf:params:acme:error:rateLimited"})")));
  EXPECT_TRUE(isRetryableProblem(*parseProblem(R"({"type":"about:blank","status":503})")));
  EXPECT_FALSE(isRetryableProblem(
      *parseProblem(R"({"type":"urn:ietf:params:acme:error:unauthorized","status":403})")));
}

TEST(AcmeProblemTest, NonProblemBodiesAreNotProblems) {
  EXPECT_FALSE(parseProblem("not json"));
  EXPECT_FALSE(parseProblem(R"({"detail": "no type"})"));
  EXPECT_FALSE(parseProblem("[]"));
}

TEST(AcmeOrderTest, ParsesAPendingOrder) {
  auto o = parseOrder(json::parse(R"({"status": "pending", "expires": "2026-12-01T00:00:00Z",
    "identifiers": [{"type": "dns", "value": "www.example.test"}],
    "authorizations": ["https://ca/authz/1"], "finalize": "https://ca/finalize/1"})"));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, OrderStatus::kPending);
  EXPECT_EQ(o->identifiers, std::vector<std::string>{"www.example.test"});
  EXPECT_EQ(o->authorizations, std::vector<std::string>{"https://ca/authz/1"});
  EXPECT_EQ(o->finalize, "https://ca/finalize/1");
  EXPECT_TRUE(o->certificate.empty());
  EXPECT_FALSE(o->error);
}

TEST(AcmeOrderTest, AnInvalidOrderCarriesItsError) {
  auto o = parseOrder(json::parse(R"({"status": "invalid", "authorizations": [],
    "finalize": "f", "error": {"type": "urn:ietf:params:acme:error:badCSR", "detail": "k"}})"));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, OrderStatus::kInvalid);
  ASSERT_TRUE(o->error);
  EXPECT_EQ(problemName(*o->error), "badCSR");
}

TEST(AcmeOrderTest, UnknownStatusOrMissingFinalizeIsAProtocolError) {
  EXPECT_FALSE(
      parseOrder(json::parse(R"({"status": "done", "authorizations": [], "finalize": "f"})")));
  EXPECT_FALSE(parseOrder(json::parse(R"({"status": "valid", "authorizations": []})")));
  EXPECT_FALSE(
      parseOrder(json::parse(R"({"status": "valid", "authorizations": [1], "finalize": "f"})")));
}

TEST(AcmeAuthorizationTest, FindsTheDnsChallengeAndDescribesFailures) {
  auto a = parseAuthorization(json::parse(R"({"status": "invalid",
    "identifier": {"type": "dns", "value": "example.test"}, "wildcard": true,
    "challenges": [
      {"type": "http-01", "url": "https://ca/c/1", "token": "t1", "status": "pending"},
      {"type": "dns-01", "url": "https://ca/c/2", "token": "t2", "status": "invalid",
       "error": {"type": "urn:ietf:params:acme:error:unauthorized", "detail": "no TXT"}}]})"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, AuthorizationStatus::kInvalid);
  EXPECT_EQ(a->identifier, "example.test");
  EXPECT_TRUE(a->wildcard);
  const Challenge* dns = findChallenge(*a, "dns-01");
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(dns->token, "t2");
  EXPECT_EQ(findChallenge(*a, "tls-alpn-01"), nullptr);
  EXPECT_EQ(describeFailure(*a), "dns-01: unauthorized: no TXT");
}

TEST(AcmeAuthorizationTest, MissingIdentifierIsAProtocolError) {
  EXPECT_FALSE(parseAuthorization(json::parse(R"({"status": "pending", "challenges": []})")));
  EXPECT_FALSE(parseAuthorization(json::parse(R"({"status": "pending",
    "identifier": {"type": "dns", "value": "a"}})")));
}

TEST(RetryAfterTest, ReadsSecondsAndHttpDates) {
  EXPECT_EQ(parseRetryAfter("120", 0), 120);
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111767), 10);
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111800), 0);
  EXPECT_FALSE(parseRetryAfter("", 0));
  EXPECT_FALSE(parseRetryAfter("soon", 0));
  EXPECT_FALSE(parseRetryAfter("-5", 0));
}

}  // namespace
}  // namespace cirrus::acme
