// The edge's own knobs, derived once from config::EdgeConfig (the environment table) plus
// the protocol limits that have no environment variable yet. Passed by value to workers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config.h"
#include "edge/chunked_decoder.h"
#include "edge/origin_pool.h"
#include "edge/request_parser.h"

namespace cirrus::edge {

struct EdgeOptions {
  RequestLimits request_limits;
  ChunkedLimits chunked_limits;
  OriginPoolOptions pool;
  std::chrono::milliseconds origin_read_timeout{30'000};
  std::chrono::milliseconds client_header_timeout{10'000};  // head of a request, once started
  std::chrono::milliseconds keepalive_timeout{60'000};      // idle between requests
  std::chrono::milliseconds client_body_timeout{60'000};    // each read of a request body
  std::chrono::milliseconds send_timeout{60'000};           // each write to the client
  std::chrono::milliseconds drain_timeout{10'000};          // SIGTERM: in-flight requests
  size_t buffer_size = 64 * 1024;    // per connection, client side and origin side
  bool http2 = true;                 // offer h2 by ALPN on the HTTPS listener
  bool h2c = false;                  // accept h2 with prior knowledge on the plain listener
  uint32_t http2_max_streams = 128;  // SETTINGS_MAX_CONCURRENT_STREAMS
  std::string via = "1.1 cirrus";

  static EdgeOptions from(const config::EdgeConfig& c) {
    EdgeOptions o;
    o.pool.connect_timeout = c.origin_connect_timeout;
    o.origin_read_timeout = c.origin_read_timeout;
    o.client_header_timeout = c.client_header_timeout;
    o.http2 = c.http2;
    o.h2c = c.h2c;
    o.http2_max_streams = c.http2_max_streams;
    return o;
  }
};

}  // namespace cirrus::edge
