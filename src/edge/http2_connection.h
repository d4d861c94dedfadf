// One HTTP/2 client connection (RFC 9113): ALPN "h2" on the HTTPS listener, or h2c with prior
// knowledge on the plain one. nghttp2 does the framing, HPACK, flow control and the protocol's
// checks; every request stream is served by its own ClientConnection over a StreamTransport
// (an in-memory pipe carrying the stream's request as HTTP/1.1 bytes and its response back,
// h2_bridge.h), so routing, the cache, the origin path, limits, metrics and the access log are
// the same code for HTTP/1.1 and HTTP/2. The cost is one HTTP/1.1 serialisation and parse per
// stream, paid for in exchange for one request path to keep strict (bench/edge-h2 measures it).
//
// Flow control is real in both directions: request DATA is returned to the client's window only
// as the ClientConnection reads it, and a ClientConnection writing a response waits while more
// than kResponseHighWater bytes of its stream wait for the client's window.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "edge/drain_target.h"
#include "edge/h2_bridge.h"
#include "edge/transport.h"

struct nghttp2_session;

namespace cirrus::edge {

struct WorkerContext;
class Http2Connection;

/// The state of one request stream, shared by the session and the stream's transport (either
/// may outlive the other).
struct H2Stream {
  H2Stream(boost::asio::any_io_executor ex, int32_t stream_id)
      : id(stream_id), read_wake(ex), write_wake(ex) {}

  int32_t id;
  Http2Connection* session = nullptr;  // null once the session dropped the stream
  std::chrono::steady_clock::time_point opened;
  H2Request request;
  bool headers_done = false;   // the request's header block is complete
  bool begun = false;          // handed to a ClientConnection, or answered directly
  bool chunked = false;        // DATA is framed as chunks for the HTTP/1.1 side
  bool request_ended = false;  // END_STREAM received
  bool too_large = false;      // the fields passed the limit: answered 431
  bool read_any = false;       // the ClientConnection read some of the request
  std::string in;              // HTTP/1.1 request bytes the ClientConnection has not read
  size_t in_begin = 0;
  size_t unconsumed = 0;  // DATA bytes not yet given back to the client's window
  std::optional<Http1ResponseReader> reader;
  bool head_submitted = false;
  std::string out;  // response body bytes nghttp2 has not taken yet
  size_t out_begin = 0;
  size_t out_promised = 0;     // bytes of `out` announced to nghttp2 as a NO_COPY DATA frame
  bool deferred = false;       // the data source answered NGHTTP2_ERR_DEFERRED
  bool response_done = false;  // the whole body is in `out`
  bool reset = false;          // the stream is gone (reset, or the session closed)
  boost::asio::steady_timer read_wake;   // wakes a StreamTransport::readSome
  boost::asio::steady_timer write_wake;  // wakes a StreamTransport::writeAll

  size_t inBuffered() const { return in.size() - in_begin; }
  size_t outBuffered() const { return out.size() - out_begin; }
};

class Http2Connection final : public DrainTarget,
                              public std::enable_shared_from_this<Http2Connection> {
 public:
  static constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  /// A stream's writer waits while more than this many response bytes wait for the window.
  static constexpr size_t kResponseHighWater = 256 * 1024;
  /// Request DATA buffered for a stream beyond which the client's window is not reopened.
  static constexpr size_t kRequestHighWater = 64 * 1024;

  Http2Connection(WorkerContext& ctx, TransportPtr transport,
                  boost::asio::ip::tcp::endpoint remote);
  ~Http2Connection();
  Http2Connection(const Http2Connection&) = delete;
  Http2Connection& operator=(const Http2Connection&) = delete;

  /// Serves the connection until the client goes away, an error, or a drain. `preread`: bytes
  /// already read from the transport (the h2c preface and whatever followed). Never throws.
  boost::asio::awaitable<void> run(std::string preread);

  /// Drain: sends GOAWAY; the connection closes once its streams are answered.
  void closeIfIdle() override;
  void abort() override;

  // For StreamTransport (one stream's ClientConnection side).
  /// The ClientConnection read request bytes: reopen the client's window.
  void requestRead(H2Stream& s);
  /// The ClientConnection wrote response bytes: parse them, submit the head, queue the body.
  void responseWritten(H2Stream& s, std::string_view bytes);
  /// The ClientConnection closed its side: the response ends here (or is cut: reset).
  void responseClosed(H2Stream& s);

  // nghttp2 callbacks (http2_connection.cc), public for the C trampolines only.
  int onBeginHeaders(int32_t stream_id);
  int onHeader(int32_t stream_id, std::string_view name, std::string_view value);
  int onRequestHeadersEnd(int32_t stream_id, bool end_stream);
  int onRequestEnd(int32_t stream_id);
  int onData(int32_t stream_id, std::string_view data);
  int onStreamClose(int32_t stream_id, uint32_t error_code);
  int onStreamEndSent(int32_t stream_id);
  long readBody(int32_t stream_id, uint8_t* buf, size_t length, uint32_t* flags);
  int sendData(int32_t stream_id, const uint8_t* framehd, size_t length, size_t padlen);

 private:
  bool initSession();
  boost::asio::awaitable<void> writeLoop();
  void wantWrite();
  /// The request can go to the request path: builds its HTTP/1.1 head and spawns its
  /// ClientConnection (after the current handler, never inside an nghttp2 callback).
  void begin(const std::shared_ptr<H2Stream>& s, bool chunked);
  void submitHead(H2Stream& s);
  void answerDirect(H2Stream& s, unsigned status, std::string_view body);
  void resetStream(H2Stream& s, uint32_t error_code);
  void resume(H2Stream& s);
  void giveBackWindow(H2Stream& s);
  void refreshDeadline();
  /// by: who ended it, for the resets of the streams still open ("client" or "edge").
  void shutdown(const char* by);

  WorkerContext& ctx_;
  TransportPtr transport_;
  boost::asio::ip::tcp::endpoint remote_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<int32_t, std::shared_ptr<H2Stream>> streams_;
  boost::asio::steady_timer write_wake_;
  std::string send_buf_;
  bool writing_ = false;
  bool closed_ = false;
  bool goaway_sent_ = false;
  int32_t goaway_last_id_ = 0;
  size_t running_ = 0;  // ClientConnections of this session still running
  std::chrono::steady_clock::time_point idle_since_;     // when the last stream closed
  std::chrono::steady_clock::time_point sent_progress_;  // when response DATA last went out
};

/// The ClientConnection's end of one stream: reads the stream's request as HTTP/1.1 bytes and
/// hands the HTTP/1.1 response bytes to the session. Deadlines work as on a socket: when the
/// sweeper expires it, pending operations fail and the stream is reset.
class StreamTransport final : public Transport {
 public:
  StreamTransport(DeadlineSweeper& sweeper, std::shared_ptr<H2Stream> stream, bool tls,
                  boost::asio::any_io_executor ex);
  ~StreamTransport() override;
  boost::asio::awaitable<std::pair<error_code, size_t>> readSome(
      boost::asio::mutable_buffer buffer) override;
  boost::asio::awaitable<error_code> writeAll(
      std::span<const boost::asio::const_buffer> buffers) override;
  void close() override;
  /// An unopened socket: nothing on the client side of the edge uses it.
  boost::asio::ip::tcp::socket& lowestLayer() override { return unused_socket_; }
  bool isTls() const override { return tls_; }

 private:
  std::shared_ptr<H2Stream> stream_;
  bool tls_;
  bool closed_ = false;
  boost::asio::ip::tcp::socket unused_socket_;
};

}  // namespace cirrus::edge
