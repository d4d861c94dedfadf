#include "model/node.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

json createBody() {
  return {{"id", "edge-1"}, {"ipv4", "192.0.2.10"}};
}

TEST(NodeTest, CreateBodyFillsDefaults) {
  auto r = parseNode(createBody());
  ASSERT_THAT(r.errors, IsEmpty());
  Node expected;
  expected.id = "edge-1";
  expected.ipv4 = "192.0.2.10";
  EXPECT_EQ(r.value, expected);
  EXPECT_EQ(r.value.site, "default");
  EXPECT_TRUE(r.value.enabled);
  EXPECT_TRUE(r.value.active);
}

TEST(NodeTest, FullBodyIsRead) {
  json body = {{"id", "fra-1"},         {"name", "Frankfurt 1"}, {"ipv4", "192.0.2.1"},
               {"ipv6", "2001:DB8::1"}, {"site", "eu-central"},  {"enabled", false}};
  auto r = parseNode(body);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.name, "Frankfurt 1");
  EXPECT_EQ(r.value.ipv6, "2001:db8::1");  // canonical RFC 5952 form
  EXPECT_EQ(r.value.site, "eu-central");
  EXPECT_FALSE(r.value.enabled);
}

TEST(NodeTest, IdIsRequiredOnCreate) {
  json body = createBody();
  body.erase("id");
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("id", "missing")));
}

TEST(NodeTest, IdFollowsThePattern) {
  EXPECT_TRUE(isValidNodeId("a"));
  EXPECT_TRUE(isValidNodeId("edge-1.fra_2"));
  EXPECT_TRUE(isValidNodeId(std::string(63, 'a')));
  EXPECT_FALSE(isValidNodeId(std::string(64, 'a')));
  EXPECT_FALSE(isValidNodeId(""));
  EXPECT_FALSE(isValidNodeId("-edge"));
  EXPECT_FALSE(isValidNodeId("Edge1"));
  EXPECT_FALSE(isValidNodeId("edge 1"));
  EXPECT_FALSE(isValidNodeId("edge:1"));
  json body = createBody();
  body["id"] = "Edge/1";
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("id", "value_error")));
}

TEST(NodeTest, PutTakesIdFromPathAndChecksABodyId) {
  json body = createBody();
  body.erase("id");
  auto r = parseNode(body, "edge-9");
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.id, "edge-9");
  body["id"] = "edge-1";
  EXPECT_THAT(parseNode(body, "edge-9").errors, ElementsAre(ErrorAt("id", "value_error")));
}

TEST(NodeTest, NeedsAtLeastOneAddress) {
  json body = {{"id", "edge-1"}};
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("", "value_error")));
  body["ipv4"] = "";
  body["ipv6"] = nullptr;
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("", "value_error")));
  body = {{"id", "edge-1"}, {"ipv6", "2001:db8::5"}};
  EXPECT_THAT(parseNode(body).errors, IsEmpty());
}

TEST(NodeTest, Ipv4MustBeAnIpv4UnicastAddress) {
  json body = createBody();
  for (const char* bad : {"2001:db8::1", "192.0.2", "192.0.2.256", "node.example", "0.0.0.0",
                          "224.0.0.1", "255.255.255.255"}) {
    body["ipv4"] = bad;
    EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("ipv4", "value_error"))) << bad;
  }
  body["ipv4"] = 3221225985;
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("ipv4", "string_type")));
}

TEST(NodeTest, Ipv6MustBeAnIpv6UnicastAddress) {
  json body = createBody();
  for (const char* bad : {"192.0.2.1", "[2001:db8::1]", "fe80::1%eth0", "::", "ff02::1",
                          "::ffff:192.0.2.1", "2001:db8::g"}) {
    body["ipv6"] = bad;
    EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("ipv6", "value_error"))) << bad;
  }
}

TEST(NodeTest, AnAddressErrorDoesNotAlsoReportNoAddress) {
  json body = {{"id", "edge-1"}, {"ipv4", "bogus"}};
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("ipv4", "value_error")));
}

TEST(NodeTest, SiteIsOneLowerCaseLabel) {
  EXPECT_TRUE(isValidSite("eu-west-1"));
  EXPECT_FALSE(isValidSite("EU"));
  EXPECT_FALSE(isValidSite("eu.west"));
  EXPECT_FALSE(isValidSite("-eu"));
  EXPECT_FALSE(isValidSite("eu-"));
  EXPECT_FALSE(isValidSite(""));
  EXPECT_FALSE(isValidSite(std::string(64, 'a')));
  json body = createBody();
  body["site"] = "EU West";
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("site", "value_error")));
}

TEST(NodeTest, NameIsBoundedAndPrintable) {
  json body = createBody();
  body["name"] = std::string(kMaxNodeNameLength + 1, 'n');
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("name", "string_too_long")));
  body["name"] = "a\nb";
  EXPECT_THAT(parseNode(body).errors, ElementsAre(ErrorAt("name", "value_error")));
}

TEST(NodeTest, HealthFieldsAndUnknownFieldsAreRejectedInBodies) {
  json body = createBody();
  body["active"] = false;
  body["fails"] = 3;
  body["region"] = "eu";
  EXPECT_THAT(parseNode(body).errors,
              ElementsAre(ErrorAt("active", "extra_forbidden"), ErrorAt("fails", "extra_forbidden"),
                          ErrorAt("region", "extra_forbidden")));
}

TEST(NodeTest, ReportsEveryMistakeAtOnce) {
  json body = {{"id", "BAD ID"}, {"ipv4", "1.2.3"}, {"site", 7}, {"enabled", "yes"}};
  EXPECT_THAT(parseNode(body).errors,
              ElementsAre(ErrorAt("id", "value_error"), ErrorAt("ipv4", "value_error"),
                          ErrorAt("site", "string_type"), ErrorAt("enabled", "bool_type")));
}

