#include "edge/tls_store.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "edge/client_connection.h"
#include "edge/edge_metrics.h"
#include "edge/http2_connection.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

struct PemPair {
  std::string cert;
  std::string key;
};

std::string bioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

// A throwaway self-signed certificate: clients that do not send a configured name get a
// handshake that fails verification instead of a connection reset.
Result<PemPair> makeFallbackPem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  if (!key) return internalError("fallback key: " + http::takeOpenSslErrors());
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("cirrus-fallback"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return internalError("fallback certificate: " + http::takeOpenSslErrors());
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> cb(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> kb(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(cb.get(), cert.get());
  PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return PemPair{bioString(cb.get()), bioString(kb.get())};
}

// ALPN (RFC 7301): h2 first when enabled, else HTTP/1.1; a client offering neither proceeds
// without ALPN (HTTP/1.1), as before ALPN existed.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void* arg) {
  static constexpr unsigned char kH2First[] = "\x02h2\x08http/1.1";
  static constexpr unsigned char kHttp11[] = "\x08http/1.1";
  bool h2 = static_cast<const TlsStore*>(arg)->http2();
  const unsigned char* ours = h2 ? kH2First : kHttp11;
  unsigned int ours_len = h2 ? sizeof(kH2First) - 1 : sizeof(kHttp11) - 1;
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, ours, ours_len, in, inlen) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

void TlsStore::installAlpn(SSL_CTX* ctx) {
  // OpenSSL asks the context the SNI callback switched to, so every context gets it.
  SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, this);
}

Result<std::unique_ptr<TlsStore>> TlsStore::create() {
  auto pem = makeFallbackPem();
  if (!pem) return pem.error();
  auto ctx = http::makeServerTlsContext(pem->cert, pem->key);
  if (!ctx) return ctx.error();
  auto keys = TicketKeys::create();
  if (!keys) return keys.error();
  // OpenSSL encrypts and decrypts tickets with the callback of the context the connection
  // was created with (the fallback), but install it everywhere so that does not matter.
  TicketKeys::install(*keys, (*ctx)->native_handle());
  auto store = std::unique_ptr<TlsStore>(new TlsStore(*ctx, *keys));
  TlsStore* self = store.get();
  self->installAlpn((*ctx)->native_handle());
  http::setSniSelector(**ctx, [self](std::string_view name) { return self->select(name); });
  return store;
}

TlsStore::TlsStore(http::TlsContextSharedPtr fallback, TicketKeysSharedPtr ticket_keys)
    : fallback_(std::move(fallback)),
      ticket_keys_(std::move(ticket_keys)),
      map_(std::make_shared<const CertMap>()) {}

void TlsStore::startTicketRotation(asio::io_context& control, std::chrono::seconds period) {
  rotation_timer_ = std::make_unique<asio::steady_timer>(control);
  asio::co_spawn(control, rotateLoop(period), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("ticket key rotation stopped", {{"error", ex.what()}});
    }
  });
}

void TlsStore::stopTicketRotation() {
  if (rotation_timer_) rotation_timer_->cancel();
}

asio::awaitable<void> TlsStore::rotateLoop(std::chrono::seconds period) {
  // The timer outlives this loop: stopTicketRotation() cancels it and the loop returns.
  asio::steady_timer& timer = *rotation_timer_;
  while (true) {
    timer.expires_after(period);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    if (auto r = ticket_keys_->rotate(); !r) {
      log::warn("session ticket key rotation failed; keeping the current key",
                {{"error", r.error().message()}});
    }
  }
}

size_t TlsStore::size() const {
  return map_.load()->size();
}

void TlsStore::publish(CertMap map) {
  size_t n = map.size();
  map_.store(std::make_shared<const CertMap>(std::move(map)));
  if (metrics_ != nullptr) metrics_->tls_certificates.store(n);
}

SSL_CTX* TlsStore::select(std::string_view server_name) const {
  if (server_name.empty()) return nullptr;
  thread_local std::string key;
  key.assign(server_name);
  for (auto& c : key) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  if (!key.empty() && key.back() == '.') key.pop_back();
  auto map = map_.load();
  auto it = map->find(key);
  // The connection takes its own reference on the SSL_CTX (SSL_set_SSL_CTX), so the map may
  // be replaced while this handshake goes on.
  return it == map->end() ? nullptr : it->second->native_handle();
}

