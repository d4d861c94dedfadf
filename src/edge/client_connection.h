// One client connection of the edge: reads request heads with the strict parser, answers
// rejections itself (…OrReject), routes by Host through the config snapshot and hands each
// request to the proxy path (proxy.cc), strictly one at a time so pipelined requests are
// answered in order. Bodies are streamed through a fixed per-connection buffer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "edge/chunked_decoder.h"
#include "edge/origin_pool.h"
#include "edge/request_parser.h"
#include "edge/response_head_parser.h"
#include "edge/transport.h"
#include "model/domain_conf.h"

namespace cirrus::edge {

struct WorkerContext;

/// Where a response came from: the seam where the cache (next issue) slots in. Today every
/// routed request is kOrigin; the cache will add its lookup before the origin phase and report
/// Hit/Stale/... here, and the access log and metrics already read it.
enum class ResponseSource { kEdge, kOrigin };

/// What the access log and metrics learn about one request.
struct RequestOutcome {
  unsigned status = 0;
  uint64_t body_bytes = 0;
  ResponseSource source = ResponseSource::kEdge;
  std::string origin;  // "host:port" of the origin that answered
  double upstream_seconds = -1;
  bool close = false;  // the connection must close after this request
};

class ClientConnection {
 public:
  ClientConnection(WorkerContext& ctx, TransportPtr transport,
                   boost::asio::ip::tcp::endpoint remote);
  ~ClientConnection();

  /// Serves requests until the peer closes, an error, or a drain. Never throws.
  boost::asio::awaitable<void> run();
  /// Drain: closes the connection now if it is between requests.
  void closeIfIdle();
  /// Drain deadline passed: closes the connection whatever it is doing.
  void abort() {
    closed_ = true;
    transport_->close();
  }

 private:
  using Clock = std::chrono::steady_clock;

  // client_connection.cc
  boost::asio::awaitable<bool> readHead(RequestHead& head);
  boost::asio::awaitable<void> rejectOrClose(unsigned status, std::string_view reason);
  boost::asio::awaitable<bool> writeSimple(unsigned status, std::string_view body, bool close);
  /// host: the metric label (a configured domain or "").
  void logRequest(std::string_view host, const RequestOutcome& o, Clock::time_point started);
  std::string_view buffered() const { return {buf_.get() + begin_, end_ - begin_}; }
  void compact();
  /// Reads more client bytes into the buffer (deadline: client_body_timeout).
  boost::asio::awaitable<bool> readMore();

  // proxy.cc: the origin phase of one routed request.
  boost::asio::awaitable<RequestOutcome> proxy(const RequestHead& head,
                                               const model::DomainConf& conf);
  enum class Exchange { kDone, kRetryFresh, kFailed };
  boost::asio::awaitable<Exchange> exchange(OriginConnection& conn, const RequestHead& head,
                                            RequestOutcome& outcome);
  boost::asio::awaitable<bool> sendRequestBody(Transport& origin, const RequestHead& head,
                                               RequestOutcome& outcome);
  boost::asio::awaitable<bool> relayResponseBody(Transport& origin, const RequestHead& head,
                                                 const ResponseHead& rh, size_t origin_begin,
                                                 size_t origin_end, bool chunk_to_client,
                                                 RequestOutcome& outcome);
  boost::asio::awaitable<void> failExchange(RequestOutcome& outcome, unsigned status,
                                            std::string_view body, bool close);
  boost::asio::awaitable<bool> failBody(RequestOutcome& outcome, unsigned status,
                                        std::string_view body);
  /// {ok, eof}; refills the origin buffer from its start.
  boost::asio::awaitable<std::pair<bool, bool>> readOrigin(Transport& origin, size_t& ob,
                                                           size_t& oe);
  void buildOriginHead(const RequestHead& head, const model::DomainConf& conf);
  void buildClientHead(const RequestHead& head, const ResponseHead& rh, bool chunk_to_client,
                       bool close);
  boost::asio::awaitable<bool> writeClient(std::span<const boost::asio::const_buffer> b);

  WorkerContext& ctx_;
  TransportPtr transport_;
  boost::asio::ip::tcp::endpoint remote_;
  std::string remote_text_;
  RequestParser parser_;
  std::unique_ptr<char[]> buf_;
  size_t cap_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool idle_ = true;
  bool closed_ = false;
  uint64_t served_ = 0;     // requests read on this connection
  std::string host_key_;    // normalised Host of the current request
  std::string req_method_;  // copies for the access log
  std::string req_path_;
  std::string origin_head_;  // serialised origin request head (reused)
  std::string client_head_;  // serialised response head (reused)
  std::unique_ptr<char[]> origin_buf_;
};

}  // namespace cirrus::edge
