#include "core/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "core/base64.h"
#include "core/cron.h"

namespace cirrus::config {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> parseInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> splitList(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    auto item = trim(s.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool isDomainLike(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
      return false;
  }
  return s.front() != '.' && s.find("..") == std::string_view::npos;
}

}  // namespace

ConfigError::ConfigError(std::string variable, std::string reason)
    : std::runtime_error(variable + ": " + reason),
      variable_(std::move(variable)),
      reason_(std::move(reason)) {}

EnvLookup processEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

EnvLookup mapEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::optional<bool> parseBool(std::string_view s) {
  auto v = lower(trim(s));
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> parseDuration(std::string_view s) {
  s = trim(s);
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  auto n = parseInt(s.substr(0, digits));
  if (!n) return std::nullopt;
  auto unit = lower(s.substr(digits));
  int64_t ms_per = 0;
  if (unit.empty() || unit == "s")
    ms_per = 1000;
  else if (unit == "ms")
    ms_per = 1;
  else if (unit == "m")
    ms_per = 60'000;
  else if (unit == "h")
    ms_per = 3'600'000;
  else
    return std::nullopt;
  if (*n > INT64_MAX / ms_per) return std::nullopt;
  return std::chrono::milliseconds(*n * ms_per);
}

std::optional<uint64_t> parseSize(std::string_view s) {
  s = trim(s);
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  auto n = parseInt(s.substr(0, digits));
  if (!n) return std::nullopt;
  auto unit = lower(s.substr(digits));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();  // "256mb"
  if (unit.size() == 2 && unit[1] == 'i') unit.pop_back();   // "256mi"
  uint64_t mult = 1;
  if (unit.empty())
    mult = 1;
  else if (unit == "k")
    mult = 1ull << 10;
  else if (unit == "m")
    mult = 1ull << 20;
  else if (unit == "g")
    mult = 1ull << 30;
  else if (unit == "t")
    mult = 1ull << 40;
  else
    return std::nullopt;
  if (static_cast<uint64_t>(*n) > UINT64_MAX / mult) return std::nullopt;
  return static_cast<uint64_t>(*n) * mult;
}

std::optional<RedisOptions> parseRedisUrl(std::string_view url, std::string* reason) {
  auto failWith = [&](std::string why) -> std::optional<RedisOptions> {
    if (reason) *reason = std::move(why);
    return std::nullopt;
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.starts_with("rediss://"))
    return failWith("rediss:// (TLS) is not supported; use redis:// on a trusted network");
  if (!url.starts_with(kScheme)) return failWith("must start with redis://");
  RedisOptions opts;
  std::string_view rest = url.substr(kScheme.size());
  auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    auto userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      opts.password = std::string(userinfo);  // "redis://secret@host" (redis-py accepts it)
    } else {
      opts.username = std::string(userinfo.substr(0, colon));
      opts.password = std::string(userinfo.substr(colon + 1));
    }
  }
  std::string_view hostport = rest;
  auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    auto db_text = rest.substr(slash + 1);
    if (!db_text.empty()) {
      auto db = parseInt(db_text);
      if (!db || *db < 0 || *db > 65535) return failWith("database must be a number");
      opts.db = static_cast<int>(*db);
    }
  }
  if (hostport.empty()) return failWith("missing host");
  auto ep = parseEndpoint(hostport, 6379);
  if (!ep) return failWith("bad host or port");
  opts.host = ep->host;
  opts.port = ep->port;
  return opts;
}

// ---- ConfigReader ----

const ConfigVar& ConfigReader::row(std::string_view name) const {
  const ConfigVar* v = findConfigVar(name);
  // A name missing from the table is a programming error, caught by every unit test run.
  if (v == nullptr) throw std::logic_error("config variable not in schema: " + std::string(name));
  return *v;
}

bool ConfigReader::isSet(std::string_view name) const {
  row(name);
  return env_(name).has_value();
}

