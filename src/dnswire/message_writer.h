// Message writer: Message -> wire bytes with name compression (RFC 1035 §4.1.4) and a size
// limit. MessageWriter is the incremental form used for responses and zone transfers; it
// compresses owner names and the names inside NS/CNAME/SOA/PTR/MX RDATA, case-insensitively,
// always pointing at the first occurrence of the longest known suffix (as dnspython does).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dnswire/message.h"
#include "dnswire/wire_error.h"

namespace cirrus::dnswire {

inline constexpr size_t kMaxMessageSize = 65535;
inline constexpr size_t kMinUdpPayload = 512;

enum class Section : uint8_t { kAnswer = 0, kAuthority = 1, kAdditional = 2 };

class MessageWriter {
 public:
  /// A point to roll back to, e.g. before an RRset that turned out not to fit.
  struct Mark {
    size_t size = 0;
    size_t compression_entries = 0;
    std::array<uint16_t, 4> counts{};
  };

  explicit MessageWriter(size_t max_size = kMaxMessageSize);

  /// Starts a new message: clears everything and writes `header` with zero counts.
  void begin(const Header& header);

  /// Keeps `bytes` free at the end for records written last (OPT, TSIG): questions and records
  /// must fit in max_size - reserved.
  void reserve(size_t bytes) { reserved_ = bytes; }

  /// False, with nothing written, when the question does not fit.
  bool addQuestion(const Question& q);

  /// Appends one record. Precondition: sections are filled in order (answer, authority,
  /// additional). Returns false, with nothing written, when the record would not fit;
  /// kBadRdata when `rdata` is not well formed for a type whose names get compressed;
  /// kRdataTooLong when the compressed RDATA exceeds 65535 octets.
  WireResult<bool> addRecord(Section section, std::string_view owner_wire, RRType type,
                             RRClass rclass, uint32_t ttl, std::string_view rdata);
  WireResult<bool> addRecord(Section section, const ResourceRecord& rr) {
    return addRecord(section, rr.name.wire(), rr.type, rr.rclass, rr.ttl, rr.rdata);
  }
  WireResult<bool> addRecord(Section section, const RecordView& rr) {
    return addRecord(section, rr.owner_wire, rr.type, rr.rclass, rr.ttl, rr.rdata);
  }

  /// Appends the OPT record to the additional section; it may use the reserved space. The
  /// extended rcode written is `edns.extended_rcode`. False when it does not fit.
  bool addOpt(const Edns& edns);

  void setTruncated() { truncated_ = true; }
  Mark mark() const;
  void rollback(const Mark& m);

  size_t size() const { return buf_.size(); }
  size_t maxSize() const { return max_size_; }
  uint16_t questionCount() const { return counts_[0]; }
  uint16_t recordCount(Section s) const { return counts_[static_cast<size_t>(s) + 1]; }

  /// Patches the counts (and TC when set) into the header and hands the bytes over; the writer
  /// is empty afterwards until the next begin().
  std::vector<uint8_t> finish();

 private:
  struct CompressionEntry {
    uint64_t hash;
    uint16_t offset;
  };

  void putU16(uint16_t v);
  void putU32(uint32_t v);
  void writeName(std::string_view wire, bool compress);
  WireResult<void> writeRdata(RRType type, std::string_view rdata);
  bool findSuffix(uint64_t hash, std::string_view suffix, uint16_t& offset) const;
  bool equalsAt(size_t offset, std::string_view suffix) const;
  void remember(uint64_t hash, size_t offset);

  size_t max_size_;
  size_t reserved_ = 0;
  bool truncated_ = false;
  std::vector<uint8_t> buf_;
  std::array<uint16_t, 4> counts_{};  // question, answer, authority, additional
  std::vector<CompressionEntry> entries_;
  std::unordered_map<uint64_t, uint16_t> index_;  // used once entries_ outgrows a linear scan
};

/// Wire size of the OPT record for `edns`.
size_t optRecordSize(const Edns& edns);

/// Writes `m` within `max_size` octets. Records are kept per RRset (consecutive records with
/// the same owner, type and class). RFC 2181 §9: when an answer or authority RRset does not
/// fit, it and everything after it is left out and TC is set; additional RRsets that do not
/// fit are left out without TC. The OPT record is always kept (RFC 6891 §7). `m.tsig` is not
/// written: TSIG signing appends it to the bytes (dns/tsig.h), so pass max_size minus its size.
/// kMessageTooLarge when the header, question and OPT alone do not fit.
WireResult<std::vector<uint8_t>> writeMessage(const Message& m, size_t max_size = kMaxMessageSize);

/// An upper bound of writeMessage()'s output size without compression (cheap; used to skip the
/// truncation pass for small responses).
size_t uncompressedSize(const Message& m);

}  // namespace cirrus::dnswire
