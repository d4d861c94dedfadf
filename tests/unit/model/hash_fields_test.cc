#include "model/hash_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(HashFieldsTest, BooleansAreWrittenAsDigits) {
  EXPECT_EQ(hashBool(true), "1");
  EXPECT_EQ(hashBool(false), "0");
}

TEST(HashFieldsTest, BooleansAreReadFromDigitsAndWords) {
  EXPECT_EQ(parseHashBool("1"), true);
  EXPECT_EQ(parseHashBool("0"), false);
  EXPECT_EQ(parseHashBool("true"), true);
  EXPECT_EQ(parseHashBool("False"), false);
  EXPECT_FALSE(parseHashBool("yes"));
  EXPECT_FALSE(parseHashBool("2"));
  EXPECT_FALSE(parseHashBool(""));
}

TEST(HashFieldsTest, IntegersMustBeWholeDecimal) {
  EXPECT_EQ(parseHashInt("42"), 42);
  EXPECT_EQ(parseHashInt("-3"), -3);
  EXPECT_FALSE(parseHashInt("4x"));
  EXPECT_FALSE(parseHashInt(" 4"));
  EXPECT_FALSE(parseHashInt(""));
  EXPECT_FALSE(parseHashInt("99999999999999999999"));
}

TEST(HashFieldsTest, TimesTruncateAFraction) {
  EXPECT_EQ(parseHashTime("1700000000"), 1700000000);
  EXPECT_EQ(parseHashTime("1700000000.999"), 1700000000);
  EXPECT_FALSE(parseHashTime("1700000000.9x"));
  EXPECT_FALSE(parseHashTime(".5"));
}

TEST(HashReaderTest, MissingAndEmptyFieldsTakeTheFallback) {
  FieldErrors errors;
  HashMap fields = {{"a", ""}};
  HashReader h(fields, errors);
  EXPECT_TRUE(h.boolean("a", true));
  EXPECT_FALSE(h.boolean("missing", false));
  EXPECT_EQ(h.integer("missing", 7), 7);
  EXPECT_EQ(h.string("missing", "dflt"), "dflt");
  EXPECT_EQ(h.time("a"), 0);
  EXPECT_THAT(errors, IsEmpty());
}

TEST(HashReaderTest, BadFieldsAreReportedByName) {
  FieldErrors errors;
  HashMap fields = {{"enabled", "on"}, {"fails", "1.5"}, {"last_check", "soon"}};
  HashReader h(fields, errors);
  EXPECT_TRUE(h.boolean("enabled", true));
  EXPECT_EQ(h.integer("fails"), 0);
  EXPECT_EQ(h.time("last_check"), 0);
  EXPECT_THAT(errors,
              ElementsAre(ErrorAt("enabled", "bool_parsing"), ErrorAt("fails", "int_parsing"),
                          ErrorAt("last_check", "int_parsing")));
}

}  // namespace
}  // namespace cirrus::model
