#include "cache/range.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "cache/cached_object.h"
#include "cache/entity_tag.h"
#include "cache/header_field.h"
#include "core/http_date.h"

namespace cirrus::cache {

namespace {

// 1*DIGIT without sign or spaces, nullopt on overflow.
std::optional<int64_t> parseDigits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The last byte of the block starting at block_first, saturating: an origin may state any
// complete length up to INT64_MAX in Content-Range, and the block holding its last byte would
// otherwise end past it (block_first + block_size overflows int64).
int64_t blockLast(int64_t block_first, int64_t block_size) {
  return block_first + std::min(block_size - 1, std::numeric_limits<int64_t>::max() - block_first);
}

}  // namespace

RangeRequest parseRange(std::string_view value) {
  RangeRequest r;
  value = trimOws(value);
  if (value.empty()) return r;
  r.kind = RangeKind::kIgnored;
  // RFC 9110 §14.1.1: the unit is case-insensitive; "bytes" is the only one we know.
  size_t eq = value.find('=');
  if (eq == std::string_view::npos || !equalsIgnoreCase(trimOws(value.substr(0, eq)), "bytes")) {
    return r;
  }
  std::string_view spec = trimOws(value.substr(eq + 1));
  if (spec.find(',') != std::string_view::npos) return r;  // multiple ranges: see header
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return r;
  std::string_view a = trimOws(spec.substr(0, dash));
  std::string_view b = trimOws(spec.substr(dash + 1));
  if (a.empty()) {
    auto n = parseDigits(b);
    if (!n) return r;
    r.suffix_length = *n;
  } else {
    r.first = parseDigits(a);
    if (!r.first) return r;
    if (!b.empty()) {
      r.last = parseDigits(b);
      // §14.1.1: last-pos < first-pos makes the range-spec invalid.
      if (!r.last || *r.last < *r.first) {
        r.first.reset();
        r.last.reset();
        return r;
      }
    }
  }
  r.kind = RangeKind::kSingle;
  return r;
}

RangePlan planRange(const RangeRequest& range, int64_t complete_length, bool if_range_ok) {
  RangePlan plan;
  if (range.kind != RangeKind::kSingle || !if_range_ok || complete_length <= 0) return plan;
  if (!range.first) {
    // §14.1.2: a suffix range with a zero length is unsatisfiable; a longer one is clamped.
    if (range.suffix_length == 0) {
      plan.answer = RangeAnswer::kNotSatisfiable;
      return plan;
    }
    plan.answer = RangeAnswer::kPartial;
    plan.first = complete_length - std::min(range.suffix_length, complete_length);
    plan.last = complete_length - 1;
    return plan;
  }
  if (*range.first >= complete_length) {
    plan.answer = RangeAnswer::kNotSatisfiable;
    return plan;
  }
  plan.answer = RangeAnswer::kPartial;
  plan.first = *range.first;
  plan.last = std::min(range.last.value_or(complete_length - 1), complete_length - 1);
  return plan;
}

bool ifRangeAllows(std::string_view if_range, std::string_view etag,
                   std::optional<int64_t> last_modified, std::optional<int64_t> date) {
  if_range = trimOws(if_range);
  if (if_range.empty()) return true;
  if (if_range.front() == '"' || if_range.starts_with("W/")) {
    return strongEtagMatch(if_range, etag);
  }
  std::optional<int64_t> when = parseHttpDate(if_range);
  if (!when || !last_modified || *when != *last_modified) return false;
  // §8.8.2.2: Last-Modified is strong only if at least one second older than Date.
  return !date || *date - *last_modified >= 1;
}

std::string rangeResponseHead(const CachedObject& source, const RangePlan& plan,
                              int64_t complete_length) {
  std::vector<OwnedField> fields;
  fields.reserve(source.fields.size() + 2);
  for (const OwnedField& f : source.fields) {
    if (equalsIgnoreCase(f.name, "Content-Length") || equalsIgnoreCase(f.name, "Content-Range")) {
      continue;
    }
    fields.push_back(f);
  }
  unsigned status = 200;
  std::string_view reason = "OK";
  switch (plan.answer) {
    case RangeAnswer::kFull:
      fields.push_back({"Content-Length", std::to_string(complete_length)});
      break;
    case RangeAnswer::kPartial:
      status = 206;
      reason = "Partial Content";
      fields.push_back(
          {"Content-Range", formatContentRange(plan.first, plan.last, complete_length)});
      fields.push_back({"Content-Length", std::to_string(plan.length())});
      break;
    case RangeAnswer::kNotSatisfiable:
      // §15.5.17: the 416 describes the current length; the stored fields about the
      // representation's content would be misleading on an empty body.
      return serialiseHead(
          416, "Range Not Satisfiable",
          {{"Content-Range", formatUnsatisfiedRange(complete_length)}, {"Content-Length", "0"}});
  }
  if (status == 200 && source.status != 206) reason = source.reason;
  return serialiseHead(status, reason, fields);
}

std::string formatContentRange(int64_t first, int64_t last, std::optional<int64_t> complete) {
  if (complete) return fmt::format("bytes {}-{}/{}", first, last, *complete);
  return fmt::format("bytes {}-{}/*", first, last);
}

std::string formatUnsatisfiedRange(int64_t complete_length) {
  return fmt::format("bytes */{}", complete_length);
}

BlockSpan blocksCovering(int64_t first, int64_t last, int64_t block_size) {
  return BlockSpan{first / block_size, last / block_size};
}

std::string blockRangeHeader(int64_t index, int64_t block_size) {
  int64_t first = index * block_size;
  return fmt::format("bytes={}-{}", first, blockLast(first, block_size));
}

BlockPiece pieceOfBlock(int64_t index, int64_t block_size, int64_t first, int64_t last) {
  int64_t block_first = index * block_size;
  int64_t block_last = blockLast(block_first, block_size);
  int64_t from = std::max(first, block_first);
  int64_t to = std::min(last, block_last);
  return BlockPiece{from - block_first, std::max<int64_t>(0, to - from + 1)};
}

BlockFetch classifyBlockResponse(unsigned status, std::string_view content_range, int64_t index,
                                 int64_t block_size, int64_t body_size,
                                 std::optional<int64_t>& complete_length) {
  if (status == 200) return BlockFetch::kWhole;
  if (status != 206) return BlockFetch::kMismatch;
  auto cr = parseContentRange(content_range);
  if (!cr || !cr->complete_length) return BlockFetch::kMismatch;
  int64_t first = index * block_size;
  // The last block ends at the representation's end; every other block is full.
  int64_t last = first + std::min(block_size, *cr->complete_length - first) - 1;
  if (cr->first != first || cr->last != last || body_size != last - first + 1) {
    return BlockFetch::kMismatch;
  }
  complete_length = cr->complete_length;
  return BlockFetch::kBlock;
}

bool sameRepresentation(const CachedObject& a, const CachedObject& b) {
  if (a.complete_length != b.complete_length) return false;
  bool a_strong = isValidEtag(a.etag) && !isWeakEtag(a.etag);
  bool b_strong = isValidEtag(b.etag) && !isWeakEtag(b.etag);
  if (a_strong || b_strong) return strongEtagMatch(a.etag, b.etag);
  return a.last_modified && b.last_modified && *a.last_modified == *b.last_modified;
}

}  // namespace cirrus::cache
