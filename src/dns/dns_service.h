// `cirrus dns`: the hidden-master authoritative server of the steering zone (spec §2, §7).
// Wires the zone source (Redis -> zone), the UDP/TCP server, NOTIFY to the secondaries and the
// /metrics + /healthz listener on one io_context thread, and stops them on SIGTERM/SIGINT.
#pragma once

#include "core/config.h"

namespace cirrus::dns {

/// Runs until SIGTERM/SIGINT; returns the process exit code: 0 after a clean stop (also at
/// once, after one log line, when CNAME_BASE_DOMAIN is empty: DNS is disabled), 1 when a
/// listener cannot be bound or the stop deadline passed, 2 for a TSIG key tsig.h rejects or a
/// DNS_STATIC_ZONES file that does not load.
int runDnsService(const config::CommonConfig& common, const config::DnsConfig& dns);

}  // namespace cirrus::dns
