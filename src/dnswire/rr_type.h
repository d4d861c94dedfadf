// DNS protocol numbers used by Cirrus (RFC 1035, 3596, 6891, 8945, 1995, 5936): record types,
// classes, opcodes and response codes, with their mnemonics. Values outside the named ones are
// valid too (an enum class over the wire integer), so unknown types pass through untouched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::dnswire {

enum class RRType : uint16_t {
  kA = 1,
  kNs = 2,
  kCname = 5,
  kSoa = 6,
  kPtr = 12,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
  kOpt = 41,
  kTsig = 250,
  kIxfr = 251,
  kAxfr = 252,
  kMailb = 253,
  kMaila = 254,
  kAny = 255,
};

enum class RRClass : uint16_t {
  kIn = 1,
  kCh = 3,
  kNone = 254,
  kAny = 255,
};

enum class Opcode : uint8_t {
  kQuery = 0,
  kIQuery = 1,
  kStatus = 2,
  kNotify = 4,
  kUpdate = 5,
};

/// Full 12-bit response code: the low 4 bits live in the header, the high 8 in the OPT record
/// (RFC 6891 §6.1.3). TSIG errors (16-22) appear only in the TSIG record's error field, where
/// 16 means BADSIG; in a response code 16 means BADVERS.
enum class Rcode : uint16_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5,
  kNotAuth = 9,
  kBadVers = 16,
};

/// "A", "AAAA", ... or "TYPE65280" (RFC 3597 §5) for types without a mnemonic.
std::string toString(RRType type);
/// Accepts mnemonics (case-insensitive) and the TYPEnnn form; nullopt otherwise.
std::optional<RRType> rrTypeFromText(std::string_view text);
std::string toString(RRClass rclass);
std::string toString(Rcode rcode);

/// Types that never live in a zone: OPT, TSIG and the query-only types (RFC 6895 §3.1: 128-255
/// are meta/question types).
bool isMetaType(RRType type);

/// RFC 1035 types whose RDATA holds domain names that may be compressed (RFC 3597 §4: only
/// these; newer types are written and read uncompressed).
bool hasCompressibleNames(RRType type);

}  // namespace cirrus::dnswire
