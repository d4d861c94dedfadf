// Micro-benchmark: the edge's strict request parser against Boost.Beast's request_parser
// (with an empty_body, its cheapest form) on the same requests. Prints ns/request; for
// repeatable numbers on a noisy machine run it under callgrind (see README.md).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "edge/request_parser.h"

namespace http = boost::beast::http;

namespace {

const std::vector<std::string> kRequests = {
    "GET /obj/1k.bin HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: wrk\r\n\r\n",
    "GET /static/app.js?v=123 HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Mozilla/5.0 "
    "(X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
    "Accept: */*\r\nAccept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\n"
    "Referer: https://www.example.com/\r\nCookie: session=abcdef0123456789; theme=dark\r\n"
    "Connection: keep-alive\r\n\r\n",
};

size_t runEdge(const std::string& req, int iterations) {
  size_t sink = 0;
  cirrus::edge::RequestParser parser;
  cirrus::edge::RequestHead head;
  for (int i = 0; i < iterations; ++i) {
    parser.reset();
    parser.parse(req, head);
    sink += head.fields.size() + head.target.size();
  }
  return sink;
}

size_t runBeast(const std::string& req, int iterations) {
  size_t sink = 0;
  for (int i = 0; i < iterations; ++i) {
    http::request_parser<http::empty_body> parser;
    parser.eager(false);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(req), ec);
    sink += parser.get().target().size() + static_cast<size_t>(parser.is_header_done());
  }
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  std::string which = argc > 2 ? argv[2] : "both";
  for (size_t r = 0; r < kRequests.size(); ++r) {
    for (const char* name : {"edge", "beast"}) {
      if (which != "both" && which != name) continue;
      auto start = std::chrono::steady_clock::now();
      size_t sink = std::string(name) == "edge" ? runEdge(kRequests[r], iterations)
                                                : runBeast(kRequests[r], iterations);
      double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
                      .count() /
                  iterations;
      std::printf("request %zu (%zu bytes) %-5s %8.1f ns/req (sink %zu)\n", r, kRequests[r].size(),
                  name, ns, sink);
    }
  }
}
