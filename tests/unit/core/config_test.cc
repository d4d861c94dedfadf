#include "core/config.h"

#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace cirrus::config {
namespace {

using namespace std::chrono_literals;
using Env = std::map<std::string, std::string>;

ConfigReader reader(Env env = {}) {
  return ConfigReader(mapEnv(std::move(env)));
}

/// Runs fn, which must throw ConfigError; returns it (or fails the test).
ConfigError configError(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return ConfigError("<none>", "<none>");
}

struct BadValue {
  std::string variable;  // set to `value`
  std::string value;
  std::string blamed;  // the variable the error must name; empty = `variable`
};

/// Each bad value alone (on top of the defaults) must make `load` throw a ConfigError
/// naming the variable.
void expectEachRejected(const std::function<void(const ConfigReader&)>& load,
                        const std::vector<BadValue>& cases) {
  for (const auto& c : cases) {
    auto e = configError([&] { load(reader({{c.variable, c.value}})); });
    EXPECT_EQ(e.variable(), c.blamed.empty() ? c.variable : c.blamed)
        << c.variable << "=" << c.value << " -> " << e.what();
    EXPECT_FALSE(e.reason().empty());
  }
}

// ---- value parsers ----

TEST(ConfigParseTest, ParseBoolAcceptsCommonSpellings) {
  for (auto s : {"1", "true", "TRUE", "yes", "On", " true "}) EXPECT_EQ(parseBool(s), true) << s;
  for (auto s : {"0", "false", "False", "no", "OFF"}) EXPECT_EQ(parseBool(s), false) << s;
  for (auto s : {"", "2", "maybe", "truee", "y"}) EXPECT_EQ(parseBool(s), std::nullopt) << s;
}

TEST(ConfigParseTest, ParseDurationReadsUnitsAndBareSeconds) {
  EXPECT_EQ(parseDuration("250ms"), 250ms);
  EXPECT_EQ(parseDuration("5s"), 5s);
  EXPECT_EQ(parseDuration("2m"), 2min);
  EXPECT_EQ(parseDuration("1h"), 1h);
  EXPECT_EQ(parseDuration("7"), 7s);
  EXPECT_EQ(parseDuration(" 5S "), 5s);
  EXPECT_EQ(parseDuration("0"), 0ms);
}

TEST(ConfigParseTest, ParseDurationRejectsMalformedValues) {
  for (auto s : {"", "ms", "-1s", "1.5s", "5d", "s5", "5 s", "9223372036854775807h",
                 "99999999999999999999"}) {
    EXPECT_EQ(parseDuration(s), std::nullopt) << s;
  }
}

TEST(ConfigParseTest, ParseSizeReadsBinaryMultiples) {
  EXPECT_EQ(parseSize("512"), 512u);
  EXPECT_EQ(parseSize("64k"), 64u << 10);
  EXPECT_EQ(parseSize("256m"), 256u << 20);
  EXPECT_EQ(parseSize("256MB"), 256u << 20);
  EXPECT_EQ(parseSize("256Mi"), 256u << 20);
  EXPECT_EQ(parseSize("10g"), 10ull << 30);
  EXPECT_EQ(parseSize("2t"), 2ull << 40);
  EXPECT_EQ(parseSize(" 1K "), 1024u);
}

TEST(ConfigParseTest, ParseSizeRejectsMalformedOrOverflowingValues) {
  for (auto s : {"", "k", "1x", "-5", "1.5g", "12 m", "17179869184g", "1kk"}) {
    EXPECT_EQ(parseSize(s), std::nullopt) << s;
  }
}

TEST(ConfigParseTest, ParseRedisUrlReadsEveryPart) {
  std::string reason;
  auto o = parseRedisUrl("redis://127.0.0.1:6379/0", &reason);
  ASSERT_TRUE(o) << reason;
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 6379);
  EXPECT_EQ(o->db, 0);
  EXPECT_EQ(o->username, "");
  EXPECT_EQ(o->password, "");

  o = parseRedisUrl("redis://alice:s3cret@cache.internal:6380/2", &reason);
  ASSERT_TRUE(o) << reason;
  EXPECT_EQ(o->host, "cache.internal");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->db, 2);
  EXPECT_EQ(o->username, "alice");
  EXPECT_EQ(o->password, "s3cret");
}

TEST(ConfigParseTest, ParseRedisUrlHandlesPasswordOnlyForms) {
  auto o = parseRedisUrl("redis://:pw@h", nullptr);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->username, "");
  EXPECT_EQ(o->password, "pw");
  EXPECT_EQ(o->port, 6379);
  EXPECT_EQ(o->db, 0);

  o = parseRedisUrl("redis://pw@h", nullptr);  // redis-py accepts a bare password
  ASSERT_TRUE(o);
  EXPECT_EQ(o->username, "");
  EXPECT_EQ(o->password, "pw");

  o = parseRedisUrl("redis://u:p@ss/w@h/1", nullptr);  // the last '@' ends the userinfo
  ASSERT_TRUE(o);
  EXPECT_EQ(o->password, "p@ss/w");
  EXPECT_EQ(o->host, "h");
  EXPECT_EQ(o->db, 1);
}

TEST(ConfigParseTest, ParseRedisUrlAcceptsBracketedIpv6) {
  auto o = parseRedisUrl("redis://[::1]:6380/3", nullptr);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->db, 3);
  o = parseRedisUrl("redis://[2001:db8::7]", nullptr);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->host, "2001:db8::7");
  EXPECT_EQ(o->port, 6379);
  o = parseRedisUrl("redis://h/", nullptr);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->db, 0);
}