std::string ConfigReader::raw(std::string_view name) const {
  const auto& r = row(name);
  auto v = env_(name);
  return v ? *v : std::string(r.default_value);
}

void ConfigReader::fail(std::string_view name, std::string_view reason) const {
  std::string text(reason);
  // The getters quote the bad value; for a sensitive row, take it out again here so that no
  // getter or loader can echo a secret.
  const ConfigVar* var = findConfigVar(name);
  auto value = env_(name);
  if (var != nullptr && var->sensitive && value) {
    for (std::string_view secret : {std::string_view(*value), trim(*value)}) {
      if (secret.empty()) continue;
      constexpr std::string_view kRedacted = "<redacted>";
      for (auto pos = text.find(secret); pos != std::string::npos;
           pos = text.find(secret, pos + kRedacted.size()))
        text.replace(pos, secret.size(), kRedacted);
    }
  }
  throw ConfigError(std::string(name), text);
}

std::string ConfigReader::str(std::string_view name) const {
  return raw(name);
}

int64_t ConfigReader::integer(std::string_view name, int64_t min, int64_t max) const {
  auto text = raw(name);
  auto v = parseInt(trim(text));
  if (!v) fail(name, fmt::format("'{}' is not an integer", text));
  if (*v < min || *v > max) fail(name, fmt::format("{} is out of range [{}, {}]", *v, min, max));
  return *v;
}

bool ConfigReader::boolean(std::string_view name) const {
  auto text = raw(name);
  auto v = parseBool(text);
  if (!v) fail(name, fmt::format("'{}' is not a boolean (true/false/1/0)", text));
  return *v;
}

std::chrono::milliseconds ConfigReader::duration(std::string_view name) const {
  auto text = raw(name);
  auto v = parseDuration(text);
  if (!v) fail(name, fmt::format("'{}' is not a duration (e.g. 500ms, 5s, 2m)", text));
  return *v;
}

uint64_t ConfigReader::size(std::string_view name) const {
  auto text = raw(name);
  auto v = parseSize(text);
  if (!v) fail(name, fmt::format("'{}' is not a size (e.g. 64k, 256m, 10g)", text));
  return *v;
}

Endpoint ConfigReader::endpoint(std::string_view name) const {
  auto text = raw(name);
  auto v = parseEndpoint(trim(text));
  if (!v) fail(name, fmt::format("'{}' is not host:port", text));
  return *v;
}

std::vector<Cidr> ConfigReader::cidrList(std::string_view name) const {
  std::vector<Cidr> out;
  for (const auto& item : splitList(raw(name))) {
    auto c = parseCidr(item);
    if (!c) fail(name, fmt::format("'{}' is not a CIDR (e.g. 10.0.0.0/8, ::1/128)", item));
    out.push_back(*c);
  }
  return out;
}

std::vector<std::string> ConfigReader::list(std::string_view name) const {
  return splitList(raw(name));
}

std::string ConfigReader::choice(std::string_view name,
                                 std::initializer_list<std::string_view> choices) const {
  auto text = raw(name);
  auto v = lower(trim(text));
  for (auto c : choices)
    if (v == c) return v;
  std::string allowed;
  for (auto c : choices) {
    if (!allowed.empty()) allowed += "|";
    allowed += c;
  }
  fail(name, fmt::format("'{}' is not one of {}", text, allowed));
}

// ---- per-role loaders ----

