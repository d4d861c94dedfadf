#include "acmedns/wire_codec.h"

#include <algorithm>

namespace cirrus::acmedns {

namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kOptSize = 11;  // root owner, type, class, ttl, rdlength 0

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> wire) : wire_(wire) {}

  bool u16(uint16_t& v) {
    if (pos_ + 2 > wire_.size()) return false;
    v = static_cast<uint16_t>(wire_[pos_] << 8 | wire_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(uint32_t& v) {
    uint16_t hi = 0, lo = 0;
    if (!u16(hi) || !u16(lo)) return false;
    v = static_cast<uint32_t>(hi) << 16 | lo;
    return true;
  }
  bool skip(size_t n) {
    if (pos_ + n > wire_.size()) return false;
    pos_ += n;
    return true;
  }
  // An uncompressed name (the question's), kept as wire and as lower-cased labels.
  bool name(std::string& wire, std::vector<std::string>& labels) {
    while (true) {
      if (pos_ >= wire_.size()) return false;
      uint8_t len = wire_[pos_];
      if (len == 0) {
        wire.push_back('\0');
        ++pos_;
        return wire.size() <= 255;
      }
      if (len > 63) return false;  // a pointer or a reserved label type
      if (pos_ + 1 + len > wire_.size()) return false;
      wire.push_back(static_cast<char>(len));
      std::string label;
      for (size_t i = 0; i < len; ++i) {
        char c = static_cast<char>(wire_[pos_ + 1 + i]);
        wire.push_back(c);
        label.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
      }
      labels.push_back(std::move(label));
      pos_ += 1 + len;
    }
  }
  // Skips a possibly compressed name of a record; reports whether it was the root.
  bool skipName(bool& root) {
    root = true;
    while (true) {
      if (pos_ >= wire_.size()) return false;
      uint8_t len = wire_[pos_];
      if ((len & 0xc0) == 0xc0) {
        root = false;
        return skip(2);
      }
      if (len > 63) return false;
      ++pos_;
      if (len == 0) return true;
      root = false;
      if (!skip(len)) return false;
    }
  }
  bool atEnd() const { return pos_ == wire_.size(); }

 private:
  std::span<const uint8_t> wire_;
  size_t pos_ = 0;
};

void putU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v & 0xff));
}

void putU32(std::vector<uint8_t>& out, uint32_t v) {
  putU16(out, static_cast<uint16_t>(v >> 16));
  putU16(out, static_cast<uint16_t>(v & 0xffff));
}

void putBytes(std::vector<uint8_t>& out, const std::string& bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void putRecord(std::vector<uint8_t>& out, const Record& r) {
  putBytes(out, r.owner_wire);
  putU16(out, r.type);
  putU16(out, kClassIn);
  putU32(out, r.ttl);
  putU16(out, static_cast<uint16_t>(r.rdata.size()));
  putBytes(out, r.rdata);
}

size_t recordSize(const Record& r) {
  return r.owner_wire.size() + 10 + r.rdata.size();
}

}  // namespace

