// Strict parser of an origin's response head (RFC 9112 §4, §6.3): status line, fields and the
// body framing the edge must follow. Zero-copy over the origin read buffer, incremental like
// RequestParser. An origin answer we cannot delimit unambiguously is a 502, never a guess.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "edge/http1_syntax.h"
#include "edge/request_parser.h"

namespace cirrus::edge {

inline constexpr size_t kMaxResponseFields = 128;

struct ResponseHead {
  int version_minor = 1;
  unsigned status = 0;
  std::string_view reason;
  std::span<const HeaderField> fields;
  BodyFraming framing = BodyFraming::kUntilClose;
  uint64_t content_length = 0;
  bool keep_alive = true;  // the origin connection may be reused after this response
  size_t head_bytes = 0;

  std::string_view field(std::string_view name) const;

  /// True when part of the body has not arrived with the head (`buffered` body bytes read so
  /// far): the origin may be holding the rest for the ACK of what it sent.
  bool bodyPending(size_t buffered) const {
    if (framing == BodyFraming::kContentLength) return buffered < content_length;
    return framing != BodyFraming::kNone && buffered == 0;
  }
};

class ResponseHeadParser {
 public:
  enum class Status { kComplete, kIncomplete, kError };

  explicit ResponseHeadParser(size_t max_head_bytes = 64 * 1024)
      : max_head_bytes_(max_head_bytes) {}

  /// As RequestParser::parse. `request_method_head` / `request_was_connect`: a response to
  /// HEAD has no body whatever its fields say (RFC 9112 §6.3 item 1).
  Status parse(std::string_view buf, bool request_method_head, ResponseHead& head);

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

  size_t max_head_bytes_;
  size_t scanned_ = 0;
  HeadError error_ = HeadError::kNone;
  std::array<HeaderField, kMaxResponseFields> fields_{};
};

}  // namespace cirrus::edge
