#include "dnswire/message_writer.h"

#include <algorithm>
#include <cassert>

#include <xxhash.h>

namespace cirrus::dnswire {
namespace {

// Compression pointers hold 14 bits of offset.
constexpr size_t kMaxPointerOffset = 0x3fff;
// Below this many remembered suffixes a linear scan beats a hash map.
constexpr size_t kLinearScanEntries = 48;

uint64_t suffixHash(std::string_view suffix) {
  char buf[kMaxNameWire];
  std::copy(suffix.begin(), suffix.end(), buf);
  lowerAsciiInPlace(buf, suffix.size());
  return XXH3_64bits(buf, suffix.size());
}

// Length of the uncompressed wire name at the start of `data`, or 0 when malformed.
size_t wireNameLength(std::string_view data) {
  size_t pos = 0;
  while (pos < data.size()) {
    auto len = static_cast<uint8_t>(data[pos]);
    if (len > kMaxLabel) return 0;
    pos += 1 + len;
    if (pos > kMaxNameWire) return 0;
    if (len == 0) return pos;
  }
  return 0;
}

}  // namespace

MessageWriter::MessageWriter(size_t max_size) : max_size_(std::min(max_size, kMaxMessageSize)) {}

void MessageWriter::begin(const Header& h) {
  buf_.clear();
  buf_.reserve(std::min<size_t>(max_size_, 4096));
  entries_.clear();
  index_.clear();
  counts_ = {};
  truncated_ = false;
  putU16(h.id);
  uint8_t f1 =
      static_cast<uint8_t>((h.qr ? 0x80 : 0) | ((static_cast<uint8_t>(h.opcode) & 0x0f) << 3) |
                           (h.aa ? 0x04 : 0) | (h.tc ? 0x02 : 0) | (h.rd ? 0x01 : 0));
  uint8_t f2 = static_cast<uint8_t>((h.ra ? 0x80 : 0) | (h.z ? 0x40 : 0) | (h.ad ? 0x20 : 0) |
                                    (h.cd ? 0x10 : 0) | (h.rcode & 0x0f));
  buf_.push_back(f1);
  buf_.push_back(f2);
  for (int i = 0; i < 4; ++i) putU16(0);
}

bool MessageWriter::addQuestion(const Question& q) {
  Mark before = mark();
  writeName(q.name.wire(), true);
  putU16(static_cast<uint16_t>(q.type));
  putU16(static_cast<uint16_t>(q.rclass));
  if (buf_.size() + reserved_ > max_size_) {
    rollback(before);
    return false;
  }
  ++counts_[0];
  return true;
}

WireResult<bool> MessageWriter::addRecord(Section section, std::string_view owner_wire, RRType type,
                                          RRClass rclass, uint32_t ttl, std::string_view rdata) {
  auto index = static_cast<size_t>(section) + 1;
  // Sections are laid out in order on the wire; nothing may follow in a later section yet.
  assert(index == 3 || (counts_[index + 1] == 0 && (index == 2 || counts_[3] == 0)));
  Mark before = mark();
  writeName(owner_wire, true);
  putU16(static_cast<uint16_t>(type));
  putU16(static_cast<uint16_t>(rclass));
  putU32(ttl);
  size_t rdlength_at = buf_.size();
  putU16(0);
  if (auto r = writeRdata(type, rdata); !r) {
    rollback(before);
    return r.error();
  }
  size_t rdlength = buf_.size() - rdlength_at - 2;
  if (rdlength > 0xffff) {
    rollback(before);
    return WireError::kRdataTooLong;
  }
  if (buf_.size() + reserved_ > max_size_) {
    rollback(before);
    return false;
  }
  buf_[rdlength_at] = static_cast<uint8_t>(rdlength >> 8);
  buf_[rdlength_at + 1] = static_cast<uint8_t>(rdlength & 0xff);
  ++counts_[index];
  return true;
}

bool MessageWriter::addOpt(const Edns& edns) {
  if (buf_.size() + optRecordSize(edns) > max_size_) return false;
  buf_.push_back(0);  // root owner
  putU16(static_cast<uint16_t>(RRType::kOpt));
  putU16(edns.udp_payload_size);
  putU32((static_cast<uint32_t>(edns.extended_rcode) << 24) |
         (static_cast<uint32_t>(edns.version) << 16) | (edns.dnssec_ok ? 0x8000u : 0u) |
         (edns.z & 0x7fff));
  size_t rdlength = 0;
  for (const auto& o : edns.options) rdlength += 4 + o.data.size();
  putU16(static_cast<uint16_t>(rdlength));
  for (const auto& o : edns.options) {
    putU16(o.code);
    putU16(static_cast<uint16_t>(o.data.size()));
    buf_.insert(buf_.end(), o.data.begin(), o.data.end());
  }
  ++counts_[3];
  return true;
}

MessageWriter::Mark MessageWriter::mark() const {
  return Mark{buf_.size(), entries_.size(), counts_};
}

void MessageWriter::rollback(const Mark& m) {
  buf_.resize(m.size);
  counts_ = m.counts;
  if (m.compression_entries < kLinearScanEntries) {
    index_.clear();
  } else {
    for (size_t i = m.compression_entries; i < entries_.size(); ++i) index_.erase(entries_[i].hash);
  }
  entries_.resize(m.compression_entries);
}

std::vector<uint8_t> MessageWriter::finish() {
  if (buf_.size() >= kHeaderSize) {
    if (truncated_) buf_[2] |= 0x02;
    for (size_t i = 0; i < 4; ++i) {
      buf_[4 + 2 * i] = static_cast<uint8_t>(counts_[i] >> 8);
      buf_[5 + 2 * i] = static_cast<uint8_t>(counts_[i] & 0xff);
    }
  }
  entries_.clear();
  index_.clear();
  return std::move(buf_);
}

void MessageWriter::putU16(uint16_t v) {
  buf_.push_back(static_cast<uint8_t>(v >> 8));
  buf_.push_back(static_cast<uint8_t>(v & 0xff));
}

void MessageWriter::putU32(uint32_t v) {
  putU16(static_cast<uint16_t>(v >> 16));
  putU16(static_cast<uint16_t>(v & 0xffff));
}

void MessageWriter::writeName(std::string_view wire, bool compress) {
  size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    std::string_view suffix = wire.substr(pos);
    if (compress) {
      uint64_t h = suffixHash(suffix);
      uint16_t offset;
      if (findSuffix(h, suffix, offset)) {
        putU16(static_cast<uint16_t>(0xc000 | offset));
        return;
      }
      if (buf_.size() <= kMaxPointerOffset) remember(h, buf_.size());
    }
    auto len = static_cast<uint8_t>(wire[pos]);
    buf_.insert(buf_.end(), wire.begin() + static_cast<ptrdiff_t>(pos),
                wire.begin() + static_cast<ptrdiff_t>(pos + 1 + len));
    pos += 1 + len;
  }
  buf_.push_back(0);
}

