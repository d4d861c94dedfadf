// Message: a DNS message as values (RFC 1035 §4.1). The OPT pseudo-record (RFC 6891) and the
// TSIG record (RFC 8945) are lifted out of the additional section into `edns` and `tsig`, so
// `additional` holds ordinary records only. RDATA is uncompressed wire form (dnswire/rdata.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnswire/name.h"
#include "dnswire/rr_type.h"

namespace cirrus::dnswire {

inline constexpr size_t kHeaderSize = 12;

struct Header {
  uint16_t id = 0;
  bool qr = false;
  Opcode opcode = Opcode::kQuery;
  bool aa = false;
  bool tc = false;
  bool rd = false;
  bool ra = false;
  bool z = false;  // reserved; preserved so a parse/write round trip is exact
  bool ad = false;
  bool cd = false;
  uint8_t rcode = 0;  // low 4 bits of the response code; the rest is in Edns::extended_rcode
};

struct Question {
  Name name;
  RRType type = RRType::kA;
  RRClass rclass = RRClass::kIn;
};

struct ResourceRecord {
  Name name;
  RRType type = RRType::kA;
  RRClass rclass = RRClass::kIn;
  uint32_t ttl = 0;
  std::string rdata;  // uncompressed wire form

  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

/// A record by reference: what the writer needs, pointing into a Zone, a journal diff or a
/// ResourceRecord. The referenced storage must outlive the view.
struct RecordView {
  std::string_view owner_wire;  // uncompressed wire name
  RRType type = RRType::kA;
  RRClass rclass = RRClass::kIn;
  uint32_t ttl = 0;
  std::string_view rdata;  // uncompressed wire form
};

inline RecordView viewOf(const ResourceRecord& rr) {
  return {rr.name.wire(), rr.type, rr.rclass, rr.ttl, rr.rdata};
}

struct EdnsOption {
  uint16_t code = 0;
  std::string data;

  friend bool operator==(const EdnsOption&, const EdnsOption&) = default;
};

/// RFC 6891 §6.1.3: the OPT record's CLASS is the sender's UDP payload size and its TTL holds
/// the extended rcode, the version and the flags (DO is the top flag bit, RFC 3225).
struct Edns {
  uint16_t udp_payload_size = 1232;
  uint8_t extended_rcode = 0;
  uint8_t version = 0;
  bool dnssec_ok = false;
  uint16_t z = 0;  // the 15 flag bits after DO, preserved
  std::vector<EdnsOption> options;
};

/// RFC 8945 §4.2 TSIG RDATA plus the owner (key) name.
struct TsigRecord {
  Name key_name;
  Name algorithm;
  uint64_t time_signed = 0;  // 48 bits on the wire
  uint16_t fudge = 300;
  std::string mac;
  uint16_t original_id = 0;
  uint16_t error = 0;
  std::string other_data;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;
  std::optional<Edns> edns;
  std::optional<TsigRecord> tsig;
  /// Set by parseMessage(): offset of the TSIG record in the parsed wire, i.e. where the bytes
  /// covered by the MAC end (RFC 8945 §4.3.1). Zero when there is no TSIG.
  size_t tsig_offset = 0;
};

/// The full response code: header bits plus the OPT extension when present.
Rcode responseCode(const Message& m);

/// Sets the header bits and, for codes above 15, the OPT extension; a code above 15 needs
/// `m.edns` (precondition), which RFC 6891 requires for BADVERS anyway.
void setResponseCode(Message& m, Rcode rcode);

/// The target of the IN CNAME record that `name` owns (ASCII case ignored) in the answer
/// section, or nullopt. One step only: a resolver's answer lists a chain in order, so the
/// caller follows it by asking again with the target, bounding the number of steps.
std::optional<Name> cnameTarget(const Message& m, const Name& name);

}  // namespace cirrus::dnswire
