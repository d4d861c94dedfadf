// TSIG (RFC 8945) with HMAC-SHA256: verifying signed requests, signing responses (including
// every message of a multi-message AXFR/IXFR answer, chained through the prior MAC, §5.3.1),
// the unsigned and BADTIME error records of §5.3.2, and verifying a signed response stream.
// Works on wire bytes: signing appends the TSIG record to a written message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "dnswire/message.h"
#include "dnswire/name.h"

namespace cirrus::dns {

inline constexpr uint16_t kDefaultFudge = 300;  // seconds of clock skew allowed (RFC 8945 §10)
inline constexpr size_t kHmacSha256Size = 32;

struct TsigKey {
  dnswire::Name name;  // compared case-insensitively; digested lower-cased (RFC 8945 §4.3.3)
  std::string secret;  // raw bytes

  /// "hmac-sha256.": the only algorithm Cirrus signs or accepts.
  static const dnswire::Name& algorithm();

  /// From DNS_TSIG_KEY as core/config parsed it ("name:hmac-sha256:base64").
  static Result<TsigKey> fromConfig(const config::TsigKey& key);
};

/// TSIG error field values (RFC 8945 §3); in a message the rcode is NOTAUTH.
enum class TsigError : uint16_t {
  kNoError = 0,
  kBadSig = 16,
  kBadKey = 17,
  kBadTime = 18,
  kBadTrunc = 22,
};

enum class TsigStatus {
  kVerified,
  kUnsigned,   // the message carries no TSIG
  kFormErr,    // MAC size impossible for the algorithm (RFC 8945 §5.2.2.1): answer FORMERR
  kBadKey,     // unknown key name or algorithm
  kBadSig,     // MAC mismatch
  kBadTrunc,   // a truncated MAC, which Cirrus's policy does not accept
  kBadTime,    // outside time_signed ± fudge (checked after the MAC, §5.2.3)
  kPeerError,  // a response whose TSIG carries an error code from the other side
};

TsigError toTsigError(TsigStatus status);

struct TsigVerification {
  TsigStatus status = TsigStatus::kUnsigned;
  const TsigKey* key = nullptr;  // the matching key (also for kBadSig/kBadTime)
  std::string request_mac;       // the request's MAC: first input of the response MAC (§5.3)
  uint64_t time_signed = 0;
};

/// Verifies the TSIG of a request. `wire` is exactly what parseMessage() turned into `msg`.
/// Order of checks per RFC 8945 §5.2: key, MAC (size, then value), time.
TsigVerification verifyRequest(std::span<const uint8_t> wire, const dnswire::Message& msg,
                               std::span<const TsigKey> keys, uint64_t now);

/// The Other Data of a BADTIME answer: the server's time as 48 bits (RFC 8945 §5.2.3).
std::string badTimeOtherData(uint64_t now);

/// Octets the TSIG record of `key` adds to a message (reserve them before writing).
size_t tsigRecordSize(const TsigKey& key, size_t other_data_size = 0);

/// Signs a request (empty request_mac) or the message(s) of one response. The first sign()
/// digests [request MAC], the message and all TSIG variables; each later sign() digests the
/// prior MAC, the message and the timers only (RFC 8945 §5.3.1). Every message is signed,
/// which §5.3.1 allows (it requires at least every 100th).
class TsigSigner {
 public:
  explicit TsigSigner(const TsigKey& key, std::string request_mac = {},
                      uint16_t fudge = kDefaultFudge);

  /// For the first message only: the TSIG error and other data (BADTIME responses, §5.3.2).
  void setError(TsigError error, std::string other_data);

  /// Appends the TSIG record to `wire` (a complete message without TSIG, its id the original
  /// id) and increments ARCOUNT. `now` is unix seconds.
  void sign(std::vector<uint8_t>& wire, uint64_t now);

  const std::string& lastMac() const { return prior_mac_; }

 private:
  const TsigKey& key_;
  std::string request_mac_;
  std::string prior_mac_;
  uint16_t fudge_;
  TsigError error_ = TsigError::kNoError;
  std::string other_data_;
  bool first_ = true;
};

/// Appends an unsigned TSIG record (MAC size 0) carrying `error`, echoing the request's key
/// name and algorithm: the BADKEY/BADSIG/BADTRUNC answer of RFC 8945 §5.3.2 (rcode NOTAUTH is
/// the caller's). BADTIME answers are signed instead: TsigSigner with setError(kBadTime,
/// 48-bit server time).
void appendUnsignedTsigError(std::vector<uint8_t>& wire, const dnswire::TsigRecord& request_tsig,
                             TsigError error, uint64_t now);

/// Verifies the messages of one signed response stream, in order (the client side: NOTIFY
/// answers, transfer tests). Unsigned messages between signed ones are digested as §5.3.1
/// describes; more than 99 in a row is an error.
class TsigVerifier {
 public:
  TsigVerifier(const TsigKey& key, std::string request_mac);
  ~TsigVerifier();
  TsigVerifier(const TsigVerifier&) = delete;
  TsigVerifier& operator=(const TsigVerifier&) = delete;

  /// `wire` is exactly what parseMessage() turned into `msg`.
  TsigStatus verify(std::span<const uint8_t> wire, const dnswire::Message& msg, uint64_t now);

 private:
  struct State;
  const TsigKey& key_;
  std::unique_ptr<State> state_;
};

}  // namespace cirrus::dns