WireResult<void> MessageWriter::writeRdata(RRType type, std::string_view rdata) {
  if (!hasCompressibleNames(type) || rdata.empty()) {
    buf_.insert(buf_.end(), rdata.begin(), rdata.end());
    return {};
  }
  size_t pos = 0;
  if (type == RRType::kMx) {
    if (rdata.size() < 2) return WireError::kBadRdata;
    buf_.insert(buf_.end(), rdata.begin(), rdata.begin() + 2);
    pos = 2;
  }
  int names = type == RRType::kSoa ? 2 : 1;
  for (int i = 0; i < names; ++i) {
    size_t len = wireNameLength(rdata.substr(pos));
    if (len == 0) return WireError::kBadRdata;
    writeName(rdata.substr(pos, len), true);
    pos += len;
  }
  if (type == RRType::kSoa && rdata.size() - pos != 20) return WireError::kBadRdata;
  if (type != RRType::kSoa && pos != rdata.size()) return WireError::kBadRdata;
  buf_.insert(buf_.end(), rdata.begin() + static_cast<ptrdiff_t>(pos), rdata.end());
  return {};
}

bool MessageWriter::findSuffix(uint64_t hash, std::string_view suffix, uint16_t& offset) const {
  if (index_.empty()) {
    for (const auto& e : entries_) {
      if (e.hash == hash && equalsAt(e.offset, suffix)) {
        offset = e.offset;
        return true;
      }
    }
    return false;
  }
  auto it = index_.find(hash);
  if (it == index_.end() || !equalsAt(it->second, suffix)) return false;
  offset = it->second;
  return true;
}