ParseStatus parseQuery(std::span<const uint8_t> wire, Query& out) {
  out = {};
  if (wire.size() < kHeaderSize) return ParseStatus::kDrop;
  Reader r(wire);
  uint16_t flags = 0, qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  r.u16(out.id);
  r.u16(flags);
  r.u16(qdcount);
  r.u16(ancount);
  r.u16(nscount);
  r.u16(arcount);
  out.opcode = static_cast<uint8_t>((flags >> 11) & 0x0f);
  out.rd = (flags & 0x0100) != 0;
  out.cd = (flags & 0x0010) != 0;
  if ((flags & 0x8000) != 0) return ParseStatus::kDrop;  // never answer a response
  if (qdcount != 1) return ParseStatus::kFormErr;
  if (!r.name(out.qname_wire, out.labels) || !r.u16(out.qtype) || !r.u16(out.qclass)) {
    return ParseStatus::kFormErr;
  }
  size_t records = static_cast<size_t>(ancount) + nscount + arcount;
  for (size_t i = 0; i < records; ++i) {
    bool root = false;
    uint16_t type = 0, rclass = 0, rdlength = 0;
    uint32_t ttl = 0;
    if (!r.skipName(root) || !r.u16(type) || !r.u16(rclass) || !r.u32(ttl) || !r.u16(rdlength) ||
        !r.skip(rdlength)) {
      return ParseStatus::kFormErr;
    }
    bool in_additional = i >= static_cast<size_t>(ancount) + nscount;
    if (type == kTypeOpt) {
      // RFC 6891 §6.1.1: one OPT, owned by the root, in the additional section.
      if (!in_additional || !root || out.edns) return ParseStatus::kFormErr;
      out.edns = true;
      out.udp_payload = rclass;
      out.edns_version = static_cast<uint8_t>((ttl >> 16) & 0xff);
      out.dnssec_ok = (ttl & 0x8000) != 0;
    }
  }
  if (!r.atEnd()) return ParseStatus::kFormErr;
  return ParseStatus::kOk;
}

size_t responseSizeLimit(const Query& query, bool over_tcp) {
  if (over_tcp) return 65535;
  if (!query.edns) return 512;
  return std::clamp<size_t>(query.udp_payload, 512, kServerUdpPayload);
}

std::vector<uint8_t> encodeResponse(const Query& query, const Response& response,
                                    size_t size_limit) {
  bool echo = response.echo_question && !query.qname_wire.empty();
  size_t fixed =
      kHeaderSize + (echo ? query.qname_wire.size() + 4 : 0) + (query.edns ? kOptSize : 0);
  size_t records = 0;
  for (const Record& r : response.answers) records += recordSize(r);
  for (const Record& r : response.authority) records += recordSize(r);
  bool truncated = fixed + records > size_limit;

  std::vector<uint8_t> out;
  out.reserve(truncated ? fixed : fixed + records);
  putU16(out, query.id);
  uint16_t flags = 0x8000;  // QR
  flags |= static_cast<uint16_t>((query.opcode & 0x0f) << 11);
  if (response.authoritative) flags |= 0x0400;
  if (truncated) flags |= 0x0200;
  if (query.rd) flags |= 0x0100;
  if (query.cd) flags |= 0x0010;
  flags |= static_cast<uint16_t>(response.rcode & 0x0f);
  putU16(out, flags);
  putU16(out, echo ? 1 : 0);
  putU16(out, truncated ? 0 : static_cast<uint16_t>(response.answers.size()));
  putU16(out, truncated ? 0 : static_cast<uint16_t>(response.authority.size()));
  putU16(out, query.edns ? 1 : 0);
  if (echo) {
    putBytes(out, query.qname_wire);
    putU16(out, query.qtype);
    putU16(out, query.qclass);
  }
  if (!truncated) {
    for (const Record& r : response.answers) putRecord(out, r);
    for (const Record& r : response.authority) putRecord(out, r);
  }
  if (query.edns) {
    out.push_back(0);  // root owner
    putU16(out, kTypeOpt);
    putU16(out, kServerUdpPayload);
    uint32_t ttl = static_cast<uint32_t>((response.rcode >> 4) & 0xff) << 24;  // version 0
    if (query.dnssec_ok) ttl |= 0x8000;  // RFC 3225 §3: DO copied back
    putU32(out, ttl);
    putU16(out, 0);
  }
  return out;
}

std::optional<std::string> nameToWire(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  std::string wire;
  while (!text.empty()) {
    auto dot = text.find('.');
    std::string_view label = text.substr(0, dot);
    if (label.empty() || label.size() > 63) return std::nullopt;
    wire.push_back(static_cast<char>(label.size()));
    wire.append(label);
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (dot != std::string_view::npos && text.empty()) return std::nullopt;
  }
  wire.push_back('\0');
  if (wire.size() > 255) return std::nullopt;
  return wire;
}

}  // namespace cirrus::acmedns
