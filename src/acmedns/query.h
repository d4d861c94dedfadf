// The acme-dns authority's view of one DNS exchange, on top of dnswire's codec: which queries
// it accepts (one question, uncompressed; never a response), how large an answer may be, and
// the one truncation rule it applies (all records or none, RFC 2181 §9).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dnswire/message.h"
#include "dnswire/rr_type.h"

namespace cirrus::acmedns {

/// What the authority needs from one query.
struct Query {
  dnswire::Header header;      // id, opcode, RD and CD are echoed back
  dnswire::Question question;  // name case as received
  std::optional<dnswire::Edns> edns;
};

enum class ParseStatus {
  kOk,
  kDrop,     // nothing may be sent back: shorter than a header, or a response (QR set)
  kFormErr,  // answer a header-only FORMERR
};

/// Parses `wire` into `out`. kFormErr when QDCOUNT != 1, the question name is compressed, or
/// the message does not parse (dnswire::parseMessage). `out.header` is set whenever a header
/// was read.
ParseStatus parseQuery(std::span<const uint8_t> wire, Query& out);

struct Response {
  dnswire::Rcode rcode = dnswire::Rcode::kNoError;  // above 15 only with query.edns (BADVERS)
  bool authoritative = false;
  bool echo_question = true;  // false for a FORMERR to an unparsable question
  std::vector<dnswire::ResourceRecord> answers;
  std::vector<dnswire::ResourceRecord> authority;
};

/// The UDP payload size the authority advertises and accepts (DNS Flag Day 2020).
inline constexpr uint16_t kServerUdpPayload = 1232;

/// How large the response may be: 65535 over TCP; over UDP 512 without EDNS, else the
/// client's size clamped to [512, kServerUdpPayload] (RFC 6891 §6.2.5).
size_t responseSizeLimit(const Query& query, bool over_tcp);

/// The response to `query`: id, opcode, RD and CD copied, QR set, the question echoed, OPT
/// added when the query had EDNS (DO copied back, RFC 3225 §3). When the records do not fit in
/// `size_limit`, the answer and authority sections are both left out and TC is set.
std::vector<uint8_t> encodeResponse(const Query& query, const Response& response,
                                    size_t size_limit);

}  // namespace cirrus::acmedns
