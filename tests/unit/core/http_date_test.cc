#include "core/http_date.h"

#include <gtest/gtest.h>

namespace cirrus {
namespace {

// RFC 9110 §5.6.7: the three forms of the same instant.
constexpr int64_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(HttpDateTest, ParsesImfFixdateFromRfcExample) {
  EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
}

TEST(HttpDateTest, ParsesObsoleteRfc850Form) {
  EXPECT_EQ(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
}

TEST(HttpDateTest, ParsesAsctimeFormWithPaddedDay) {
  EXPECT_EQ(parseHttpDate("Sun Nov  6 08:49:37 1994"), kRfcExample);
}

TEST(HttpDateTest, RejectsWhatIsNotADate) {
  EXPECT_FALSE(parseHttpDate("0"));
  EXPECT_FALSE(parseHttpDate("-1"));
  EXPECT_FALSE(parseHttpDate(""));
  EXPECT_FALSE(parseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(parseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parseHttpDate("Sun, 06 Nov 1994 25:49:37 GMT"));
}

TEST(HttpDateTest, FormatsImfFixdateThatParsesBack) {
  EXPECT_EQ(formatHttpDate(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(formatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  for (int64_t t : {int64_t{951782400}, int64_t{1709164800}, int64_t{4102444799}}) {
    EXPECT_EQ(parseHttpDate(formatHttpDate(t)), t) << formatHttpDate(t);
  }
}

TEST(HttpDateTest, ReadsLeapDay) {
  EXPECT_EQ(parseHttpDate("Thu, 29 Feb 2024 00:00:00 GMT"), 1709164800);
}

}  // namespace
}  // namespace cirrus
