#include "core/error.h"

namespace cirrus {

std::string_view toString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "bad request";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kProtocol:
      return "protocol error";
    case ErrorCode::kRedisReply:
      return "redis error";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string_view toString(ErrorSource source) {
  switch (source) {
    case ErrorSource::kDownstream:
      return "downstream";
    case ErrorSource::kUpstream:
      return "upstream";
    case ErrorSource::kInternal:
      return "internal";
    case ErrorSource::kStore:
      return "store";
  }
  return "unknown";
}

std::string Error::message() const {
  std::string out;
  out.reserve(context_.size() + 32);
  out.append(toString(source_));
  out.push_back(' ');
  out.append(toString(code_));
  if (!context_.empty()) {
    out.append(": ");
    out.append(context_);
  }
  return out;
}

Error Error::because(std::string_view what) const {
  std::string ctx(what);
  if (!context_.empty()) {
    ctx.append(": ");
    ctx.append(context_);
  }
  return Error(code_, source_, retryable_, std::move(ctx));
}

Error badRequest(std::string c) {
  return {ErrorCode::kBadRequest, ErrorSource::kDownstream, false, std::move(c)};
}
Error notFound(std::string c) {
  return {ErrorCode::kNotFound, ErrorSource::kStore, false, std::move(c)};
}
Error conflict(std::string c) {
  return {ErrorCode::kConflict, ErrorSource::kStore, false, std::move(c)};
}
Error storeUnavailable(std::string c) {
  return {ErrorCode::kUnavailable, ErrorSource::kStore, true, std::move(c)};
}
Error storeTimeout(std::string c) {
  return {ErrorCode::kTimeout, ErrorSource::kStore, true, std::move(c)};
}
Error storeProtocol(std::string c) {
  return {ErrorCode::kProtocol, ErrorSource::kStore, false, std::move(c)};
}
Error redisReplyError(std::string c) {
  return {ErrorCode::kRedisReply, ErrorSource::kStore, false, std::move(c)};
}
Error upstreamUnavailable(std::string c) {
  return {ErrorCode::kUnavailable, ErrorSource::kUpstream, true, std::move(c)};
}
Error upstreamTimeout(std::string c) {
  return {ErrorCode::kTimeout, ErrorSource::kUpstream, true, std::move(c)};
}
Error upstreamProtocol(std::string c) {
  return {ErrorCode::kProtocol, ErrorSource::kUpstream, false, std::move(c)};
}
Error internalError(std::string c) {
  return {ErrorCode::kInternal, ErrorSource::kInternal, false, std::move(c)};
}

}  // namespace cirrus
