// Result<T>: a value or a cirrus::Error, for the layers where failure is expected
// (Redis, store, ACME, tasks). Built on boost::system::result, which Boost 1.81 ships.
//
//   Result<int> r = parse(x);
//   if (!r) return r.error();          // propagate
//   use(*r);
#pragma once

#include <stdexcept>

#include <boost/system/result.hpp>

#include "core/error.h"

namespace cirrus {

template <class T>
using Result = boost::system::result<T, Error>;

/// Thrown only by Result<T>::value() on an error; code that checks results never sees it.
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error e) : std::runtime_error(e.message()), error_(std::move(e)) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

// Found by ADL from boost::system::result<T, Error>::value().
[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw ErrorException(e);
}

/// Result<void> success value: `return ok();`
inline Result<void> ok() {
  return {};
}

}  // namespace cirrus
