#include "edge/ticket_keys.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>

#include "edge/tls_store.h"
#include "http/test_pki.h"
#include "http/tls_context.h"

namespace cirrus::edge {
namespace {

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SessionFree {
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

const http::testing::TestPki& pki() {
  static const auto p = http::testing::makeTestPki("ticket test CA", "DNS:edge.test");
  return p;
}

http::TlsContextSharedPtr serverContext() {
  auto ctx = http::makeServerTlsContext(pki().leaf.cert_pem, pki().leaf.key_pem);
  EXPECT_TRUE(ctx) << ctx.error().message();
  return *ctx;
}

SslCtxPtr clientContext(int version, bool verify) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx.get(), version);
  SSL_CTX_set_max_proto_version(ctx.get(), version);
  // No trust anchors: a verifying client rejects the test certificate (unknown_ca).
  SSL_CTX_set_verify(ctx.get(), verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  return ctx;
}

// One client and one server connection joined by an in-memory BIO pair, driven step by step
// on this thread: no sockets, no timing.
class Handshake {
 public:
  Handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, SSL_SESSION* resume = nullptr)
      : server_(SSL_new(server_ctx)), client_(SSL_new(client_ctx)) {
    BIO* server_bio = nullptr;
    BIO* client_bio = nullptr;
    BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
    SSL_set_bio(server_.get(), server_bio, server_bio);
    SSL_set_bio(client_.get(), client_bio, client_bio);
    SSL_set_accept_state(server_.get());
    SSL_set_connect_state(client_.get());
    SSL_set_tlsext_host_name(client_.get(), "edge.test");
    if (resume != nullptr) SSL_set_session(client_.get(), resume);
  }

  ~Handshake() {
    // OpenSSL marks a session not resumable when its connection is freed without a
    // close_notify sent (RFC 5246 §7.2.1); a well-behaved client closes, as Python does.
    SSL_set_shutdown(client_.get(), SSL_SENT_SHUTDOWN | SSL_get_shutdown(client_.get()));
  }
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  /// True when both sides completed. On a server failure, server_error holds the first
  /// error OpenSSL queued for it (what Asio would report).
  bool run() {
    bool client_done = false;
    bool client_failed = false;
    for (int i = 0; i < 20; ++i) {
      if (!client_done && !client_failed) {
        int rc = SSL_do_handshake(client_.get());
        client_done = rc == 1;
        client_failed = rc <= 0 && SSL_get_error(client_.get(), rc) != SSL_ERROR_WANT_READ;
      }
      ERR_clear_error();
      int rs = SSL_do_handshake(server_.get());
      if (rs <= 0 && SSL_get_error(server_.get(), rs) != SSL_ERROR_WANT_READ) {
        server_error = ERR_peek_error();
        return false;
      }
      if (rs == 1 && client_done) {
        // TLS 1.3 tickets follow the handshake (RFC 8446 §4.6.1): one read processes them.
        char byte;
        SSL_read(client_.get(), &byte, 1);
        ERR_clear_error();
        return true;
      }
    }
    return false;
  }

  /// Simulates the client going away without an alert after the server's first flight.
  bool runUntilServerFlightThenHangUp() {
    SSL_do_handshake(client_.get());  // ClientHello
    ERR_clear_error();
    SSL_do_handshake(server_.get());  // ServerHello ... (waits for the client)
    BIO_shutdown_wr(SSL_get_wbio(client_.get()));
    ERR_clear_error();
    int rs = SSL_do_handshake(server_.get());
    server_error = ERR_peek_error();
    return rs == 1;
  }

  /// Writes raw bytes to the server instead of a ClientHello.
  bool sendGarbage(const std::string& bytes) {
    BIO* out = SSL_get_wbio(client_.get());
    BIO_write(out, bytes.data(), static_cast<int>(bytes.size()));
    ERR_clear_error();
    int rs = SSL_do_handshake(server_.get());
    server_error = ERR_peek_error();
    return rs == 1;
  }

  bool resumed() const { return SSL_session_reused(client_.get()) == 1; }
  SessionPtr session() const { return SessionPtr(SSL_get1_session(client_.get())); }
  const SSL* server() const { return server_.get(); }
  boost::system::error_code serverErrorCode() const {
    return {static_cast<int>(server_error), boost::asio::error::get_ssl_category()};
  }

  unsigned long server_error = 0;

 private:
  SslPtr server_;
  SslPtr client_;
};

class TicketKeysTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    auto keys = TicketKeys::create(3);
    ASSERT_TRUE(keys);
    keys_ = *keys;
    server_ = serverContext();
    TicketKeys::install(keys_, server_->native_handle());
    client_ = clientContext(GetParam(), false);
  }

  /// A full handshake; returns the session the client may resume.
  SessionPtr fullHandshake() {
    Handshake h(server_->native_handle(), client_.get());
    EXPECT_TRUE(h.run());
    EXPECT_FALSE(h.resumed());
    return h.session();
  }

  bool resumes(SSL_SESSION* session) {
    Handshake h(server_->native_handle(), client_.get(), session);
    EXPECT_TRUE(h.run()) << "a ticket that does not decrypt must still allow a full handshake";
    return h.resumed();
  }

  TicketKeysSharedPtr keys_;
  http::TlsContextSharedPtr server_;
  SslCtxPtr client_;
};

TEST_P(TicketKeysTest, TicketUnderTheCurrentKeyResumes) {
  auto session = fullHandshake();
  EXPECT_TRUE(resumes(session.get()));
  EXPECT_EQ(keys_->renewed(), 0u);
}