CommonConfig loadCommonConfig(const ConfigReader& r) {
  CommonConfig c;
  if (r.isSet("REDIS_URL") ||
      !(r.isSet("REDIS_HOST") || r.isSet("REDIS_PORT") || r.isSet("REDIS_PASSWORD"))) {
    std::string reason;
    auto opts = parseRedisUrl(r.str("REDIS_URL"), &reason);
    if (!opts) r.fail("REDIS_URL", reason);  // sensitive: the URL may hold a password
    c.redis = *opts;
  } else {
    c.redis.host = r.str("REDIS_HOST");
    if (c.redis.host.empty()) r.fail("REDIS_HOST", "must not be empty");
    c.redis.port = static_cast<uint16_t>(r.integer("REDIS_PORT", 1, 65535));
    c.redis.password = r.str("REDIS_PASSWORD");
  }
  c.redis.command_timeout = r.duration("REDIS_TIMEOUT");
  if (c.redis.command_timeout.count() <= 0) r.fail("REDIS_TIMEOUT", "must be positive");
  auto level = r.choice("LOG_LEVEL", {"debug", "info", "warn", "warning", "error"});
  c.log_level = level == "debug"   ? LogLevel::kDebug
                : level == "info"  ? LogLevel::kInfo
                : level == "error" ? LogLevel::kError
                                   : LogLevel::kWarn;
  c.log_format =
      r.choice("LOG_FORMAT", {"json", "text"}) == "json" ? LogFormat::kJson : LogFormat::kText;
  return c;
}

namespace {

std::string baseDomain(const ConfigReader& r) {
  auto base = lower(trim(r.str("CNAME_BASE_DOMAIN")));
  if (!base.empty() && base.back() == '.') base.pop_back();
  if (!base.empty() && !isDomainLike(base))
    r.fail("CNAME_BASE_DOMAIN", fmt::format("'{}' is not a domain name", base));
  return base;
}

std::string domainOrEmpty(const ConfigReader& r, std::string_view name) {
  auto v = lower(trim(r.str(name)));
  if (!v.empty() && v.back() == '.') v.pop_back();
  if (!v.empty() && !isDomainLike(v)) r.fail(name, fmt::format("'{}' is not a domain name", v));
  return v;
}

std::string addressOrEmpty(const ConfigReader& r, std::string_view name, bool v6) {
  auto v = std::string(trim(r.str(name)));
  if (v.empty()) return v;
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(v, ec);
  if (ec || addr.is_v6() != v6)
    r.fail(name, fmt::format("'{}' is not an {} address", v, v6 ? "IPv6" : "IPv4"));
  return addr.to_string();
}

std::string urlOf(const ConfigReader& r, std::string_view name) {
  auto v = std::string(trim(r.str(name)));
  if (!(v.starts_with("http://") || v.starts_with("https://")) || v.size() < 10)
    r.fail(name, fmt::format("'{}' is not an http(s) URL", v));
  return v;
}

}  // namespace

ApiConfig loadApiConfig(const ConfigReader& r) {
  ApiConfig c;
  c.bind = r.endpoint("API_BIND");
  c.master_api_token = r.str("MASTER_API_TOKEN");
  if (!c.master_api_token.empty() && c.master_api_token.size() < 16)
    r.fail("MASTER_API_TOKEN", "must be at least 16 characters");
  c.session_cookie_name = r.str("SESSION_COOKIE_NAME");
  for (char ch : c.session_cookie_name) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'))
      r.fail("SESSION_COOKIE_NAME", "may contain only letters, digits, '_' and '-'");
  }
  if (c.session_cookie_name.empty()) r.fail("SESSION_COOKIE_NAME", "must not be empty");
  c.session_ttl_seconds = r.integer("SESSION_TTL_SECONDS", 60, 31'536'000);
  c.cookie_secure = r.boolean("COOKIE_SECURE");
  c.cookie_domain = domainOrEmpty(r, "COOKIE_DOMAIN");
  c.cookie_samesite = r.choice("COOKIE_SAMESITE", {"lax", "strict", "none"});
  if (c.cookie_samesite == "none" && !c.cookie_secure)
    r.fail("COOKIE_SAMESITE", "'none' requires COOKIE_SECURE=true (browsers reject it otherwise)");
  c.enable_password_auth = r.boolean("ENABLE_PASSWORD_AUTH");
  c.allow_origins = r.list("ALLOW_ORIGINS");
  for (const auto& o : c.allow_origins) {
    if (o != "*" && !(o.starts_with("http://") || o.starts_with("https://")))
      r.fail("ALLOW_ORIGINS", fmt::format("'{}' is not an origin (scheme://host[:port])", o));
  }
  c.enable_test_endpoints = r.boolean("ENABLE_TEST_ENDPOINTS");
  c.static_dir = r.str("STATIC_DIR");
  c.cname_base_domain = baseDomain(r);
  c.cname_replicas_per_site = static_cast<int>(r.integer("CNAME_REPLICAS_PER_SITE", 1, 64));
  c.cname_default_ttl = static_cast<int>(r.integer("CNAME_DEFAULT_TTL", 1, 86400));
  return c;
}

