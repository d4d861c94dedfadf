// Answers from a stored object (RFC 9111 §4, RFC 9110 §13, §14): the client's conditionals
// (304 / 412), one byte range (206 / 416, If-Range), HEAD, and the per-response Age,
// Cache-Status, X-Cache and Connection fields after the pre-serialised head; plus the short
// answers of the cache path itself (412, only-if-cached 504).
#include <array>
#include <string>

#include <boost/asio/buffer.hpp>

#include "cache/range.h"
#include "cache/revalidation.h"
#include "edge/client_connection.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

std::string_view reasonPhrase(unsigned status) {
  switch (status) {
    case 412:
      return "Precondition Failed";
    case 504:
      return "Gateway Timeout";
    default:
      return "Error";
  }
}

}  // namespace

RequestOutcome ClientConnection::cacheAnswerOutcome(const RequestHead& head,
                                                    const cache::CacheOutcome& co,
                                                    unsigned status) const {
  RequestOutcome o;
  o.source = ResponseSource::kCache;
  o.cache_phase = co.phase;
  o.status = status;
  o.close = !head.keep_alive || ctx_.draining;
  return o;
}

void ClientConnection::buildCacheSuffix(const RequestHead& head, std::optional<int64_t> age,
                                        const cache::CacheOutcome& co, bool close) {
  cache_suffix_.clear();
  // RFC 9110 §7.6.3: a cached answer names this hop too, as the miss that stored it did; a
  // second Via line after a stored one continues the same list in order (§5.3).
  cache_suffix_ += "Via: 1.1 cirrus\r\n";
  cache::appendCacheFields(cache_suffix_, age, co);
  if (close) {
    cache_suffix_ += "Connection: close\r\n";
  } else if (head.version_minor == 0) {
    cache_suffix_ += "Connection: keep-alive\r\n";
  }
  cache_suffix_ += "\r\n";
}

bool ClientConnection::prepareStored(const RequestHead& head, const cache::CachedObject& obj,
                                     const cache::CacheOutcome& co, int64_t age, RequestOutcome& o,
                                     HitAnswer& answer) {
  o = cacheAnswerOutcome(head, co, obj.status);
  cache::HeaderSpan fields(head.fields.data(), head.fields.size());
  answer.head = obj.head;
  answer.body = obj.body ? obj.body->view() : std::string_view();
  answer.body_fd = obj.body ? obj.body->fd() : -1;
  answer.body_offset = 0;
  switch (cache::evaluateConditionals(head.method, fields, obj)) {
    case cache::ClientConditional::kNotModified:
      cache_head_ = cache::notModifiedHead(obj);
      answer.head = cache_head_;
      answer.body = {};
      o.status = 304;
      break;
    case cache::ClientConditional::kPreconditionFailed:
      return false;
    case cache::ClientConditional::kNone: {
      std::string_view range = head.field("range");
      if (range.empty() || obj.status != 200) break;
      cache::RangeRequest rr = cache::parseRange(range);
      if (rr.kind != cache::RangeKind::kSingle) break;
      bool if_range_ok =
          cache::ifRangeAllows(head.field("if-range"), obj.etag, obj.last_modified, obj.times.date);
      auto size = static_cast<int64_t>(answer.body.size());
      cache::RangePlan plan = cache::planRange(rr, size, if_range_ok);
      if (plan.answer == cache::RangeAnswer::kFull) break;
      cache_head_ = cache::rangeResponseHead(obj, plan, size);
      answer.head = cache_head_;
      if (plan.answer == cache::RangeAnswer::kPartial) {
        o.status = 206;
        answer.body =
            answer.body.substr(static_cast<size_t>(plan.first), static_cast<size_t>(plan.length()));
        answer.body_offset = plan.first;
      } else {
        o.status = 416;
        answer.body = {};
      }
      break;
    }
  }
  buildCacheSuffix(head, age, co, o.close);
  if (head.method == "HEAD") answer.body = {};
  o.body_bytes = answer.body.size();
  return true;
}

asio::awaitable<bool> ClientConnection::writeHit(const HitAnswer& answer) {
  if (answer.body_fd < 0 || answer.body.empty() || transport_->isTls()) {
    // The common small hit: one gathered write, without the file path's two coroutine frames.
    std::array<asio::const_buffer, 3> b{asio::buffer(answer.head), asio::buffer(cache_suffix_),
                                        asio::buffer(answer.body.data(), answer.body.size())};
    co_return co_await writeClient(b);
  }
  std::array<asio::const_buffer, 2> head{asio::buffer(answer.head), asio::buffer(cache_suffix_)};
  transport_->setDeadline(ctx_.options.send_timeout);
  auto ec = co_await transport_->writeAllThenBody(
      head, FileBytes{answer.body, answer.body_fd, answer.body_offset});
  transport_->clearDeadline();
  co_return !ec;
}

asio::awaitable<RequestOutcome> ClientConnection::serveStored(const RequestHead& head,
                                                              const cache::CachedObject& obj,
                                                              const cache::CacheOutcome& co,
                                                              int64_t age) {
  consumeHead(head);
  RequestOutcome o;
  HitAnswer answer;
  if (!prepareStored(head, obj, co, age, o, answer)) {
    co_return co_await answerSimple(head, 412, "precondition failed", co);
  }
  if (!co_await writeHit(answer)) o.close = true;
  co_return o;
}

asio::awaitable<RequestOutcome> ClientConnection::answerSimple(const RequestHead& head,
                                                               unsigned status,
                                                               std::string_view body,
                                                               const cache::CacheOutcome& co) {
  consumeHead(head);
  RequestOutcome o = cacheAnswerOutcome(head, co, status);
  cache_head_.clear();
  cache_head_ += "HTTP/1.1 ";
  cache_head_ += std::to_string(status);
  cache_head_ += ' ';
  cache_head_ += reasonPhrase(status);
  cache_head_ += "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
  cache_head_ += std::to_string(body.size() + 1);
  cache_head_ += "\r\n";
  cache::appendCacheFields(cache_head_, std::nullopt, co);
  if (o.close) cache_head_ += "Connection: close\r\n";
  cache_head_ += "\r\n";
  o.body_bytes = body.size() + 1;
  std::array<asio::const_buffer, 3> b{asio::buffer(cache_head_), asio::buffer(body),
                                      asio::buffer("\n", 1)};
  if (!co_await writeClient(b)) o.close = true;
  co_return o;
}

}  // namespace cirrus::edge
