// The edge's metrics (spec §12): the seed's nginx_* names so existing dashboards keep working,
// plus cirrus_edge_* for connections, configuration and TLS. Families are registered once;
// each worker keeps a WorkerMetrics with its own cache of labelled children, so the hot path
// is a hash lookup and a per-thread cell increment.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cache/cache_status.h"
#include "core/metrics_registry.h"

namespace cirrus::edge {

struct EdgeMetrics {
  explicit EdgeMetrics(metrics::Registry& registry);

  metrics::Registry& registry;
  metrics::Family<metrics::Counter>& requests;          // nginx_http_requests_total{host,status}
  metrics::Histogram& request_duration;                 // nginx_http_request_duration_seconds
  metrics::Family<metrics::Counter>& cache_status;      // nginx_cache_status_total{status}
  metrics::Counter& upstream_errors;                    // nginx_upstream_errors_total
  metrics::Counter& upstream_timeouts;                  // nginx_upstream_timeouts_total
  metrics::Histogram& upstream_response;                // nginx_upstream_response_seconds
  metrics::Family<metrics::Counter>& handshake_errors;  // nginx_ssl_handshake_errors_total{phase}
  metrics::Counter& connections_accepted;               // cirrus_edge_connections_accepted_total
  metrics::Counter& tls_handshakes;                     // cirrus_edge_tls_handshakes_total
  metrics::Counter& tls_resumed_handshakes;             // cirrus_edge_tls_resumed_handshakes_total
  metrics::Family<metrics::Counter>& rejected;      // cirrus_edge_requests_rejected_total{reason}
  metrics::Counter& http2_connections;              // cirrus_edge_http2_connections_total
  metrics::Counter& http2_streams;                  // cirrus_edge_http2_streams_total
  metrics::Family<metrics::Counter>& http2_resets;  // cirrus_edge_http2_stream_resets_total{by}

  std::atomic<int64_t> active_connections{0};
  std::atomic<uint64_t> config_version{0};
  std::atomic<uint64_t> config_domains{0};
  std::atomic<uint64_t> tls_certificates{0};
};

/// One worker's cached children. Not thread-safe: one per worker thread.
class WorkerMetrics {
 public:
  explicit WorkerMetrics(EdgeMetrics& m) : m_(m) {}

  /// host: the configured domain ("" for unrouted requests, rendered as host="").
  void countRequest(std::string_view host, unsigned status);
  /// nginx_cache_status_total{status=HIT|MISS|...}.
  void countCacheStatus(cache::CachePhase phase);
  /// Drops cached children (after a config change that may have removed hosts).
  void forgetHosts() { requests_.clear(); }
  EdgeMetrics& shared() { return m_; }

 private:
  EdgeMetrics& m_;
  std::unordered_map<std::string, std::shared_ptr<metrics::Counter>> requests_;
  std::string key_;
  std::array<metrics::Counter*, 6> cache_status_{};
};

}  // namespace cirrus::edge
