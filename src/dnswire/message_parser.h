// Message parser: wire bytes -> Message (RFC 1035 §4.1, RFC 6891, RFC 8945). Never throws and
// never reads past the input; every malformed input is a WireError. This is the code the
// libFuzzer target tests/fuzz/dns_message_fuzz.cc drives.
#pragma once

#include <cstdint>
#include <span>

#include "dnswire/message.h"
#include "dnswire/wire_error.h"

namespace cirrus::dnswire {

/// Only the fixed 12-octet header (enough to answer FORMERR to an unparsable query).
WireResult<Header> parseHeader(std::span<const uint8_t> wire);

/// The whole message. Compressed names in NS, CNAME, SOA, PTR and MX RDATA are expanded; other
/// RDATA is kept as is. OPT must be a single root-owned record in the additional section
/// (kBadOpt); TSIG must be the single last record of the additional section (kBadTsig). Bytes
/// after the last record are an error (kTrailingData).
WireResult<Message> parseMessage(std::span<const uint8_t> wire);

}  // namespace cirrus::dnswire
