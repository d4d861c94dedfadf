// HTTP/1.1 syntax shared by the edge's request and response-head parsers (RFC 9112): the
// header block grammar with the strict choices of the edge (CRLF only, no obs-fold, no
// whitespace before the colon), and the character classes. Pure code: no I/O, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "cache/header_field.h"

namespace cirrus::edge {

/// One header field, viewing the caller's buffer. The value has its leading and trailing
/// whitespace (OWS, RFC 9110 §5.5) removed. The cache's type, so a parsed head's fields are a
/// cache::HeaderSpan without copies.
using HeaderField = cache::HeaderField;

/// Why a message head was rejected; the request side maps each to a status (statusFor()).
enum class HeadError {
  kNone,
  kBadStartLine,                 // malformed request or status line
  kUnsupportedVersion,           // not HTTP/1.0 or HTTP/1.1 (505)
  kStartLineTooLong,             // request line longer than the limit (414)
  kHeadersTooLarge,              // header block longer than the limit (431)
  kTooManyHeaders,               // more fields than the limit (431)
  kBareLf,                       // a line ended with LF alone (RFC 9112 §2.2)
  kBareCr,                       // a CR not followed by LF
  kObsFold,                      // a line starting with SP/HTAB (RFC 9112 §5.2)
  kWhitespaceBeforeColon,        // RFC 9112 §5.1: must be rejected with 400
  kBadFieldName,                 // empty or not a token
  kBadFieldValue,                // control characters in a value
  kBadContentLength,             // not 1*DIGIT or too large
  kDuplicateContentLength,       // more than one Content-Length (even if equal)
  kContentLengthWithTransfer,    // both framing headers (RFC 9112 §6.3 item 3: smuggling)
  kUnsupportedTransferEncoding,  // anything but a single "chunked" (501)
  kMissingHost,                  // HTTP/1.1 request without Host (RFC 9112 §3.2)
  kDuplicateHost,                // more than one Host
  kBadHost,                      // Host value with characters that cannot be a host
};

std::string_view toString(HeadError error);

namespace syntax {

/// RFC 9110 §5.6.2 tchar.
bool isTchar(unsigned char c);
/// VCHAR / obs-text / SP / HTAB: what a field value may contain.
bool isFieldValueChar(unsigned char c);
/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
/// Strips SP and HTAB on both sides.
std::string_view trimOws(std::string_view s);
/// RFC 9110 §7.6.1: a connection-specific field (Connection, Keep-Alive, TE, Trailer, Upgrade,
/// Transfer-Encoding, and the obsolete Proxy-Connection), never forwarded in either direction.
bool isHopByHop(std::string_view name);
/// `name` is listed in the value of a Connection field: hop-by-hop too (RFC 9110 §7.6.1).
bool listedIn(std::string_view connection, std::string_view name);
/// 1*DIGIT, at most 18 digits (so no overflow); nullopt otherwise.
std::optional<uint64_t> parseDecimal(std::string_view s);

/// Where the head ends in buf: the offset just after the empty line ("\r\n\r\n"), 0 when
/// the head is not complete yet. Scanning resumes at `from` (a previous call's buf.size()),
/// so feeding a head byte by byte stays linear. A bare "\n\n" also ends the head, so that
/// the strict parse that follows can reject it instead of waiting for more bytes.
size_t findHeadEnd(std::string_view buf, size_t from);

/// Parses header lines from `block` (each ending in CRLF, the block ending with the empty
/// line) into `out`. Returns the number of fields, or an error. Whole-buffer parse: call it
/// once findHeadEnd() has found the end.
struct FieldsResult {
  HeadError error = HeadError::kNone;
  size_t count = 0;
};
FieldsResult parseFields(std::string_view block, std::span<HeaderField> out);

}  // namespace syntax

}  // namespace cirrus::edge