Node stored() {
  Node n;
  n.id = "edge-1";
  n.name = "one";
  n.ipv4 = "192.0.2.1";
  n.ipv6 = "2001:db8::1";
  n.site = "eu";
  n.active = false;
  n.fails = 3;
  n.succs = 0;
  n.last_check = 1700000000;
  n.last_error = "connect timeout";
  return n;
}

TEST(NodePatchTest, ChangesOnlyTheGivenFieldsAndKeepsHealth) {
  auto r = patchNode(stored(), {{"enabled", false}});
  ASSERT_THAT(r.errors, IsEmpty());
  Node expected = stored();
  expected.enabled = false;
  EXPECT_EQ(r.value, expected);
}

TEST(NodePatchTest, NullResetsToDefault) {
  auto r = patchNode(stored(), {{"ipv6", nullptr}, {"site", nullptr}, {"name", nullptr}});
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.ipv6, "");
  EXPECT_EQ(r.value.site, "default");
  EXPECT_EQ(r.value.name, "");
  EXPECT_EQ(r.value.ipv4, "192.0.2.1");
}

TEST(NodePatchTest, CannotRemoveTheLastAddress) {
  auto r = patchNode(stored(), {{"ipv4", nullptr}, {"ipv6", ""}});
  EXPECT_THAT(r.errors, ElementsAre(ErrorAt("", "value_error")));
}

TEST(NodePatchTest, AppliesTheSameValidation) {
  auto r = patchNode(stored(), {{"ipv4", "999.1.1.1"}, {"colour", "red"}, {"id", "other"}});
  EXPECT_THAT(r.errors, ElementsAre(ErrorAt("id", "value_error"), ErrorAt("ipv4", "value_error"),
                                    ErrorAt("colour", "extra_forbidden")));
}

TEST(NodePatchTest, NonObjectIsDictType) {
  EXPECT_THAT(patchNode(stored(), json::array()).errors, ElementsAre(ErrorAt("", "dict_type")));
}

TEST(NodeTest, ApiJsonHasEveryFieldWithNullsForUnset) {
  Node n = stored();
  n.ipv6.clear();
  json j = toJson(n);
  EXPECT_EQ(j, json::parse(R"({"id": "edge-1", "name": "one", "ipv4": "192.0.2.1", "ipv6": null,
    "site": "eu", "enabled": true, "active": false, "fails": 3, "succs": 0,
    "last_check": 1700000000, "last_error": "connect timeout"})"));
  Node fresh = parseNode(createBody()).value;
  EXPECT_TRUE(toJson(fresh)["last_check"].is_null());
  EXPECT_TRUE(toJson(fresh)["last_error"].is_null());
}

TEST(NodeTest, HashFieldsComeInSpecOrderWithBooleansAsDigits) {
  HashFields expected = {{"id", "edge-1"},
                         {"name", "one"},
                         {"ipv4", "192.0.2.1"},
                         {"ipv6", "2001:db8::1"},
                         {"site", "eu"},
                         {"enabled", "1"},
                         {"active", "0"},
                         {"fails", "3"},
                         {"succs", "0"},
                         {"last_check", "1700000000"},
                         {"last_error", "connect timeout"}};
  EXPECT_EQ(toHash(stored()), expected);
  EXPECT_EQ(nodeAdminFields(stored()).size(), 6u);
  EXPECT_EQ(nodeHealthFields(stored()).front().first, "active");
}

TEST(NodeTest, HashRoundTrip) {
  HashMap fields;
  for (auto& [k, v] : toHash(stored())) fields[k] = v;
  auto r = nodeFromHash("edge-1", fields);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value, stored());
}

TEST(NodeTest, SeedHashWithTrueFalseAndMissingFieldsReads) {
  HashMap fields = {{"ipv4", "192.0.2.1"},
                    {"active", "false"},
                    {"enabled", "True"},
                    {"last_check", "1700000000.731"}};
  auto r = nodeFromHash("edge-1", fields);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.id, "edge-1");
  EXPECT_EQ(r.value.site, "default");
  EXPECT_FALSE(r.value.active);
  EXPECT_TRUE(r.value.enabled);
  EXPECT_EQ(r.value.last_check, 1700000000);
  EXPECT_EQ(r.value.fails, 0);
}

TEST(NodeTest, CorruptHashFieldsAreReportedAndTheRestStillReads) {
  HashMap fields = {
      {"ipv4", "not-an-ip"}, {"ipv6", "2001:db8::7"}, {"enabled", "maybe"}, {"fails", "x"}};
  auto r = nodeFromHash("edge-1", fields);
  EXPECT_THAT(r.errors,
              ElementsAre(ErrorAt("ipv4", "value_error"), ErrorAt("enabled", "bool_parsing"),
                          ErrorAt("fails", "int_parsing")));
  EXPECT_EQ(r.value.ipv4, "");  // never served in DNS
  EXPECT_EQ(r.value.ipv6, "2001:db8::7");
  EXPECT_TRUE(r.value.enabled);
}

TEST(NodeTest, EligibilityNeedsEnabledActiveAndAnAddress) {
  Node n = stored();
  n.active = true;
  EXPECT_TRUE(isEligible(n));
  n.enabled = false;
  EXPECT_FALSE(isEligible(n));
  n.enabled = true;
  n.active = false;
  EXPECT_FALSE(isEligible(n));
  n.active = true;
  n.ipv4.clear();
  n.ipv6.clear();
  EXPECT_FALSE(isEligible(n));
}

}  // namespace
}  // namespace cirrus::model
