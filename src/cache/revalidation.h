// Validation with the origin and with the client (RFC 9111 §4.3, RFC 9110 §13): the
// conditional fields to send for a stored object, the update of a stored object from a 304
// (a new immutable object sharing the body), and the answer to a client's own conditionals
// (304 / 412) from a stored object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cache/cached_object.h"
#include "cache/header_field.h"

namespace cirrus::cache {

/// The validators of a conditional origin request (§4.3.1); an empty string means omit it.
struct ConditionalFields {
  std::string if_none_match;      // the stored ETag (weak or strong)
  std::string if_modified_since;  // the stored Last-Modified as an IMF-fixdate
};

ConditionalFields conditionalFields(const CachedObject& stored);
/// Has the stored object any validator to revalidate with? Without one the edge refetches.
bool hasValidator(const CachedObject& stored);

struct RevalidationTimes {
  int64_t request_time = 0;   // the conditional request was sent
  int64_t response_time = 0;  // the 304 arrived
  std::optional<int64_t> rule_ttl;
  int64_t default_ttl = 0;
};

/// §4.3.4: the stored object updated with a 304's fields, or null when the 304 does not
/// identify it (its strong ETag, weak ETag or Last-Modified disagrees: the edge must then
/// fetch unconditionally). The 304's fields replace stored fields of the same name, except
/// hop-by-hop and Connection-listed fields, Content-Length (§3.2) and Age; freshness and Age
/// restart from the 304's times. The body is shared, not copied.
CachedObjectSharedPtr mergeNotModified(const CachedObject& stored, HeaderSpan not_modified_fields,
                                       const RevalidationTimes& times);

enum class ClientConditional {
  kNone,                // send the stored response
  kNotModified,         // answer 304 (notModifiedHead)
  kPreconditionFailed,  // answer 412
};

/// RFC 9110 §13.2.2 in order: If-Match, If-Unmodified-Since, If-None-Match (weak comparison,
/// 304 for GET/HEAD), If-Modified-Since (GET/HEAD, only without If-None-Match; compared with
/// Last-Modified, else Date, else the response time: RFC 9111 §4.3.2). Ignored unless the
/// stored status is 2xx (§13.2.1).
ClientConditional evaluateConditionals(std::string_view method, HeaderSpan request_fields,
                                       const CachedObject& stored);

/// "HTTP/1.1 304 Not Modified" and the stored fields a 304 must repeat (RFC 9110 §15.4.5:
/// Cache-Control, Content-Location, Date, ETag, Expires, Vary; plus Last-Modified), in the
/// CachedObject::head form.
std::string notModifiedHead(const CachedObject& stored);

}  // namespace cirrus::cache
