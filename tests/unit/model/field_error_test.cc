#include "model/field_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/object_reader.h"

namespace cirrus::model {
namespace {

using nlohmann::json;

TEST(FieldErrorTest, RendersFastApiListWithPrefixAndIndexes) {
  FieldErrors errors = {FieldError::lessThanEqual({"origins", size_t{0}, "port"}, 65535),
                        FieldError::missing({"domain"})};
  json expected = json::parse(R"([
    {"loc": ["body", "origins", 0, "port"], "msg": "Input should be less than or equal to 65535",
     "type": "less_than_equal"},
    {"loc": ["body", "domain"], "msg": "Field required", "type": "missing"}
  ])");
  EXPECT_EQ(toJson(errors, {"body"}), expected);
}

TEST(FieldErrorTest, RootErrorRendersWithOnlyThePrefix) {
  FieldErrors errors = {FieldError::valueError({}, "a node needs an address")};
  json rendered = toJson(errors, {"body"});
  EXPECT_EQ(rendered[0]["loc"], json::array({"body"}));
  EXPECT_EQ(rendered[0]["msg"], "Value error, a node needs an address");
  EXPECT_EQ(rendered[0]["type"], "value_error");
}

TEST(FieldErrorTest, EmptyListRendersAsEmptyArray) {
  EXPECT_EQ(toJson(FieldErrors{}), json::array());
}

TEST(FieldErrorTest, FormatsLocWithDots) {
  EXPECT_EQ(formatLoc({"cache", "rules", size_t{3}, "ttl"}), "cache.rules.3.ttl");
  EXPECT_EQ(formatLoc({}), "");
}

TEST(FieldErrorTest, EnumMessageListsAlternativesLikePydantic) {
  EXPECT_EQ(FieldError::enumeration({"x"}, {"http", "https"}).msg,
            "Input should be 'http' or 'https'");
  EXPECT_EQ(FieldError::enumeration({"x"}, {"a", "b", "c"}).msg, "Input should be 'a', 'b' or 'c'");
}

TEST(FieldErrorTest, ListLengthMessagesUseSingularForOne) {
  EXPECT_EQ(FieldError::tooShort({"origins"}, 1, 0).msg,
            "List should have at least 1 item after validation, not 0");
  EXPECT_EQ(FieldError::tooLong({"paths"}, 1000, 1001).msg,
            "List should have at most 1000 items after validation, not 1001");
}

TEST(FieldErrorTest, DescribeJoinsEveryErrorForLogs) {
  FieldErrors errors = {FieldError::missing({"domain"}), FieldError::valueError({}, "bad")};
  EXPECT_EQ(describe(errors), "domain: Field required; (root): Value error, bad");
}

TEST(FieldErrorTest, CountsUtf8CodePoints) {
  EXPECT_EQ(utf8Length("abc"), 3u);
  EXPECT_EQ(utf8Length("bücher"), 6u);
  EXPECT_EQ(utf8Length("\xF0\x9F\x98\x80"), 1u);  // one emoji, four bytes
}

TEST(ParseJsonTextTest, SyntaxErrorIsJsonInvalidAtRoot) {
  FieldErrors errors;
  EXPECT_FALSE(parseJsonText("{\"domain\": ", errors).has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].type, "json_invalid");
  EXPECT_TRUE(errors[0].loc.empty());
}

TEST(ParseJsonTextTest, InvalidUtf8IsJsonInvalidNotAnException) {
  FieldErrors errors;
  EXPECT_FALSE(parseJsonText("{\"a\": \"\xC3\x28\"}", errors).has_value());
  EXPECT_EQ(errors.size(), 1u);
}

TEST(ParseJsonTextTest, ValidDocumentParses) {
  FieldErrors errors;
  auto v = parseJsonText(R"({"a": [1, 2]})", errors);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)["a"][1], 2);
  EXPECT_TRUE(errors.empty());
}

}  // namespace
}  // namespace cirrus::model