TEST(ConfigParseTest, ParseRedisUrlRejectsTlsWithAReason) {
  std::string reason;
  EXPECT_FALSE(parseRedisUrl("rediss://h:6379/0", &reason));
  EXPECT_NE(reason.find("rediss://"), std::string::npos) << reason;
}

TEST(ConfigParseTest, ParseRedisUrlRejectsMalformedUrls) {
  for (auto url : {"http://h:6379", "h:6379", "", "redis://", "redis:///0", "redis://h:0",
                   "redis://h:65536", "redis://h:port", "redis://h/x", "redis://h/-1",
                   "redis://h/70000", "redis://[::1", "redis://[nothex]:1", "redis://a b"}) {
    std::string reason;
    EXPECT_FALSE(parseRedisUrl(url, &reason)) << url;
    EXPECT_FALSE(reason.empty()) << url;
  }
  EXPECT_FALSE(parseRedisUrl("redis://h:0", nullptr));  // a null reason is allowed
}

// ---- ConfigReader ----

TEST(ConfigReaderTest, UnsetVariablesReadTheirSchemaDefault) {
  auto r = reader();
  for (const auto& var : configSchema()) {
    EXPECT_FALSE(r.isSet(var.name)) << var.name;
    EXPECT_EQ(r.str(var.name), var.default_value) << var.name;
  }
}

TEST(ConfigReaderTest, SetButEmptyOverridesTheDefault) {
  auto r = reader({{"LOG_LEVEL", ""}});
  EXPECT_TRUE(r.isSet("LOG_LEVEL"));
  EXPECT_EQ(r.str("LOG_LEVEL"), "");
}

TEST(ConfigReaderTest, UnknownVariableIsAProgrammingError) {
  auto r = reader();
  EXPECT_THROW(r.str("NOT_IN_SCHEMA"), std::logic_error);
  EXPECT_THROW(r.isSet("NOT_IN_SCHEMA"), std::logic_error);
}

TEST(ConfigReaderTest, TypedGettersParseValues) {
  auto r = reader({{"REDIS_PORT", " 6380 "},
                   {"COOKIE_SECURE", "yes"},
                   {"REDIS_TIMEOUT", "750ms"},
                   {"EDGE_CACHE_MEMORY", "1g"},
                   {"API_BIND", "[::1]:9000"},
                   {"EDGE_METRICS_ALLOW", "10.0.0.0/8, ::1/128,"},
                   {"ALLOW_ORIGINS", "https://a.test, ,https://b.test,"},
                   {"LOG_FORMAT", "TEXT"}});
  EXPECT_EQ(r.integer("REDIS_PORT", 1, 65535), 6380);
  EXPECT_TRUE(r.boolean("COOKIE_SECURE"));
  EXPECT_EQ(r.duration("REDIS_TIMEOUT"), 750ms);
  EXPECT_EQ(r.size("EDGE_CACHE_MEMORY"), 1ull << 30);
  EXPECT_EQ(r.endpoint("API_BIND"), (Endpoint{"::1", 9000}));
  auto cidrs = r.cidrList("EDGE_METRICS_ALLOW");
  ASSERT_EQ(cidrs.size(), 2u);
  EXPECT_EQ(cidrs[0].toString(), "10.0.0.0/8");
  EXPECT_EQ(cidrs[1].toString(), "::1/128");
  EXPECT_EQ(r.list("ALLOW_ORIGINS"),
            (std::vector<std::string>{"https://a.test", "https://b.test"}));
  EXPECT_EQ(r.choice("LOG_FORMAT", {"json", "text"}), "text");
}

TEST(ConfigLoadTest, EdgeListenersMustNotShareAPort) {
  auto load = [](const ConfigReader& r) { loadEdgeConfig(r, 2); };
  auto same = configError([&] {
    load(reader({{"EDGE_HTTP_BIND", "127.0.0.1:8080"}, {"EDGE_HTTPS_BIND", "127.0.0.1:8080"}}));
  });
  EXPECT_EQ(same.variable(), "EDGE_HTTPS_BIND");
  EXPECT_NE(std::string(same.what()).find("overlaps EDGE_HTTP_BIND"), std::string::npos);
  // A wildcard overlaps every address of its port.
  auto wildcard = configError([&] {
    load(reader({{"EDGE_HTTP_BIND", "0.0.0.0:8080"}, {"EDGE_ADMIN_BIND", "127.0.0.1:8080"}}));
  });
  EXPECT_EQ(wildcard.variable(), "EDGE_ADMIN_BIND");
  // Distinct addresses on one port are fine (one listener per interface).
  auto c = loadEdgeConfig(
      reader({{"EDGE_HTTP_BIND", "127.0.0.1:8080"}, {"EDGE_HTTPS_BIND", "127.0.0.2:8080"}}), 2);
  EXPECT_EQ(c.https_bind.port, 8080);
}

