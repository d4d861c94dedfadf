// Error: the one error value of the Result layers (redis, store, acme, tasks) and of the
// hot paths after Asio's error_code has been converted once. The code decides the HTTP
// status; the source says whose fault it was; retryable says whether trying again may help.
#pragma once

#include <string>
#include <string_view>

namespace cirrus {

enum class ErrorCode {
  kBadRequest,   // the peer sent something malformed (400)
  kNotFound,     // the thing asked for does not exist (404)
  kConflict,     // it exists already / lost a race (409)
  kUnavailable,  // a dependency (Redis, origin) cannot be reached (503 / 502)
  kTimeout,      // a dependency did not answer in time (504)
  kProtocol,     // a dependency answered something we cannot understand (502)
  kRedisReply,   // Redis answered with an error reply (-ERR ...)
  kInternal,     // a bug or an unexpected local failure (500)
};

enum class ErrorSource { kDownstream, kUpstream, kInternal, kStore };

class Error {
 public:
  /// Only for boost::system::result::error() on a success value; never constructed otherwise.
  Error() : Error(ErrorCode::kInternal, ErrorSource::kInternal, false, "no error") {}
  Error(ErrorCode code, ErrorSource source, bool retryable, std::string context)
      : code_(code), source_(source), retryable_(retryable), context_(std::move(context)) {}

  ErrorCode code() const { return code_; }
  ErrorSource source() const { return source_; }
  bool retryable() const { return retryable_; }
  const std::string& context() const { return context_; }

  /// "store unavailable: connect 127.0.0.1:6379: Connection refused"
  std::string message() const;

  /// Prepends what the caller was doing; use only when it tells the reader something new.
  Error because(std::string_view what) const;

 private:
  ErrorCode code_;
  ErrorSource source_;
  bool retryable_;
  std::string context_;
};

std::string_view toString(ErrorCode code);
std::string_view toString(ErrorSource source);

// Named constructors.
Error badRequest(std::string context);
Error notFound(std::string context);
Error conflict(std::string context);
Error storeUnavailable(std::string context);
Error storeTimeout(std::string context);
Error storeProtocol(std::string context);
Error redisReplyError(std::string context);
Error upstreamUnavailable(std::string context);
Error upstreamTimeout(std::string context);
Error upstreamProtocol(std::string context);
Error internalError(std::string context);

// Predicates.
inline bool isNotFound(const Error& e) {
  return e.code() == ErrorCode::kNotFound;
}
inline bool isConflict(const Error& e) {
  return e.code() == ErrorCode::kConflict;
}
inline bool isTimeout(const Error& e) {
  return e.code() == ErrorCode::kTimeout;
}
inline bool isUnavailable(const Error& e) {
  return e.code() == ErrorCode::kUnavailable;
}
inline bool isUpstreamTimeout(const Error& e) {
  return e.code() == ErrorCode::kTimeout && e.source() == ErrorSource::kUpstream;
}
inline bool isStoreError(const Error& e) {
  return e.source() == ErrorSource::kStore;
}

}  // namespace cirrus
