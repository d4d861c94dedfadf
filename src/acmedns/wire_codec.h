// The small DNS wire codec of the acme-dns authority: one query in (header, the question, the
// EDNS OPT record; RFC 1035 §4.1, RFC 6891), one response out. It exists because acmedns/ may
// not include dns/ (sibling layers, scripts/check-layers), so it covers exactly what an
// authority for SOA, NS and TXT needs; if dns/'s codec moves below both layers, this goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cirrus::acmedns {

inline constexpr uint16_t kTypeNs = 2;
inline constexpr uint16_t kTypeSoa = 6;
inline constexpr uint16_t kTypeTxt = 16;
inline constexpr uint16_t kTypeOpt = 41;
inline constexpr uint16_t kTypeIxfr = 251;
inline constexpr uint16_t kTypeAxfr = 252;
inline constexpr uint16_t kTypeAny = 255;
inline constexpr uint16_t kClassIn = 1;
inline constexpr uint16_t kClassAny = 255;

inline constexpr uint8_t kRcodeNoError = 0;
inline constexpr uint8_t kRcodeFormErr = 1;
inline constexpr uint8_t kRcodeServFail = 2;
inline constexpr uint8_t kRcodeNxDomain = 3;
inline constexpr uint8_t kRcodeNotImp = 4;
inline constexpr uint8_t kRcodeRefused = 5;
/// RFC 6891 §9: BADVERS is 16, carried as 1 in the OPT record's extended rcode.
inline constexpr uint16_t kRcodeBadVers = 16;

/// What the authority needs from one query.
struct Query {
  uint16_t id = 0;
  uint8_t opcode = 0;
  bool rd = false;
  bool cd = false;
  std::string qname_wire;           // uncompressed, case as received
  std::vector<std::string> labels;  // lower-cased, leftmost first
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  bool edns = false;
  uint8_t edns_version = 0;
  uint16_t udp_payload = 512;
  bool dnssec_ok = false;
};

enum class ParseStatus {
  kOk,
  kDrop,     // nothing may be sent back: shorter than a header, or a response (QR set)
  kFormErr,  // answer a header-only FORMERR
};

/// Parses `wire` into `out`. kFormErr when QDCOUNT != 1, the question is malformed (a
/// compression pointer in the question is malformed too), or records after it do not parse.
/// `out.id` and `out.opcode` are set whenever a header was read.
ParseStatus parseQuery(std::span<const uint8_t> wire, Query& out);

struct Record {
  std::string owner_wire;  // uncompressed
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::string rdata;  // uncompressed wire form
};

struct Response {
  uint16_t rcode = kRcodeNoError;  // may exceed 15 only with query.edns (BADVERS)
  bool authoritative = false;
  bool echo_question = true;  // false for a FORMERR to an unparsable question
  std::vector<Record> answers;
  std::vector<Record> authority;
};

/// The UDP payload size the authority advertises and accepts (DNS Flag Day 2020).
inline constexpr uint16_t kServerUdpPayload = 1232;

/// How large the response may be: 65535 over TCP; over UDP 512 without EDNS, else the
/// client's size clamped to [512, kServerUdpPayload] (RFC 6891 §6.2.5).
size_t responseSizeLimit(const Query& query, bool over_tcp);

/// The response to `query`: id, opcode, RD and CD copied, QR set, the question echoed, OPT
/// added when the query had EDNS. When the records do not fit in `size_limit`, the answer and
/// authority sections are left out and TC is set (RFC 2181 §9).
std::vector<uint8_t> encodeResponse(const Query& query, const Response& response,
                                    size_t size_limit);

/// Uncompressed wire form of a presentation name ("a.example" or "a.example."); nullopt when a
/// label is empty or longer than 63 octets, or the name exceeds 255 octets.
std::optional<std::string> nameToWire(std::string_view text);

}  // namespace cirrus::acmedns
