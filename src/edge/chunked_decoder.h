// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1): fed whatever bytes
// arrived, it hands back the chunk data as views of the input (zero-copy) and rejects invalid
// chunk sizes, overflow, bare LF and oversized extensions or trailers. Trailer fields are
// validated and dropped (the edge does not forward them). Pure code, fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cirrus::edge {

struct ChunkedLimits {
  size_t max_line = 4096;           // a chunk-size line with its extensions
  size_t max_trailer_bytes = 8192;  // all trailer lines together
  uint64_t max_chunk_size = uint64_t{1} << 40;
};

class ChunkedDecoder {
 public:
  enum class Status {
    kData,      // `data` holds chunk bytes (a view of the input)
    kNeedMore,  // every input byte was consumed; feed more
    kDone,      // the last chunk and trailers are complete; `consumed` ends the body
    kError,     // malformed; the message cannot be delimited: close the connection
  };
  struct Step {
    Status status = Status::kNeedMore;
    size_t consumed = 0;    // input bytes used by this step (also with kData and kDone)
    std::string_view data;  // kData only
  };

  explicit ChunkedDecoder(ChunkedLimits limits = {}) : limits_(limits) {}

  /// Decodes from the start of `in`. Call again with the unconsumed rest (in.substr(consumed))
  /// until kNeedMore (then read more), kDone or kError. A step never returns kData with an
  /// empty view; at most one chunk's (partial) data is returned per step.
  Step decode(std::string_view in);

  bool done() const { return state_ == State::kDone; }
  void reset() { *this = ChunkedDecoder(limits_); }
  /// Data bytes decoded so far.
  uint64_t bodyBytes() const { return body_bytes_; }

 private:
  enum class State {
    kSize,       // hex digits of the chunk size
    kSizeWs,     // BWS after the size, before ';' or CR
    kExtension,  // after ';' up to CR
    kSizeLf,     // CR seen, LF expected
    kData,       // chunk data, remaining_ bytes left
    kDataCr,     // CRLF after chunk data
    kDataLf,
    kTrailerStart,  // at the start of a trailer line (or the final empty line)
    kTrailerLine,   // inside a trailer field line
    kTrailerLf,     // CR seen inside/after a trailer line
    kFinalLf,       // CR of the final empty line seen
    kDone,
    kError,
  };

  ChunkedLimits limits_;
  State state_ = State::kSize;
  uint64_t remaining_ = 0;
  size_t size_digits_ = 0;
  size_t line_bytes_ = 0;
  size_t trailer_bytes_ = 0;
  bool trailer_line_has_colon_ = false;
  uint64_t body_bytes_ = 0;
};

}  // namespace cirrus::edge
