// A stored response: immutable once built and shared by every reader (shared_ptr<const>). The
// head is pre-serialised (status line and fields, each ending in CRLF, without the blank line)
// so a hit writes it as is, followed by the per-response Age, Cache-Status and X-Cache fields
// and the final CRLF. The parsed fields stay alongside for 304 merging (RFC 9111 §3.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/body.h"
#include "cache/cache_control.h"
#include "cache/cache_key.h"
#include "cache/freshness.h"
#include "cache/header_field.h"

namespace cirrus::cache {

struct CachedObject {
  // Identity: which request it answers.
  std::string key_text;  // PrimaryKey::text
  CacheKey key;          // PrimaryKey::id
  uint64_t variant = 0;  // secondaryKey() of the request that fetched it (0: no Vary)
  VaryFields vary;
  std::string domain;             // purge scope
  std::string path;               // canonicalTarget(): what path purges match
  std::vector<std::string> tags;  // Surrogate-Key (space list) and Cache-Tag (comma list)

  // The response.
  unsigned status = 200;
  std::string reason;
  std::vector<OwnedField> fields;  // as stored (see buildCachedObject)
  std::string head;                // serialiseHead(status, reason, fields)
  BodySharedPtr body;              // never null; shared with revalidated copies

  // Freshness and validation.
  ResponseTimes times;
  StoredPolicy policy;
  std::string etag;  // raw field value, e.g. W/"x" or "x"; "" when absent
  std::optional<int64_t> last_modified;

  // Slices: where this body sits in the whole representation.
  int64_t range_first = 0;                 // offset of body[0]
  std::optional<int64_t> complete_length;  // length of the whole representation, if known

  /// Bytes a store charges for this object (body, head, fields, key, bookkeeping).
  size_t charge() const;
  size_t bodySize() const { return body ? body->size() : 0; }
};

using CachedObjectSharedPtr = std::shared_ptr<const CachedObject>;

/// "HTTP/1.1 <status> <reason>\r\n" then "Name: value\r\n" per field.
std::string serialiseHead(unsigned status, std::string_view reason,
                          const std::vector<OwnedField>& fields);

/// What the edge knows when an origin response completes.
struct ObjectInput {
  PrimaryKey key;
  uint64_t variant = 0;
  VaryFields vary;
  std::string_view domain;
  std::string_view path;  // canonicalTarget()
  unsigned status = 200;
  std::string_view reason;
  HeaderSpan response_fields;
  BodySharedPtr body;
  int64_t request_time = 0;
  int64_t response_time = 0;
  std::optional<int64_t> rule_ttl;  // RequestPlan::rule_ttl
  int64_t default_ttl = 0;          // CacheConf::default_ttl
};

/// Builds the object to store. Prereq: checkStorable() said kNone. Stored fields drop the
/// hop-by-hop set and every field named in Connection (RFC 9111 §3.1), Age (recomputed per
/// response), the fields of qualified no-cache / private (§5.2.2.4, §5.2.2.7), and
/// Surrogate-Key / Cache-Tag (kept as tags; CDN-internal, like Fastly and Cloudflare strip
/// them). Content-Length is rewritten to the body size for statuses that carry one.
CachedObjectSharedPtr buildCachedObject(ObjectInput input);

/// Parses "bytes a-b/len" or "bytes a-b/*" (RFC 9110 §14.4) for a stored 206 block.
struct ContentRange {
  int64_t first = 0;
  int64_t last = 0;
  std::optional<int64_t> complete_length;
};
std::optional<ContentRange> parseContentRange(std::string_view value);

}  // namespace cirrus::cache
