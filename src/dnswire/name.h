// Name: a domain name held in uncompressed wire form (length-prefixed labels ending with the
// root's zero octet), case preserved. Every Name is valid by construction: labels of at most 63
// octets, at most 255 octets in all (RFC 1035 §2.3.4). Equality, hashing and ordering ignore
// ASCII case (RFC 4343); lowered() gives the canonical form used as a zone key (RFC 4034 §6.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "dnswire/wire_error.h"

namespace cirrus::dnswire {

inline constexpr size_t kMaxNameWire = 255;
inline constexpr size_t kMaxLabel = 63;

class Name {
 public:
  /// The root name ".".
  Name();

  /// Presentation format (RFC 1035 §5.1): "www.example.com" or "www.example.com."; "." is the
  /// root. Supports "\X" and "\DDD" escapes. Names are always absolute.
  static WireResult<Name> fromText(std::string_view text);

  /// An uncompressed wire name that must end exactly at the end of `wire`.
  static WireResult<Name> fromWire(std::string_view wire);

  /// Reads a possibly compressed name starting at `offset` of a whole DNS message and advances
  /// `offset` past the bytes the name occupies in place. Every compression pointer must point
  /// strictly before the previous jump target (or the name's start), which rules out loops;
  /// reads never go past `message`.
  static WireResult<Name> read(std::span<const uint8_t> message, size_t& offset);

  std::string_view wire() const { return wire_; }
  size_t wireSize() const { return wire_.size(); }
  size_t labelCount() const;
  bool isRoot() const { return wire_.size() == 1; }

  /// Absolute presentation form with a trailing dot; "." for the root.
  std::string toText() const;

  /// The same name with ASCII letters lower-cased (the canonical form).
  Name lowered() const&;
  Name lowered() &&;

  /// True when this name equals `ancestor` or lies below it (case-insensitive).
  bool isSubdomainOf(const Name& ancestor) const;

  /// The name without its first label. Precondition: !isRoot().
  Name parent() const;

  /// `label` + "." + this name.
  WireResult<Name> prepend(std::string_view label) const;

  /// The labels of this name followed by `suffix` (e.g. "www" + "example.com.").
  WireResult<Name> concat(const Name& suffix) const;

  /// RFC 4034 §6.1 canonical order: <0, 0 or >0.
  int canonicalCompare(const Name& other) const;

  /// Case-insensitive hash, consistent with operator==.
  size_t hash() const;

  friend bool operator==(const Name& a, const Name& b);

 private:
  explicit Name(std::string wire) : wire_(std::move(wire)) {}
  static WireResult<Name> fromPlainText(std::string_view text);
  std::string wire_;
};

struct NameHash {
  size_t operator()(const Name& n) const { return n.hash(); }
};

/// Wire-level helpers for code that holds names as validated uncompressed wire views.
bool wireEqualsIgnoreCase(std::string_view a, std::string_view b);
void lowerAsciiInPlace(char* data, size_t size);
inline char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

}  // namespace cirrus::dnswire
