#include "core/redis_protocol.h"

#include <hiredis/hiredis.h>

#include <cstdlib>
#include <new>

#include <fmt/format.h>

namespace cirrus::redis {
namespace {

Reply convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      return Reply::string(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS:
      return Reply::status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR:
      return Reply::error(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER:
      return Reply::integer(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) elements.push_back(convert(r->element[i]));
      return Reply::array(std::move(elements));
    }
    default:
      return Reply::nil();
  }
}

Error readerError(const redisReader* r) {
  return storeProtocol(fmt::format("cannot parse the reply from Redis: {}", r->errstr));
}

}  // namespace

void appendCommand(std::string& out, const Command& argv) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  char* formatted = nullptr;
  int n =
      redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  // hiredis fails only when malloc does; there is nothing better to do than the usual OOM.
  if (n < 0 || formatted == nullptr) throw std::bad_alloc();
  out.append(formatted, static_cast<size_t>(n));
  redisFreeCommand(formatted);
}

void ReplyReader::ReaderFree::operator()(redisReader* r) const {
  redisReaderFree(r);
}

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() = default;

Result<void> ReplyReader::feed(std::string_view bytes) {
  if (reader_->err) return readerError(reader_.get());
  if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK) {
    return readerError(reader_.get());
  }
  return ok();
}

Result<std::optional<Reply>> ReplyReader::next() {
  if (reader_->err) return readerError(reader_.get());
  void* raw = nullptr;
  if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return readerError(reader_.get());
  if (raw == nullptr) return std::optional<Reply>();
  auto* reply = static_cast<redisReply*>(raw);
  std::optional<Reply> out(convert(reply));
  freeReplyObject(reply);
  return out;
}

}  // namespace cirrus::redis
