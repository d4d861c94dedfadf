#include "edge/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

#include "http/tls_context.h"

namespace cirrus::edge {

namespace {

// The ring travels with each SSL_CTX as ex_data holding a shared_ptr, freed with the context,
// so a context that outlives the TlsStore (a handshake still running) keeps a valid ring.
int ringIndex() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr, [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<TicketKeysSharedPtr*>(ptr);
      });
  return index;
}

}  // namespace

TicketKeys::Key::~Key() {
  OPENSSL_cleanse(aes.data(), aes.size());
  OPENSSL_cleanse(hmac.data(), hmac.size());
}

Result<std::shared_ptr<const TicketKeys::Key>> TicketKeys::makeKey() {
  auto key = std::make_shared<Key>();
  if (RAND_bytes(key->name.data(), static_cast<int>(key->name.size())) != 1 ||
      RAND_bytes(key->aes.data(), static_cast<int>(key->aes.size())) != 1 ||
      RAND_bytes(key->hmac.data(), static_cast<int>(key->hmac.size())) != 1) {
    return internalError("session ticket key: RAND_bytes failed: " + http::takeOpenSslErrors());
  }
  return std::shared_ptr<const Key>(std::move(key));
}

Result<TicketKeysSharedPtr> TicketKeys::create(size_t ring_size) {
  auto key = makeKey();
  if (!key) return key.error();
  TicketKeysSharedPtr keys(new TicketKeys(std::max<size_t>(ring_size, 1)));
  keys->ring_.store(std::make_shared<const Ring>(Ring{*key}));
  return keys;
}

Result<void> TicketKeys::rotate() {
  auto key = makeKey();
  if (!key) return key.error();
  std::lock_guard lock(rotate_mutex_);
  auto current = ring_.load();
  Ring next;
  next.reserve(ring_size_);
  next.push_back(*key);
  for (const auto& k : *current) {
    if (next.size() == ring_size_) break;
    next.push_back(k);
  }
  ring_.store(std::make_shared<const Ring>(std::move(next)));
  return ok();
}

void TicketKeys::install(const TicketKeysSharedPtr& keys, SSL_CTX* ctx) {
  int index = ringIndex();
  delete static_cast<TicketKeysSharedPtr*>(SSL_CTX_get_ex_data(ctx, index));
  SSL_CTX_set_ex_data(ctx, index, new TicketKeysSharedPtr(keys));
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, &TicketKeys::callback);
  // Tickets are the only way to resume: no server-side session store (as nginx's default
  // `ssl_session_cache none`), so a session cannot outlive the key ring, and full handshakes
  // do not take the cache lock or fill it with 20k sessions nobody resumes.
  SSL_CTX_set_session_cache_mode(
      ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE | SSL_SESS_CACHE_NO_AUTO_CLEAR);
}

// OpenSSL's contract (SSL_CTX_set_tlsext_ticket_key_evp_cb(3)): when encrypting, fill in the
// key name and IV and initialise both contexts, return 1 (0: send no ticket). When decrypting,
// find the key by name: 0 means unknown (full handshake), 1 valid, 2 valid but renew the ticket
// under the current key. -1 aborts the handshake, so it is only used when OpenSSL itself fails.
int TicketKeys::callback(SSL* ssl, unsigned char* key_name, unsigned char* iv,
                         EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int encrypt) {
  auto* holder =
      static_cast<TicketKeysSharedPtr*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ringIndex()));
  if (holder == nullptr || !*holder) return 0;
  TicketKeys& self = **holder;
  auto ring = self.ring_.load();

  const Key* key = nullptr;
  bool current = false;
  if (encrypt == 1) {
    key = ring->front().get();
    current = true;
    std::memcpy(key_name, key->name.data(), key->name.size());
    if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1) return -1;
  } else {
    for (size_t i = 0; i < ring->size(); ++i) {
      if (std::memcmp(key_name, (*ring)[i]->name.data(), (*ring)[i]->name.size()) == 0) {
        key = (*ring)[i].get();
        current = i == 0;
        break;
      }
    }
    if (key == nullptr) return 0;
  }

  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(key->hmac.data()), key->hmac.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_CTX_set_params(mac, params) != 1) return -1;
  int rc = encrypt == 1
               ? EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key->aes.data(), iv)
               : EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key->aes.data(), iv);
  if (rc != 1) return -1;
  if (encrypt == 1 || current) return 1;
  self.renewed_.fetch_add(1, std::memory_order_relaxed);
  return 2;
}

}  // namespace cirrus::edge