namespace {

// Two listeners on one port whose addresses overlap (equal, or either a wildcard). The edge
// binds with SO_REUSEPORT, so the kernel would accept both and split connections between
// them: plain HTTP would land on the TLS listener at random.
bool bindsOverlap(const Endpoint& a, const Endpoint& b) {
  auto wildcard = [](const std::string& h) { return h == "0.0.0.0" || h == "::" || h.empty(); };
  return a.port == b.port && (a.host == b.host || wildcard(a.host) || wildcard(b.host));
}

}  // namespace

EdgeConfig loadEdgeConfig(const ConfigReader& r, unsigned hardware_threads) {
  EdgeConfig c;
  c.http_bind = r.endpoint("EDGE_HTTP_BIND");
  c.https_bind = r.endpoint("EDGE_HTTPS_BIND");
  c.admin_bind = r.endpoint("EDGE_ADMIN_BIND");
  if (bindsOverlap(c.https_bind, c.http_bind)) {
    r.fail("EDGE_HTTPS_BIND", fmt::format("'{}' overlaps EDGE_HTTP_BIND '{}'",
                                          c.https_bind.toString(), c.http_bind.toString()));
  }
  if (bindsOverlap(c.admin_bind, c.http_bind) || bindsOverlap(c.admin_bind, c.https_bind)) {
    r.fail("EDGE_ADMIN_BIND",
           fmt::format("'{}' overlaps the HTTP or HTTPS listener", c.admin_bind.toString()));
  }
  c.metrics_allow = r.cidrList("EDGE_METRICS_ALLOW");
  auto workers = lower(trim(r.str("EDGE_WORKERS")));
  c.workers = workers == "auto" ? std::max(1u, hardware_threads)
                                : static_cast<unsigned>(r.integer("EDGE_WORKERS", 1, 1024));
  c.cache_memory_bytes = r.size("EDGE_CACHE_MEMORY");
  if (c.cache_memory_bytes < (1u << 20)) r.fail("EDGE_CACHE_MEMORY", "must be at least 1m");
  c.cache_dir = r.str("EDGE_CACHE_DIR");
  c.cache_disk_bytes = r.size("EDGE_CACHE_DISK");
  c.sendfile_min_bytes = r.size("EDGE_SENDFILE_MIN");
  c.config_ttl = std::chrono::seconds(r.integer("EDGE_CONFIG_TTL_SECONDS", 0, 86400));
  c.origin_connect_timeout = r.duration("EDGE_ORIGIN_CONNECT_TIMEOUT");
  if (c.origin_connect_timeout.count() <= 0)
    r.fail("EDGE_ORIGIN_CONNECT_TIMEOUT", "must be positive");
  c.origin_read_timeout = r.duration("EDGE_ORIGIN_READ_TIMEOUT");
  if (c.origin_read_timeout.count() <= 0) r.fail("EDGE_ORIGIN_READ_TIMEOUT", "must be positive");
  c.client_header_timeout = r.duration("EDGE_CLIENT_HEADER_TIMEOUT");
  if (c.client_header_timeout.count() <= 0) {
    r.fail("EDGE_CLIENT_HEADER_TIMEOUT", "must be positive");
  }
  c.access_log = r.str("EDGE_ACCESS_LOG");
  if (c.access_log.empty()) r.fail("EDGE_ACCESS_LOG", "must be stdout, off or a file path");
  c.http2 = r.boolean("EDGE_HTTP2");
  c.h2c = r.boolean("EDGE_H2C");
  c.http2_max_streams = static_cast<uint32_t>(r.integer("EDGE_HTTP2_MAX_STREAMS", 1, 1000));
  return c;
}

