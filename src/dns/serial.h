// SOA serial numbers: RFC 1982 serial arithmetic and the rebuild rule of spec §7 ("strictly
// increasing: max(previous + 1, unix time)"), made safe across the 2^32 wrap.
#pragma once

#include <cstdint>

namespace cirrus::dns {

/// RFC 1982 §3.2: true when `a` precedes `b`. Pairs exactly 2^31 apart are undefined and
/// compare false both ways.
bool serialLess(uint32_t a, uint32_t b);

/// The serial for a rebuild that changed the zone. Spec §7's max(previous + 1, unix_now), taken
/// in serial arithmetic: unix_now (mod 2^32) when it lies ahead of previous + 1 by less than
/// 2^31, else previous + 1. The result is always serial-greater than `previous` (RFC 1982
/// §3.1: an increment below 2^31), so secondaries accept it even at the wrap or when a past
/// serial was set ahead of the clock; a plain integer max would not be.
uint32_t nextSerial(uint32_t previous, int64_t unix_now);

}  // namespace cirrus::dns
