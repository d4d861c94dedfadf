#include "api/session_cookie.h"

#include <gtest/gtest.h>

namespace cirrus::api {
namespace {

config::ApiConfig baseConfig() {
  config::ApiConfig c{};
  c.session_cookie_name = "cirrus_session";
  c.cookie_samesite = "lax";
  return c;
}

TEST(SessionCookieTest, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(findCookie("a=1; cirrus_session=xyz; b=2", "cirrus_session"), "xyz");
  EXPECT_EQ(findCookie("cirrus_session=\"q\"", "cirrus_session"), "q");
  EXPECT_EQ(findCookie("xcirrus_session=1", "cirrus_session"), std::nullopt);
  EXPECT_EQ(findCookie("cirrus_session=", "cirrus_session"), std::nullopt);
  EXPECT_EQ(findCookie("", "cirrus_session"), std::nullopt);
}

TEST(SessionCookieTest, DefaultAttributes) {
  EXPECT_EQ(sessionSetCookie(baseConfig(), "v", 60),
            "cirrus_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
}

TEST(SessionCookieTest, ConfiguredAttributes) {
  auto c = baseConfig();
  c.cookie_secure = true;
  c.cookie_domain = "example.com";
  c.cookie_samesite = "none";
  EXPECT_EQ(sessionSetCookie(c, "v", 5),
            "cirrus_session=v; Path=/; Max-Age=5; HttpOnly; SameSite=None; Secure; "
            "Domain=example.com");
}

TEST(SessionCookieTest, ClearCookieExpiresImmediately) {
  EXPECT_EQ(sessionClearCookie(baseConfig()),
            "cirrus_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

}  // namespace
}  // namespace cirrus::api