TEST(ConfigLoadTest, Http2SettingsHaveDefaultsAndRefuseBadValues) {
  auto c = loadEdgeConfig(reader({}), 2);
  EXPECT_TRUE(c.http2);
  EXPECT_FALSE(c.h2c);
  EXPECT_EQ(c.http2_max_streams, 128u);
  EXPECT_EQ(c.client_header_timeout, std::chrono::seconds(10));
  auto load = [](std::string name, std::string value) {
    return configError([&] { loadEdgeConfig(reader({{name, value}}), 2); }).variable();
  };
  EXPECT_EQ(load("EDGE_HTTP2_MAX_STREAMS", "0"), "EDGE_HTTP2_MAX_STREAMS");
  EXPECT_EQ(load("EDGE_HTTP2_MAX_STREAMS", "1001"), "EDGE_HTTP2_MAX_STREAMS");
  EXPECT_EQ(load("EDGE_H2C", "maybe"), "EDGE_H2C");
  EXPECT_EQ(load("EDGE_CLIENT_HEADER_TIMEOUT", "0s"), "EDGE_CLIENT_HEADER_TIMEOUT");
}

TEST(ConfigReaderTest, GetterErrorsNameTheVariableAndQuoteTheValue) {
  auto r = reader({{"REDIS_PORT", "70000"}, {"COOKIE_SECURE", "maybe"}, {"LOG_FORMAT", "xml"}});
  auto e = configError([&] { r.integer("REDIS_PORT", 1, 65535); });
  EXPECT_EQ(e.variable(), "REDIS_PORT");
  EXPECT_NE(e.reason().find("70000"), std::string::npos) << e.reason();
  EXPECT_EQ(std::string(e.what()), "REDIS_PORT: " + e.reason());
  e = configError([&] { r.boolean("COOKIE_SECURE"); });
  EXPECT_NE(e.reason().find("maybe"), std::string::npos) << e.reason();
  e = configError([&] { r.choice("LOG_FORMAT", {"json", "text"}); });
  EXPECT_NE(e.reason().find("json|text"), std::string::npos) << e.reason();
}

TEST(ConfigReaderTest, GetterErrorsNeverQuoteSensitiveValues) {
  // Whatever getter reads a sensitive variable, its value stays out of the error.
  auto r = reader({{"REDIS_PASSWORD", " hunter2-secret "}, {"MASTER_API_TOKEN", "tok-secret"}});
  auto e = configError([&] { r.integer("REDIS_PASSWORD", 0, 1); });
  EXPECT_EQ(e.variable(), "REDIS_PASSWORD");
  EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  e = configError([&] { r.endpoint("MASTER_API_TOKEN"); });
  EXPECT_EQ(std::string(e.what()).find("tok-secret"), std::string::npos) << e.what();
}

// ---- common ----

TEST(ConfigLoadTest, CommonDefaults) {
  auto c = loadCommonConfig(reader());
  EXPECT_EQ(c.redis.host, "127.0.0.1");
  EXPECT_EQ(c.redis.port, 6379);
  EXPECT_EQ(c.redis.db, 0);
  EXPECT_EQ(c.redis.password, "");
  EXPECT_EQ(c.redis.command_timeout, 2s);
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.log_format, LogFormat::kJson);
}

TEST(ConfigLoadTest, CommonReadsRedisUrlAndLogging) {
  auto c = loadCommonConfig(reader({{"REDIS_URL", "redis://u:pw@10.0.0.5:6390/4"},
                                    {"REDIS_TIMEOUT", "500ms"},
                                    {"LOG_LEVEL", "WARNING"},
                                    {"LOG_FORMAT", "text"}}));
  EXPECT_EQ(c.redis.host, "10.0.0.5");
  EXPECT_EQ(c.redis.port, 6390);
  EXPECT_EQ(c.redis.db, 4);
  EXPECT_EQ(c.redis.username, "u");
  EXPECT_EQ(c.redis.password, "pw");
  EXPECT_EQ(c.redis.command_timeout, 500ms);
  EXPECT_EQ(c.log_level, LogLevel::kWarn);
  EXPECT_EQ(c.log_format, LogFormat::kText);
  EXPECT_EQ(loadCommonConfig(reader({{"LOG_LEVEL", "debug"}})).log_level, LogLevel::kDebug);
  EXPECT_EQ(loadCommonConfig(reader({{"LOG_LEVEL", "error"}})).log_level, LogLevel::kError);
  EXPECT_EQ(loadCommonConfig(reader({{"LOG_LEVEL", "warn"}})).log_level, LogLevel::kWarn);
}

TEST(ConfigLoadTest, CommonUsesRedisHostPortPasswordWhenUrlUnset) {
  auto c = loadCommonConfig(
      reader({{"REDIS_HOST", "redis.internal"}, {"REDIS_PORT", "6381"}, {"REDIS_PASSWORD", "pw"}}));
  EXPECT_EQ(c.redis.host, "redis.internal");
  EXPECT_EQ(c.redis.port, 6381);
  EXPECT_EQ(c.redis.password, "pw");
  EXPECT_EQ(c.redis.db, 0);

  c = loadCommonConfig(reader({{"REDIS_PASSWORD", "only-pw"}}));
  EXPECT_EQ(c.redis.host, "127.0.0.1");
  EXPECT_EQ(c.redis.port, 6379);
  EXPECT_EQ(c.redis.password, "only-pw");
}

TEST(ConfigLoadTest, CommonPrefersRedisUrlOverHostAndPort) {
  auto c = loadCommonConfig(reader(
      {{"REDIS_URL", "redis://url-host:7000/1"}, {"REDIS_HOST", "other"}, {"REDIS_PORT", "1"}}));
  EXPECT_EQ(c.redis.host, "url-host");
  EXPECT_EQ(c.redis.port, 7000);
  EXPECT_EQ(c.redis.db, 1);
}

