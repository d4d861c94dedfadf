// Test-side DNS wire helpers for the acme-dns authority: build a query by hand and decode a
// response independently of acmedns/wire_codec (owner names are read uncompressed or through
// one pointer, which is all the authority writes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cirrus::acmedns::test {

struct QuerySpec {
  std::string name;
  uint16_t type = 16;
  uint16_t rclass = 1;
  uint16_t id = 0x1234;
  uint8_t opcode = 0;
  bool edns = false;
  uint8_t edns_version = 0;
  uint16_t udp_payload = 1232;
  bool qr = false;
  uint16_t qdcount = 1;
};

inline void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v & 0xff));
}

inline std::vector<uint8_t> buildQuery(const QuerySpec& q) {
  std::vector<uint8_t> out;
  put16(out, q.id);
  uint16_t flags = static_cast<uint16_t>(q.opcode << 11) | 0x0100;  // RD
  if (q.qr) flags |= 0x8000;
  put16(out, flags);
  put16(out, q.qdcount);
  put16(out, 0);
  put16(out, 0);
  put16(out, q.edns ? 1 : 0);
  std::string name = q.name;
  if (!name.empty() && name.back() == '.') name.pop_back();
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out.push_back(static_cast<uint8_t>(dot - start));
    for (size_t i = start; i < dot; ++i) out.push_back(static_cast<uint8_t>(name[i]));
    start = dot + 1;
  }
  out.push_back(0);
  put16(out, q.type);
  put16(out, q.rclass);
  if (q.edns) {
    out.push_back(0);
    put16(out, 41);
    put16(out, q.udp_payload);
    out.push_back(0);
    out.push_back(q.edns_version);
    put16(out, 0);
    put16(out, 0);
  }
  return out;
}

struct DecodedRecord {
  std::string owner;  // presentation, no trailing dot, case as sent
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::string rdata;
};

struct DecodedResponse {
  uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false;
  uint8_t rcode = 0;  // header bits only
  uint16_t qdcount = 0;
  std::vector<DecodedRecord> answers, authority, additional;
  bool has_opt = false;
  uint8_t opt_extended_rcode = 0;

  std::vector<std::string> txtValues() const {
    std::vector<std::string> out;
    for (const auto& r : answers) {
      if (r.type == 16 && !r.rdata.empty()) out.push_back(r.rdata.substr(1, r.rdata[0]));
    }
    return out;
  }
};

inline std::optional<DecodedResponse> decodeResponse(const std::vector<uint8_t>& w) {
  if (w.size() < 12) return std::nullopt;
  size_t pos = 0;
  auto u16 = [&](uint16_t& v) {
    if (pos + 2 > w.size()) return false;
    v = static_cast<uint16_t>(w[pos] << 8 | w[pos + 1]);
    pos += 2;
    return true;
  };
  auto name = [&](std::string& out) {
    size_t p = pos;
    bool jumped = false;
    for (int guard = 0; guard < 128; ++guard) {
      if (p >= w.size()) return false;
      uint8_t len = w[p];
      if ((len & 0xc0) == 0xc0) {
        if (p + 1 >= w.size()) return false;
        if (!jumped) pos = p + 2;
        jumped = true;
        p = static_cast<size_t>((len & 0x3f) << 8 | w[p + 1]);
        continue;
      }
      if (len == 0) {
        if (!jumped) pos = p + 1;
        return true;
      }
      if (!out.empty()) out.push_back('.');
      out.append(reinterpret_cast<const char*>(&w[p + 1]), len);
      p += 1 + len;
    }
    return false;
  };
  DecodedResponse r;
  uint16_t flags = 0, qd = 0, an = 0, ns = 0, ar = 0;
  u16(r.id);
  u16(flags);
  u16(qd);
  u16(an);
  u16(ns);
  u16(ar);
  r.qr = flags & 0x8000;
  r.aa = flags & 0x0400;
  r.tc = flags & 0x0200;
  r.rd = flags & 0x0100;
  r.rcode = flags & 0x0f;
  r.qdcount = qd;
  for (int i = 0; i < qd; ++i) {
    std::string ignored;
    uint16_t t = 0, c = 0;
    if (!name(ignored) || !u16(t) || !u16(c)) return std::nullopt;
  }
  auto section = [&](int count, std::vector<DecodedRecord>& out) {
    for (int i = 0; i < count; ++i) {
      DecodedRecord rec;
      uint16_t rclass = 0, ttl_hi = 0, ttl_lo = 0, rdlen = 0;
      if (!name(rec.owner) || !u16(rec.type) || !u16(rclass) || !u16(ttl_hi) || !u16(ttl_lo) ||
          !u16(rdlen) || pos + rdlen > w.size()) {
        return false;
      }
      rec.ttl = static_cast<uint32_t>(ttl_hi) << 16 | ttl_lo;
      rec.rdata.assign(reinterpret_cast<const char*>(&w[pos]), rdlen);
      pos += rdlen;
      if (rec.type == 41) {
        r.has_opt = true;
        r.opt_extended_rcode = static_cast<uint8_t>(ttl_hi >> 8);
        continue;
      }
      out.push_back(std::move(rec));
    }
    return true;
  };
  if (!section(an, r.answers) || !section(ns, r.authority) || !section(ar, r.additional)) {
    return std::nullopt;
  }
  if (pos != w.size()) return std::nullopt;
  return r;
}

}  // namespace cirrus::acmedns::test
