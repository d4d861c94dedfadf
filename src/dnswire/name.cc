#include "dnswire/name.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <xxhash.h>

namespace cirrus::dnswire {
namespace {

// Presentation characters that must be escaped inside a label (RFC 1035 §5.1).
bool needsEscape(uint8_t c) {
  switch (c) {
    case '.':
    case '\\':
    case '"':
    case '(':
    case ')':
    case ';':
    case '@':
    case '$':
      return true;
    default:
      return false;
  }
}

// Offsets of the length octets of each label (root excluded); returns the label count.
size_t labelOffsets(std::string_view wire, std::array<uint8_t, 128>& out) {
  size_t n = 0;
  size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    out[n++] = static_cast<uint8_t>(pos);
    pos += 1 + static_cast<uint8_t>(wire[pos]);
  }
  return n;
}

}  // namespace

Name::Name() : wire_(1, '\0') {}

WireResult<Name> Name::fromText(std::string_view text) {
  if (text.empty()) return WireError::kBadName;
  if (text == ".") return Name();
  if (text.find('\\') == std::string_view::npos) return fromPlainText(text);
  std::string wire;
  wire.reserve(text.size() + 2);
  size_t label_start = 0;  // index of the current label's length octet in `wire`
  wire.push_back('\0');
  bool absolute = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '.') {
      size_t len = wire.size() - label_start - 1;
      if (len == 0) return WireError::kBadName;  // "a..b" or ".a"
      wire[label_start] = static_cast<char>(len);
      ++i;
      if (i == text.size()) {
        absolute = true;
        break;
      }
      label_start = wire.size();
      wire.push_back('\0');
      continue;
    }
    if (c != '\\') {
      wire.push_back(c);
      ++i;
    } else if (i + 1 < text.size() && (text[i + 1] < '0' || text[i + 1] > '9')) {
      wire.push_back(text[i + 1]);  // "\X": X literally
      i += 2;
    } else {
      // "\DDD": exactly three decimal digits, value at most 255.
      if (i + 3 >= text.size()) return WireError::kBadName;
      int value = 0;
      for (size_t k = 1; k <= 3; ++k) {
        char digit = text[i + k];
        if (digit < '0' || digit > '9') return WireError::kBadName;
        value = value * 10 + (digit - '0');
      }
      if (value > 255) return WireError::kBadName;
      wire.push_back(static_cast<char>(value));
      i += 4;
    }
    if (wire.size() - label_start - 1 > kMaxLabel) return WireError::kLabelTooLong;
    if (wire.size() + 1 > kMaxNameWire) return WireError::kNameTooLong;
  }
  if (!absolute) wire[label_start] = static_cast<char>(wire.size() - label_start - 1);
  wire.push_back('\0');
  if (wire.size() > kMaxNameWire) return WireError::kNameTooLong;
  return Name(std::move(wire));
}

// Text without escapes (every name the zone builder makes): labels are the runs between dots,
// copied whole.
WireResult<Name> Name::fromPlainText(std::string_view text) {
  if (text.back() == '.') text.remove_suffix(1);
  if (text.size() + 2 > kMaxNameWire) return WireError::kNameTooLong;
  std::string wire(text.size() + 2, '\0');
  size_t out = 0;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    size_t end = dot == std::string_view::npos ? text.size() : dot;
    size_t len = end - start;
    if (len == 0) return WireError::kBadName;
    if (len > kMaxLabel) return WireError::kLabelTooLong;
    wire[out] = static_cast<char>(len);
    std::memcpy(wire.data() + out + 1, text.data() + start, len);
    out += 1 + len;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Name(std::move(wire));
}

WireResult<Name> Name::fromWire(std::string_view wire) {
  size_t pos = 0;
  while (true) {
    if (pos >= wire.size()) return WireError::kTruncated;
    auto len = static_cast<uint8_t>(wire[pos]);
    if (len == 0) break;
    if (len > kMaxLabel) return WireError::kBadLabelType;
    pos += 1 + len;
    if (pos + 1 > kMaxNameWire) return WireError::kNameTooLong;
  }
  if (pos + 1 != wire.size()) return WireError::kTrailingData;
  return Name(std::string(wire));
}

WireResult<Name> Name::read(std::span<const uint8_t> message, size_t& offset) {
  char buf[kMaxNameWire];
  size_t len = 0;
  size_t pos = offset;
  size_t resume = 0;      // where the caller continues after the first pointer
  size_t limit = offset;  // every jump target must be below this
  bool jumped = false;
  while (true) {
    if (pos >= message.size()) return WireError::kTruncated;
    uint8_t octet = message[pos];
    if ((octet & 0xC0) == 0xC0) {
      if (pos + 1 >= message.size()) return WireError::kTruncated;
      size_t target = (static_cast<size_t>(octet & 0x3F) << 8) | message[pos + 1];
      if (target >= limit) return WireError::kBadPointer;
      if (!jumped) resume = pos + 2;
      jumped = true;
      limit = target;
      pos = target;
      continue;
    }
    if ((octet & 0xC0) != 0) return WireError::kBadLabelType;
    if (len + 1 + octet > kMaxNameWire) return WireError::kNameTooLong;
    if (pos + 1 + octet > message.size()) return WireError::kTruncated;
    buf[len++] = static_cast<char>(octet);
    if (octet == 0) {
      pos += 1;
      break;
    }
    std::copy_n(message.data() + pos + 1, octet, buf + len);
    len += octet;
    pos += 1 + octet;
  }
  offset = jumped ? resume : pos;
  return Name(std::string(buf, len));
}

