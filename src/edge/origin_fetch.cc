#include "edge/origin_fetch.h"

#include <array>

#include <boost/asio/buffer.hpp>

#include "edge/chunked_decoder.h"
#include "edge/response_head_parser.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;

std::vector<cache::HeaderField> FetchedResponse::views() const {
  std::vector<cache::HeaderField> out;
  out.reserve(fields.size());
  for (const auto& f : fields) out.push_back({f.name, f.value});
  return out;
}

namespace {

constexpr size_t kReadChunk = 64 * 1024;

// The head is kept, the body dropped; the connection is not reused (its body is unread).
FetchedResponse tooLarge(FetchedResponse out) {
  out.body.clear();
  out.too_large = true;
  return out;
}

// One exchange on one connection. `reusable` tells whether the connection may go back to the
// pool afterwards.
asio::awaitable<Result<FetchedResponse>> exchangeBuffered(WorkerContext& ctx, Transport& t,
                                                          const std::string& head, size_t max_body,
                                                          bool& reusable) {
  reusable = false;
  t.setDeadline(ctx.options.origin_read_timeout);
  std::array<asio::const_buffer, 1> hb{asio::buffer(head)};
  if (auto ec = co_await t.writeAll(hb)) co_return upstreamUnavailable("origin write failed");
  std::string buf;
  ResponseHeadParser parser;
  ResponseHead rh;
  size_t start = 0;
  auto readMore = [&]() -> asio::awaitable<std::pair<bool, bool>> {
    size_t old = buf.size();
    buf.resize(old + kReadChunk);
    t.setDeadline(ctx.options.origin_read_timeout);
    auto [ec, n] = co_await t.readSome(asio::buffer(buf.data() + old, kReadChunk));
    buf.resize(old + n);
    if (ec == asio::error::eof || (!ec && n == 0)) co_return std::pair{true, true};
    co_return std::pair{!ec, false};
  };
  while (true) {
    if (buf.size() > start) {
      auto st = parser.parse(std::string_view(buf).substr(start), false, rh);
      if (st == ResponseHeadParser::Status::kError) co_return upstreamProtocol("bad response");
      if (st == ResponseHeadParser::Status::kComplete) {
        if (rh.status >= 200) break;
        start += rh.head_bytes;  // 1xx interim response
        parser.reset();
        continue;
      }
    }
    if (buf.size() - start > 64 * 1024) co_return upstreamProtocol("response head too large");
    auto [ok, eof] = co_await readMore();
    if (!ok) co_return t.timedOut() ? upstreamTimeout("origin") : upstreamUnavailable("read");
    if (eof) co_return upstreamUnavailable("origin closed the connection");
  }
  FetchedResponse out;
  out.status = rh.status;
  out.reason.assign(rh.reason);
  for (const auto& f : rh.fields) out.fields.push_back({std::string(f.name), std::string(f.value)});
  size_t body_start = start + rh.head_bytes;
  if (rh.bodyPending(buf.size() - body_start)) t.quickAck();
  bool keep_alive = rh.keep_alive;
  switch (rh.framing) {
    case BodyFraming::kNone:
      reusable = keep_alive && buf.size() == body_start;
      co_return out;
    case BodyFraming::kContentLength: {
      if (rh.content_length > max_body) co_return tooLarge(std::move(out));
      while (buf.size() - body_start < rh.content_length) {
        auto [ok, eof] = co_await readMore();
        if (!ok || eof) co_return upstreamUnavailable("short body");
      }
      out.body.assign(buf, body_start, rh.content_length);
      reusable = keep_alive && buf.size() == body_start + rh.content_length;
      co_return out;
    }
    case BodyFraming::kChunked: {
      ChunkedDecoder decoder(ctx.options.chunked_limits);
      size_t pos = body_start;
      while (true) {
        auto step = decoder.decode(std::string_view(buf).substr(pos));
        pos += step.consumed;
        if (step.status == ChunkedDecoder::Status::kData) {
          out.body.append(step.data);
          if (out.body.size() > max_body) co_return tooLarge(std::move(out));
          continue;
        }
        if (step.status == ChunkedDecoder::Status::kError) co_return upstreamProtocol("chunks");
        if (step.status == ChunkedDecoder::Status::kDone) {
          reusable = keep_alive && pos == buf.size();
          co_return out;
        }
        buf.erase(0, pos);  // keep the buffer small: decoded bytes are in out.body
        pos = 0;
        auto [ok, eof] = co_await readMore();
        if (!ok || eof) co_return upstreamUnavailable("short body");
      }
    }
    case BodyFraming::kUntilClose: {
      out.body.assign(buf, body_start);
      while (true) {
        buf.clear();
        auto [ok, eof] = co_await readMore();
        if (!ok) co_return upstreamUnavailable("short body");
        out.body.append(buf);
        if (out.body.size() > max_body) co_return tooLarge(std::move(out));
        if (eof) co_return out;
      }
    }
  }
  co_return upstreamProtocol("unknown framing");
}

}  // namespace

asio::awaitable<Result<FetchedResponse>> fetchBuffered(WorkerContext& ctx,
                                                       const std::vector<model::Origin>& origins,
                                                       const std::string& head, size_t max_body) {
  Error last = upstreamUnavailable("no origin");
  for (const auto& origin : origins) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto conn = co_await ctx.pool.acquire(origin, attempt == 0);
      if (!conn) {
        last = conn.error();
        break;  // next origin
      }
      bool reusable = false;
      auto r = co_await exchangeBuffered(ctx, *conn->transport, head, max_body, reusable);
      if (r) {
        if (reusable) ctx.pool.release(std::move(*conn));
        co_return r;
      }
      last = r.error();
      if (!conn->reused) co_return last;  // a fresh connection failed: the origin answered badly
    }
  }
  co_return last;
}

}  // namespace cirrus::edge
