// Configuration: reads the environment through the table of config_schema.h into immutable
// per-role structs. Start-up only: any bad value throws ConfigError naming the variable;
// `cli` prints it as one line and exits 2. Nothing outside cli/ and core/config calls getenv.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/config_schema.h"
#include "core/endpoint.h"

namespace cirrus::config {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string variable, std::string reason);
  const std::string& variable() const { return variable_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string variable_;
  std::string reason_;
};

/// Where values come from: the process environment, or a map in tests.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup processEnv();
EnvLookup mapEnv(std::map<std::string, std::string> values);

/// Typed access to one variable of the table, falling back to its default. Every getter
/// throws ConfigError{name, reason} on a value it cannot parse; sensitive values are never
/// quoted in the reason.
class ConfigReader {
 public:
  explicit ConfigReader(EnvLookup env) : env_(std::move(env)) {}

  bool isSet(std::string_view name) const;
  std::string str(std::string_view name) const;
  int64_t integer(std::string_view name, int64_t min, int64_t max) const;
  bool boolean(std::string_view name) const;
  std::chrono::milliseconds duration(std::string_view name) const;
  uint64_t size(std::string_view name) const;
  Endpoint endpoint(std::string_view name) const;
  std::vector<Cidr> cidrList(std::string_view name) const;
  std::vector<std::string> list(std::string_view name) const;
  /// One of `choices` (case-insensitive), returned lower-cased.
  std::string choice(std::string_view name, std::initializer_list<std::string_view> choices) const;

  [[noreturn]] void fail(std::string_view name, std::string_view reason) const;

 private:
  const ConfigVar& row(std::string_view name) const;
  std::string raw(std::string_view name) const;
  EnvLookup env_;
};

// Value parsers shared with other layers (pure; nullopt on bad input).
std::optional<bool> parseBool(std::string_view s);
/// "250ms", "5s", "2m", "1h"; a plain number is seconds.
std::optional<std::chrono::milliseconds> parseDuration(std::string_view s);
/// "512", "64k", "256m", "10g" (binary multiples).
std::optional<uint64_t> parseSize(std::string_view s);

enum class LogFormat { kJson, kText };
enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct RedisOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string username;  // ACL user; empty = default
  std::string password;
  int db = 0;
  std::chrono::milliseconds command_timeout{2000};
};

/// "redis://[[user]:password@]host[:port][/db]"; nullopt with reason on error.
std::optional<RedisOptions> parseRedisUrl(std::string_view url, std::string* reason);

struct CommonConfig {
  RedisOptions redis;
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kJson;
};

struct ApiConfig {
  Endpoint bind;
  std::string master_api_token;
  std::string session_cookie_name;
  int64_t session_ttl_seconds;
  bool cookie_secure;
  std::string cookie_domain;
  std::string cookie_samesite;
  bool enable_password_auth;
  std::vector<std::string> allow_origins;
  bool enable_test_endpoints;
  std::string static_dir;
  std::string cname_base_domain;
  int cname_replicas_per_site;
  int cname_default_ttl;
};

struct EdgeConfig {
  Endpoint http_bind;
  Endpoint https_bind;
  Endpoint admin_bind;
  std::vector<Cidr> metrics_allow;
  unsigned workers;
  uint64_t cache_memory_bytes;
  std::string cache_dir;
  uint64_t cache_disk_bytes;
  uint64_t sendfile_min_bytes;  // 0: cached bodies always copied into the socket
  std::chrono::seconds config_ttl;
  std::chrono::milliseconds origin_connect_timeout;
  std::chrono::milliseconds origin_read_timeout;
  std::chrono::milliseconds client_header_timeout;
  std::string access_log;  // "stdout", "off" or a path
  bool http2;              // ALPN h2 on the HTTPS listener
  bool h2c;                // h2 with prior knowledge on the plain listener
  uint32_t http2_max_streams;
};

struct TsigKey {
  std::string name;
  std::string algorithm;  // "hmac-sha256"
  std::string secret;     // decoded bytes
};

struct DnsConfig {
  std::string base_domain;  // empty disables the component
  int replicas_per_site;
  uint32_t default_ttl;
  std::string bind_addr;
  uint16_t port;
  Endpoint metrics_bind;
  std::string soa_mname;
  std::string soa_rname;
  uint32_t soa_refresh, soa_retry, soa_expire, soa_minimum;
  std::string ns1_a, ns1_aaaa;
  std::vector<Endpoint> slaves;
  std::optional<TsigKey> tsig;
  std::vector<std::pair<std::string, std::string>> static_zones;  // zone, path
};

struct AcmeDnsConfig {
  Endpoint api_bind;
  Endpoint dns_bind;
  std::string zone;
};

struct WorkerConfig {
  Endpoint metrics_bind;
  std::string acmedns_base_url;
  std::string acme_directory;
  std::string acme_ca_bundle;
  std::string acme_renew_cron;
  int acme_renew_before_days;
  int acme_renew_max_per_scan;
  int acme_lock_ttl;
  std::string acme_cert_key_type;
  bool enforce_acme_cname_check;
  bool wait_for_cname;
  int cname_wait_secs;
  std::optional<Endpoint> acme_dns_resolver;  // nullopt: /etc/resolv.conf's first nameserver
  std::string cname_base_domain;
  uint16_t node_health_port;
  int node_health_interval_secs;
  int node_health_timeout_secs;
  int node_health_fails_to_down;
  int node_health_succs_to_up;
};

CommonConfig loadCommonConfig(const ConfigReader& r);
ApiConfig loadApiConfig(const ConfigReader& r);
EdgeConfig loadEdgeConfig(const ConfigReader& r, unsigned hardware_threads);
DnsConfig loadDnsConfig(const ConfigReader& r);
AcmeDnsConfig loadAcmeDnsConfig(const ConfigReader& r);
WorkerConfig loadWorkerConfig(const ConfigReader& r);

}  // namespace cirrus::config
