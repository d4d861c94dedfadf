#include "edge/request_parser.h"

#include <cstring>

namespace cirrus::edge {

using syntax::iequals;

std::string_view RequestHead::field(std::string_view name) const {
  for (const auto& f : fields) {
    if (iequals(f.name, name)) return f.value;
  }
  return {};
}

unsigned statusFor(HeadError error) {
  switch (error) {
    case HeadError::kStartLineTooLong:
      return 414;
    case HeadError::kHeadersTooLarge:
    case HeadError::kTooManyHeaders:
      return 431;
    case HeadError::kUnsupportedTransferEncoding:
      return 501;
    case HeadError::kUnsupportedVersion:
      return 505;
    default:
      return 400;
  }
}

namespace {

// Host = uri-host [ ":" port ] (RFC 9110 §7.2): reg-name / IPv4 / "[" IPv6 "]" characters.
bool isValidHost(std::string_view host) {
  for (char c : host) {
    unsigned char u = static_cast<unsigned char>(c);
    bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
              std::strchr("-._~!$&'()*+,;=:[]%", c) != nullptr;
    if (!ok || u == 0) return false;
  }
  return true;
}

// Visits each comma-separated element of a list field value (RFC 9110 §5.6.1).
template <class F>
void forEachElement(std::string_view v, F&& f) {
  while (!v.empty()) {
    size_t comma = v.find(',');
    std::string_view element = syntax::trimOws(v.substr(0, comma));
    if (!element.empty()) f(element);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
}

}  // namespace

RequestParser::Status RequestParser::parse(std::string_view buf, RequestHead& head) {
  if (error_ != HeadError::kNone) return Status::kError;
  size_t end = syntax::findHeadEnd(buf, scanned_);
  if (end == 0) {
    scanned_ = buf.size();
    // The request line alone is too long: 414 as soon as it is certain (RFC 9112 §3).
    size_t line_len = buf.size();
    if (const void* nl = std::memchr(buf.data(), '\n', buf.size())) {
      line_len = static_cast<size_t>(static_cast<const char*>(nl) - buf.data());
    }
    if (line_len > limits_.max_request_line + 1) return fail(HeadError::kStartLineTooLong);
    if (buf.size() > limits_.max_header_bytes) return fail(HeadError::kHeadersTooLarge);
    return Status::kIncomplete;
  }
  if (end > limits_.max_header_bytes) {
    const void* nl = std::memchr(buf.data(), '\n', end);
    size_t line_len = static_cast<size_t>(static_cast<const char*>(nl) - buf.data());
    return fail(line_len > limits_.max_request_line + 1 ? HeadError::kStartLineTooLong
                                                        : HeadError::kHeadersTooLarge);
  }
  return parseComplete(buf.substr(0, end), head);
}

RequestParser::Status RequestParser::parseComplete(std::string_view text, RequestHead& head) {
  head = RequestHead{};
  head.head_bytes = text.size();
  // RFC 9112 §2.2 allows ignoring one leading CRLF before the request line; we do not: a
  // client that sends it is broken or probing, and the strict answer is cheaper to reason about.
  size_t nl = text.find('\n');
  if (nl == 0 || text[nl - 1] != '\r') return fail(HeadError::kBareLf);
  std::string_view line = text.substr(0, nl - 1);
  if (line.size() > limits_.max_request_line) return fail(HeadError::kStartLineTooLong);

  // request-line = method SP request-target SP HTTP-version (exactly one SP each).
  size_t i = 0;
  while (i < line.size() && syntax::isTchar(static_cast<unsigned char>(line[i]))) ++i;
  if (i == 0 || i == line.size() || line[i] != ' ') return fail(HeadError::kBadStartLine);
  head.method = line.substr(0, i);
  size_t t = ++i;
  while (i < line.size()) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c <= 0x20 || c >= 0x7f) break;
    ++i;
  }
  if (i == t || i == line.size() || line[i] != ' ') return fail(HeadError::kBadStartLine);
  head.target = line.substr(t, i - t);
  std::string_view version = line.substr(i + 1);
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return fail(HeadError::kBadStartLine);
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    return fail(HeadError::kUnsupportedVersion);
  }
  head.version_minor = version[7] - '0';
  // origin-form or absolute-form; "*" only for OPTIONS (RFC 9112 §3.2.4). CONNECT's
  // authority-form is not proxied by a CDN edge and falls out as a bad target.
  if (head.target.front() != '/' && !(head.target == "*" && head.method == "OPTIONS") &&
      !head.target.starts_with("http://") && !head.target.starts_with("https://")) {
    return fail(HeadError::kBadStartLine);
  }

  auto fields = syntax::parseFields(text.substr(nl + 1), fields_);
  if (fields.error != HeadError::kNone) return fail(fields.error);
  head.fields = std::span<const HeaderField>(fields_.data(), fields.count);

  bool has_cl = false;
  bool has_te = false;
  bool has_host = false;
  bool conn_close = false;
  bool conn_keep_alive = false;
  for (const auto& f : head.fields) {
    // Dispatch on length first: most fields are none of these.
    switch (f.name.size()) {
      case 4:
        if (iequals(f.name, "host")) {
          if (has_host) return fail(HeadError::kDuplicateHost);
          if (!isValidHost(f.value)) return fail(HeadError::kBadHost);
          has_host = true;
          head.host = f.value;
        }
        break;
      case 6:
        if (iequals(f.name, "expect")) {
          if (iequals(f.value, "100-continue")) {
            head.expect_continue = true;
          } else {
            head.expect_other = true;
          }
        }
        break;
      case 10:
        if (iequals(f.name, "connection")) {
          forEachElement(f.value, [&](std::string_view e) {
            if (iequals(e, "close")) conn_close = true;
            if (iequals(e, "keep-alive")) conn_keep_alive = true;
          });
        }
        break;
      case 14:
        if (iequals(f.name, "content-length")) {
          // RFC 9112 §6.3 item 5 lets a recipient merge "5, 5"; a proxy must not guess.
          if (has_cl) return fail(HeadError::kDuplicateContentLength);
          auto v = syntax::parseDecimal(f.value);
          if (!v) return fail(HeadError::kBadContentLength);
          has_cl = true;
          head.content_length = *v;
        }
        break;
      case 17:
        if (iequals(f.name, "transfer-encoding")) {
          // Only "chunked", once: any other coding is 501 (RFC 9112 §6.1), and two TE fields
          // or "chunked, chunked" are the ambiguity smuggling attacks are made of.
          if (has_te || !iequals(f.value, "chunked")) {
            return fail(HeadError::kUnsupportedTransferEncoding);
          }
          has_te = true;
        }
        break;
      default:
        break;
    }
  }
  if (has_cl && has_te) return fail(HeadError::kContentLengthWithTransfer);
  if (has_te && head.version_minor == 0) return fail(HeadError::kUnsupportedTransferEncoding);
  if (!has_host && head.version_minor == 1) return fail(HeadError::kMissingHost);
  if (has_te) {
    head.framing = BodyFraming::kChunked;
  } else if (has_cl && head.content_length > 0) {
    head.framing = BodyFraming::kContentLength;
  }
  head.keep_alive = head.version_minor == 1 ? !conn_close : (conn_keep_alive && !conn_close);
  return Status::kComplete;
}

}  // namespace cirrus::edge
