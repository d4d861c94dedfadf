// Header lists as the cache sees them: spans of (name, value) views over the caller's buffers,
// so the edge's parser output is passed without copies. Also the list-syntax helpers of
// RFC 9110 §5.6.1 (comma-separated members, OWS trimmed) that every cache parser shares.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::cache {

/// One header field line. The same layout as the edge parser's field (name, value views), so
/// the edge can alias this type and hand over its parsed fields as a HeaderSpan.
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

using HeaderSpan = std::span<const HeaderField>;

/// A field owned by a stored object (names keep the origin's case).
struct OwnedField {
  std::string name;
  std::string value;

  bool operator==(const OwnedField&) const = default;
};

/// ASCII case-insensitive equality (field names, directive names, tokens).
bool equalsIgnoreCase(std::string_view a, std::string_view b);
/// Leading and trailing SP / HTAB removed (RFC 9110 OWS).
std::string_view trimOws(std::string_view s);
std::string toLowerAscii(std::string_view s);

/// The first field named `name` (case-insensitive); "" when absent. Use hasField() to tell
/// an absent field from an empty one.
std::string_view findField(HeaderSpan fields, std::string_view name);
bool hasField(HeaderSpan fields, std::string_view name);
/// Every line of `name` joined with ", " (RFC 9110 §5.3: equivalent to one combined line).
/// Returns false when no line of that name exists.
bool combinedField(HeaderSpan fields, std::string_view name, std::string& out);

/// Calls fn(member) for each non-empty member of a comma-separated list, OWS trimmed. Commas
/// inside double-quoted strings do not split (Cache-Control `no-cache="a, b"`).
template <class Fn>
void forEachListMember(std::string_view list, Fn&& fn) {
  if (list.find('"') == std::string_view::npos) {
    // Common case, no quoted strings: split with memchr instead of a per-character scan.
    while (!list.empty()) {
      size_t comma = list.find(',');
      std::string_view member = trimOws(list.substr(0, comma));
      if (!member.empty()) fn(member);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    return;
  }
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size()) {
      char c = list[i];
      if (quoted && c == '\\' && i + 1 < list.size()) {
        ++i;
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c != ',' || quoted) continue;
    }
    std::string_view member = trimOws(list.substr(start, i - start));
    if (!member.empty()) fn(member);
    start = i + 1;
  }
}

/// Calls fn(member) for each member of every line of `name`.
template <class Fn>
void forEachFieldMember(HeaderSpan fields, std::string_view name, Fn&& fn) {
  for (const HeaderField& f : fields) {
    if (equalsIgnoreCase(f.name, name)) forEachListMember(f.value, fn);
  }
}

/// Hop-by-hop fields (RFC 9110 §7.6.1) and fields the cache replaces per response (Age,
/// Cache-Status, X-Cache); never stored with an object.
bool isUnstorableField(std::string_view name);

}  // namespace cirrus::cache