// Compares the (possibly compressed) name written at `offset` with an uncompressed suffix.
// Everything at `offset` was written by this writer, so pointers point backwards; the walk is
// still bounded by the suffix length.
bool MessageWriter::equalsAt(size_t offset, std::string_view suffix) const {
  size_t pos = 0;
  size_t hops = 0;
  while (offset < buf_.size()) {
    uint8_t len = buf_[offset];
    if ((len & 0xc0) == 0xc0) {
      if (offset + 1 >= buf_.size() || ++hops > kMaxNameWire) return false;
      offset = (static_cast<size_t>(len & 0x3f) << 8) | buf_[offset + 1];
      continue;
    }
    if (pos >= suffix.size() || static_cast<uint8_t>(suffix[pos]) != len) return false;
    if (len == 0) return pos + 1 == suffix.size();
    if (offset + 1 + len > buf_.size() || pos + 1 + len > suffix.size()) return false;
    for (size_t i = 1; i <= len; ++i) {
      if (lowerAscii(static_cast<char>(buf_[offset + i])) != lowerAscii(suffix[pos + i])) {
        return false;
      }
    }
    offset += 1 + len;
    pos += 1 + len;
  }
  return false;
}

void MessageWriter::remember(uint64_t hash, size_t offset) {
  entries_.push_back({hash, static_cast<uint16_t>(offset)});
  if (entries_.size() == kLinearScanEntries) {
    for (const auto& e : entries_) index_.emplace(e.hash, e.offset);
  } else if (entries_.size() > kLinearScanEntries) {
    index_.emplace(hash, static_cast<uint16_t>(offset));
  }
}

size_t optRecordSize(const Edns& edns) {
  size_t size = 11;
  for (const auto& o : edns.options) size += 4 + o.data.size();
  return size;
}

size_t uncompressedSize(const Message& m) {
  size_t size = 12;
  for (const auto& q : m.questions) size += q.name.wireSize() + 4;
  for (const auto* section : {&m.answers, &m.authority, &m.additional}) {
    for (const auto& rr : *section) size += rr.name.wireSize() + 10 + rr.rdata.size();
  }
  if (m.edns) size += optRecordSize(*m.edns);
  return size;
}

namespace {

bool sameRRset(const ResourceRecord& a, const ResourceRecord& b) {
  return a.type == b.type && a.rclass == b.rclass && a.name == b.name;
}

enum class Fit { kAll, kPartial };

// Adds the records of one section RRset by RRset; stops at the first RRset that does not fit.
WireResult<Fit> addSection(MessageWriter& w, Section section,
                           const std::vector<ResourceRecord>& records) {
  size_t i = 0;
  while (i < records.size()) {
    MessageWriter::Mark before = w.mark();
    size_t j = i;
    bool fits = true;
    for (; j < records.size() && (j == i || sameRRset(records[i], records[j])); ++j) {
      auto added = w.addRecord(section, records[j]);
      if (!added) return added.error();
      if (!*added) {
        fits = false;
        break;
      }
    }
    if (!fits) {
      w.rollback(before);
      return Fit::kPartial;
    }
    i = j;
  }
  return Fit::kAll;
}

}  // namespace

WireResult<std::vector<uint8_t>> writeMessage(const Message& m, size_t max_size) {
  MessageWriter w(max_size);
  w.begin(m.header);
  if (m.edns) w.reserve(optRecordSize(*m.edns));
  for (const auto& q : m.questions) {
    if (!w.addQuestion(q)) return WireError::kMessageTooLarge;
  }
  bool stop = false;
  for (auto [section, records] :
       {std::pair{Section::kAnswer, &m.answers}, std::pair{Section::kAuthority, &m.authority}}) {
    if (stop) break;
    auto fit = addSection(w, section, *records);
    if (!fit) return fit.error();
    if (*fit == Fit::kPartial) {
      w.setTruncated();
      stop = true;
    }
  }
  if (!stop) {
    auto fit = addSection(w, Section::kAdditional, m.additional);
    if (!fit) return fit.error();
  }
  if (m.edns) {
    w.reserve(0);
    if (!w.addOpt(*m.edns)) return WireError::kMessageTooLarge;
  }
  return w.finish();
}

}  // namespace cirrus::dnswire
