// libFuzzer target: the edge's chunked decoder, fed in pieces whose sizes come from the
// input; checks the returned views and the byte accounting. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "edge/chunked_decoder.h"

using cirrus::edge::ChunkedDecoder;
using cirrus::edge::ChunkedLimits;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t piece = (data[0] % 16) + 1;
  std::string_view all(reinterpret_cast<const char*>(data + 1), size - 1);
  ChunkedLimits limits;
  limits.max_line = 64;
  limits.max_trailer_bytes = 128;
  ChunkedDecoder decoder(limits);
  uint64_t data_bytes = 0;
  size_t offset = 0;  // first byte not yet consumed
  size_t fed = 0;     // bytes made available so far
  for (size_t rounds = 0; rounds < all.size() + 2; ++rounds) {
    fed = std::min(all.size(), fed + piece);
    std::string_view in = all.substr(offset, fed - offset);
    for (int steps = 0; steps < 1 << 16; ++steps) {
      auto step = decoder.decode(in);
      if (step.consumed > in.size()) std::abort();
      if (step.status == ChunkedDecoder::Status::kData) {
        if (step.data.empty() || step.data.data() < in.data() ||
            step.data.data() + step.data.size() > in.data() + step.consumed)
          std::abort();
        data_bytes += step.data.size();
      }
      in.remove_prefix(step.consumed);
      offset += step.consumed;
      if (step.status == ChunkedDecoder::Status::kDone ||
          step.status == ChunkedDecoder::Status::kError) {
        if (data_bytes != decoder.bodyBytes()) std::abort();
        return 0;
      }
      if (step.status == ChunkedDecoder::Status::kNeedMore) {
        if (!in.empty()) std::abort();
        break;
      }
    }
    if (fed == all.size()) break;
  }
  return 0;
}
