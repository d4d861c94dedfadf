// Strict HTTP/1.1 request-head parser of the edge (RFC 9112): zero-copy over the connection's
// read buffer, incremental (resumes its scan where the last call stopped), and rejecting every
// ambiguity a proxy could be smuggled through: CL with TE, duplicate CL, bare LF, obs-fold,
// whitespace before the colon. Pure code with no I/O, fuzzed by tests/fuzz/edge_request_fuzz.cc.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "edge/http1_syntax.h"

namespace cirrus::edge {

struct RequestLimits {
  size_t max_request_line = 8 * 1024;   // longer → 414
  size_t max_header_bytes = 32 * 1024;  // request line + fields + empty line; more → 431
};

inline constexpr size_t kMaxRequestFields = 100;  // more → 431

enum class BodyFraming { kNone, kContentLength, kChunked, kUntilClose };

/// A parsed request head; every view points into the buffer given to RequestParser::parse()
/// and is valid while those bytes are.
struct RequestHead {
  std::string_view method;
  std::string_view target;
  int version_minor = 1;  // HTTP/1.<minor>
  std::span<const HeaderField> fields;
  std::string_view host;  // Host value as received ("" for HTTP/1.0 without Host)
  BodyFraming framing = BodyFraming::kNone;
  uint64_t content_length = 0;   // kContentLength only
  bool keep_alive = true;        // after Connection and version rules (RFC 9112 §9.3)
  bool expect_continue = false;  // Expect: 100-continue
  bool expect_other = false;     // any other Expect value (417)
  size_t head_bytes = 0;         // bytes of the head, including the empty line

  /// The first field with this name (case-insensitive); "" when absent.
  std::string_view field(std::string_view name) const;
};

/// Status to answer a rejected request with: 400, 414, 431, 501 or 505.
unsigned statusFor(HeadError error);

class RequestParser {
 public:
  enum class Status { kComplete, kIncomplete, kError };

  explicit RequestParser(RequestLimits limits = {}) : limits_(limits) {}

  /// Parses the head at the start of `buf` (the bytes read so far). kIncomplete: read more and
  /// call again with the grown buffer (same start). kComplete: `head` is filled and
  /// head.head_bytes says where the body (or the next pipelined request) starts. kError:
  /// error() says why; the connection must be answered statusFor(error()) and closed.
  /// Call reset() before parsing the next request.
  Status parse(std::string_view buf, RequestHead& head);

  HeadError error() const { return error_; }
  void reset() {
    scanned_ = 0;
    error_ = HeadError::kNone;
  }

 private:
  Status fail(HeadError e) {
    error_ = e;
    return Status::kError;
  }
  Status parseComplete(std::string_view head_text, RequestHead& head);

  RequestLimits limits_;
  size_t scanned_ = 0;
  HeadError error_ = HeadError::kNone;
  std::array<HeaderField, kMaxRequestFields> fields_{};
};

}  // namespace cirrus::edge
