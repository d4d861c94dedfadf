// Byte ranges for the cache (RFC 9110 §14): the client's Range and If-Range, the 206 / 416
// decision, Content-Range text, and the block arithmetic of slicing (spec §5 slice.size):
// which aligned blocks cover a range, what to ask the origin for each block, and whether
// blocks may be stitched together (only when they come from one representation).
//
// Decision: only a single byte range is served as 206. Multiple ranges, other units and
// malformed values are answered with the full 200 response, which RFC 9110 §14.2 allows (a
// server MAY ignore Range); multipart/byteranges is rare and a known amplification vector.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::cache {

struct CachedObject;

enum class RangeKind {
  kNone,     // no Range field
  kSingle,   // one bytes range: serve 206 if satisfiable
  kIgnored,  // multiple ranges, another unit or malformed: serve the full 200
};

struct RangeRequest {
  RangeKind kind = RangeKind::kNone;
  std::optional<int64_t> first;  // absent for a suffix range
  std::optional<int64_t> last;   // absent for "a-"
  int64_t suffix_length = 0;     // "-n"
};

/// Parses the Range field value ("" when absent).
RangeRequest parseRange(std::string_view value);

enum class RangeAnswer { kFull, kPartial, kNotSatisfiable };

struct RangePlan {
  RangeAnswer answer = RangeAnswer::kFull;
  int64_t first = 0;  // kPartial: inclusive byte positions
  int64_t last = 0;
  int64_t length() const { return last - first + 1; }
};

/// 206 with the clamped positions, 416, or 200. `if_range_ok`: ifRangeAllows(); when false the
/// full representation is sent (§13.1.5). A zero-length representation is always sent full.
RangePlan planRange(const RangeRequest& range, int64_t complete_length, bool if_range_ok = true);

/// RFC 9110 §13.1.5: true when If-Range is absent, or names the stored representation: a
/// strong ETag equal to `etag`, or an HTTP-date equal to a strong Last-Modified (at least one
/// second before Date). A weak tag never matches.
bool ifRangeAllows(std::string_view if_range, std::string_view etag,
                   std::optional<int64_t> last_modified, std::optional<int64_t> date);

/// The head (as CachedObject::head: no blank line) of the answer to a ranged request from a
/// stored object or from slice blocks whose first block is `source`: its fields with
/// Content-Length and Content-Range replaced, and status 200 (kFull, the whole representation
/// of `complete_length` bytes), 206 with Content-Range (kPartial) or 416 with
/// "Content-Range: bytes */len" and an empty body (kNotSatisfiable).
std::string rangeResponseHead(const CachedObject& source, const RangePlan& plan,
                              int64_t complete_length);

/// "bytes a-b/len" (len "*" when unknown) and "bytes */len" for a 416.
std::string formatContentRange(int64_t first, int64_t last, std::optional<int64_t> complete);
std::string formatUnsatisfiedRange(int64_t complete_length);

// Slicing. Block i covers bytes [i*size, (i+1)*size - 1]; block_size > 0 (a power of two from
// model/, though nothing here needs that).

struct BlockSpan {
  int64_t first_index = 0;
  int64_t last_index = 0;
  int64_t count() const { return last_index - first_index + 1; }
};

/// The blocks covering bytes first..last. Prereq: 0 <= first <= last.
BlockSpan blocksCovering(int64_t first, int64_t last, int64_t block_size);

/// The Range to send the origin for block `index` ("bytes=a-b").
std::string blockRangeHeader(int64_t index, int64_t block_size);

/// Which bytes of block `index` a client range needs: offset into the block's body and length.
/// Prereq: the block is within blocksCovering(first, last).
struct BlockPiece {
  int64_t offset = 0;
  int64_t length = 0;
};
BlockPiece pieceOfBlock(int64_t index, int64_t block_size, int64_t first, int64_t last);

enum class BlockFetch {
  kBlock,     // a 206 carrying exactly the requested block (the last one may be short)
  kWhole,     // a 200: the origin ignored Range; the edge serves it and does not slice it
  kMismatch,  // a 206 for other bytes, or without a usable Content-Range: discard, 502
};

/// Classifies the origin's answer to blockRangeHeader(index, block_size). For kBlock,
/// `complete_length` receives the representation length when the origin stated it.
BlockFetch classifyBlockResponse(unsigned status, std::string_view content_range, int64_t index,
                                 int64_t block_size, int64_t body_size,
                                 std::optional<int64_t>& complete_length);

/// May two stored blocks be served together? Only when they are the same representation: equal
/// complete lengths and a strong ETag match; without strong ETags, equal Last-Modified values
/// (both present); with no validator at all, never (a changed file of the same length would
/// otherwise be stitched from two versions). On false, refetch the mismatching blocks.
bool sameRepresentation(const CachedObject& a, const CachedObject& b);

}  // namespace cirrus::cache
