// libFuzzer target: the edge's strict request-head parser, fed whole and split in two (the
// incremental path must agree with the one-shot parse). See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "edge/request_parser.h"

using cirrus::edge::RequestHead;
using cirrus::edge::RequestLimits;
using cirrus::edge::RequestParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  RequestLimits limits;
  limits.max_request_line = 256;
  limits.max_header_bytes = 1024;
  RequestParser whole(limits);
  RequestHead a;
  auto sa = whole.parse(in, a);
  if (sa == RequestParser::Status::kComplete) {
    if (a.head_bytes > in.size() || a.method.empty() || a.target.empty()) std::abort();
    for (const auto& f : a.fields) {
      if (f.name.data() < in.data() || f.name.data() + f.name.size() > in.data() + in.size())
        std::abort();
    }
  }
  RequestParser split(limits);
  RequestHead b;
  size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  auto sb = split.parse(in.substr(0, cut), b);
  if (sb == RequestParser::Status::kIncomplete) sb = split.parse(in, b);
  // A prefix may already be rejected (414/431 early), otherwise both paths must agree.
  if (sb != RequestParser::Status::kError && sb != sa) std::abort();
  if (sa == RequestParser::Status::kComplete && sb == sa && a.head_bytes != b.head_bytes)
    std::abort();
  return 0;
}
