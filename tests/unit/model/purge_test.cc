#include "model/purge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(PurgePathTest, Rules) {
  EXPECT_TRUE(isValidPurgePath("*"));
  EXPECT_TRUE(isValidPurgePath("/"));
  EXPECT_TRUE(isValidPurgePath("/img/a.png"));
  EXPECT_TRUE(isValidPurgePath("/img/*"));
  EXPECT_TRUE(isValidPurgePath("/search?q=a%20b"));
  EXPECT_FALSE(isValidPurgePath(""));
  EXPECT_FALSE(isValidPurgePath("img/a.png"));
  EXPECT_FALSE(isValidPurgePath("/img/*.png"));
  EXPECT_FALSE(isValidPurgePath("**"));
  EXPECT_FALSE(isValidPurgePath("/a b"));
  EXPECT_FALSE(isValidPurgePath("/a\r\n"));
  EXPECT_FALSE(isValidPurgePath("/bücher"));
  EXPECT_FALSE(isValidPurgePath("/" + std::string(kMaxPurgePathLength, 'a')));
}

TEST(PurgeTagTest, Rules) {
  EXPECT_TRUE(isValidPurgeTag("product-42"));
  EXPECT_FALSE(isValidPurgeTag(""));
  EXPECT_FALSE(isValidPurgeTag("a,b"));
  EXPECT_FALSE(isValidPurgeTag("a b"));
  EXPECT_FALSE(isValidPurgeTag(std::string(kMaxPurgeTagLength + 1, 't')));
}

TEST(PurgeRequestTest, PathsTagsAndAllAreRead) {
  auto paths = parsePurgeRequest({{"paths", {"/a", "/b/*"}}, {"soft", true}});
  ASSERT_THAT(paths.errors, IsEmpty());
  EXPECT_EQ(paths.value, (PurgeRequest{{"/a", "/b/*"}, {}, false, true}));
  auto tags = parsePurgeRequest({{"tags", {"t1"}}});
  ASSERT_THAT(tags.errors, IsEmpty());
  EXPECT_EQ(tags.value.tags, std::vector<std::string>{"t1"});
  auto all = parsePurgeRequest({{"all", true}});
  ASSERT_THAT(all.errors, IsEmpty());
  EXPECT_TRUE(all.value.all);
}

TEST(PurgeRequestTest, ExactlyOneKindIsRequired) {
  EXPECT_THAT(parsePurgeRequest(json::object()).errors, ElementsAre(ErrorAt("", "value_error")));
  EXPECT_THAT(parsePurgeRequest({{"paths", {"/a"}}, {"tags", {"t"}}}).errors,
              ElementsAre(ErrorAt("", "value_error")));
  EXPECT_THAT(parsePurgeRequest({{"paths", {"/a"}}, {"all", true}}).errors,
              ElementsAre(ErrorAt("", "value_error")));
}

TEST(PurgeRequestTest, AllMustBeTrue) {
  EXPECT_THAT(parsePurgeRequest({{"all", false}}).errors,
              ElementsAre(ErrorAt("all", "value_error")));
  EXPECT_THAT(parsePurgeRequest({{"all", "yes"}}).errors, ElementsAre(ErrorAt("all", "bool_type")));
}

TEST(PurgeRequestTest, ListsAreNonEmptyAndBounded) {
  EXPECT_THAT(parsePurgeRequest({{"paths", json::array()}}).errors,
              ElementsAre(ErrorAt("paths", "too_short")));
  EXPECT_THAT(parsePurgeRequest({{"paths", "/a"}}).errors,
              ElementsAre(ErrorAt("paths", "list_type")));
  json many = json::array();
  for (size_t i = 0; i <= kMaxPurgeItems; ++i) many.push_back("/p" + std::to_string(i));
  EXPECT_THAT(parsePurgeRequest({{"paths", many}}).errors,
              ElementsAre(ErrorAt("paths", "too_long")));
  many.erase(many.begin());
  EXPECT_THAT(parsePurgeRequest({{"paths", many}}).errors, IsEmpty());
}

TEST(PurgeRequestTest, EveryBadItemIsReportedByIndex) {
  EXPECT_THAT(parsePurgeRequest({{"paths", {"/ok", "no-slash", 3, "/x*y"}}}).errors,
              ElementsAre(ErrorAt("paths.1", "value_error"), ErrorAt("paths.2", "string_type"),
                          ErrorAt("paths.3", "value_error")));
  EXPECT_THAT(parsePurgeRequest({{"tags", {"a,b"}}}).errors,
              ElementsAre(ErrorAt("tags.0", "value_error")));
}

