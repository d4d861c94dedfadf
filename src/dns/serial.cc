#include "dns/serial.h"

namespace cirrus::dns {

namespace {
constexpr uint32_t kHalf = 0x80000000u;  // 2^31
}

bool serialLess(uint32_t a, uint32_t b) {
  uint32_t forward = b - a;  // distance from a to b, mod 2^32
  return forward != 0 && forward < kHalf;
}

uint32_t nextSerial(uint32_t previous, int64_t unix_now) {
  auto now = static_cast<uint32_t>(static_cast<uint64_t>(unix_now));
  uint32_t ahead = now - previous;
  if (ahead > 1 && ahead < kHalf) return now;
  return previous + 1;
}

}  // namespace cirrus::dns
