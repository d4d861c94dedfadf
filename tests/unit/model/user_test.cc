#include "model/user.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

json createBody() {
  return {{"username", "alice"}, {"password", "correct horse"}, {"role", "admin"}};
}

TEST(UserTest, CreateBodyIsRead) {
  auto r = parseUserCreate(createBody());
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.username, "alice");
  EXPECT_EQ(r.value.password, "correct horse");
  EXPECT_EQ(r.value.role, Role::kAdmin);
}

TEST(UserTest, EveryCreateFieldIsRequired) {
  EXPECT_THAT(parseUserCreate(json::object()).errors,
              ElementsAre(ErrorAt("username", "missing"), ErrorAt("password", "missing"),
                          ErrorAt("role", "missing")));
}

TEST(UserTest, UsernameRules) {
  EXPECT_TRUE(isValidUsername("alice"));
  EXPECT_TRUE(isValidUsername("Alice.Smith@example.com"));
  EXPECT_TRUE(isValidUsername("a"));
  EXPECT_TRUE(isValidUsername(std::string(kMaxUsernameLength, 'a')));
  EXPECT_FALSE(isValidUsername(std::string(kMaxUsernameLength + 1, 'a')));
  EXPECT_FALSE(isValidUsername(""));
  EXPECT_FALSE(isValidUsername(".alice"));
  EXPECT_FALSE(isValidUsername("al ice"));
  EXPECT_FALSE(isValidUsername("al:ice"));
  EXPECT_FALSE(isValidUsername("alice\n"));
  json body = createBody();
  body["username"] = "bad name";
  EXPECT_THAT(parseUserCreate(body).errors, ElementsAre(ErrorAt("username", "value_error")));
}

TEST(UserTest, PasswordLengthPolicyCountsCharacters) {
  json body = createBody();
  body["password"] = "1234567";
  EXPECT_THAT(parseUserCreate(body).errors, ElementsAre(ErrorAt("password", "string_too_short")));
  body["password"] = "ääääääää";  // 8 characters, 16 bytes
  EXPECT_THAT(parseUserCreate(body).errors, IsEmpty());
  body["password"] = std::string(kMaxPasswordLength + 1, 'p');
  EXPECT_THAT(parseUserCreate(body).errors, ElementsAre(ErrorAt("password", "string_too_long")));
}

TEST(UserTest, PasswordMustNotContainNul) {
  json body = createBody();
  body["password"] = std::string("abcd\0efgh", 9);
  EXPECT_THAT(parseUserCreate(body).errors, ElementsAre(ErrorAt("password", "value_error")));
}

TEST(UserTest, RoleIsAdminOrViewer) {
  json body = createBody();
  body["role"] = "root";
  EXPECT_THAT(parseUserCreate(body).errors, ElementsAre(ErrorAt("role", "enum")));
}

TEST(UserTest, UnknownCreateFieldsAreRejected) {
  json body = createBody();
  body["password_hash"] = "$argon2id$...";
  EXPECT_THAT(parseUserCreate(body).errors,
              ElementsAre(ErrorAt("password_hash", "extra_forbidden")));
}

TEST(UserPatchTest, AnySubsetIsAccepted) {
  auto empty = parseUserPatch(json::object());
  ASSERT_THAT(empty.errors, IsEmpty());
  EXPECT_FALSE(empty.value.password);
  EXPECT_FALSE(empty.value.role);
  auto role = parseUserPatch({{"role", "viewer"}});
  ASSERT_THAT(role.errors, IsEmpty());
  EXPECT_EQ(role.value.role, Role::kViewer);
}

TEST(UserPatchTest, PasswordPolicyAppliesAndUsernameCannotChange) {
  EXPECT_THAT(
      parseUserPatch({{"password", "short"}, {"username", "bob"}}).errors,
      ElementsAre(ErrorAt("password", "string_too_short"), ErrorAt("username", "extra_forbidden")));
}

TEST(LoginRequestTest, ChecksShapesButNotThePolicy) {
  auto r = parseLoginRequest({{"username", "alice"}, {"password", "short"}});
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.password, "short");
  EXPECT_THAT(parseLoginRequest({{"username", "alice"}}).errors,
              ElementsAre(ErrorAt("password", "missing")));
  EXPECT_THAT(
      parseLoginRequest({{"username", 1}, {"password", "x"}, {"remember", true}}).errors,
      ElementsAre(ErrorAt("username", "string_type"), ErrorAt("remember", "extra_forbidden")));
}

TEST(UserTest, ApiJsonNeverContainsThePasswordHash) {
  User u{"alice", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", Role::kAdmin, 1700000000};
  json j = toJson(u);
  EXPECT_EQ(j, json::parse(R"({"username": "alice", "role": "admin", "created_at": 1700000000})"));
  EXPECT_EQ(j.dump().find("argon2"), std::string::npos);
}

TEST(UserTest, HashRoundTrip) {
  User u{"alice", "$argon2id$hash", Role::kViewer, 1700000000};
  HashFields fields = toHash(u);
  HashFields expected = {{"username", "alice"},
                         {"password_hash", "$argon2id$hash"},
                         {"role", "viewer"},
                         {"created_at", "1700000000"}};
  EXPECT_EQ(fields, expected);
  HashMap stored(fields.begin(), fields.end());
  auto r = userFromHash("alice", stored);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value, u);
}

TEST(UserTest, UnknownStoredRoleReadsAsViewer) {
  auto r = userFromHash("alice", {{"role", "superuser"}, {"password_hash", "h"}});
  EXPECT_THAT(r.errors, ElementsAre(ErrorAt("role", "enum")));
  EXPECT_EQ(r.value.role, Role::kViewer);
}

}  // namespace
}  // namespace cirrus::model