TEST(ConfigLoadTest, CommonRejectsBadValues) {
  expectEachRejected([](const ConfigReader& r) { loadCommonConfig(r); },
                     {{"REDIS_URL", "http://h:1"},
                      {"REDIS_URL", "rediss://h:6379"},
                      {"REDIS_URL", "redis://h:0"},
                      {"REDIS_URL", "redis://h/db"},
                      {"REDIS_HOST", ""},
                      {"REDIS_PORT", "0"},
                      {"REDIS_PORT", "http"},
                      {"REDIS_TIMEOUT", "0"},
                      {"REDIS_TIMEOUT", "fast"},
                      {"LOG_LEVEL", "verbose"},
                      {"LOG_FORMAT", "xml"}});
}

TEST(ConfigLoadTest, RedisUrlPasswordNeverAppearsInErrors) {
  for (auto url :
       {"redis://:hunter2-secret@h:0/0", "rediss://:hunter2-secret@h",
        "redis://u:hunter2-secret@h/notadb", "redis://:hunter2-secret@", "hunter2-secret"}) {
    auto e = configError([&] { loadCommonConfig(reader({{"REDIS_URL", url}})); });
    EXPECT_EQ(e.variable(), "REDIS_URL");
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

// ---- api ----

TEST(ConfigLoadTest, ApiDefaults) {
  auto c = loadApiConfig(reader());
  EXPECT_EQ(c.bind, (Endpoint{"0.0.0.0", 8000}));
  EXPECT_EQ(c.master_api_token, "");
  EXPECT_EQ(c.session_cookie_name, "cirrus_session");
  EXPECT_EQ(c.session_ttl_seconds, 604800);
  EXPECT_FALSE(c.cookie_secure);
  EXPECT_EQ(c.cookie_domain, "");
  EXPECT_EQ(c.cookie_samesite, "lax");
  EXPECT_TRUE(c.enable_password_auth);
  EXPECT_TRUE(c.allow_origins.empty());
  EXPECT_FALSE(c.enable_test_endpoints);
  EXPECT_EQ(c.static_dir, "");
  EXPECT_EQ(c.cname_base_domain, "cdn.local.test");
  EXPECT_EQ(c.cname_replicas_per_site, 2);
  EXPECT_EQ(c.cname_default_ttl, 60);
}

TEST(ConfigLoadTest, ApiReadsEveryVariable) {
  auto c = loadApiConfig(reader({{"API_BIND", "127.0.0.1:8100"},
                                 {"MASTER_API_TOKEN", "0123456789abcdef"},
                                 {"SESSION_COOKIE_NAME", "sid-2"},
                                 {"SESSION_TTL_SECONDS", "3600"},
                                 {"COOKIE_SECURE", "true"},
                                 {"COOKIE_DOMAIN", "Admin.Example.COM."},
                                 {"COOKIE_SAMESITE", "None"},
                                 {"ENABLE_PASSWORD_AUTH", "false"},
                                 {"ALLOW_ORIGINS", "https://ui.example.com,*"},
                                 {"ENABLE_TEST_ENDPOINTS", "1"},
                                 {"STATIC_DIR", "/srv/ui"},
                                 {"CNAME_BASE_DOMAIN", "CDN.Example.NET."},
                                 {"CNAME_REPLICAS_PER_SITE", "3"},
                                 {"CNAME_DEFAULT_TTL", "30"}}));
  EXPECT_EQ(c.bind, (Endpoint{"127.0.0.1", 8100}));
  EXPECT_EQ(c.master_api_token, "0123456789abcdef");
  EXPECT_EQ(c.session_cookie_name, "sid-2");
  EXPECT_EQ(c.session_ttl_seconds, 3600);
  EXPECT_TRUE(c.cookie_secure);
  EXPECT_EQ(c.cookie_domain, "admin.example.com");
  EXPECT_EQ(c.cookie_samesite, "none");
  EXPECT_FALSE(c.enable_password_auth);
  EXPECT_EQ(c.allow_origins, (std::vector<std::string>{"https://ui.example.com", "*"}));
  EXPECT_TRUE(c.enable_test_endpoints);
  EXPECT_EQ(c.static_dir, "/srv/ui");
  EXPECT_EQ(c.cname_base_domain, "cdn.example.net");
  EXPECT_EQ(c.cname_replicas_per_site, 3);
  EXPECT_EQ(c.cname_default_ttl, 30);
}

TEST(ConfigLoadTest, ApiRejectsBadValues) {
  expectEachRejected([](const ConfigReader& r) { loadApiConfig(r); },
                     {{"API_BIND", "8000"},
                      {"API_BIND", "0.0.0.0:99999"},
                      {"MASTER_API_TOKEN", "short"},
                      {"SESSION_COOKIE_NAME", "bad name"},
                      {"SESSION_COOKIE_NAME", ""},
                      {"SESSION_TTL_SECONDS", "10"},
                      {"SESSION_TTL_SECONDS", "week"},
                      {"COOKIE_SECURE", "maybe"},
                      {"COOKIE_DOMAIN", "bad domain!"},
                      {"COOKIE_SAMESITE", "sometimes"},
                      {"ENABLE_PASSWORD_AUTH", "2"},
                      {"ALLOW_ORIGINS", "ui.example.com"},
                      {"ENABLE_TEST_ENDPOINTS", "perhaps"},
                      {"CNAME_BASE_DOMAIN", "bad..domain"},
                      {"CNAME_REPLICAS_PER_SITE", "0"},
                      {"CNAME_REPLICAS_PER_SITE", "65"},
                      {"CNAME_DEFAULT_TTL", "0"}});
}

TEST(ConfigLoadTest, ApiRefusesSameSiteNoneWithoutSecureCookies) {
  auto e = configError([] { loadApiConfig(reader({{"COOKIE_SAMESITE", "none"}})); });
  EXPECT_EQ(e.variable(), "COOKIE_SAMESITE");
  EXPECT_NE(e.reason().find("COOKIE_SECURE"), std::string::npos) << e.reason();
  EXPECT_NO_THROW(loadApiConfig(reader({{"COOKIE_SAMESITE", "none"}, {"COOKIE_SECURE", "true"}})));
}

TEST(ConfigLoadTest, MasterApiTokenNeverAppearsInErrors) {
  auto e = configError([] { loadApiConfig(reader({{"MASTER_API_TOKEN", "tok-secret"}})); });
  EXPECT_EQ(e.variable(), "MASTER_API_TOKEN");
  EXPECT_EQ(std::string(e.what()).find("tok-secret"), std::string::npos) << e.what();
}

// ---- edge ----

TEST(ConfigLoadTest, EdgeDefaults) {
  auto c = loadEdgeConfig(reader(), 4);
  EXPECT_EQ(c.http_bind, (Endpoint{"0.0.0.0", 8080}));
  EXPECT_EQ(c.https_bind, (Endpoint{"0.0.0.0", 8443}));
  EXPECT_EQ(c.admin_bind, (Endpoint{"0.0.0.0", 9145}));
  ASSERT_EQ(c.metrics_allow.size(), 2u);
  EXPECT_EQ(c.metrics_allow[0].toString(), "127.0.0.0/8");
  EXPECT_EQ(c.metrics_allow[1].toString(), "::1/128");
  EXPECT_EQ(c.workers, 4u);
  EXPECT_EQ(c.cache_memory_bytes, 256ull << 20);
  EXPECT_EQ(c.cache_dir, "");
  EXPECT_EQ(c.cache_disk_bytes, 10ull << 30);
  EXPECT_EQ(c.config_ttl, 5s);
  EXPECT_EQ(c.origin_connect_timeout, 5s);
  EXPECT_EQ(c.origin_read_timeout, 30s);
  EXPECT_EQ(c.access_log, "stdout");
}

TEST(ConfigLoadTest, EdgeWorkersAutoUsesTheHardwareCount) {
  EXPECT_EQ(loadEdgeConfig(reader({{"EDGE_WORKERS", "auto"}}), 12).workers, 12u);
  EXPECT_EQ(loadEdgeConfig(reader({{"EDGE_WORKERS", " AUTO "}}), 3).workers, 3u);
  // std::thread::hardware_concurrency() may return 0 ("unknown"): at least one worker.
  EXPECT_EQ(loadEdgeConfig(reader(), 0).workers, 1u);
  EXPECT_EQ(loadEdgeConfig(reader({{"EDGE_WORKERS", "6"}}), 12).workers, 6u);
}

TEST(ConfigLoadTest, EdgeReadsEveryVariable) {
  auto c = loadEdgeConfig(reader({{"EDGE_HTTP_BIND", "127.0.0.1:80"},
                                  {"EDGE_HTTPS_BIND", "[::]:443"},
                                  {"EDGE_ADMIN_BIND", "10.0.0.1:9999"},
                                  {"EDGE_METRICS_ALLOW", "10.0.0.0/8"},
                                  {"EDGE_CACHE_MEMORY", "1m"},
                                  {"EDGE_CACHE_DIR", "/var/cache/cirrus"},
                                  {"EDGE_CACHE_DISK", "500m"},
                                  {"EDGE_CONFIG_TTL_SECONDS", "0"},
                                  {"EDGE_ORIGIN_CONNECT_TIMEOUT", "250ms"},
                                  {"EDGE_ORIGIN_READ_TIMEOUT", "2m"},
                                  {"EDGE_ACCESS_LOG", "/var/log/cirrus/access.log"}}),
                          2);
  EXPECT_EQ(c.http_bind, (Endpoint{"127.0.0.1", 80}));
  EXPECT_EQ(c.https_bind, (Endpoint{"::", 443}));
  EXPECT_EQ(c.admin_bind, (Endpoint{"10.0.0.1", 9999}));
  ASSERT_EQ(c.metrics_allow.size(), 1u);
  EXPECT_EQ(c.cache_memory_bytes, 1ull << 20);
  EXPECT_EQ(c.cache_dir, "/var/cache/cirrus");
  EXPECT_EQ(c.cache_disk_bytes, 500ull << 20);
  EXPECT_EQ(c.config_ttl, 0s);
  EXPECT_EQ(c.origin_connect_timeout, 250ms);
  EXPECT_EQ(c.origin_read_timeout, 2min);
  EXPECT_EQ(c.access_log, "/var/log/cirrus/access.log");
}

TEST(ConfigLoadTest, EdgeRejectsBadValues) {
  expectEachRejected([](const ConfigReader& r) { loadEdgeConfig(r, 4); },
                     {{"EDGE_HTTP_BIND", "nope"},
                      {"EDGE_HTTPS_BIND", "0.0.0.0:0"},
                      {"EDGE_ADMIN_BIND", ":9145"},
                      {"EDGE_METRICS_ALLOW", "10.0.0.1/8"},
                      {"EDGE_METRICS_ALLOW", "127.0.0.0/8,banana"},
                      {"EDGE_WORKERS", "0"},
                      {"EDGE_WORKERS", "many"},
                      {"EDGE_WORKERS", "2000"},
                      {"EDGE_WORKERS", ""},
                      {"EDGE_CACHE_MEMORY", "512k"},
                      {"EDGE_CACHE_MEMORY", "lots"},
                      {"EDGE_CACHE_DISK", "x"},
                      {"EDGE_CONFIG_TTL_SECONDS", "-1"},
                      {"EDGE_CONFIG_TTL_SECONDS", "86401"},
                      {"EDGE_ORIGIN_CONNECT_TIMEOUT", "0"},
                      {"EDGE_ORIGIN_CONNECT_TIMEOUT", "5d"},
                      {"EDGE_ORIGIN_READ_TIMEOUT", "0ms"},
                      {"EDGE_ACCESS_LOG", ""}});
}

// ---- dns ----

TEST(ConfigLoadTest, DnsDefaults) {
  auto c = loadDnsConfig(reader());
  EXPECT_EQ(c.base_domain, "cdn.local.test");
  EXPECT_EQ(c.replicas_per_site, 2);
  EXPECT_EQ(c.default_ttl, 60u);
  EXPECT_EQ(c.bind_addr, "0.0.0.0");
  EXPECT_EQ(c.port, 10053);
  EXPECT_EQ(c.metrics_bind, (Endpoint{"127.0.0.1", 9147}));
  EXPECT_EQ(c.soa_mname, "ns1.cdn.local.test");
  EXPECT_EQ(c.soa_rname, "hostmaster.cdn.local.test");
  EXPECT_EQ(c.soa_refresh, 3600u);
  EXPECT_EQ(c.soa_retry, 600u);
  EXPECT_EQ(c.soa_expire, 1209600u);
  EXPECT_EQ(c.soa_minimum, 60u);
  EXPECT_EQ(c.ns1_a, "");
  EXPECT_EQ(c.ns1_aaaa, "");
  EXPECT_TRUE(c.slaves.empty());
  EXPECT_FALSE(c.tsig);
  EXPECT_TRUE(c.static_zones.empty());
}

TEST(ConfigLoadTest, DnsWithEmptyBaseDomainIsDisabledNotAnError) {
  auto c = loadDnsConfig(reader({{"CNAME_BASE_DOMAIN", ""}}));
  EXPECT_EQ(c.base_domain, "");
  EXPECT_EQ(c.soa_mname, "");
  EXPECT_EQ(c.soa_rname, "");
}

TEST(ConfigLoadTest, DnsReadsEveryVariable) {
  auto c = loadDnsConfig(
      reader({{"CNAME_BASE_DOMAIN", "cdn.example.net"},
              {"CNAME_REPLICAS_PER_SITE", "1"},
              {"CNAME_DEFAULT_TTL", "300"},
              {"DNS_MASTER_BIND_ADDR", "::"},
              {"DNS_MASTER_PORT", "53"},
              {"DNS_METRICS_BIND", "0.0.0.0:9200"},
              {"DNS_SOA_MNAME", "Master.Example.NET."},
              {"DNS_SOA_RNAME", "ops.example.net"},
              {"DNS_SOA_REFRESH", "7200"},
              {"DNS_SOA_RETRY", "900"},
              {"DNS_SOA_EXPIRE", "604800"},
              {"DNS_SOA_MINIMUM", "0"},
              {"DNS_NS1_A", "192.0.2.53"},
              {"DNS_NS1_AAAA", "2001:DB8::53"},
              {"CNAME_DNS_SLAVES", "192.0.2.10, 192.0.2.11:5353,[2001:db8::10]:53"},
              {"DNS_TSIG_KEY", "Transfer-Key:HMAC-SHA256:c2VjcmV0"},
              {"DNS_STATIC_ZONES", "Example.ORG.=/etc/zones/example.org, a.test=z"}}));
  EXPECT_EQ(c.base_domain, "cdn.example.net");
  EXPECT_EQ(c.replicas_per_site, 1);
  EXPECT_EQ(c.default_ttl, 300u);
  EXPECT_EQ(c.bind_addr, "::");
  EXPECT_EQ(c.port, 53);
  EXPECT_EQ(c.metrics_bind, (Endpoint{"0.0.0.0", 9200}));
  EXPECT_EQ(c.soa_mname, "master.example.net");
  EXPECT_EQ(c.soa_rname, "ops.example.net");
  EXPECT_EQ(c.soa_refresh, 7200u);
  EXPECT_EQ(c.soa_retry, 900u);
  EXPECT_EQ(c.soa_expire, 604800u);
  EXPECT_EQ(c.soa_minimum, 0u);
  EXPECT_EQ(c.ns1_a, "192.0.2.53");
  EXPECT_EQ(c.ns1_aaaa, "2001:db8::53");  // normalised
  ASSERT_EQ(c.slaves.size(), 3u);
  EXPECT_EQ(c.slaves[0], (Endpoint{"192.0.2.10", 53}));
  EXPECT_EQ(c.slaves[1], (Endpoint{"192.0.2.11", 5353}));
  EXPECT_EQ(c.slaves[2], (Endpoint{"2001:db8::10", 53}));
  ASSERT_TRUE(c.tsig);
  EXPECT_EQ(c.tsig->name, "transfer-key");
  EXPECT_EQ(c.tsig->algorithm, "hmac-sha256");
  EXPECT_EQ(c.tsig->secret, "secret");
  ASSERT_EQ(c.static_zones.size(), 2u);
  EXPECT_EQ(c.static_zones[0],
            (std::pair<std::string, std::string>{"example.org", "/etc/zones/example.org"}));
  EXPECT_EQ(c.static_zones[1], (std::pair<std::string, std::string>{"a.test", "z"}));
}

TEST(ConfigLoadTest, DnsRejectsBadValues) {
  expectEachRejected([](const ConfigReader& r) { loadDnsConfig(r); },
                     {{"CNAME_BASE_DOMAIN", "-bad..name"},
                      {"CNAME_REPLICAS_PER_SITE", "x"},
                      {"CNAME_DEFAULT_TTL", "86401"},
                      {"DNS_MASTER_BIND_ADDR", "localhost"},
                      {"DNS_MASTER_PORT", "0"},
                      {"DNS_METRICS_BIND", "9147"},
                      {"DNS_SOA_MNAME", "bad name"},
                      {"DNS_SOA_RNAME", ".bad"},
                      {"DNS_SOA_REFRESH", "0"},
                      {"DNS_SOA_RETRY", "x"},
                      {"DNS_SOA_EXPIRE", "4294967296"},
                      {"DNS_SOA_MINIMUM", "-1"},
                      {"DNS_NS1_A", "::1"},
                      {"DNS_NS1_A", "not-an-ip"},
                      {"DNS_NS1_AAAA", "192.0.2.1"},
                      {"CNAME_DNS_SLAVES", "ns1.example.com:53"},
                      {"CNAME_DNS_SLAVES", "192.0.2.1:0"},
                      {"DNS_TSIG_KEY", "justone"},
                      {"DNS_TSIG_KEY", "key:hmac-sha256"},
                      {"DNS_TSIG_KEY", "key:hmac-md5:c2VjcmV0"},
                      {"DNS_TSIG_KEY", "key:hmac-sha256:!!!"},
                      {"DNS_TSIG_KEY", "key:hmac-sha256:"},
                      {"DNS_TSIG_KEY", ":hmac-sha256:c2VjcmV0"},
                      {"DNS_TSIG_KEY", "bad key:hmac-sha256:c2VjcmV0"},
                      {"DNS_STATIC_ZONES", "example.com"},
                      {"DNS_STATIC_ZONES", "=path"},
                      {"DNS_STATIC_ZONES", "example.com="},
                      {"DNS_STATIC_ZONES", "bad zone!=/p"},
                      {"DNS_STATIC_ZONES", ".=/p"}});
}

TEST(ConfigLoadTest, TsigSecretNeverAppearsInErrors) {
  for (auto key : {"key:hmac-md5:c2VjcmV0LXZhbHVl", "bad key!:hmac-sha256:c2VjcmV0LXZhbHVl",
                   "key:hmac-sha256:c2VjcmV0LXZhbHVl!", "c2VjcmV0LXZhbHVl"}) {
    auto e = configError([&] { loadDnsConfig(reader({{"DNS_TSIG_KEY", key}})); });
    EXPECT_EQ(e.variable(), "DNS_TSIG_KEY");
    EXPECT_EQ(std::string(e.what()).find("c2VjcmV0LXZhbHVl"), std::string::npos) << e.what();
  }
}

// ---- acme-dns ----

TEST(ConfigLoadTest, AcmeDnsDefaultsToAZoneUnderTheBaseDomain) {
  auto c = loadAcmeDnsConfig(reader());
  EXPECT_EQ(c.api_bind, (Endpoint{"0.0.0.0", 8053}));
  EXPECT_EQ(c.dns_bind, (Endpoint{"0.0.0.0", 10054}));
  EXPECT_EQ(c.zone, "acme.cdn.local.test");
  c = loadAcmeDnsConfig(reader({{"ACMEDNS_ZONE", "Auth.Example.NET."},
                                {"ACMEDNS_API_BIND", "127.0.0.1:18053"},
                                {"ACMEDNS_DNS_BIND", "127.0.0.1:15353"}}));
  EXPECT_EQ(c.zone, "auth.example.net");
  EXPECT_EQ(c.api_bind, (Endpoint{"127.0.0.1", 18053}));
  EXPECT_EQ(c.dns_bind, (Endpoint{"127.0.0.1", 15353}));
}

TEST(ConfigLoadTest, AcmeDnsRejectsBadValues) {
  expectEachRejected([](const ConfigReader& r) { loadAcmeDnsConfig(r); },
                     {{"ACMEDNS_API_BIND", "x"},
                      {"ACMEDNS_DNS_BIND", "0.0.0.0:70000"},
                      {"ACMEDNS_ZONE", "bad zone"},
                      {"CNAME_BASE_DOMAIN", "", "ACMEDNS_ZONE"},
                      {"CNAME_BASE_DOMAIN", "bad..base"}});
}

// ---- worker ----

TEST(ConfigLoadTest, WorkerDefaults) {
  auto c = loadWorkerConfig(reader());
  EXPECT_EQ(c.metrics_bind, (Endpoint{"127.0.0.1", 9146}));
  EXPECT_EQ(c.acmedns_base_url, "http://127.0.0.1:8053");
  EXPECT_EQ(c.acme_directory, "https://127.0.0.1:14000/dir");
  EXPECT_EQ(c.acme_ca_bundle, "");
  EXPECT_EQ(c.acme_renew_cron, "0 * * * *");
  EXPECT_EQ(c.acme_renew_before_days, 30);
  EXPECT_EQ(c.acme_renew_max_per_scan, 10);
  EXPECT_EQ(c.acme_lock_ttl, 900);
  EXPECT_EQ(c.acme_cert_key_type, "ecdsa256");
  EXPECT_TRUE(c.enforce_acme_cname_check);
  EXPECT_TRUE(c.wait_for_cname);
  EXPECT_EQ(c.cname_wait_secs, 10);
  EXPECT_EQ(c.cname_base_domain, "cdn.local.test");
  EXPECT_EQ(c.node_health_port, 9145);
  EXPECT_EQ(c.node_health_interval_secs, 10);
  EXPECT_EQ(c.node_health_timeout_secs, 2);
  EXPECT_EQ(c.node_health_fails_to_down, 3);
  EXPECT_EQ(c.node_health_succs_to_up, 2);
}

TEST(ConfigLoadTest, WorkerReadsEveryVariable) {
  auto c = loadWorkerConfig(reader({{"WORKER_METRICS_BIND", "0.0.0.0:9300"},
                                    {"ACMEDNS_BASE_URL", "https://auth.example.net"},
                                    {"ACME_DIRECTORY", "https://acme.example/directory"},
                                    {"ACME_CA_BUNDLE", "/etc/ssl/pebble.pem"},
                                    {"ACME_RENEW_CRON", "  */15 3 * * 1-5 "},
                                    {"ACME_RENEW_BEFORE_DAYS", "14"},
                                    {"ACME_RENEW_MAX_PER_SCAN", "100"},
                                    {"ACME_LOCK_TTL", "60"},
                                    {"ACME_CERT_KEY_TYPE", "RSA2048"},
                                    {"ENFORCE_ACME_CNAME_CHECK", "false"},
                                    {"WAIT_FOR_CNAME", "0"},
                                    {"CNAME_WAIT_SECS", "0"},
                                    {"CNAME_BASE_DOMAIN", "cdn.example.net"},
                                    {"NODE_HEALTH_PORT", "8080"},
                                    {"NODE_HEALTH_INTERVAL_SECS", "5"},
                                    {"NODE_HEALTH_TIMEOUT_SECS", "1"},
                                    {"NODE_HEALTH_FAILS_TO_DOWN", "5"},
                                    {"NODE_HEALTH_SUCCS_TO_UP", "1"}}));
  EXPECT_EQ(c.metrics_bind, (Endpoint{"0.0.0.0", 9300}));
  EXPECT_EQ(c.acmedns_base_url, "https://auth.example.net");
  EXPECT_EQ(c.acme_directory, "https://acme.example/directory");
  EXPECT_EQ(c.acme_ca_bundle, "/etc/ssl/pebble.pem");
  EXPECT_EQ(c.acme_renew_cron, "*/15 3 * * 1-5");
  EXPECT_EQ(c.acme_renew_before_days, 14);
  EXPECT_EQ(c.acme_renew_max_per_scan, 100);
  EXPECT_EQ(c.acme_lock_ttl, 60);
  EXPECT_EQ(c.acme_cert_key_type, "rsa2048");
  EXPECT_FALSE(c.enforce_acme_cname_check);
  EXPECT_FALSE(c.wait_for_cname);
  EXPECT_EQ(c.cname_wait_secs, 0);
  EXPECT_EQ(c.cname_base_domain, "cdn.example.net");
  EXPECT_EQ(c.node_health_port, 8080);
  EXPECT_EQ(c.node_health_interval_secs, 5);
  EXPECT_EQ(c.node_health_timeout_secs, 1);
  EXPECT_EQ(c.node_health_fails_to_down, 5);
  EXPECT_EQ(c.node_health_succs_to_up, 1);
}

TEST(ConfigLoadTest, WorkerChecksTheCronFieldCount) {
  for (auto cron : {"0 * * *", "0 * * * * *", "", "@hourly"}) {
    auto e = configError([&] { loadWorkerConfig(reader({{"ACME_RENEW_CRON", cron}})); });
    EXPECT_EQ(e.variable(), "ACME_RENEW_CRON") << cron;
  }
  EXPECT_EQ(loadWorkerConfig(reader({{"ACME_RENEW_CRON", "0\t0 * *  *"}})).acme_renew_cron,
            "0\t0 * *  *");
}

TEST(ConfigLoadTest, WorkerRejectsBadValues) {
  expectEachRejected([](const ConfigReader& r) { loadWorkerConfig(r); },
                     {{"WORKER_METRICS_BIND", "bad"},
                      {"ACMEDNS_BASE_URL", "ftp://auth.example"},
                      {"ACMEDNS_BASE_URL", "http://"},
                      {"ACME_DIRECTORY", "localhost:14000/dir"},
                      {"ACME_RENEW_BEFORE_DAYS", "0"},
                      {"ACME_RENEW_BEFORE_DAYS", "366"},
                      {"ACME_RENEW_MAX_PER_SCAN", "0"},
                      {"ACME_LOCK_TTL", "10"},
                      {"ACME_CERT_KEY_TYPE", "rsa4096"},
                      {"ENFORCE_ACME_CNAME_CHECK", "x"},
                      {"WAIT_FOR_CNAME", "sometimes"},
                      {"CNAME_WAIT_SECS", "3601"},
                      {"CNAME_BASE_DOMAIN", "bad domain"},
                      {"NODE_HEALTH_PORT", "70000"},
                      {"NODE_HEALTH_INTERVAL_SECS", "0"},
                      {"NODE_HEALTH_TIMEOUT_SECS", "301"},
                      {"NODE_HEALTH_FAILS_TO_DOWN", "0"},
                      {"NODE_HEALTH_SUCCS_TO_UP", "101"}});
}

}  // namespace
}  // namespace cirrus::config
