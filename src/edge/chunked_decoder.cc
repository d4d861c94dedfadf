#include "edge/chunked_decoder.h"

#include <algorithm>

#include "edge/http1_syntax.h"

namespace cirrus::edge {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ChunkedDecoder::Step ChunkedDecoder::decode(std::string_view in) {
  Step step;
  size_t i = 0;
  auto fail = [&] {
    state_ = State::kError;
    step.status = Status::kError;
    step.consumed = i;
    return step;
  };
  if (state_ == State::kError) return fail();
  if (state_ == State::kDone) {
    step.status = Status::kDone;
    return step;
  }
  while (i < in.size()) {
    char c = in[i];
    switch (state_) {
      case State::kSize: {
        int h = hexValue(c);
        if (h >= 0) {
          // chunk-size = 1*HEXDIG; 16 digits would already overflow the limit check below.
          if (++size_digits_ > 15) return fail();
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(h);
          if (remaining_ > limits_.max_chunk_size) return fail();
        } else if (size_digits_ == 0) {
          return fail();  // "", "-1", " 5", "0x5"
        } else if (c == ' ' || c == '\t') {
          state_ = State::kSizeWs;
        } else if (c == ';') {
          state_ = State::kExtension;
        } else if (c == '\r') {
          state_ = State::kSizeLf;
        } else {
          return fail();  // "5z", bare LF
        }
        break;
      }
      case State::kSizeWs:
        // RFC 9112 §7.1.1: BWS is only allowed before a chunk extension.
        if (c == ';') {
          state_ = State::kExtension;
        } else if (c != ' ' && c != '\t') {
          return fail();
        }
        break;
      case State::kExtension:
        if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (c == '\n' || (!syntax::isFieldValueChar(static_cast<unsigned char>(c)))) {
          return fail();
        }
        break;
      case State::kSizeLf:
        if (c != '\n') return fail();
        line_bytes_ = 0;
        size_digits_ = 0;
        state_ = remaining_ == 0 ? State::kTrailerStart : State::kData;
        ++i;
        continue;
      case State::kData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - i));
        step.status = Status::kData;
        step.data = in.substr(i, n);
        remaining_ -= n;
        body_bytes_ += n;
        if (remaining_ == 0) state_ = State::kDataCr;
        step.consumed = i + n;
        return step;
      }
      case State::kDataCr:
        if (c != '\r') return fail();
        state_ = State::kDataLf;
        break;
      case State::kDataLf:
        if (c != '\n') return fail();
        state_ = State::kSize;
        ++i;
        continue;
      case State::kTrailerStart:
        if (c == '\r') {
          state_ = State::kFinalLf;
        } else if (c == ' ' || c == '\t' || c == ':' ||
                   !syntax::isTchar(static_cast<unsigned char>(c))) {
          return fail();  // obs-fold, empty name or bare LF
        } else {
          state_ = State::kTrailerLine;
          trailer_line_has_colon_ = false;
        }
        break;
      case State::kTrailerLine:
        if (c == '\r') {
          if (!trailer_line_has_colon_) return fail();
          state_ = State::kTrailerLf;
        } else if (!trailer_line_has_colon_) {
          if (c == ':') {
            trailer_line_has_colon_ = true;
          } else if (!syntax::isTchar(static_cast<unsigned char>(c))) {
            return fail();  // whitespace before the colon, or junk in the name
          }
        } else if (!syntax::isFieldValueChar(static_cast<unsigned char>(c))) {
          return fail();
        }
        break;
      case State::kTrailerLf:
        if (c != '\n') return fail();
        state_ = State::kTrailerStart;
        ++i;
        continue;
      case State::kFinalLf:
        if (c != '\n') return fail();
        state_ = State::kDone;
        step.status = Status::kDone;
        step.consumed = i + 1;
        return step;
      case State::kDone:
      case State::kError:
        return fail();
    }
    ++i;
    // Bound the size line and the trailer section (the data state returns above).
    if (state_ == State::kSize || state_ == State::kSizeWs || state_ == State::kExtension ||
        state_ == State::kSizeLf) {
      if (++line_bytes_ > limits_.max_line) return fail();
    } else if (state_ >= State::kTrailerStart) {
      if (++trailer_bytes_ > limits_.max_trailer_bytes) return fail();
    }
  }
  step.status = Status::kNeedMore;
  step.consumed = i;
  return step;
}

}  // namespace cirrus::edge
