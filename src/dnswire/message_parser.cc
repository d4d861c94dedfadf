#include "dnswire/message_parser.h"

#include <algorithm>

#include "dnswire/rdata.h"

namespace cirrus::dnswire {
namespace {

// Smallest possible record: root owner (1) + type, class, TTL, RDLENGTH (10).
constexpr size_t kMinRecordSize = 11;
constexpr size_t kMinQuestionSize = 5;

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> wire) : wire_(wire) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return wire_.size() - pos_; }
  std::span<const uint8_t> wire() const { return wire_; }

  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = wire_[pos_++];
    return true;
  }
  bool u16(uint16_t& v) {
    if (remaining() < 2) return false;
    v = static_cast<uint16_t>((wire_[pos_] << 8) | wire_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(uint32_t& v) {
    uint16_t hi = 0, lo = 0;
    if (remaining() < 4) return false;
    u16(hi);
    u16(lo);
    v = (static_cast<uint32_t>(hi) << 16) | lo;
    return true;
  }
  bool bytes(size_t n, std::string& out) {
    if (remaining() < n) return false;
    out.assign(reinterpret_cast<const char*>(wire_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  WireResult<Name> name() { return Name::read(wire_, pos_); }
  void skipTo(size_t pos) { pos_ = pos; }

 private:
  std::span<const uint8_t> wire_;
  size_t pos_ = 0;
};

enum class SectionKind { kAnswer, kAuthority, kAdditional };

// Reads RDATA of `type` spanning [start, end) and returns its uncompressed form. Names inside
// the RFC 1035 types may be compressed against the whole message; they must end exactly at
// their field boundaries.
WireResult<std::string> readRdata(Reader& r, RRType type, RRClass rclass, size_t end) {
  std::string out;
  size_t start = r.pos();
  // RFC 2136 §2.5.2/§2.5.4: class ANY/NONE records may carry empty RDATA (update prerequisites
  // and deletions); accept them rather than calling the whole message malformed.
  if (end == start && (rclass == RRClass::kAny || rclass == RRClass::kNone)) return out;
  auto readName = [&]() -> WireResult<void> {
    auto n = r.name();
    if (!n) return n.error();
    if (r.pos() > end) return WireError::kBadRdata;
    out.append(n->wire());
    return {};
  };
  switch (type) {
    case RRType::kNs:
    case RRType::kCname:
    case RRType::kPtr:
      if (auto e = readName(); !e) return e.error();
      break;
    case RRType::kMx: {
      uint16_t pref = 0;
      if (end - start < 3 || !r.u16(pref)) return WireError::kBadRdata;
      out += static_cast<char>(pref >> 8);
      out += static_cast<char>(pref & 0xff);
      if (auto e = readName(); !e) return e.error();
      break;
    }
    case RRType::kSoa: {
      if (auto e = readName(); !e) return e.error();
      if (auto e = readName(); !e) return e.error();
      std::string fixed;
      if (end - r.pos() != 20 || !r.bytes(20, fixed)) return WireError::kBadRdata;
      out += fixed;
      break;
    }
    default: {
      if (!r.bytes(end - start, out)) return WireError::kTruncated;
      if (auto v = validateRdata(type, out); !v) return v.error();
      break;
    }
  }
  if (r.pos() != end) return WireError::kBadRdata;
  return out;
}

WireResult<Edns> readOpt(Reader& r, uint16_t rclass, uint32_t ttl, size_t end) {
  Edns edns;
  edns.udp_payload_size = rclass;
  edns.extended_rcode = static_cast<uint8_t>(ttl >> 24);
  edns.version = static_cast<uint8_t>(ttl >> 16);
  edns.dnssec_ok = (ttl & 0x8000) != 0;
  edns.z = static_cast<uint16_t>(ttl & 0x7fff);
  while (r.pos() < end) {
    EdnsOption opt;
    uint16_t len = 0;
    if (end - r.pos() < 4) return WireError::kBadRdata;
    r.u16(opt.code);
    r.u16(len);
    if (end - r.pos() < len) return WireError::kBadRdata;
    r.bytes(len, opt.data);
    edns.options.push_back(std::move(opt));
  }
  return edns;
}

WireResult<TsigRecord> readTsig(Reader& r, Name key_name, size_t end) {
  TsigRecord t;
  t.key_name = std::move(key_name);
  auto alg = r.name();
  if (!alg) return alg.error();
  t.algorithm = std::move(*alg);
  uint16_t time_hi = 0, mac_size = 0, other_len = 0;
  uint32_t time_lo = 0;
  if (r.pos() > end || end - r.pos() < 10) return WireError::kBadRdata;
  r.u16(time_hi);
  r.u32(time_lo);
  r.u16(t.fudge);
  r.u16(mac_size);
  t.time_signed = (static_cast<uint64_t>(time_hi) << 32) | time_lo;
  if (end - r.pos() < static_cast<size_t>(mac_size) + 6) return WireError::kBadRdata;
  r.bytes(mac_size, t.mac);
  r.u16(t.original_id);
  r.u16(t.error);
  r.u16(other_len);
  if (end - r.pos() != other_len) return WireError::kBadRdata;
  r.bytes(other_len, t.other_data);
  return t;
}

WireResult<void> readRecords(Reader& r, uint16_t count, SectionKind kind, Message& m,
                             std::vector<ResourceRecord>& out) {
  out.reserve(std::min<size_t>(count, r.remaining() / kMinRecordSize));
  for (uint16_t i = 0; i < count; ++i) {
    size_t record_start = r.pos();
    auto name = r.name();
    if (!name) return name.error();
    uint16_t type = 0, rclass = 0, rdlength = 0;
    uint32_t ttl = 0;
    if (!r.u16(type) || !r.u16(rclass) || !r.u32(ttl) || !r.u16(rdlength)) {
      return WireError::kTruncated;
    }
    if (r.remaining() < rdlength) return WireError::kTruncated;
    size_t end = r.pos() + rdlength;
    auto rr_type = static_cast<RRType>(type);
    if (rr_type == RRType::kOpt) {
      // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
      if (kind != SectionKind::kAdditional || m.edns || !name->isRoot()) return WireError::kBadOpt;
      auto edns = readOpt(r, rclass, ttl, end);
      if (!edns) return edns.error();
      m.edns = std::move(*edns);
      continue;
    }
    if (rr_type == RRType::kTsig) {
      // RFC 8945 §5.1: TSIG must be the last record of the additional section.
      if (kind != SectionKind::kAdditional || i + 1 != count) return WireError::kBadTsig;
      auto tsig = readTsig(r, std::move(*name), end);
      if (!tsig) return tsig.error();
      m.tsig = std::move(*tsig);
      m.tsig_offset = record_start;
      continue;
    }
    auto rdata = readRdata(r, rr_type, static_cast<RRClass>(rclass), end);
    if (!rdata) return rdata.error();
    out.push_back(ResourceRecord{std::move(*name), rr_type, static_cast<RRClass>(rclass), ttl,
                                 std::move(*rdata)});
  }
  return {};
}

}  // namespace

WireResult<Header> parseHeader(std::span<const uint8_t> wire) {
  if (wire.size() < kHeaderSize) return WireError::kTruncated;
  Header h;
  h.id = static_cast<uint16_t>((wire[0] << 8) | wire[1]);
  uint8_t f1 = wire[2], f2 = wire[3];
  h.qr = (f1 & 0x80) != 0;
  h.opcode = static_cast<Opcode>((f1 >> 3) & 0x0f);
  h.aa = (f1 & 0x04) != 0;
  h.tc = (f1 & 0x02) != 0;
  h.rd = (f1 & 0x01) != 0;
  h.ra = (f2 & 0x80) != 0;
  h.z = (f2 & 0x40) != 0;
  h.ad = (f2 & 0x20) != 0;
  h.cd = (f2 & 0x10) != 0;
  h.rcode = f2 & 0x0f;
  return h;
}

WireResult<Message> parseMessage(std::span<const uint8_t> wire) {
  auto header = parseHeader(wire);
  if (!header) return header.error();
  Message m;
  m.header = *header;
  Reader r(wire);
  r.skipTo(4);
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  r.u16(qdcount);
  r.u16(ancount);
  r.u16(nscount);
  r.u16(arcount);
  m.questions.reserve(std::min<size_t>(qdcount, r.remaining() / kMinQuestionSize));
  for (uint16_t i = 0; i < qdcount; ++i) {
    auto name = r.name();
    if (!name) return name.error();
    uint16_t type = 0, rclass = 0;
    if (!r.u16(type) || !r.u16(rclass)) return WireError::kTruncated;
    m.questions.push_back(
        Question{std::move(*name), static_cast<RRType>(type), static_cast<RRClass>(rclass)});
  }
  if (auto e = readRecords(r, ancount, SectionKind::kAnswer, m, m.answers); !e) return e.error();
  if (auto e = readRecords(r, nscount, SectionKind::kAuthority, m, m.authority); !e) {
    return e.error();
  }
  if (auto e = readRecords(r, arcount, SectionKind::kAdditional, m, m.additional); !e) {
    return e.error();
  }
  if (r.remaining() != 0) return WireError::kTrailingData;
  return m;
}

}  // namespace cirrus::dnswire