DnsConfig loadDnsConfig(const ConfigReader& r) {
  DnsConfig c;
  c.base_domain = baseDomain(r);
  c.replicas_per_site = static_cast<int>(r.integer("CNAME_REPLICAS_PER_SITE", 1, 64));
  c.default_ttl = static_cast<uint32_t>(r.integer("CNAME_DEFAULT_TTL", 1, 86400));
  c.bind_addr = std::string(trim(r.str("DNS_MASTER_BIND_ADDR")));
  {
    boost::system::error_code ec;
    boost::asio::ip::make_address(c.bind_addr, ec);
    if (ec) r.fail("DNS_MASTER_BIND_ADDR", fmt::format("'{}' is not an IP address", c.bind_addr));
  }
  c.port = static_cast<uint16_t>(r.integer("DNS_MASTER_PORT", 1, 65535));
  c.metrics_bind = r.endpoint("DNS_METRICS_BIND");
  c.soa_mname = domainOrEmpty(r, "DNS_SOA_MNAME");
  c.soa_rname = domainOrEmpty(r, "DNS_SOA_RNAME");
  if (c.soa_mname.empty() && !c.base_domain.empty()) c.soa_mname = "ns1." + c.base_domain;
  if (c.soa_rname.empty() && !c.base_domain.empty()) c.soa_rname = "hostmaster." + c.base_domain;
  constexpr int64_t kMaxU32 = 0x7fffffff;
  c.soa_refresh = static_cast<uint32_t>(r.integer("DNS_SOA_REFRESH", 1, kMaxU32));
  c.soa_retry = static_cast<uint32_t>(r.integer("DNS_SOA_RETRY", 1, kMaxU32));
  c.soa_expire = static_cast<uint32_t>(r.integer("DNS_SOA_EXPIRE", 1, kMaxU32));
  c.soa_minimum = static_cast<uint32_t>(r.integer("DNS_SOA_MINIMUM", 0, kMaxU32));
  c.ns1_a = addressOrEmpty(r, "DNS_NS1_A", false);
  c.ns1_aaaa = addressOrEmpty(r, "DNS_NS1_AAAA", true);
  for (const auto& item : r.list("CNAME_DNS_SLAVES")) {
    auto ep = parseEndpoint(item, 53);
    boost::system::error_code ec;
    if (ep) boost::asio::ip::make_address(ep->host, ec);
    if (!ep || ec) r.fail("CNAME_DNS_SLAVES", fmt::format("'{}' is not ip[:port]", item));
    c.slaves.push_back(*ep);
  }
  auto tsig = std::string(trim(r.str("DNS_TSIG_KEY")));
  if (!tsig.empty()) {
    auto first = tsig.find(':');
    auto second = first == std::string::npos ? first : tsig.find(':', first + 1);
    if (second == std::string::npos)
      r.fail("DNS_TSIG_KEY", "must be name:hmac-sha256:base64secret");
    TsigKey key;
    key.name = lower(tsig.substr(0, first));
    key.algorithm = lower(tsig.substr(first + 1, second - first - 1));
    auto secret = base64Decode(tsig.substr(second + 1));
    if (key.name.empty() || !isDomainLike(key.name))
      r.fail("DNS_TSIG_KEY", "key name is not a domain name");
    if (key.algorithm != "hmac-sha256") r.fail("DNS_TSIG_KEY", "only hmac-sha256 is supported");
    if (!secret || secret->empty()) r.fail("DNS_TSIG_KEY", "secret is not valid base64");
    key.secret = *secret;
    c.tsig = key;
  }
  for (const auto& item : r.list("DNS_STATIC_ZONES")) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      r.fail("DNS_STATIC_ZONES", fmt::format("'{}' is not zone=path", item));
    auto zone = lower(item.substr(0, eq));
    if (zone.back() == '.') zone.pop_back();
    if (!isDomainLike(zone))
      r.fail("DNS_STATIC_ZONES", fmt::format("'{}' is not a zone name", zone));
    c.static_zones.emplace_back(zone, item.substr(eq + 1));
  }
  return c;
}

