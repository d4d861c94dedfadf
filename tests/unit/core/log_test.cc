#include "core/log.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cirrus::log {
namespace {

// 2023-11-14T22:13:20.250Z
constexpr double kTime = 1700000000.25;

TEST(LogTest, JsonLineIsOneValidObjectWithCoreKeysFirst) {
  auto line = formatLine(LogFormat::kJson, LogLevel::kWarn, "edge", "origin slow",
                         {{"host", "a.test"}, {"ms", 1500}, {"retry", true}}, kTime);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);  // throws (fails the test) if not valid JSON
  EXPECT_EQ(j["ts"], "2023-11-14T22:13:20.250Z");
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["component"], "edge");
  EXPECT_EQ(j["msg"], "origin slow");
  EXPECT_EQ(j["host"], "a.test");
  EXPECT_EQ(j["ms"], 1500);
  EXPECT_EQ(j["retry"], true);
  EXPECT_EQ(line.rfind(R"({"ts":"2023-11-14T22:13:20.250Z","level":"warn","component":"edge",)", 0),
            0u)
      << line;
}

TEST(LogTest, JsonNamesEveryLevel) {
  auto level = [](LogLevel l) {
    return nlohmann::json::parse(formatLine(LogFormat::kJson, l, "c", "m", {}, kTime))["level"];
  };
  EXPECT_EQ(level(LogLevel::kDebug), "debug");
  EXPECT_EQ(level(LogLevel::kInfo), "info");
  EXPECT_EQ(level(LogLevel::kWarn), "warn");
  EXPECT_EQ(level(LogLevel::kError), "error");
}

TEST(LogTest, JsonEscapesQuotesAndNewlines) {
  auto line = formatLine(LogFormat::kJson, LogLevel::kInfo, "api", "say \"hi\"\nagain",
                         {{"path", "/a\"b\\c"}}, kTime);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["msg"], "say \"hi\"\nagain");
  EXPECT_EQ(j["path"], "/a\"b\\c");
}

TEST(LogTest, InvalidUtf8InAFieldDoesNotThrow) {
  std::string line;
  ASSERT_NO_THROW(line = formatLine(LogFormat::kJson, LogLevel::kInfo, "edge", "bad \xff bytes",
                                    {{"ua", std::string("curl\xc3\x28", 6)}}, kTime));
  auto j = nlohmann::json::parse(line);  // the replacement keeps the line valid UTF-8 JSON
  EXPECT_EQ(j["msg"], "bad \xEF\xBF\xBD bytes");
  EXPECT_EQ(j["ua"].get<std::string>().substr(0, 4), "curl");
  ASSERT_NO_THROW(formatLine(LogFormat::kText, LogLevel::kInfo, "edge", "m",
                             {{"obj", nlohmann::json{{"k", "\xff"}}}}, kTime));
}

TEST(LogTest, TextLineIsHumanReadable) {
  auto line = formatLine(LogFormat::kText, LogLevel::kInfo, "dns", "zone built",
                         {{"serial", 42}, {"zone", "cdn.test"}, {"ok", true}}, kTime);
  EXPECT_EQ(line, "2023-11-14T22:13:20.250Z info  dns: zone built serial=42 zone=cdn.test ok=true");
  EXPECT_EQ(formatLine(LogFormat::kText, LogLevel::kError, "api", "boom", {}, kTime),
            "2023-11-14T22:13:20.250Z error api: boom");
}

TEST(LogTest, TextLineStaysOneLine) {
  // Peer-controlled text must not be able to forge a second log line.
  auto line =
      formatLine(LogFormat::kText, LogLevel::kWarn, "edge", "bad\nline",
                 {{"host", "a.test\r\n2023-01-01T00:00:00.000Z error edge: forged"}}, kTime);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  EXPECT_NE(line.find("bad\\nline"), std::string::npos) << line;
}

TEST(LogTest, EnabledFollowsTheConfiguredLevel) {
  configure(LogLevel::kWarn, LogFormat::kJson, "test");
  EXPECT_FALSE(enabled(LogLevel::kDebug));
  EXPECT_FALSE(enabled(LogLevel::kInfo));
  EXPECT_TRUE(enabled(LogLevel::kWarn));
  EXPECT_TRUE(enabled(LogLevel::kError));
  configure(LogLevel::kDebug, LogFormat::kText, "test");
  EXPECT_TRUE(enabled(LogLevel::kDebug));
  configure(LogLevel::kInfo, LogFormat::kText, "cirrus");
}

}  // namespace
}  // namespace cirrus::log
