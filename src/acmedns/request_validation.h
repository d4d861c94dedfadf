// Validation of acme-dns API input, as pure functions (joohoi/acme-dns semantics, so that
// certbot-dns-acmedns, lego and the Cirrus worker see the answers they expect): the TXT value
// and key alphabets, usernames and subdomains in UUID form, and `allowfrom` CIDR lists with Go's
// net.ParseCIDR rules (a prefix length is required, host bits are allowed, IPv6 brackets are
// stripped).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include "core/endpoint.h"

namespace cirrus::acmedns {

/// An ACME DNS-01 key authorization digest: exactly 43 characters of base64url without
/// padding (RFC 8555 §8.4: base64url of a SHA-256). acme-dns accepts only this length.
bool validTxt(std::string_view txt);

/// The API key an account got at registration: exactly 40 characters of [A-Za-z0-9_-].
bool validKey(std::string_view key);

/// A UUID in 8-4-4-4-12 hex form, any case; returns it lower-cased (usernames are stored so).
std::optional<std::string> canonicalUuid(std::string_view text);

/// Subdomains are minted as lower-case UUIDs: anything else is "bad_subdomain".
bool validSubdomain(std::string_view subdomain);

/// One allowfrom entry: the text as stored and returned (brackets stripped) and its network.
struct AllowEntry {
  std::string text;
  Cidr network;
};

/// Go net.ParseCIDR semantics after removing '[' and ']': "addr/len", host bits allowed (they
/// are masked off for matching). nullopt for anything else, including a bare address.
std::optional<AllowEntry> parseAllowEntry(std::string_view text);

/// The parsed POST /register body. Every field is optional in the wire format.
struct RegisterRequest {
  std::vector<AllowEntry> allowfrom;
};

enum class RegisterProblem { kNone, kMalformedJson, kInvalidAllowFrom };

/// acme-dns error name: "malformed_json_payload" | "invalid_allowfrom_cidr".
std::string_view errorName(RegisterProblem problem);

/// Parses a register body: an empty body is no allowfrom; JSON that is not an object, or an
/// allowfrom that is not an array of strings, is kMalformedJson (Go's json.Unmarshal fails
/// there); any entry parseAllowEntry() rejects is kInvalidAllowFrom.
RegisterProblem parseRegisterRequest(std::string_view body, RegisterRequest& out);

/// The parsed POST /update body. acme-dns decodes it leniently: unparsable JSON leaves the
/// fields empty, which then fails the ownership check (401), not validation (400).
struct UpdateRequest {
  std::string subdomain;
  std::string txt;
};
UpdateRequest parseUpdateRequest(std::string_view body);

/// True when `allowfrom` is empty (no restriction) or an entry that parses contains `remote`
/// (IPv4-mapped IPv6 sources match IPv4 entries). Entries that do not parse are ignored, as
/// acme-dns's ValidEntries() does.
bool allowedFrom(const std::vector<std::string>& allowfrom, const boost::asio::ip::address& remote);

}  // namespace cirrus::acmedns