TEST_P(TicketKeysTest, TicketUnderAPreviousKeyStillResumesAndIsRenewed) {
  auto session = fullHandshake();
  ASSERT_TRUE(keys_->rotate());
  ASSERT_TRUE(keys_->rotate());
  EXPECT_EQ(keys_->size(), 3u);
  EXPECT_TRUE(resumes(session.get()));
  EXPECT_GE(keys_->renewed(), 1u);
}

TEST_P(TicketKeysTest, TicketOlderThanTheRingDoesNotResume) {
  auto session = fullHandshake();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(keys_->rotate());
  EXPECT_EQ(keys_->size(), 3u) << "the ring keeps its size";
  EXPECT_FALSE(resumes(session.get()));
}

TEST_P(TicketKeysTest, TicketFromAnotherRingDoesNotResume) {
  auto session = fullHandshake();
  auto other_keys = TicketKeys::create();
  ASSERT_TRUE(other_keys);
  TicketKeys::install(*other_keys, server_->native_handle());
  EXPECT_FALSE(resumes(session.get()));
}

TEST_P(TicketKeysTest, ResumesWhenSniSelectsAnotherContext) {
  // The edge's layout: the listener's fallback context switches to a domain's by SNI; both
  // share the ring, so tickets issued under either decrypt under either.
  auto domain = serverContext();
  TicketKeys::install(keys_, domain->native_handle());
  SSL_CTX* domain_native = domain->native_handle();
  http::setSniSelector(*server_, [domain_native](std::string_view name) {
    return name == "edge.test" ? domain_native : nullptr;
  });
  auto session = fullHandshake();
  ASSERT_TRUE(keys_->rotate());
  EXPECT_TRUE(resumes(session.get()));
}

INSTANTIATE_TEST_SUITE_P(TlsVersions, TicketKeysTest,
                         ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION), [](const auto& info) {
                           return std::string(info.param == TLS1_3_VERSION ? "Tls13" : "Tls12");
                         });

TEST(TlsStoreTest, RotatesTicketKeysOnItsTimerUntilStopped) {
  boost::asio::io_context control;  // outlives the store, whose timer belongs to it
  auto store = TlsStore::create();
  ASSERT_TRUE(store) << store.error().message();
  EXPECT_EQ((*store)->ticketKeys().size(), 1u);
  (*store)->startTicketRotation(control, std::chrono::seconds(1));
  control.run_for(std::chrono::milliseconds(1500));
  EXPECT_EQ((*store)->ticketKeys().size(), 2u) << "one rotation after one period";
  (*store)->stopTicketRotation();
  control.restart();
  control.run_for(std::chrono::seconds(2));
  EXPECT_TRUE(control.stopped()) << "the rotation loop ends once stopped (no work left)";
  EXPECT_EQ((*store)->ticketKeys().size(), 2u);
}

class HandshakeFailurePhaseTest : public ::testing::TestWithParam<int> {
 protected:
  http::TlsContextSharedPtr server_ = serverContext();
};

TEST_P(HandshakeFailurePhaseTest, ClientRejectingTheCertificateIsTheCertificatePhase) {
  auto client = clientContext(GetParam(), true);
  Handshake h(server_->native_handle(), client.get());
  ASSERT_FALSE(h.run());
  EXPECT_EQ(handshakeFailurePhase(h.server(), h.serverErrorCode(), false), "certificate");
}

TEST_P(HandshakeFailurePhaseTest, ClientHangingUpAfterTheServerFlightIsTheKeyExchangePhase) {
  auto client = clientContext(GetParam(), false);
  Handshake h(server_->native_handle(), client.get());
  ASSERT_FALSE(h.runUntilServerFlightThenHangUp());
  EXPECT_EQ(handshakeFailurePhase(h.server(), boost::asio::ssl::error::stream_truncated, false),
            "key_exchange");
}

TEST_P(HandshakeFailurePhaseTest, PlainHttpOnTheTlsPortIsTheClientHelloPhase) {
  auto client = clientContext(GetParam(), false);
  Handshake h(server_->native_handle(), client.get());
  ASSERT_FALSE(h.sendGarbage("GET / HTTP/1.1\r\nHost: edge.test\r\n\r\n"));
  EXPECT_EQ(handshakeFailurePhase(h.server(), h.serverErrorCode(), false), "client_hello");
}

TEST_P(HandshakeFailurePhaseTest, TimeoutWinsWhateverThePhase) {
  auto client = clientContext(GetParam(), true);
  Handshake h(server_->native_handle(), client.get());
  ASSERT_FALSE(h.run());
  EXPECT_EQ(handshakeFailurePhase(h.server(), h.serverErrorCode(), true), "timeout");
}

INSTANTIATE_TEST_SUITE_P(TlsVersions, HandshakeFailurePhaseTest,
                         ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION), [](const auto& info) {
                           return std::string(info.param == TLS1_3_VERSION ? "Tls13" : "Tls12");
                         });

TEST(HandshakeFailurePhaseTest, OldProtocolVersionIsTheClientHelloPhase) {
  auto server = serverContext();
  SslCtxPtr client(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_security_level(client.get(), 0);
  SSL_CTX_set_min_proto_version(client.get(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(client.get(), TLS1_1_VERSION);
  SSL_CTX_set_cipher_list(client.get(), "ALL:@SECLEVEL=0");
  Handshake h(server->native_handle(), client.get());
  ASSERT_FALSE(h.run());
  EXPECT_EQ(handshakeFailurePhase(h.server(), h.serverErrorCode(), false), "client_hello");
}

}  // namespace
}  // namespace cirrus::edge
