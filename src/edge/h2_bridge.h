// The translation between an HTTP/2 stream and the edge's HTTP/1.1 request path. An h2 stream's
// request (pseudo-header fields and fields, RFC 9113 §8.3) becomes an HTTP/1.1 request head that
// a ClientConnection parses with its strict parser, so routing, caching, limits and errors are
// the same code for both protocols; the HTTP/1.1 response bytes it writes become one HEADERS
// (names lower-cased, connection-specific fields removed, §8.2.2) and the body's bytes. Pure:
// no sockets and no nghttp2 (http2_connection.cc drives the session), so unit-tested alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edge/chunked_decoder.h"
#include "edge/response_head_parser.h"

namespace cirrus::edge {

/// The fields of one h2 request as they arrive (nghttp2 has already checked the field syntax,
/// the pseudo-header rules and that no connection-specific field is present).
class H2Request {
 public:
  void add(std::string_view name, std::string_view value);
  std::string_view method() const { return method_; }
  /// Name and value bytes received, pseudo-header fields included (the 431 limit).
  size_t bytes() const { return bytes_; }
  bool hasContentLength() const { return has_content_length_; }
  /// False when a field could change the meaning of the HTTP/1.1 head (CR, LF or NUL anywhere,
  /// a name with a colon or whitespace). nghttp2 already refuses these; this is the second
  /// line against request smuggling through the translation.
  bool valid() const { return valid_; }
  /// The HTTP/1.1 head: `:authority` (or `host`) becomes Host, cookie crumbs are joined with
  /// "; " (§8.2.3), `te` is dropped. `chunked`: the body comes as DATA without a
  /// content-length, so the head announces chunked framing and the caller frames the DATA.
  std::string http1Head(bool chunked) const;

 private:
  std::string method_;
  std::string path_;
  std::string authority_;
  std::string host_;
  std::string cookie_;
  std::string fields_;  // "name: value\r\n" lines
  size_t bytes_ = 0;
  bool has_content_length_ = false;
  bool valid_ = true;
};

/// Appends DATA bytes as one chunk of the chunked coding (the h2 body without a length).
void appendChunk(std::string& out, std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

struct H2Field {
  std::string name;  // lower case
  std::string value;
};

/// Reads the HTTP/1.1 response bytes a ClientConnection writes for one stream: skips interim
/// (1xx) heads, then yields the final head's status and fields, then the body bytes as the
/// head's framing delimits them. Anything after the end of the response is ignored (the
/// connection was told nothing else is coming).
class Http1ResponseReader {
 public:
  enum class State { kHead, kBody, kDone, kError };

  explicit Http1ResponseReader(bool head_request, size_t max_head_bytes = 64 * 1024)
      : head_request_(head_request), parser_(max_head_bytes) {}

  /// Consumes `in`, appending body bytes to `body`. Returns the state afterwards.
  State feed(std::string_view in, std::string& body);
  /// The writer closed: true when that ends the response properly (a close-delimited body,
  /// or the response was already complete). Moves to kDone or kError.
  bool finish();

  State state() const { return state_; }
  /// The final head is parsed (state kBody or kDone); status() and fields() are valid.
  bool hasHead() const { return status_ != 0; }
  unsigned status() const { return status_; }
  const std::vector<H2Field>& fields() const { return fields_; }
  /// The response has a body to send as DATA (false for HEAD, 204, 304 and empty bodies).
  bool hasBody() const { return has_body_; }

 private:
  State takeHead(std::string& body);
  void takeBody(std::string_view in, std::string& body);

  bool head_request_;
  ResponseHeadParser parser_;
  ChunkedDecoder chunked_;
  std::string head_buf_;
  State state_ = State::kHead;
  unsigned status_ = 0;
  std::vector<H2Field> fields_;
  bool has_body_ = false;
  BodyFraming framing_ = BodyFraming::kNone;
  uint64_t remaining_ = 0;  // kContentLength
};

}  // namespace cirrus::edge
