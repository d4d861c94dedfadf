#include "cache/entity_tag.h"

#include "cache/header_field.h"

namespace cirrus::cache {

bool isWeakEtag(std::string_view etag) {
  // Trimmed like its siblings: "  W/\"x\"" is a valid weak tag, so it must not count as strong.
  etag = trimOws(etag);
  return etag.starts_with("W/") && isValidEtag(etag);
}

bool isValidEtag(std::string_view etag) {
  etag = trimOws(etag);
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() < 2 || etag.front() != '"' || etag.back() != '"') return false;
  // etagc = %x21 / %x23-7E / obs-text: no DQUOTE, space or controls inside.
  for (char c : etag.substr(1, etag.size() - 2)) {
    auto u = static_cast<unsigned char>(c);
    if (u == '"' || u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

std::string_view opaqueTag(std::string_view etag) {
  etag = trimOws(etag);
  if (!isValidEtag(etag)) return {};
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  return etag;
}

bool strongEtagMatch(std::string_view a, std::string_view b) {
  a = trimOws(a);
  b = trimOws(b);
  if (!isValidEtag(a) || !isValidEtag(b) || isWeakEtag(a) || isWeakEtag(b)) return false;
  return a == b;
}

bool weakEtagMatch(std::string_view a, std::string_view b) {
  std::string_view oa = opaqueTag(a);
  return !oa.empty() && oa == opaqueTag(b);
}

bool noneMatchListMatches(std::string_view list, std::string_view etag) {
  // Not forEachListMember: an entity-tag is not a quoted-string, so a backslash inside one
  // (etagc allows it) escapes nothing; `"a\", "b"` is the two tags "a\" and "b".
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size()) {
      if (list[i] == '"') quoted = !quoted;
      if (list[i] != ',' || quoted) continue;
    }
    std::string_view member = trimOws(list.substr(start, i - start));
    if (member == "*" || weakEtagMatch(member, etag)) return true;
    start = i + 1;
  }
  return false;
}

}  // namespace cirrus::cache
