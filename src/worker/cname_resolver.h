// The CNAME lookup of the ACME CNAME check: asks a recursive resolver (ACME_DNS_RESOLVER, else
// the first nameserver of /etc/resolv.conf) for `_acme-challenge.<domain>` CNAME over the
// shared DNS wire layer. Only the record's target matters; DNSSEC is the resolver's business.
#pragma once

#include <chrono>
#include <optional>

#include <boost/asio/any_io_executor.hpp>

#include "core/endpoint.h"
#include "worker/certificate_issuer.h"

namespace cirrus::worker {

/// A lookup bound to `resolver`, or to /etc/resolv.conf's first nameserver (read per lookup,
/// so an edited file is followed) when nullopt. Each query is bounded by `timeout`.
CnameLookup makeCnameLookup(boost::asio::any_io_executor executor, std::optional<Endpoint> resolver,
                            std::chrono::milliseconds timeout = std::chrono::seconds(3));

}  // namespace cirrus::worker
