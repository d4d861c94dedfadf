#include "core/metrics_text.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cirrus::metrics::text {
namespace {

std::string labelValue(std::string_view v) {
  std::string out;
  appendLabelValue(out, v);
  return out;
}

std::string help(std::string_view v) {
  std::string out;
  appendHelp(out, v);
  return out;
}

std::string value(double v) {
  std::string out;
  appendValue(out, v);
  return out;
}

TEST(MetricsTextTest, AcceptsMetricNamesOfTheExpositionGrammar) {
  EXPECT_TRUE(isValidMetricName("nginx_http_requests_total"));
  EXPECT_TRUE(isValidMetricName("_private"));
  EXPECT_TRUE(isValidMetricName(":recording:rule"));
  EXPECT_TRUE(isValidMetricName("a1:b2_C3"));
}

TEST(MetricsTextTest, RejectsMetricNamesOutsideTheGrammar) {
  EXPECT_FALSE(isValidMetricName(""));
  EXPECT_FALSE(isValidMetricName("1abc"));
  EXPECT_FALSE(isValidMetricName("http-requests"));
  EXPECT_FALSE(isValidMetricName("a b"));
  EXPECT_FALSE(isValidMetricName("caf\xC3\xA9"));
  EXPECT_FALSE(isValidMetricName("a.b"));
}

TEST(MetricsTextTest, LabelNamesAllowNoColonAndNoReservedPrefix) {
  EXPECT_TRUE(isValidLabelName("host"));
  EXPECT_TRUE(isValidLabelName("_x1"));
  EXPECT_TRUE(isValidLabelName("le"));  // only histograms reserve it; the registry checks
  EXPECT_FALSE(isValidLabelName(""));
  EXPECT_FALSE(isValidLabelName("a:b"));
  EXPECT_FALSE(isValidLabelName("9lives"));
  EXPECT_FALSE(isValidLabelName("__name__"));
  EXPECT_FALSE(isValidLabelName("has-dash"));
}

TEST(MetricsTextTest, EscapesBackslashQuoteAndNewlineInLabelValues) {
  EXPECT_EQ(labelValue("plain.test"), "plain.test");
  EXPECT_EQ(labelValue(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(labelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(labelValue("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(labelValue("\\\"\n"), R"(\\\"\n)");
  EXPECT_EQ(labelValue(""), "");
}

TEST(MetricsTextTest, KeepsValidUtf8InLabelValues) {
  EXPECT_EQ(labelValue("caf\xC3\xA9"), "caf\xC3\xA9");            // 2-byte
  EXPECT_EQ(labelValue("\xE2\x82\xAC"), "\xE2\x82\xAC");          // 3-byte (euro)
  EXPECT_EQ(labelValue("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // 4-byte
  EXPECT_EQ(labelValue("tab\there"), "tab\there");                // other controls pass
}

TEST(MetricsTextTest, ReplacesInvalidUtf8InLabelValues) {
  const std::string kReplacement = "\xEF\xBF\xBD";
  EXPECT_EQ(labelValue("a\xFF"
                       "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(labelValue("\xC3"), kReplacement);                     // truncated
  EXPECT_EQ(labelValue("\xC0\xAF"), kReplacement + kReplacement);  // overlong '/'
  EXPECT_EQ(labelValue("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // surrogate
  EXPECT_EQ(labelValue("\xF4\x90\x80\x80"),
            kReplacement + kReplacement + kReplacement + kReplacement);  // > U+10FFFF
}

TEST(MetricsTextTest, EscapesBackslashAndNewlineButNotQuotesInHelp) {
  EXPECT_EQ(help("Total requests."), "Total requests.");
  EXPECT_EQ(help("a \"quoted\" word"), "a \"quoted\" word");
  EXPECT_EQ(help("C:\\path\nnext"), "C:\\\\path\\nnext");
}

TEST(MetricsTextTest, FormatsValuesAsShortestRoundTripDecimals) {
  EXPECT_EQ(value(0), "0");
  EXPECT_EQ(value(5), "5");
  EXPECT_EQ(value(-3), "-3");
  EXPECT_EQ(value(0.1), "0.1");
  EXPECT_EQ(value(2.5), "2.5");
  EXPECT_EQ(value(0.005), "0.005");
  EXPECT_EQ(value(1e-05), "1e-05");
  EXPECT_EQ(value(1.5e300), "1.5e+300");
  EXPECT_EQ(std::stod(value(0.1 + 0.2)), 0.1 + 0.2);
}

TEST(MetricsTextTest, FormatsNonFiniteValuesAsPrometheusSpellsThem) {
  EXPECT_EQ(value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(value(std::nan("")), "NaN");
}

TEST(MetricsTextTest, FormatsIntegersExactly) {
  std::string out;
  appendValue(out, uint64_t{18446744073709551615u});
  EXPECT_EQ(out, "18446744073709551615");
}

TEST(MetricsTextTest, JoinsLabelPairsWithCommas) {
  std::vector<std::string> names{"host", "status"};
  std::vector<std::string> values{"a\"b", "200"};
  std::string out;
  appendLabelPairs(out, names, values);
  EXPECT_EQ(out, R"(host="a\"b",status="200")");
}

}  // namespace
}  // namespace cirrus::metrics::text
