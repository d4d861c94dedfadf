#include "dnswire/rdata.h"

#include <arpa/inet.h>

namespace cirrus::dnswire {
namespace {

void putU16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}

void putU32(std::string& out, uint32_t v) {
  putU16(out, static_cast<uint16_t>(v >> 16));
  putU16(out, static_cast<uint16_t>(v & 0xffff));
}

uint32_t getU32(std::string_view s, size_t pos) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(s[pos + i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

// Length of the uncompressed name starting at `pos`, or nullopt when it is malformed or runs
// past the end of `data`.
std::optional<size_t> nameLength(std::string_view data, size_t pos) {
  size_t start = pos;
  while (true) {
    if (pos >= data.size()) return std::nullopt;
    auto len = static_cast<uint8_t>(data[pos]);
    if (len > kMaxLabel) return std::nullopt;
    pos += 1 + len;
    if (pos - start > kMaxNameWire) return std::nullopt;
    if (len == 0) return pos - start;
  }
}

std::string hexForm(std::string_view rdata) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\# " + std::to_string(rdata.size());
  if (!rdata.empty()) out += ' ';
  for (char c : rdata) {
    out += kHex[static_cast<uint8_t>(c) >> 4];
    out += kHex[static_cast<uint8_t>(c) & 15];
  }
  return out;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<uint8_t>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      out += '\\';
      out += static_cast<char>('0' + c / 100);
      out += static_cast<char>('0' + c / 10 % 10);
      out += static_cast<char>('0' + c % 10);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace

std::string encodeA(const std::array<uint8_t, 4>& address) {
  return std::string(address.begin(), address.end());
}

std::string encodeAaaa(const std::array<uint8_t, 16>& address) {
  return std::string(address.begin(), address.end());
}

std::optional<std::string> encodeAFromText(std::string_view text) {
  std::string z(text);
  std::array<uint8_t, 4> a;
  if (inet_pton(AF_INET, z.c_str(), a.data()) != 1) return std::nullopt;
  return encodeA(a);
}

std::optional<std::string> encodeAaaaFromText(std::string_view text) {
  std::string z(text);
  std::array<uint8_t, 16> a;
  if (inet_pton(AF_INET6, z.c_str(), a.data()) != 1) return std::nullopt;
  return encodeAaaa(a);
}

std::string encodeName(const Name& target) {
  return std::string(target.wire());
}

std::string encodeSoa(const SoaRdata& soa) {
  std::string out;
  out.reserve(soa.mname.wireSize() + soa.rname.wireSize() + 20);
  out.append(soa.mname.wire());
  out.append(soa.rname.wire());
  putU32(out, soa.serial);
  putU32(out, soa.refresh);
  putU32(out, soa.retry);
  putU32(out, soa.expire);
  putU32(out, soa.minimum);
  return out;
}

std::string encodeMx(const MxRdata& mx) {
  std::string out;
  putU16(out, mx.preference);
  out.append(mx.exchange.wire());
  return out;
}

WireResult<std::string> encodeTxt(std::span<const std::string> strings) {
  if (strings.empty()) return WireError::kBadRdata;
  std::string out;
  for (const auto& s : strings) {
    if (s.size() > 255) return WireError::kRdataTooLong;
    out += static_cast<char>(s.size());
    out += s;
  }
  if (out.size() > 65535) return WireError::kRdataTooLong;
  return out;
}

WireResult<Name> decodeName(std::string_view rdata) {
  return Name::fromWire(rdata);
}

WireResult<SoaRdata> decodeSoa(std::string_view rdata) {
  auto m_len = nameLength(rdata, 0);
  if (!m_len) return WireError::kBadRdata;
  auto r_len = nameLength(rdata, *m_len);
  if (!r_len) return WireError::kBadRdata;
  size_t fixed = *m_len + *r_len;
  if (rdata.size() != fixed + 20) return WireError::kBadRdata;
  SoaRdata soa;
  soa.mname = *Name::fromWire(rdata.substr(0, *m_len));
  soa.rname = *Name::fromWire(rdata.substr(*m_len, *r_len));
  soa.serial = getU32(rdata, fixed);
  soa.refresh = getU32(rdata, fixed + 4);
  soa.retry = getU32(rdata, fixed + 8);
  soa.expire = getU32(rdata, fixed + 12);
  soa.minimum = getU32(rdata, fixed + 16);
  return soa;
}

WireResult<MxRdata> decodeMx(std::string_view rdata) {
  if (rdata.size() < 3) return WireError::kBadRdata;
  auto exchange = Name::fromWire(rdata.substr(2));
  if (!exchange) return WireError::kBadRdata;
  MxRdata mx;
  mx.preference =
      static_cast<uint16_t>((static_cast<uint8_t>(rdata[0]) << 8) | static_cast<uint8_t>(rdata[1]));
  mx.exchange = std::move(*exchange);
  return mx;
}

WireResult<std::vector<std::string>> decodeTxt(std::string_view rdata) {
  if (rdata.empty()) return WireError::kBadRdata;
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < rdata.size()) {
    auto len = static_cast<uint8_t>(rdata[pos]);
    if (pos + 1 + len > rdata.size()) return WireError::kBadRdata;
    out.emplace_back(rdata.substr(pos + 1, len));
    pos += 1 + len;
  }
  return out;
}

WireResult<void> validateRdata(RRType type, std::string_view rdata) {
  switch (type) {
    case RRType::kA:
      if (rdata.size() != 4) return WireError::kBadRdata;
      return {};
    case RRType::kAaaa:
      if (rdata.size() != 16) return WireError::kBadRdata;
      return {};
    case RRType::kNs:
    case RRType::kCname:
    case RRType::kPtr:
      if (!decodeName(rdata)) return WireError::kBadRdata;
      return {};
    case RRType::kSoa:
      if (!decodeSoa(rdata)) return WireError::kBadRdata;
      return {};
    case RRType::kMx:
      if (!decodeMx(rdata)) return WireError::kBadRdata;
      return {};
    case RRType::kTxt:
      if (!decodeTxt(rdata)) return WireError::kBadRdata;
      return {};
    default:
      return {};
  }
}

std::string rdataToText(RRType type, std::string_view rdata) {
  switch (type) {
    case RRType::kA:
    case RRType::kAaaa: {
      if (validateRdata(type, rdata).has_error()) break;
      char buf[INET6_ADDRSTRLEN];
      int family = type == RRType::kA ? AF_INET : AF_INET6;
      if (inet_ntop(family, rdata.data(), buf, sizeof(buf)) == nullptr) break;
      return buf;
    }
    case RRType::kNs:
    case RRType::kCname:
    case RRType::kPtr:
      if (auto n = decodeName(rdata)) return n->toText();
      break;
    case RRType::kSoa:
      if (auto s = decodeSoa(rdata)) {
        return s->mname.toText() + " " + s->rname.toText() + " " + std::to_string(s->serial) + " " +
               std::to_string(s->refresh) + " " + std::to_string(s->retry) + " " +
               std::to_string(s->expire) + " " + std::to_string(s->minimum);
      }
      break;
    case RRType::kMx:
      if (auto m = decodeMx(rdata))
        return std::to_string(m->preference) + " " + m->exchange.toText();
      break;
    case RRType::kTxt:
      if (auto t = decodeTxt(rdata)) {
        std::string out;
        for (const auto& s : *t) {
          if (!out.empty()) out += ' ';
          out += quoted(s);
        }
        return out;
      }
      break;
    default:
      break;
  }
  return hexForm(rdata);
}

}  // namespace cirrus::dnswire
