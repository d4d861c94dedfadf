// Entity-tag comparison (RFC 9110 §8.8.3): strong comparison for If-Range and for deciding
// that slice blocks belong to one representation; weak comparison for If-None-Match.
#pragma once

#include <string_view>

namespace cirrus::cache {

/// W/"x" is weak; "x" is strong. Malformed tags are neither and never match.
bool isWeakEtag(std::string_view etag);
bool isValidEtag(std::string_view etag);
/// The quoted opaque part including quotes ("x"), or "" when malformed.
std::string_view opaqueTag(std::string_view etag);

/// Both strong and the same opaque tag.
bool strongEtagMatch(std::string_view a, std::string_view b);
/// The same opaque tag, weak or not.
bool weakEtagMatch(std::string_view a, std::string_view b);

/// If-None-Match semantics (RFC 9110 §13.1.2): "*" matches any stored representation, else any
/// listed tag matching `etag` weakly.
bool noneMatchListMatches(std::string_view list, std::string_view etag);

}  // namespace cirrus::cache
