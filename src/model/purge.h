// Purge requests (spec §10) and the purge message (spec §6) every edge applies. A request
// names paths, tags or everything for one domain; it expands into one message per path or
// tag, which is what goes to the purge log and pub/sub. Path "*" is the whole domain, a
// trailing "*" makes a prefix purge, "tag" purges by Surrogate-Key/Cache-Tag, "soft" marks
// stale instead of removing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/field_error.h"

namespace cirrus::model {

inline constexpr size_t kMaxPurgeItems = 1000;  // per request; bounds one log burst
inline constexpr size_t kMaxPurgePathLength = 4096;
inline constexpr size_t kMaxPurgeTagLength = 256;

/// "*", or "/" followed by visible ASCII (request targets are percent-encoded, RFC 9112 §3.2,
/// so a raw "ü" or a space could never match a cache key); "*" only as the last character.
/// A query ("?a=1") is part of the path.
bool isValidPurgePath(std::string_view path);
/// 1-256 visible ASCII characters without ',' (Cache-Tag separates tags with commas,
/// Surrogate-Key with spaces).
bool isValidPurgeTag(std::string_view tag);

/// POST domains/{domain}/purge body: exactly one of {paths: [...]}, {tags: [...]} or
/// {all: true}, plus optional soft. Lists hold 1-1000 entries.
struct PurgeRequest {
  std::vector<std::string> paths;
  std::vector<std::string> tags;
  bool all = false;
  bool soft = false;

  bool operator==(const PurgeRequest&) const = default;
};

Validated<PurgeRequest> parsePurgeRequest(const nlohmann::json& body);

/// One purge as logged and published: exactly one of path / tag is non-empty.
struct PurgeMessage {
  std::string domain;  // A-label
  std::string path;
  std::string tag;
  bool soft = false;

  bool operator==(const PurgeMessage&) const = default;
};

enum class PurgeMessageSource {
  kApi,  // POST purge (seed-compatible {domain, path}): unknown fields rejected
  kBus,  // pub/sub or log entry, possibly from an external or newer producer: unknown fields
         // ignored so producers can extend the payload without breaking older edges
};

/// {domain, path} or {domain, tag}, optional soft. The domain is normalised to its A-label.
Validated<PurgeMessage> parsePurgeMessage(const nlohmann::json& body, PurgeMessageSource source);

/// {"domain", "path"} or {"domain", "tag"}, plus "soft": true only when soft, so a plain path
/// purge is byte-for-byte the seed payload.
nlohmann::json toJson(const PurgeMessage& message);

/// One message per path or per tag; {all: true} becomes path "*". Prereq: request is valid
/// and domain normalised.
std::vector<PurgeMessage> toPurgeMessages(std::string_view domain, const PurgeRequest& request);

}  // namespace cirrus::model
