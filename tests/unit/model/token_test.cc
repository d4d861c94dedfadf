#include "model/token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(TokenTest, CreateBodyIsRead) {
  auto r = parseTokenCreate({{"name", "ci deploy"}, {"role", "viewer"}});
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.name, "ci deploy");
  EXPECT_EQ(r.value.role, Role::kViewer);
}

TEST(TokenTest, NameAndRoleAreRequired) {
  EXPECT_THAT(parseTokenCreate(json::object()).errors,
              ElementsAre(ErrorAt("name", "missing"), ErrorAt("role", "missing")));
}

TEST(TokenTest, NameIsNonEmptyBoundedAndPrintable) {
  EXPECT_THAT(parseTokenCreate({{"name", ""}, {"role", "admin"}}).errors,
              ElementsAre(ErrorAt("name", "string_too_short")));
  EXPECT_THAT(
      parseTokenCreate({{"name", std::string(kMaxTokenNameLength + 1, 'n')}, {"role", "admin"}})
          .errors,
      ElementsAre(ErrorAt("name", "string_too_long")));
  EXPECT_THAT(parseTokenCreate({{"name", "a\tb"}, {"role", "admin"}}).errors,
              ElementsAre(ErrorAt("name", "value_error")));
}

TEST(TokenTest, RoleIsAnEnumAndUnknownFieldsAreRejected) {
  EXPECT_THAT(parseTokenCreate({{"name", "x"}, {"role", "master"}, {"ttl", 5}}).errors,
              ElementsAre(ErrorAt("role", "enum"), ErrorAt("ttl", "extra_forbidden")));
}

Token sample() {
  return {"t1", "ci", "x9", Role::kAdmin, 1700000000, "master"};
}

TEST(TokenTest, ApiJsonHasThePublicRecordOnly) {
  EXPECT_EQ(toJson(sample()), json::parse(R"({"id": "t1", "name": "ci", "suffix": "x9",
    "role": "admin", "created_at": 1700000000, "created_by": "master"})"));
}

TEST(TokenTest, HashRoundTrip) {
  HashFields fields = toHash(sample());
  HashFields expected = {{"id", "t1"},
                         {"name", "ci"},
                         {"suffix", "x9"},
                         {"role", "admin"},
                         {"created_at", "1700000000"},
                         {"created_by", "master"}};
  EXPECT_EQ(fields, expected);
  auto r = tokenFromHash("t1", HashMap(fields.begin(), fields.end()));
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value, sample());
}

TEST(TokenTest, CorruptStoredFieldsAreReported) {
  auto r = tokenFromHash("t1", {{"role", ""}, {"created_at", "yesterday"}});
  EXPECT_THAT(r.errors, ElementsAre(ErrorAt("role", "enum"), ErrorAt("created_at", "int_parsing")));
  EXPECT_EQ(r.value.role, Role::kViewer);
}

}  // namespace
}  // namespace cirrus::model
