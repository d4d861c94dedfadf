#include "core/redis_script.h"

#include <gtest/gtest.h>

namespace cirrus::redis {
namespace {

TEST(ScriptTest, Sha1IsLowerCaseHexOfTheSourceAsScriptLoadReturnsIt) {
  // python3 -c "import hashlib; print(hashlib.sha1(b'return 1').hexdigest())"
  Script script("return 1");
  EXPECT_EQ(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(script.source(), "return 1");
  EXPECT_EQ(Script("").sha1(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

}  // namespace
}  // namespace cirrus::redis
