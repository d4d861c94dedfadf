#include "model/object_reader.h"

#include <array>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

enum class Color { kRed, kBlue };
constexpr std::array<EnumName<Color>, 2> kColors = {{{"red", Color::kRed}, {"blue", Color::kBlue}}};

TEST(ObjectReaderTest, NonObjectIsDictTypeAndReadsNothing) {
  FieldErrors errors;
  json v = json::array({1});
  ObjectReader r(v, {"cache"}, errors);
  EXPECT_FALSE(r.valid());
  EXPECT_FALSE(r.string("x", Presence::kRequired));
  r.finish();
  EXPECT_THAT(errors, ElementsAre(ErrorAt("cache", "dict_type")));
}

TEST(ObjectReaderTest, MissingRequiredMemberIsReported) {
  FieldErrors errors;
  json v = json::object();
  ObjectReader r(v, {}, errors);
  EXPECT_FALSE(r.string("host", Presence::kRequired));
  EXPECT_FALSE(r.string("sni", Presence::kOptional));
  EXPECT_THAT(errors, ElementsAre(ErrorAt("host", "missing")));
}

TEST(ObjectReaderTest, NullCountsAsAbsentForOptionalMembers) {
  FieldErrors errors;
  json v = {{"ttl", nullptr}};
  ObjectReader r(v, {}, errors);
  EXPECT_FALSE(r.integer("ttl", Presence::kOptional));
  r.finish();
  EXPECT_THAT(errors, IsEmpty());
}

TEST(ObjectReaderTest, NullForRequiredMemberIsATypeError) {
  FieldErrors errors;
  json v = {{"host", nullptr}};
  ObjectReader r(v, {}, errors);
  EXPECT_FALSE(r.string("host", Presence::kRequired));
  EXPECT_THAT(errors, ElementsAre(ErrorAt("host", "string_type")));
}

TEST(ObjectReaderTest, TypesAreStrict) {
  FieldErrors errors;
  json v = {{"s", 1}, {"b", 1}, {"i", "1"}, {"f", 443.0}, {"t", true}};
  ObjectReader r(v, {}, errors);
  EXPECT_FALSE(r.string("s", Presence::kRequired));
  EXPECT_FALSE(r.boolean("b", Presence::kRequired));
  EXPECT_FALSE(r.integer("i", Presence::kRequired));
  EXPECT_FALSE(r.integer("f", Presence::kRequired));
  EXPECT_FALSE(r.integer("t", Presence::kRequired));
  EXPECT_THAT(errors, ElementsAre(ErrorAt("s", "string_type"), ErrorAt("b", "bool_type"),
                                  ErrorAt("i", "int_type"), ErrorAt("f", "int_type"),
                                  ErrorAt("t", "int_type")));
}

TEST(ObjectReaderTest, IntegerBoundsAreInclusive) {
  FieldErrors errors;
  json v = {{"lo", 1}, {"hi", 10}, {"below", 0}, {"above", 11}};
  ObjectReader r(v, {}, errors);
  EXPECT_EQ(r.integer("lo", Presence::kRequired, 1, 10), 1);
  EXPECT_EQ(r.integer("hi", Presence::kRequired, 1, 10), 10);
  EXPECT_FALSE(r.integer("below", Presence::kRequired, 1, 10));
  EXPECT_FALSE(r.integer("above", Presence::kRequired, 1, 10));
  EXPECT_THAT(errors, ElementsAre(ErrorAt("below", "greater_than_equal"),
                                  ErrorAt("above", "less_than_equal")));
}

TEST(ObjectReaderTest, HugeUnsignedIntegerIsOutOfRangeNotWrapped) {
  FieldErrors errors;
  json v = {{"n", uint64_t{18446744073709551615u}}};
  ObjectReader r(v, {}, errors);
  EXPECT_FALSE(r.integer("n", Presence::kRequired, 0, 100));
  EXPECT_THAT(errors, ElementsAre(ErrorAt("n", "less_than_equal")));
}

TEST(ObjectReaderTest, StringLengthCountsCharactersNotBytes) {
  FieldErrors errors;
  json v = {{"name", "ääää"}};  // 4 characters, 8 bytes
  ObjectReader r(v, {}, errors);
  EXPECT_EQ(r.string("name", Presence::kRequired, 1, 4), "ääää");
  EXPECT_FALSE(r.string("name", Presence::kRequired, 5, 10));
  EXPECT_FALSE(r.string("name", Presence::kRequired, 1, 3));
  EXPECT_THAT(errors,
              ElementsAre(ErrorAt("name", "string_too_short"), ErrorAt("name", "string_too_long")));
}

TEST(ObjectReaderTest, EnumIsCaseSensitiveAndListsChoices) {
  FieldErrors errors;
  json v = {{"a", "red"}, {"b", "Blue"}};
  ObjectReader r(v, {}, errors);
  EXPECT_EQ(r.enumeration<Color>("a", Presence::kRequired, kColors), Color::kRed);
  EXPECT_FALSE(r.enumeration<Color>("b", Presence::kRequired, kColors));
  ASSERT_THAT(errors, ElementsAre(ErrorAt("b", "enum")));
  EXPECT_EQ(errors[0].msg, "Input should be 'red' or 'blue'");
}

TEST(ObjectReaderTest, FinishRejectsEveryMemberNotRead) {
  FieldErrors errors;
  json v = {{"known", 1}, {"extra1", 2}, {"extra2", nullptr}};
  ObjectReader r(v, {"cache"}, errors);
  r.integer("known", Presence::kRequired);
  r.finish();
  EXPECT_THAT(errors, ElementsAre(ErrorAt("cache.extra1", "extra_forbidden"),
                                  ErrorAt("cache.extra2", "extra_forbidden")));
}

TEST(ObjectReaderTest, RawReturnsNullMembers) {
  FieldErrors errors;
  json v = {{"ipv6", nullptr}};
  ObjectReader r(v, {}, errors);
  const json* raw = r.raw("ipv6");
  ASSERT_NE(raw, nullptr);
  EXPECT_TRUE(raw->is_null());
  EXPECT_EQ(r.raw("absent"), nullptr);
  r.finish();
  EXPECT_THAT(errors, IsEmpty());
}

TEST(ObjectReaderTest, ControlCharacterDetection) {
  EXPECT_TRUE(hasControlCharacter(std::string("a\0b", 3)));
  EXPECT_TRUE(hasControlCharacter("a\tb"));
  EXPECT_TRUE(hasControlCharacter("a\x7F"));
  EXPECT_FALSE(hasControlCharacter("plain text ü"));
}

}  // namespace
}  // namespace cirrus::model
