// What the worker's drain (SIGTERM, zero-downtime restart) needs from a client connection.
#pragma once

namespace cirrus::edge {

/// A client connection the drain closes: an HTTP/1.1 connection, one HTTP/2 stream served by
/// the HTTP/1.1 path, or an HTTP/2 session (which answers closeIfIdle with a GOAWAY).
class DrainTarget {
 public:
  /// Closes the connection now if no request is in flight.
  virtual void closeIfIdle() = 0;
  /// The drain deadline passed: closes the connection whatever it is doing.
  virtual void abort() = 0;

 protected:
  ~DrainTarget() = default;
};

}  // namespace cirrus::edge