asio::awaitable<void> TlsStore::reload(store::CertStore& certs, std::string domain) {
  auto cert = co_await certs.getFull(domain);
  if (!cert) {
    log::warn("certificate reload failed; keeping the current one",
              {{"domain", domain}, {"error", cert.error().message()}});
    co_return;
  }
  CertMap next = *map_.load();
  if (!*cert) {
    next.erase(domain);
    loaded_pem_.erase(domain);
    publish(std::move(next));
    co_return;
  }
  std::string fingerprint = (*cert)->fullchain + (*cert)->key;
  if (auto it = loaded_pem_.find(domain); it != loaded_pem_.end() && it->second == fingerprint) {
    co_return;
  }
  auto ctx = http::makeServerTlsContext((*cert)->fullchain, (*cert)->key);
  if (!ctx) {
    log::warn("stored certificate does not load",
              {{"domain", domain}, {"error", ctx.error().message()}});
    co_return;
  }
  TicketKeys::install(ticket_keys_, (*ctx)->native_handle());
  installAlpn((*ctx)->native_handle());
  next[domain] = *ctx;
  loaded_pem_[domain] = std::move(fingerprint);
  publish(std::move(next));
  log::info("certificate loaded", {{"domain", domain}});
}

asio::awaitable<void> TlsStore::reloadAll(store::CertStore& certs,
                                          std::vector<std::string> domains) {
  CertMap next = *map_.load();
  std::unordered_map<std::string, bool> wanted;
  for (const auto& d : domains) wanted[d] = true;
  bool dropped = false;
  for (auto it = next.begin(); it != next.end();) {
    if (!wanted.contains(it->first)) {
      loaded_pem_.erase(it->first);
      it = next.erase(it);
      dropped = true;
    } else {
      ++it;
    }
  }
  if (dropped) publish(std::move(next));
  for (const auto& d : domains) co_await reload(certs, d);
}

asio::awaitable<void> TlsStore::serve(WorkerContext& ctx, asio::ip::tcp::socket socket,
                                      asio::ip::tcp::endpoint remote) {
  TlsTransport::Stream stream(std::move(socket), *fallback_);
  auto transport = std::make_unique<TlsTransport>(ctx.sweeper, std::move(stream));
  transport->setDeadline(ctx.options.client_header_timeout);
  auto [ec] = co_await transport->stream().async_handshake(asio::ssl::stream_base::server,
                                                           asio::as_tuple(asio::use_awaitable));
  auto& m = ctx.metrics.shared();
  SSL* ssl = transport->stream().native_handle();
  if (ec) {
    m.handshake_errors.labels({handshakeFailurePhase(ssl, ec, transport->timedOut())}).inc();
    co_return;
  }
  m.tls_handshakes.inc();
  if (SSL_session_reused(ssl) == 1) m.tls_resumed_handshakes.inc();
  const unsigned char* alpn = nullptr;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  if (std::string_view(reinterpret_cast<const char*>(alpn), alpn_len) == "h2") {
    auto session = std::make_shared<Http2Connection>(ctx, std::move(transport), remote);
    co_await session->run({});
    co_return;
  }
  auto conn = std::make_shared<ClientConnection>(ctx, std::move(transport), remote);
  co_await conn->run();
}

std::string_view handshakeFailurePhase(const SSL* ssl, const boost::system::error_code& ec,
                                       bool timed_out) {
  if (timed_out) return "timeout";
  // A received fatal alert is the first error OpenSSL queues, as reason
  // SSL_AD_REASON_OFFSET + AlertDescription, and Asio hands us that first error.
  if (ec.category() == asio::error::get_ssl_category()) {
    auto code = static_cast<unsigned long>(static_cast<unsigned int>(ec.value()));
    if (ERR_GET_LIB(code) == ERR_LIB_SSL) {
      switch (ERR_GET_REASON(code) - SSL_AD_REASON_OFFSET) {
        case SSL_AD_BAD_CERTIFICATE:
        case SSL_AD_UNSUPPORTED_CERTIFICATE:
        case SSL_AD_CERTIFICATE_REVOKED:
        case SSL_AD_CERTIFICATE_EXPIRED:
        case SSL_AD_CERTIFICATE_UNKNOWN:
        case SSL_AD_UNKNOWN_CA:
          return "certificate";
        default:
          break;
      }
    }
  }
  // The state is the last message handled: still the ClientHello (or nothing) means the
  // server never sent its first flight.
  switch (SSL_get_state(ssl)) {
    case TLS_ST_BEFORE:
    case TLS_ST_SR_CLNT_HELLO:
      return "client_hello";
    default:
      return "key_exchange";
  }
}

}  // namespace cirrus::edge
