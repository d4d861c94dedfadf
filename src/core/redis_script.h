// redis::Script: a Lua script's source with its SHA-1, so Client::eval() can send EVALSHA and
// fall back to EVAL only when the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
#pragma once

#include <string>

namespace cirrus::redis {

class Script {
 public:
  /// Computes the SHA-1 once; scripts are typically `static const` next to their caller.
  explicit Script(std::string source);

  const std::string& source() const { return source_; }
  /// Lower-case hex, as SCRIPT LOAD returns it.
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace cirrus::redis
