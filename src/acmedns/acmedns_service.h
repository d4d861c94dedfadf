// `cirrus acme-dns`: an acme-dns compatible DNS-01 authority (spec §2), so no external acme-dns
// is needed (a real joohoi/acme-dns can replace it). Wires the HTTP API on ACMEDNS_API_BIND and
// the authoritative DNS for ACMEDNS_ZONE on ACMEDNS_DNS_BIND (UDP+TCP) to Redis, the only state,
// so any number of processes can serve the same accounts; stops on SIGTERM/SIGINT.
#pragma once

#include "core/config.h"

namespace cirrus::acmedns {

/// Runs until SIGTERM/SIGINT; returns the process exit code: 0 after a clean stop, 1 when a
/// listener cannot be bound or the stop deadline passed, 2 when ACMEDNS_ZONE is not a usable
/// zone name. Threading: one io_context on the calling thread, one Redis connection.
int runAcmeDnsService(const config::CommonConfig& common, const config::AcmeDnsConfig& config);

}  // namespace cirrus::acmedns
