#include "edge/edge_metrics.h"

#include <fmt/format.h>

namespace cirrus::edge {

EdgeMetrics::EdgeMetrics(metrics::Registry& r)
    : registry(r),
      requests(r.counterFamily("nginx_http_requests_total", "HTTP requests by host and status.",
                               {"host", "status"})),
      request_duration(r.histogram("nginx_http_request_duration_seconds",
                                   "Time from the first request byte to the last response byte.")),
      cache_status(
          r.counterFamily("nginx_cache_status_total", "Responses by cache status.", {"status"})),
      upstream_errors(r.counter("nginx_upstream_errors_total",
                                "Requests answered 502 because no origin could be reached.")),
      upstream_timeouts(r.counter("nginx_upstream_timeouts_total",
                                  "Requests answered 504 because the origin timed out.")),
      upstream_response(r.histogram("nginx_upstream_response_seconds",
                                    "Time from sending the origin request to its response head.")),
      handshake_errors(r.counterFamily("nginx_ssl_handshake_errors_total",
                                       "Failed TLS handshakes by phase.", {"phase"})),
      connections_accepted(
          r.counter("cirrus_edge_connections_accepted_total", "Client connections accepted.")),
      tls_handshakes(r.counter("cirrus_edge_tls_handshakes_total", "Completed TLS handshakes.")),
      tls_resumed_handshakes(
          r.counter("cirrus_edge_tls_resumed_handshakes_total",
                    "Completed TLS handshakes that resumed a session (ticket or session ID).")),
      rejected(r.counterFamily("cirrus_edge_requests_rejected_total",
                               "Requests rejected by the strict parser, by reason.", {"reason"})),
      http2_connections(r.counter("cirrus_edge_http2_connections_total",
                                  "Client connections that spoke HTTP/2 (ALPN h2 or h2c).")),
      http2_streams(
          r.counter("cirrus_edge_http2_streams_total", "HTTP/2 request streams started.")),
      http2_resets(r.counterFamily("cirrus_edge_http2_stream_resets_total",
                                   "HTTP/2 streams reset before their response ended, by who "
                                   "reset them (client or edge).",
                                   {"by"})) {
  r.gaugeCallback("cirrus_edge_connections", "Open client connections.", [this] {
    return static_cast<double>(active_connections.load(std::memory_order_relaxed));
  });
  r.gaugeCallback("cirrus_edge_config_version", "Version of the domain configuration snapshot.",
                  [this] { return static_cast<double>(config_version.load()); });
  r.gaugeCallback("cirrus_edge_config_domains", "Domains in the configuration snapshot.",
                  [this] { return static_cast<double>(config_domains.load()); });
  r.gaugeCallback("cirrus_edge_tls_certificates", "Domain certificates held in memory.",
                  [this] { return static_cast<double>(tls_certificates.load()); });
}

void WorkerMetrics::countCacheStatus(cache::CachePhase phase) {
  auto i = static_cast<size_t>(phase);
  if (i >= cache_status_.size()) return;
  if (cache_status_[i] == nullptr)
    cache_status_[i] = &m_.cache_status.labels({cache::xCacheValue(phase)});
  cache_status_[i]->inc();
}

void WorkerMetrics::countRequest(std::string_view host, unsigned status) {
  key_.assign(host);
  key_.push_back('\0');
  fmt::format_to(std::back_inserter(key_), "{}", status);
  auto it = requests_.find(key_);
  if (it == requests_.end()) {
    std::string status_text = std::to_string(status);
    auto child = m_.requests.labelsShared({host, status_text});
    it = requests_.emplace(key_, std::move(child)).first;
  }
  it->second->inc();
}

}  // namespace cirrus::edge
