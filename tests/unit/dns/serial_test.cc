#include "dns/serial.h"

#include <gtest/gtest.h>

namespace cirrus::dns {
namespace {

TEST(SerialTest, ComparesInSerialArithmetic) {
  EXPECT_TRUE(serialLess(1, 2));
  EXPECT_FALSE(serialLess(2, 1));
  EXPECT_FALSE(serialLess(5, 5));
  EXPECT_TRUE(serialLess(0xffffffffu, 0));  // wraps
  EXPECT_TRUE(serialLess(0xfffffff0u, 5));
  EXPECT_FALSE(serialLess(0, 0x80000000u));  // exactly 2^31 apart: undefined, never less
  EXPECT_FALSE(serialLess(0x80000000u, 0));
}

TEST(SerialTest, NextSerialIsUnixTimeWhenAhead) {
  EXPECT_EQ(nextSerial(1700000000u, 1700000500), 1700000500u);
  EXPECT_EQ(nextSerial(0, 1700000500), 1700000500u);
}

TEST(SerialTest, NextSerialIncrementsWhenTimeIsNotAhead) {
  // Several rebuilds within one second, or a clock that went backwards.
  EXPECT_EQ(nextSerial(1700000500u, 1700000500), 1700000501u);
  EXPECT_EQ(nextSerial(1700000501u, 1700000500), 1700000502u);
  EXPECT_EQ(nextSerial(1700000500u, 1700000501), 1700000501u);
  // A date-style serial set ahead of the clock keeps counting.
  EXPECT_EQ(nextSerial(2024010101u, 1700000000), 2024010102u);
}

TEST(SerialTest, NextSerialIsAlwaysSerialGreater) {
  const uint32_t previous_values[] = {0u,          1u,          0x7fffffffu, 0x80000000u,
                                      0xfffffffeu, 0xffffffffu, 1700000000u, 4000000000u};
  const int64_t now_values[] = {0, 1, 1700000000, 2500000000, 4294967295, 4294967296, 5000000000};
  for (uint32_t previous : previous_values) {
    for (int64_t now : now_values) {
      uint32_t next = nextSerial(previous, now);
      EXPECT_TRUE(serialLess(previous, next)) << previous << " " << now << " -> " << next;
    }
  }
}

TEST(SerialTest, PlainMaxWouldGoBackwardsButNextSerialDoesNot) {
  // previous 100, clock 2^31 + 200 ahead: max() gives a serial secondaries see as older.
  uint32_t previous = 100;
  int64_t now = 0x80000000LL + 200;
  EXPECT_FALSE(serialLess(previous, static_cast<uint32_t>(now)));
  EXPECT_EQ(nextSerial(previous, now), 101u);
}

TEST(SerialTest, WrapsPastTheTopOfTheRange) {
  EXPECT_EQ(nextSerial(0xffffffffu, 0), 0u);
  EXPECT_EQ(nextSerial(0xffffffffu, 1700000000), 1700000000u);
}

}  // namespace
}  // namespace cirrus::dns
