// libFuzzer target for the cache's header-value parsers (src/cache): Cache-Control and
// CDN-Cache-Control, Range with its 206/416 plan and slice blocks, Content-Range, entity tags
// and If-None-Match lists, If-Range, HTTP-dates and Age. The input is split at '\n' into field
// values; the first 8 bytes also give a representation length. Checks: every parser is total
// and deterministic, views stay inside their field, a planned range lies within the
// representation, and the blocks slicing fetches for it cover exactly it and are recognised
// when the origin answers them. See tests/fuzz/README.md.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_control.h"
#include "cache/cached_object.h"
#include "cache/entity_tag.h"
#include "cache/freshness.h"
#include "cache/header_field.h"
#include "cache/range.h"
#include "core/http_date.h"

namespace {

using namespace cirrus::cache;

[[noreturn]] void fail() {
  __builtin_trap();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

bool sameDirectives(const CacheControl& a, const CacheControl& b) {
  return a.max_age == b.max_age && a.s_maxage == b.s_maxage && a.no_store == b.no_store &&
         a.no_cache == b.no_cache && a.no_cache_fields == b.no_cache_fields &&
         a.is_private == b.is_private && a.private_fields == b.private_fields &&
         a.is_public == b.is_public && a.must_revalidate == b.must_revalidate &&
         a.proxy_revalidate == b.proxy_revalidate && a.no_transform == b.no_transform &&
         a.immutable == b.immutable && a.must_understand == b.must_understand &&
         a.stale_while_revalidate == b.stale_while_revalidate &&
         a.stale_if_error == b.stale_if_error && a.max_stale == b.max_stale &&
         a.min_fresh == b.min_fresh && a.only_if_cached == b.only_if_cached &&
         a.invalid_freshness == b.invalid_freshness && a.present == b.present;
}

void checkDelta(const std::optional<int64_t>& v) {
  if (v && (*v < 0 || *v > kDeltaSecondsMax)) fail();
}

void checkCacheControl(std::string_view value) {
  CacheControl cc = parseCacheControlValue(value);
  if (!sameDirectives(cc, parseCacheControlValue(value))) fail();
  HeaderField line{"cache-control", value};
  if (!sameDirectives(cc, parseCacheControl(HeaderSpan(&line, 1), "Cache-Control"))) fail();
  for (const auto& v : {cc.max_age, cc.s_maxage, cc.stale_while_revalidate, cc.stale_if_error,
                        cc.max_stale, cc.min_fresh}) {
    checkDelta(v);
  }
  if (!inside(cc.no_cache_fields, value) || !inside(cc.private_fields, value)) fail();
  if (cc.present != (value.find_first_not_of(" \t,") != std::string_view::npos)) fail();
  forEachQualifiedField(cc, [&](std::string_view f) {
    if (f.empty() || !inside(f, value)) fail();
  });
  // CDN-Cache-Control beside it wins when present (RFC 9213 §2.1).
  HeaderField both[] = {{"Cache-Control", "max-age=5"}, {"CDN-Cache-Control", value}};
  CacheControl eff = effectiveResponseCacheControl(both);
  if (eff.targeted != cc.present) fail();
  if (cc.present && !sameDirectives(eff, cc)) fail();
  // Storability and freshness accept any directives.
  StorabilityInput in;
  in.method = "GET";
  in.status = 200;
  in.response_cc = &cc;
  in.request_cc = &cc;
  (void)checkStorable(in);
  FreshnessInput f;
  f.cc = &cc;
  f.status = 200;
  f.response_time = 1700000000;
  if (freshnessLifetime(f) < 0) fail();
  StoredPolicy policy = makeStoredPolicy(cc, freshnessLifetime(f));
  ResponseTimes times{1700000000, 1700000001, 1700000000, 0};
  (void)decideReuse(policy, times, 0, cc, 1700000100);
  (void)canServeStaleOnError(policy, times, 0, cc, 1700000100);
}

void checkEtags(std::string_view a, std::string_view b) {
  bool valid = isValidEtag(a);
  if (!valid && (!opaqueTag(a).empty() || isWeakEtag(a))) fail();
  if (!inside(opaqueTag(a), a)) fail();
  if (strongEtagMatch(a, a) != (valid && !isWeakEtag(a))) fail();
  if (weakEtagMatch(a, a) != valid) fail();
  if (strongEtagMatch(a, b) != strongEtagMatch(b, a) || weakEtagMatch(a, b) != weakEtagMatch(b, a))
    fail();
  if (strongEtagMatch(a, b) && !weakEtagMatch(a, b)) fail();
  // A list naming the tag matches it (If-None-Match, RFC 9110 §13.1.2).
  if (valid && !noneMatchListMatches(a, a)) fail();
  // A list of two valid tags matches the second (quotes come in pairs; no escapes).
  std::string list = std::string(a) + ", " + std::string(b);
  if (valid && isValidEtag(b) && !noneMatchListMatches(list, b)) fail();
}

void checkDate(std::string_view text) {
  auto when = cirrus::parseHttpDate(text);
  if (when != cirrus::parseHttpDate(text)) fail();
  if (when && *when >= 0 && *when < 253402300800) {  // formatHttpDate: years 1970..9999
    if (cirrus::parseHttpDate(cirrus::formatHttpDate(*when)) != when) fail();
  }
}

void checkRange(std::string_view value, std::string_view if_range, std::string_view etag,
                int64_t length) {
  RangeRequest r = parseRange(value);
  RangeRequest again = parseRange(value);
  if (r.kind != again.kind || r.first != again.first || r.last != again.last ||
      r.suffix_length != again.suffix_length) {
    fail();
  }
  if (r.kind == RangeKind::kSingle) {
    if (r.first ? (*r.first < 0 || (r.last && *r.last < *r.first)) : r.suffix_length < 0) fail();
  }
  bool allowed = ifRangeAllows(if_range, etag, cirrus::parseHttpDate(if_range), std::nullopt);
  RangePlan plan = planRange(r, length, allowed);
  if (plan.answer != RangeAnswer::kFull && (r.kind != RangeKind::kSingle || length <= 0)) fail();
  if (plan.answer != RangeAnswer::kPartial) return;
  if (plan.first < 0 || plan.first > plan.last || plan.last >= length) fail();
  if (r.first && plan.first != *r.first) fail();
  auto cr = parseContentRange(formatContentRange(plan.first, plan.last, length));
  if (!cr || cr->first != plan.first || cr->last != plan.last || cr->complete_length != length)
    fail();
  // Slicing: the blocks covering the range give back exactly its bytes, and the origin's 206
  // for each block (as a conforming origin would write it) is recognised as that block.
  for (int64_t block_size = int64_t{64} * 1024; block_size <= int64_t{64} * 1024 * 1024;
       block_size *= 32) {
    BlockSpan span = blocksCovering(plan.first, plan.last, block_size);
    if (span.first_index > span.last_index) fail();
    std::vector<int64_t> indices;  // every block, or the first and last four of many
    for (int64_t k = 0; k < span.count(); ++k) {
      if (k == 4 && span.count() > 8) k = span.count() - 4;
      indices.push_back(span.first_index + k);
    }
    int64_t total = 0;
    for (int64_t index : indices) {
      BlockPiece piece = pieceOfBlock(index, block_size, plan.first, plan.last);
      if (piece.offset < 0 || piece.length <= 0 || piece.offset + piece.length > block_size) fail();
      total += piece.length;
      int64_t first = index * block_size;
      int64_t last = length - first <= block_size ? length - 1 : first + block_size - 1;
      std::optional<int64_t> complete;
      if (classifyBlockResponse(206, formatContentRange(first, last, length), index, block_size,
                                last - first + 1, complete) != BlockFetch::kBlock ||
          complete != length) {
        fail();
      }
      (void)blockRangeHeader(index, block_size);
    }
    if (span.count() <= 8 && total != plan.length()) fail();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int64_t length = 0;
  if (size >= 8) {
    uint64_t raw = 0;
    std::memcpy(&raw, data, 8);
    // Mostly small lengths, sometimes anything an origin's Content-Range can state.
    length = (raw >> 63) != 0 ? static_cast<int64_t>(raw & INT64_MAX)
                              : static_cast<int64_t>(raw % (int64_t{1} << 40));
  }
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  for (size_t start = 0; parts.size() < 6;) {
    size_t nl = in.find('\n', start);
    parts.push_back(in.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  parts.resize(6);
  for (std::string_view p : parts) checkCacheControl(p);
  checkEtags(parts[3], parts[4]);
  checkDate(parts[2]);
  checkRange(parts[1], parts[2], parts[3], length);
  auto cr = parseContentRange(parts[5]);
  if (cr && (cr->first < 0 || cr->last < cr->first ||
             (cr->complete_length && *cr->complete_length <= cr->last))) {
    fail();
  }
  std::vector<HeaderField> fields;
  for (std::string_view p : parts) fields.push_back({"Age", p});
  if (parseAgeValue(fields) < 0) fail();
  return 0;
}
