// Authoritative answering, as a pure function from (zone, query) to response: AA answers,
// NXDOMAIN versus NODATA with the SOA for negative caching (RFC 2308), REFUSED outside the
// zone, FORMERR/NOTIMP for what an authoritative server does not serve, EDNS0 (RFC 6891) and
// truncation. Sockets, TSIG and zone transfers (AXFR/IXFR over TCP) are the server's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/zone.h"
#include "dnswire/message.h"

namespace cirrus::dns {

/// The UDP payload size Cirrus advertises and accepts (DNS Flag Day 2020: avoids IP
/// fragmentation on common paths).
inline constexpr uint16_t kServerUdpPayload = 1232;

/// RFC 8482 §4.2 / RFC 1034 §4.3.2: at most this many CNAMEs are followed inside the zone.
inline constexpr int kMaxCnameChain = 8;

/// How large the response to `query` may be: 65535 over TCP; over UDP 512 without EDNS, else
/// the client's advertised size clamped to [512, server_udp_payload] (RFC 6891 §6.2.5).
size_t responseSizeLimit(const dnswire::Message& query, bool over_tcp,
                         size_t server_udp_payload = kServerUdpPayload);

/// For bytes that did not parse: a header-only FORMERR reply (same id and opcode, RD copied),
/// or nullopt when nothing must be sent back: fewer than 12 octets, or QR set (never answer a
/// response: that is how reflection loops start).
std::optional<std::vector<uint8_t>> formErrForUnparsable(std::span<const uint8_t> wire);

/// The response to a parsed query, already cut to `size_limit` octets (TC set when answer or
/// authority RRsets had to go; callers signing with TSIG pass the limit minus the TSIG size).
/// writeMessage(result, size_limit) then produces the bytes.
///
/// Precondition: !query.header.qr (the server drops responses). Behaviour:
/// - EDNS version > 0: BADVERS. With EDNS the response carries OPT (our payload size, DO bit
///   copied per RFC 3225).
/// - Opcode other than QUERY: NOTIMP (NOTIFY responses and UPDATE are handled elsewhere).
/// - QDCOUNT != 1, or a question for OPT/TSIG: FORMERR.
/// - QCLASS other than IN: REFUSED. Name outside the zone: REFUSED, without AA.
/// - AXFR on this path (UDP): NOTIMP; transfers go over TCP through dns/transfer.h.
/// - IXFR on this path: the current SOA only, which RFC 1995 §2 defines as "use TCP".
/// - MAILA/MAILB: NOTIMP.
/// - ANY: RFC 8482 §4.1 minimal answer: the name's RRset of the lowest type code only.
/// - CNAME at the name: the chain is followed inside the zone (at most kMaxCnameChain); the
///   rcode is that of the last name (RFC 6604).
/// - NS answer: glue addresses for in-zone NS targets in the additional section.
/// - NODATA (including empty non-terminals) and NXDOMAIN: the apex SOA in the authority section
///   with TTL min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).
dnswire::Message answerQuery(const Zone& zone, const dnswire::Message& query, size_t size_limit);

}  // namespace cirrus::dns
