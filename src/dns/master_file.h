// Static zones (DNS_STATIC_ZONES): an RFC 1035 §5 master file read into a Zone, served beside the
// steering zone through the same server, transfer and NOTIFY code. The loader accepts what a
// hand-written zone needs ($ORIGIN, $TTL, parentheses, comments, relative names, TTL and class in
// either order, A AAAA NS CNAME PTR MX TXT SOA and RFC 3597 "\# len hex") and rejects what the
// Zone cannot serve: wildcards, delegations (NS below the apex) and $INCLUDE/$GENERATE.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "dns/zone.h"
#include "dnswire/name.h"

namespace cirrus::dns {

/// Parses `text` as the master file of the zone `origin`. Errors (badRequest) name the line:
/// "line 12: unknown type 'SRV'". The zone must have exactly one SOA, at the origin.
Result<Zone> parseMasterFile(std::string_view text, const dnswire::Name& origin);

/// Reads `path` and parses it; badRequest naming the path when it cannot be read.
Result<Zone> loadMasterFile(const std::string& path, const dnswire::Name& origin);

}  // namespace cirrus::dns