AcmeDnsConfig loadAcmeDnsConfig(const ConfigReader& r) {
  AcmeDnsConfig c;
  c.api_bind = r.endpoint("ACMEDNS_API_BIND");
  c.dns_bind = r.endpoint("ACMEDNS_DNS_BIND");
  c.zone = domainOrEmpty(r, "ACMEDNS_ZONE");
  if (c.zone.empty()) {
    auto base = baseDomain(r);
    if (base.empty()) r.fail("ACMEDNS_ZONE", "must be set when CNAME_BASE_DOMAIN is empty");
    c.zone = "acme." + base;
  }
  return c;
}

WorkerConfig loadWorkerConfig(const ConfigReader& r) {
  WorkerConfig c;
  c.metrics_bind = r.endpoint("WORKER_METRICS_BIND");
  c.acmedns_base_url = urlOf(r, "ACMEDNS_BASE_URL");
  c.acme_directory = urlOf(r, "ACME_DIRECTORY");
  c.acme_ca_bundle = r.str("ACME_CA_BUNDLE");
  c.acme_renew_cron = std::string(trim(r.str("ACME_RENEW_CRON")));
  std::string cron_error;
  if (!CronSchedule::parse(c.acme_renew_cron, &cron_error))
    r.fail("ACME_RENEW_CRON",
           fmt::format("'{}' is not a valid cron expression: {}", c.acme_renew_cron, cron_error));
  c.acme_renew_before_days = static_cast<int>(r.integer("ACME_RENEW_BEFORE_DAYS", 1, 365));
  c.acme_renew_max_per_scan = static_cast<int>(r.integer("ACME_RENEW_MAX_PER_SCAN", 1, 100000));
  c.acme_lock_ttl = static_cast<int>(r.integer("ACME_LOCK_TTL", 30, 86400));
  c.acme_cert_key_type = r.choice("ACME_CERT_KEY_TYPE", {"ecdsa256", "rsa2048"});
  c.enforce_acme_cname_check = r.boolean("ENFORCE_ACME_CNAME_CHECK");
  c.wait_for_cname = r.boolean("WAIT_FOR_CNAME");
  c.cname_wait_secs = static_cast<int>(r.integer("CNAME_WAIT_SECS", 0, 3600));
  if (auto resolver = std::string(trim(r.str("ACME_DNS_RESOLVER"))); !resolver.empty()) {
    auto ep = parseEndpoint(resolver, 53);
    boost::system::error_code ec;
    if (ep) boost::asio::ip::make_address(ep->host, ec);
    if (!ep || ec) {
      r.fail("ACME_DNS_RESOLVER", fmt::format("'{}' is not ip[:port]", resolver));
    } else {
      c.acme_dns_resolver = *ep;
    }
  }
  c.cname_base_domain = baseDomain(r);
  c.node_health_port = static_cast<uint16_t>(r.integer("NODE_HEALTH_PORT", 1, 65535));
  c.node_health_interval_secs = static_cast<int>(r.integer("NODE_HEALTH_INTERVAL_SECS", 1, 3600));
  c.node_health_timeout_secs = static_cast<int>(r.integer("NODE_HEALTH_TIMEOUT_SECS", 1, 300));
  c.node_health_fails_to_down = static_cast<int>(r.integer("NODE_HEALTH_FAILS_TO_DOWN", 1, 100));
  c.node_health_succs_to_up = static_cast<int>(r.integer("NODE_HEALTH_SUCCS_TO_UP", 1, 100));
  return c;
}

}  // namespace cirrus::config