size_t Name::labelCount() const {
  size_t n = 0;
  for (size_t pos = 0; wire_[pos] != 0; pos += 1 + static_cast<uint8_t>(wire_[pos])) ++n;
  return n;
}

std::string Name::toText() const {
  if (isRoot()) return ".";
  std::string out;
  out.reserve(wire_.size() + 4);
  size_t pos = 0;
  while (wire_[pos] != 0) {
    auto len = static_cast<uint8_t>(wire_[pos]);
    for (size_t i = 1; i <= len; ++i) {
      auto c = static_cast<uint8_t>(wire_[pos + i]);
      if (c <= 0x20 || c >= 0x7f) {
        char esc[5] = {'\\', static_cast<char>('0' + c / 100), static_cast<char>('0' + c / 10 % 10),
                       static_cast<char>('0' + c % 10), 0};
        out += esc;
      } else {
        if (needsEscape(c)) out += '\\';
        out += static_cast<char>(c);
      }
    }
    out += '.';
    pos += 1 + len;
  }
  return out;
}

Name Name::lowered() const& {
  std::string wire = wire_;
  lowerAsciiInPlace(wire.data(), wire.size());
  return Name(std::move(wire));
}

Name Name::lowered() && {
  lowerAsciiInPlace(wire_.data(), wire_.size());
  return Name(std::move(wire_));
}

bool Name::isSubdomainOf(const Name& ancestor) const {
  if (ancestor.wire_.size() > wire_.size()) return false;
  // The ancestor must start on a label boundary of this name.
  size_t pos = 0;
  size_t start = wire_.size() - ancestor.wire_.size();
  while (pos < start) pos += 1 + static_cast<uint8_t>(wire_[pos]);
  if (pos != start) return false;
  return wireEqualsIgnoreCase(std::string_view(wire_).substr(start), ancestor.wire_);
}

Name Name::parent() const {
  size_t skip = 1 + static_cast<uint8_t>(wire_[0]);
  return Name(wire_.substr(skip));
}

WireResult<Name> Name::prepend(std::string_view label) const {
  if (label.empty()) return WireError::kBadName;
  if (label.size() > kMaxLabel) return WireError::kLabelTooLong;
  if (wire_.size() + 1 + label.size() > kMaxNameWire) return WireError::kNameTooLong;
  std::string wire;
  wire.reserve(wire_.size() + 1 + label.size());
  wire.push_back(static_cast<char>(label.size()));
  wire.append(label);
  wire.append(wire_);
  return Name(std::move(wire));
}

WireResult<Name> Name::concat(const Name& suffix) const {
  size_t size = wire_.size() - 1 + suffix.wire_.size();
  if (size > kMaxNameWire) return WireError::kNameTooLong;
  std::string wire;
  wire.reserve(size);
  wire.append(wire_, 0, wire_.size() - 1);
  wire.append(suffix.wire_);
  return Name(std::move(wire));
}

int Name::canonicalCompare(const Name& other) const {
  std::array<uint8_t, 128> a_off, b_off;
  size_t a_n = labelOffsets(wire_, a_off);
  size_t b_n = labelOffsets(other.wire_, b_off);
  while (a_n > 0 && b_n > 0) {
    --a_n;
    --b_n;
    std::string_view a =
        std::string_view(wire_).substr(a_off[a_n] + 1, static_cast<uint8_t>(wire_[a_off[a_n]]));
    std::string_view b = std::string_view(other.wire_)
                             .substr(b_off[b_n] + 1, static_cast<uint8_t>(other.wire_[b_off[b_n]]));
    size_t common = std::min(a.size(), b.size());
    for (size_t i = 0; i < common; ++i) {
      auto x = static_cast<uint8_t>(lowerAscii(a[i]));
      auto y = static_cast<uint8_t>(lowerAscii(b[i]));
      if (x != y) return x < y ? -1 : 1;
    }
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  }
  if (a_n == b_n) return 0;
  return a_n < b_n ? -1 : 1;
}

size_t Name::hash() const {
  char buf[kMaxNameWire];
  std::copy(wire_.begin(), wire_.end(), buf);
  lowerAsciiInPlace(buf, wire_.size());
  return static_cast<size_t>(XXH3_64bits(buf, wire_.size()));
}

bool operator==(const Name& a, const Name& b) {
  return wireEqualsIgnoreCase(a.wire_, b.wire_);
}

namespace {

// ASCII lower-casing of eight octets at once (zone keys and comparisons run per name in zone
// builds of 10^5 names): an octet is upper case when its low seven bits are in ['A', 'Z'] and
// its top bit is clear; the per-octet sums below cannot carry into the next octet.
uint64_t lowerWord(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t low7 = x & (0x7F * kOnes);
  const uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;
  const uint64_t above_z = low7 + (0x7F - 'Z') * kOnes;
  const uint64_t upper = at_least_a & ~above_z & ~x & (0x80 * kOnes);
  return x | (upper >> 2);  // 0x80 >> 2 == 'a' - 'A'
}

uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

bool wireEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Length octets are at most 63, so lower-casing them is a no-op and the whole wire form can
  // be compared octet by octet.
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    if (lowerWord(load64(a.data() + i)) != lowerWord(load64(b.data() + i))) return false;
  }
  for (; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

void lowerAsciiInPlace(char* data, size_t size) {
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    const uint64_t w = lowerWord(load64(data + i));
    std::memcpy(data + i, &w, 8);
  }
  for (; i < size; ++i) data[i] = lowerAscii(data[i]);
}

}  // namespace cirrus::dnswire
