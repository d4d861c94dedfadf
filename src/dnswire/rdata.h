// RDATA: Cirrus holds every record's data as its uncompressed wire form (names inside RDATA
// spelled out, RFC 3597 §4), in a std::string of bytes. That one form is what the zone stores,
// what the writer compresses and what diffs and hashes compare. This file turns typed values
// into that form and back, and renders it as presentation text.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dnswire/name.h"
#include "dnswire/rr_type.h"
#include "dnswire/wire_error.h"

namespace cirrus::dnswire {

struct SoaRdata {
  Name mname;
  Name rname;
  uint32_t serial = 0;
  uint32_t refresh = 0;
  uint32_t retry = 0;
  uint32_t expire = 0;
  uint32_t minimum = 0;
};

struct MxRdata {
  uint16_t preference = 0;
  Name exchange;
};

std::string encodeA(const std::array<uint8_t, 4>& address);
std::string encodeAaaa(const std::array<uint8_t, 16>& address);
/// Dotted quad / RFC 4291 text; nullopt when inet_pton rejects it.
std::optional<std::string> encodeAFromText(std::string_view text);
std::optional<std::string> encodeAaaaFromText(std::string_view text);
/// NS, CNAME and PTR: the RDATA is the target name.
std::string encodeName(const Name& target);
std::string encodeSoa(const SoaRdata& soa);
std::string encodeMx(const MxRdata& mx);
/// One <character-string> per element (RFC 1035 §3.3.14); kRdataTooLong when one exceeds 255
/// octets, kBadRdata when there is none.
WireResult<std::string> encodeTxt(std::span<const std::string> strings);

WireResult<Name> decodeName(std::string_view rdata);
WireResult<SoaRdata> decodeSoa(std::string_view rdata);
WireResult<MxRdata> decodeMx(std::string_view rdata);
WireResult<std::vector<std::string>> decodeTxt(std::string_view rdata);

/// Checks that uncompressed `rdata` is well formed for `type` (A is 4 octets, AAAA 16, names
/// valid and exactly filling their fields, TXT a sequence of character-strings). Types Cirrus
/// does not know are opaque and always valid.
WireResult<void> validateRdata(RRType type, std::string_view rdata);

/// Presentation form ("192.0.2.1", "ns1.example. hostmaster.example. 7 3600 ..."); unknown
/// types and malformed data use the RFC 3597 §5 "\# <len> <hex>" form.
std::string rdataToText(RRType type, std::string_view rdata);

}  // namespace cirrus::dnswire
