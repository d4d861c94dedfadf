// Session-ticket keys of the edge's TLS listeners (RFC 5077 §4, RFC 8446 §4.6.1): a small ring
// in which the newest key encrypts new tickets and the older ones still decrypt, rotated on a
// timer so that a leaked key exposes a bounded window of resumed sessions. Keys come from
// RAND_bytes, live only in this process's memory and are never logged or written anywhere.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.h"

namespace cirrus::edge {

class TicketKeys;
using TicketKeysSharedPtr = std::shared_ptr<TicketKeys>;

class TicketKeys {
 public:
  /// How long a key encrypts new tickets before a fresh one takes over.
  static constexpr std::chrono::seconds kRotationPeriod = std::chrono::hours(1);
  /// The current key plus two previous ones: a ticket then decrypts for at least two periods
  /// (2 h), which is OpenSSL's default ticket lifetime hint, and for at most three.
  static constexpr size_t kRingSize = 3;

  /// A ring holding one fresh key. ring_size >= 1 (values below are raised to 1).
  /// Errors: internalError when the random generator fails.
  static Result<TicketKeysSharedPtr> create(size_t ring_size = kRingSize);

  /// Makes a fresh key current; the oldest key falls out of the ring once it is full, and
  /// tickets made with it no longer resume. Any thread; handshakes in flight are unaffected.
  /// Errors: internalError when the random generator fails (the ring is left unchanged).
  Result<void> rotate();

  /// Sets ctx's ticket callback to this ring and keeps the ring alive as long as ctx. Every
  /// context that may serve a handshake (the listener's and each SNI-selected one) needs it,
  /// since OpenSSL versions differ in which of them they ask. Also turns off ctx's server-side
  /// session store: tickets become the only way to resume, bounded by the ring.
  static void install(const TicketKeysSharedPtr& keys, SSL_CTX* ctx);

  /// Keys currently in the ring (1..ring_size).
  size_t size() const { return ring_.load()->size(); }

  /// Tickets that decrypted with a previous key (and were renewed under the current one).
  uint64_t renewed() const { return renewed_.load(std::memory_order_relaxed); }

 private:
  struct Key {
    std::array<unsigned char, 16> name;  // TLSEXT_KEYNAME_LENGTH, sent in clear in the ticket
    std::array<unsigned char, 32> aes;   // AES-256-CBC
    std::array<unsigned char, 32> hmac;  // HMAC-SHA256
    ~Key();
  };
  using Ring = std::vector<std::shared_ptr<const Key>>;  // newest first

  explicit TicketKeys(size_t ring_size) : ring_size_(ring_size) {}
  static Result<std::shared_ptr<const Key>> makeKey();
  static int callback(SSL* ssl, unsigned char* key_name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
                      EVP_MAC_CTX* mac, int encrypt);

  size_t ring_size_;
  std::mutex rotate_mutex_;  // serialises writers; readers only load ring_
  std::atomic<std::shared_ptr<const Ring>> ring_;
  std::atomic<uint64_t> renewed_{0};
};

}  // namespace cirrus::edge
