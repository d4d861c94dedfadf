#include "core/config_schema.h"

#include <array>

namespace cirrus::config {
namespace {

// Defaults and meanings follow the product contract (../shared/design/spec.md §3); rows
// marked "Cirrus:" are decisions taken where the contract is silent (docs/configuration.md).
constexpr ConfigVar kRows[] = {
    // Shared
    {"REDIS_URL", "redis://127.0.0.1:6379/0", "url", kShared, true,
     "Redis to use: redis://[[user]:password@]host[:port][/db]; wins over REDIS_HOST/PORT/PASSWORD "
     "when set."},
    {"REDIS_HOST", "127.0.0.1", "host", kShared, false,
     "Redis host, used when REDIS_URL is not set."},
    {"REDIS_PORT", "6379", "port", kShared, false, "Redis port, used when REDIS_URL is not set."},
    {"REDIS_PASSWORD", "", "string", kShared, true,
     "Redis password, used when REDIS_URL is not set."},
    {"REDIS_TIMEOUT", "2s", "duration", kShared, false,
     "Cirrus: how long one Redis command may take before it fails with a timeout."},
    {"LOG_LEVEL", "info", "debug|info|warn|error", kShared, false,
     "Least severe level that is logged."},
    {"LOG_FORMAT", "json", "json|text", kShared, false,
     "One JSON object per line, or human-readable text."},

    // API
    {"API_BIND", "0.0.0.0:8000", "host:port", kApi, false,
     "REST API, admin UI, /healthz, /metrics."},
    {"MASTER_API_TOKEN", "", "string", kApi, true, "Superuser bearer token; unset disables it."},
    {"SESSION_COOKIE_NAME", "cirrus_session", "string", kApi, false, "Name of the session cookie."},
    {"SESSION_TTL_SECONDS", "604800", "seconds", kApi, false,
     "Session lifetime, extended on every use."},
    {"COOKIE_SECURE", "false", "bool", kApi, false, "Mark the session cookie Secure."},
    {"COOKIE_DOMAIN", "", "string", kApi, false,
     "Domain attribute of the session cookie; empty omits it."},
    {"COOKIE_SAMESITE", "lax", "lax|strict|none", kApi, false,
     "SameSite attribute of the session cookie."},
    {"ENABLE_PASSWORD_AUTH", "true", "bool", kApi, false, "Allow username/password login."},
    {"ALLOW_ORIGINS", "", "list", kApi, false, "Comma list of CORS origins; empty disables CORS."},
    {"ENABLE_TEST_ENDPOINTS", "false", "bool", kApi, false,
     "Serve /__test__/* (never in production)."},
    {"STATIC_DIR", "", "path", kApi, false,
     "Admin UI files; empty: the built web/dist, else the built-in page."},

    // Edge
    {"EDGE_HTTP_BIND", "0.0.0.0:8080", "host:port", kEdge, false,
     "Plain HTTP listener for customer traffic."},
    {"EDGE_HTTPS_BIND", "0.0.0.0:8443", "host:port", kEdge, false,
     "TLS listener for customer traffic."},
    {"EDGE_ADMIN_BIND", "0.0.0.0:9145", "host:port", kEdge, false,
     "Admin listener: /healthz, /metrics."},
    {"EDGE_METRICS_ALLOW", "127.0.0.0/8,::1/128", "cidr list", kEdge, false,
     "Client networks allowed on the admin listener; others get 403."},
    {"EDGE_WORKERS", "auto", "count|auto", kEdge, false,
     "Worker threads (event loops); auto = number of cores."},
    {"EDGE_CACHE_MEMORY", "256m", "size", kEdge, false, "Memory cache tier bound."},
    {"EDGE_CACHE_DIR", "", "path", kEdge, false,
     "Disk cache tier directory; empty disables the disk tier."},
    {"EDGE_CACHE_DISK", "10g", "size", kEdge, false, "Disk cache tier bound."},
    {"EDGE_SENDFILE_MIN", "16k", "size", kEdge, false,
     "Cached bodies at least this large are kept in sealed memory files and sent with "
     "sendfile(2) on plain HTTP (no copy per hit); 0 disables."},
    {"EDGE_CONFIG_TTL_SECONDS", "5", "seconds", kEdge, false,
     "How long a domain config is used from memory without re-validation when no change was "
     "announced."},
    {"EDGE_ORIGIN_CONNECT_TIMEOUT", "5s", "duration", kEdge, false, "Origin connect timeout."},
    {"EDGE_ORIGIN_READ_TIMEOUT", "30s", "duration", kEdge, false, "Origin read timeout."},
    {"EDGE_CLIENT_HEADER_TIMEOUT", "10s", "duration", kEdge, false,
     "Time a client has to send a request head once it started one (and an HTTP/2 stream its "
     "header block)."},
    {"EDGE_ACCESS_LOG", "stdout", "stdout|off|path", kEdge, false,
     "Access log destination; files reopen on SIGUSR1."},
    {"EDGE_HTTP2", "true", "bool", kEdge, false,
     "Offer HTTP/2 by ALPN on the HTTPS listener (clients choose; HTTP/1.1 stays available)."},
    {"EDGE_H2C", "false", "bool", kEdge, false,
     "Accept HTTP/2 with prior knowledge (h2c) on the plain HTTP listener."},
    {"EDGE_HTTP2_MAX_STREAMS", "128", "count", kEdge, false,
     "Concurrent streams an HTTP/2 client may open (SETTINGS_MAX_CONCURRENT_STREAMS)."},

    // DNS
    {"CNAME_BASE_DOMAIN", "cdn.local.test", "domain", kDns | kApi | kWorker | kAcmeDns, false,
     "Zone under which access FQDNs live; empty disables DNS."},
    {"CNAME_REPLICAS_PER_SITE", "2", "count", kDns | kApi, false,
     "Nodes picked per site for each domain."},
    {"CNAME_DEFAULT_TTL", "60", "seconds", kDns | kApi, false,
     "TTL of the steering A/AAAA records."},
    {"DNS_MASTER_BIND_ADDR", "0.0.0.0", "address", kDns, false,
     "Address the hidden master listens on."},
    {"DNS_MASTER_PORT", "10053", "port", kDns, false, "UDP+TCP port of the hidden master."},
    {"DNS_METRICS_BIND", "127.0.0.1:9147", "host:port", kDns, false,
     "Cirrus: /metrics and /healthz of cirrus dns."},
    {"DNS_SOA_MNAME", "", "domain", kDns, false, "SOA MNAME; empty = ns1.<base>."},
    {"DNS_SOA_RNAME", "", "domain", kDns, false, "SOA RNAME; empty = hostmaster.<base>."},
    {"DNS_SOA_REFRESH", "3600", "seconds", kDns, false, "SOA refresh."},
    {"DNS_SOA_RETRY", "600", "seconds", kDns, false, "SOA retry."},
    {"DNS_SOA_EXPIRE", "1209600", "seconds", kDns, false, "SOA expire."},
    {"DNS_SOA_MINIMUM", "60", "seconds", kDns, false, "SOA minimum (negative-caching TTL)."},
    {"DNS_NS1_A", "", "ipv4", kDns, false, "Glue A record of ns1.<base>."},
    {"DNS_NS1_AAAA", "", "ipv6", kDns, false, "Glue AAAA record of ns1.<base>."},
    {"CNAME_DNS_SLAVES", "", "endpoint list", kDns, false,
     "Comma list of ip[:port]: NOTIFY targets and the AXFR/IXFR allow list."},
    {"DNS_TSIG_KEY", "", "name:hmac-sha256:base64", kDns, true,
     "TSIG key required on transfers and NOTIFY when set."},
    {"DNS_STATIC_ZONES", "", "zone=path list", kDns, false,
     "RFC 1035 master files served beside the steering zone."},

    // acme-dns
    {"ACMEDNS_API_BIND", "0.0.0.0:8053", "host:port", kAcmeDns, false,
     "Cirrus: acme-dns compatible HTTP API."},
    {"ACMEDNS_DNS_BIND", "0.0.0.0:10054", "host:port", kAcmeDns, false,
     "Cirrus: acme-dns authoritative DNS (UDP+TCP)."},
    {"ACMEDNS_ZONE", "", "domain", kAcmeDns, false,
     "Cirrus: zone of the acme-dns subdomains; empty = acme.<base>."},

    // Worker
    {"WORKER_METRICS_BIND", "127.0.0.1:9146", "host:port", kWorker, false,
     "Cirrus: /metrics and /healthz of cirrus worker."},
    {"ACMEDNS_BASE_URL", "http://127.0.0.1:8053", "url", kWorker, false,
     "acme-dns API the worker registers with."},
    {"ACME_DIRECTORY", "https://127.0.0.1:14000/dir", "url", kWorker, false, "ACME directory URL."},
    {"ACME_CA_BUNDLE", "", "path", kWorker, false,
     "Extra CA certificates to trust for the ACME server."},
    {"ACME_RENEW_CRON", "0 * * * *", "cron", kWorker, false,
     "When the renewal scan runs (5-field cron)."},
    {"ACME_RENEW_BEFORE_DAYS", "30", "days", kWorker, false,
     "Renew certificates expiring within this many days."},
    {"ACME_RENEW_MAX_PER_SCAN", "10", "count", kWorker, false,
     "Renewals enqueued per scan at most."},
    {"ACME_LOCK_TTL", "900", "seconds", kWorker, false,
     "Lifetime of the per-domain issuance lock."},
    {"ACME_CERT_KEY_TYPE", "ecdsa256", "ecdsa256|rsa2048", kWorker, false,
     "Key type of issued certificates."},
    {"ENFORCE_ACME_CNAME_CHECK", "true", "bool", kWorker, false,
     "Require the _acme-challenge CNAME before issuing."},
    {"WAIT_FOR_CNAME", "true", "bool", kWorker, false,
     "Wait for the _acme-challenge CNAME to appear."},
    {"CNAME_WAIT_SECS", "10", "seconds", kWorker, false, "How long to wait for it."},
    {"ACME_DNS_RESOLVER", "", "ip[:port]", kWorker, false,
     "Cirrus: recursive resolver asked for the _acme-challenge CNAME; empty: the first "
     "nameserver of /etc/resolv.conf."},
    {"NODE_HEALTH_PORT", "9145", "port", kWorker, false,
     "Port of each edge node's admin /healthz."},
    {"NODE_HEALTH_INTERVAL_SECS", "10", "seconds", kWorker, false, "Health check period."},
    {"NODE_HEALTH_TIMEOUT_SECS", "2", "seconds", kWorker, false, "Health probe timeout."},
    {"NODE_HEALTH_FAILS_TO_DOWN", "3", "count", kWorker, false,
     "Consecutive failures that mark a node down."},
    {"NODE_HEALTH_SUCCS_TO_UP", "2", "count", kWorker, false,
     "Consecutive successes that mark a node up."},
};

}  // namespace

std::span<const ConfigVar> configSchema() {
  return kRows;
}

const ConfigVar* findConfigVar(std::string_view name) {
  for (const auto& row : kRows) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

}  // namespace cirrus::config
