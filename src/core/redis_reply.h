// redis::Reply: one RESP2 reply as a plain value (nil, status, bulk string, integer, error,
// array). Accessors never throw: asking a reply for the wrong kind yields an empty value, and
// the to…() conversions return a protocol Error naming what was expected.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cirrus::redis {

class Reply {
 public:
  enum class Type { kNil, kStatus, kString, kInteger, kError, kArray };

  /// A default-constructed reply is nil.
  Reply() = default;

  static Reply nil() { return Reply(); }
  static Reply status(std::string text);
  static Reply string(std::string bytes);
  static Reply integer(int64_t value);
  static Reply error(std::string message);
  static Reply array(std::vector<Reply> elements);

  Type type() const { return type_; }
  bool isNil() const { return type_ == Type::kNil; }
  bool isStatus() const { return type_ == Type::kStatus; }
  bool isString() const { return type_ == Type::kString; }
  bool isInteger() const { return type_ == Type::kInteger; }
  bool isError() const { return type_ == Type::kError; }
  bool isArray() const { return type_ == Type::kArray; }

  /// The bytes of a bulk string, the text of a status or the message of an error; empty for
  /// the other kinds.
  const std::string& str() const { return str_; }
  /// The value of an integer reply; 0 for the other kinds.
  int64_t integer() const { return integer_; }
  /// The elements of an array reply; empty for the other kinds.
  const std::vector<Reply>& elements() const { return elements_; }
  std::vector<Reply>& elements() { return elements_; }

  /// True for a status reply whose text is `text` (e.g. isStatus("OK")).
  bool isStatus(std::string_view text) const { return type_ == Type::kStatus && str_ == text; }

  /// nullopt for nil; the bytes of a bulk string or status; a protocol error otherwise.
  Result<std::optional<std::string>> toOptionalString() const;
  /// An integer reply, or a bulk string holding a decimal integer (GET of an INCR counter).
  Result<int64_t> toInteger() const;
  /// Array of bulk strings / statuses / integers (SMEMBERS, LRANGE, KEYS). A nil reply is an
  /// empty vector; a nil or array element is a protocol error (use toOptionalStringVector()).
  Result<std::vector<std::string>> toStringVector() const;
  /// Like toStringVector() but nil elements become nullopt (MGET, HMGET).
  Result<std::vector<std::optional<std::string>>> toOptionalStringVector() const;
  /// Flat field/value array (HGETALL, CONFIG GET) as a map; nil is an empty map.
  Result<std::map<std::string, std::string>> toMap() const;

  /// A human-readable rendering for logs and test failure messages, e.g. `["a", 1, nil]`.
  /// Bytes are escaped; long strings are not truncated.
  std::string debugString() const;

  friend bool operator==(const Reply& a, const Reply& b);

 private:
  Type type_ = Type::kNil;
  std::string str_;
  int64_t integer_ = 0;
  std::vector<Reply> elements_;
};

std::string_view toString(Reply::Type type);

/// gtest prints replies with this.
void PrintTo(const Reply& reply, std::ostream* os);

}  // namespace cirrus::redis
