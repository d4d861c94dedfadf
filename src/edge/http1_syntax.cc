#include "edge/http1_syntax.h"

#include <array>
#include <cstring>

namespace cirrus::edge {

std::string_view toString(HeadError error) {
  switch (error) {
    case HeadError::kNone:
      return "none";
    case HeadError::kBadStartLine:
      return "bad start line";
    case HeadError::kUnsupportedVersion:
      return "unsupported HTTP version";
    case HeadError::kStartLineTooLong:
      return "request line too long";
    case HeadError::kHeadersTooLarge:
      return "header block too large";
    case HeadError::kTooManyHeaders:
      return "too many header fields";
    case HeadError::kBareLf:
      return "bare LF line ending";
    case HeadError::kBareCr:
      return "bare CR";
    case HeadError::kObsFold:
      return "obsolete line folding";
    case HeadError::kWhitespaceBeforeColon:
      return "whitespace before colon";
    case HeadError::kBadFieldName:
      return "bad field name";
    case HeadError::kBadFieldValue:
      return "bad field value";
    case HeadError::kBadContentLength:
      return "bad Content-Length";
    case HeadError::kDuplicateContentLength:
      return "duplicate Content-Length";
    case HeadError::kContentLengthWithTransfer:
      return "Content-Length with Transfer-Encoding";
    case HeadError::kUnsupportedTransferEncoding:
      return "unsupported Transfer-Encoding";
    case HeadError::kMissingHost:
      return "missing Host";
    case HeadError::kDuplicateHost:
      return "duplicate Host";
    case HeadError::kBadHost:
      return "bad Host";
  }
  return "unknown";
}

namespace syntax {
namespace {

constexpr std::array<bool, 256> makeTcharTable() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}

constexpr std::array<bool, 256> makeValueTable() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c <= 0x7e; ++c) t[c] = true;
  for (int c = 0x80; c <= 0xff; ++c) t[c] = true;
  t['\t'] = true;
  return t;
}

constexpr auto kTchar = makeTcharTable();
constexpr auto kValueChar = makeValueTable();

unsigned char lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
}

}  // namespace

bool isTchar(unsigned char c) {
  return kTchar[c];
}

bool isFieldValueChar(unsigned char c) {
  return kValueChar[c];
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool isHopByHop(std::string_view name) {
  switch (name.size()) {
    case 2:
      return iequals(name, "te");
    case 7:
      return iequals(name, "trailer") || iequals(name, "upgrade");
    case 10:
      return iequals(name, "connection") || iequals(name, "keep-alive");
    case 16:
      return iequals(name, "proxy-connection");
    case 17:
      return iequals(name, "transfer-encoding");
    default:
      return false;
  }
}

bool listedIn(std::string_view connection, std::string_view name) {
  if (connection.empty()) return false;
  while (!connection.empty()) {
    size_t comma = connection.find(',');
    if (iequals(syntax::trimOws(connection.substr(0, comma)), name)) return true;
    if (comma == std::string_view::npos) break;
    connection.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<uint64_t> parseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

size_t findHeadEnd(std::string_view buf, size_t from) {
  // Resume three bytes back: the terminator may straddle the previous end.
  size_t i = from > 3 ? from - 3 : 0;
  while (i < buf.size()) {
    const void* p = std::memchr(buf.data() + i, '\n', buf.size() - i);
    if (p == nullptr) return 0;
    size_t nl = static_cast<size_t>(static_cast<const char*>(p) - buf.data());
    // "\n\r\n" or "\n\n": the line after this LF is empty.
    if (nl + 1 < buf.size() && buf[nl + 1] == '\n') return nl + 2;
    if (nl + 2 < buf.size() && buf[nl + 1] == '\r' && buf[nl + 2] == '\n') return nl + 3;
    i = nl + 1;
  }
  return 0;
}

FieldsResult parseFields(std::string_view block, std::span<HeaderField> out) {
  FieldsResult r;
  size_t pos = 0;
  while (true) {
    if (pos >= block.size()) {
      r.error = HeadError::kBareLf;  // the caller's block always ends with an empty line
      return r;
    }
    const void* p = std::memchr(block.data() + pos, '\n', block.size() - pos);
    if (p == nullptr) {
      r.error = HeadError::kBareLf;
      return r;
    }
    size_t nl = static_cast<size_t>(static_cast<const char*>(p) - block.data());
    if (nl == pos || block[nl - 1] != '\r') {
      r.error = HeadError::kBareLf;
      return r;
    }
    std::string_view line = block.substr(pos, nl - 1 - pos);
    pos = nl + 1;
    if (line.empty()) return r;  // the empty line ends the block
    unsigned char first = static_cast<unsigned char>(line.front());
    if (first == ' ' || first == '\t') {
      r.error = HeadError::kObsFold;
      return r;
    }
    size_t i = 0;
    while (i < line.size() && kTchar[static_cast<unsigned char>(line[i])]) ++i;
    if (i == line.size()) {
      r.error = HeadError::kBadFieldName;  // no colon at all
      return r;
    }
    if (line[i] != ':') {
      r.error = (line[i] == ' ' || line[i] == '\t') ? HeadError::kWhitespaceBeforeColon
                : line[i] == '\r'                   ? HeadError::kBareCr
                                                    : HeadError::kBadFieldName;
      return r;
    }
    if (i == 0) {
      r.error = HeadError::kBadFieldName;
      return r;
    }
    std::string_view value = line.substr(i + 1);
    for (char c : value) {
      if (!kValueChar[static_cast<unsigned char>(c)]) {
        r.error = c == '\r' ? HeadError::kBareCr : HeadError::kBadFieldValue;
        return r;
      }
    }
    if (r.count == out.size()) {
      r.error = HeadError::kTooManyHeaders;
      return r;
    }
    out[r.count++] = HeaderField{line.substr(0, i), trimOws(value)};
  }
}

}  // namespace syntax
}  // namespace cirrus::edge