TEST(PurgeRequestTest, UnknownFieldsAndBadSoftAreRejected) {
  EXPECT_THAT(parsePurgeRequest({{"all", true}, {"soft", 1}, {"domain", "x"}}).errors,
              ElementsAre(ErrorAt("soft", "bool_type"), ErrorAt("domain", "extra_forbidden")));
}

TEST(PurgeRequestTest, ExpandsIntoOneMessagePerItem) {
  PurgeRequest paths{{"/a", "/b/*"}, {}, false, true};
  EXPECT_THAT(toPurgeMessages("www.example.com", paths),
              ElementsAre(PurgeMessage{"www.example.com", "/a", "", true},
                          PurgeMessage{"www.example.com", "/b/*", "", true}));
  PurgeRequest tags{{}, {"t1"}, false, false};
  EXPECT_THAT(toPurgeMessages("www.example.com", tags),
              ElementsAre(PurgeMessage{"www.example.com", "", "t1", false}));
  PurgeRequest all{{}, {}, true, false};
  EXPECT_THAT(toPurgeMessages("www.example.com", all),
              ElementsAre(PurgeMessage{"www.example.com", "*", "", false}));
}

TEST(PurgeMessageTest, PlainPathPurgeIsTheSeedPayload) {
  PurgeMessage m{"www.example.com", "/img/a.png", "", false};
  EXPECT_EQ(toJson(m).dump(), R"({"domain":"www.example.com","path":"/img/a.png"})");
}

TEST(PurgeMessageTest, ExtensionsAreAddedOnlyWhenUsed) {
  EXPECT_EQ(toJson(PurgeMessage{"a.example", "", "t1", true}),
            json::parse(R"({"domain": "a.example", "tag": "t1", "soft": true})"));
}

TEST(PurgeMessageTest, RoundTripsThroughTheBus) {
  for (const PurgeMessage& m :
       {PurgeMessage{"a.example", "/x*", "", true}, PurgeMessage{"a.example", "", "t", false}}) {
    auto r = parsePurgeMessage(toJson(m), PurgeMessageSource::kBus);
    ASSERT_THAT(r.errors, IsEmpty());
    EXPECT_EQ(r.value, m);
  }
}

TEST(PurgeMessageTest, DomainIsNormalised) {
  auto r =
      parsePurgeMessage({{"domain", "Bücher.Example"}, {"path", "*"}}, PurgeMessageSource::kApi);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.domain, "xn--bcher-kva.example");
}

TEST(PurgeMessageTest, ValidatesDomainPathAndTag) {
  EXPECT_THAT(parsePurgeMessage({{"path", "/a"}}, PurgeMessageSource::kApi).errors,
              ElementsAre(ErrorAt("domain", "missing")));
  EXPECT_THAT(
      parsePurgeMessage({{"domain", "a..b"}, {"path", "a"}}, PurgeMessageSource::kApi).errors,
      ElementsAre(ErrorAt("domain", "value_error"), ErrorAt("path", "value_error")));
  EXPECT_THAT(parsePurgeMessage({{"domain", "a.example"}}, PurgeMessageSource::kApi).errors,
              ElementsAre(ErrorAt("", "value_error")));
  EXPECT_THAT(parsePurgeMessage({{"domain", "a.example"}, {"path", "/"}, {"tag", "t"}},
                                PurgeMessageSource::kApi)
                  .errors,
              ElementsAre(ErrorAt("", "value_error")));
  EXPECT_THAT(
      parsePurgeMessage({{"domain", "a.example"}, {"tag", "a b"}}, PurgeMessageSource::kBus).errors,
      ElementsAre(ErrorAt("tag", "value_error")));
}

TEST(PurgeMessageTest, ApiRejectsUnknownFieldsButTheBusIgnoresThem) {
  json body = {{"domain", "a.example"}, {"path", "/"}, {"origin", "api-2"}};
  EXPECT_THAT(parsePurgeMessage(body, PurgeMessageSource::kApi).errors,
              ElementsAre(ErrorAt("origin", "extra_forbidden")));
  EXPECT_THAT(parsePurgeMessage(body, PurgeMessageSource::kBus).errors, IsEmpty());
}

}  // namespace
}  // namespace cirrus::model
