// The system resolver: the first `nameserver` line of resolv.conf(5), for code that asks "the
// resolver this host uses" (e.g. the worker's CNAME check) instead of a configured server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/endpoint.h"
#include "core/result.h"

namespace cirrus::dnswire {

inline constexpr char kResolvConfPath[] = "/etc/resolv.conf";

/// The first `nameserver <address>` of resolv.conf text, on port 53. Comments (`#`, `;`),
/// other keywords and entries that are not IP addresses are skipped; an IPv6 zone suffix
/// ("fe80::1%eth0") is kept. nullopt when there is none.
std::optional<Endpoint> firstNameserver(std::string_view resolv_conf);

/// firstNameserver() of the file at `path`; upstreamUnavailable when it cannot be read or
/// names no server.
Result<Endpoint> systemResolver(const std::string& path = kResolvConfPath);

}  // namespace cirrus::dnswire
