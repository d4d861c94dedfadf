// http::Client against real peers on 127.0.0.1: http::Server (plain and TLS, with a PKI made
// at test time), and scripted raw servers for failures a good server never produces. Also
// covers tls_context.h, whose behaviour only shows in handshakes.
#include "http/client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "http/http_test_support.h"
#include "http/server.h"
#include "http/test_pki.h"
#include "http/tls_context.h"

namespace cirrus::http {
namespace {

using namespace std::chrono_literals;
using testing::runSync;

/// A listening socket on 127.0.0.1:0 that a test may leave unaccepted (the kernel still
/// completes handshakes into the backlog) or serve with a script, one function per connection.
class ScriptedServer {
 public:
  using Script = std::function<void(int fd)>;

  ScriptedServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~ScriptedServer() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }

  uint16_t port() const { return port_; }

  /// Accepts one connection per script, in order, each with a 5 s bound.
  void serve(std::vector<Script> scripts) {
    thread_ = std::thread([this, scripts = std::move(scripts)] {
      for (const auto& script : scripts) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return;
        int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) return;
        script(conn);
        ::close(conn);
      }
    });
  }

  /// Reads until the end of one request head (these scripts never get bodies).
  static bool readRequest(int fd) {
    std::string data;
    while (data.find("\r\n\r\n") == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return false;
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  static void write(int fd, std::string_view text) {
    ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

std::string local(uint16_t port, std::string_view path, std::string_view scheme = "http") {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(port) + std::string(path);
}

Router testRouter() {
  Router r;
  r.get("/hello", [](RequestContext& ctx) -> boost::asio::awaitable<Response> {
    co_return makeResponse(status::ok, ctx.tls ? "hello tls" : "hello");
  });
  r.get("/big", [](RequestContext&) -> boost::asio::awaitable<Response> {
    co_return makeResponse(status::ok, std::string(10000, 'x'));
  });
  return r;
}

class ClientTest : public ::testing::Test {
 protected:
  void startServer(ServerOptions options = {}) {
    options.threads = 1;
    server_ = std::make_unique<Server>(std::move(options), testRouter());
    ASSERT_TRUE(server_->start());
    port_ = server_->boundEndpoint().port();
  }
  ~ClientTest() override {
    if (server_) {
      server_->stop();
      server_->join();
    }
  }

  boost::asio::io_context ioc_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ClientTest, ConnectionRefusedIsUpstreamUnavailable) {
  // Bound but not listening: the port stays ours, and a connect to it is refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  Client client(ioc_.get_executor());
  auto res = runSync(ioc_, client.get(local(ntohs(addr.sin_port), "/")));
  ::close(fd);
  ASSERT_FALSE(res);
  EXPECT_TRUE(isUnavailable(res.error())) << res.error().message();
  EXPECT_EQ(res.error().source(), ErrorSource::kUpstream);
}

TEST_F(ClientTest, ServerThatNeverAnswersIsUpstreamTimeout) {
  ScriptedServer silent;  // never accepts; the kernel completes the connect anyway
  Client client(ioc_.get_executor());
  RequestOptions options;
  options.read_timeout = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto res = runSync(ioc_, client.get(local(silent.port(), "/"), options));
  ASSERT_FALSE(res);
  EXPECT_TRUE(isUpstreamTimeout(res.error())) << res.error().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(ClientTest, GarbageResponseIsUpstreamProtocol) {
  ScriptedServer liar;
  liar.serve({[](int fd) {
    ScriptedServer::readRequest(fd);
    ScriptedServer::write(fd, "SSH-2.0-OpenSSH\r\n\r\n");
  }});
  Client client(ioc_.get_executor());
  auto res = runSync(ioc_, client.get(local(liar.port(), "/")));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kProtocol) << res.error().message();
}

TEST_F(ClientTest, ResponseBodyOverLimitIsUpstreamProtocol) {
  startServer();
  Client client(ioc_.get_executor());
  RequestOptions options;
  options.max_body_bytes = 1024;
  auto res = runSync(ioc_, client.get(local(port_, "/big"), options));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kProtocol);
  EXPECT_NE(res.error().message().find("exceeds 1024 bytes"), std::string::npos);
  options.max_body_bytes = 10000;
  auto fits = runSync(ioc_, client.get(local(port_, "/big"), options));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->body().size(), 10000u);
}

TEST_F(ClientTest, HeadResponseHasLengthButNoBodyAndKeepsConnection) {
  startServer();
  Client client(ioc_.get_executor());
  auto head = runSync(ioc_, client.request(verb::head, local(port_, "/hello")));
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ((*head)[field::content_length], "5");
  EXPECT_EQ(head->body(), "");
  auto get = runSync(ioc_, client.get(local(port_, "/hello")));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body(), "hello");
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST_F(ClientTest, ConnectionClosedByServerIsNotReused) {
  ServerOptions options;
  options.idle_timeout = 100ms;
  startServer(options);
  Client client(ioc_.get_executor());
  ASSERT_TRUE(runSync(ioc_, client.get(local(port_, "/hello"))));
  EXPECT_EQ(client.idleConnections(), 1u);
  std::this_thread::sleep_for(400ms);
  auto res = runSync(ioc_, client.get(local(port_, "/hello")));
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(client.stats().connections_opened, 2u);
  EXPECT_EQ(client.stats().stale_retries, 0u);  // the EOF was seen before reuse
}

TEST_F(ClientTest, StalePooledConnectionIsRetriedOnceForIdempotentMethod) {
  ScriptedServer flaky;
  flaky.serve({[](int fd) {
                 ScriptedServer::readRequest(fd);
                 ScriptedServer::write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                 ScriptedServer::readRequest(fd);  // then close without answering
               },
               [](int fd) {
                 ScriptedServer::readRequest(fd);
                 ScriptedServer::write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
               }});
  Client client(ioc_.get_executor());
  auto first = runSync(ioc_, client.get(local(flaky.port(), "/a")));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body(), "ok");
  auto second = runSync(ioc_, client.get(local(flaky.port(), "/b")));
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->body(), "fresh");
  EXPECT_EQ(client.stats().connections_opened, 2u);
  EXPECT_EQ(client.stats().connections_reused, 1u);
  EXPECT_EQ(client.stats().stale_retries, 1u);
}

TEST_F(ClientTest, StalePooledConnectionIsNotRetriedForPost) {
  ScriptedServer flaky;
  flaky.serve({[](int fd) {
    ScriptedServer::readRequest(fd);
    ScriptedServer::write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    ScriptedServer::readRequest(fd);
  }});
  Client client(ioc_.get_executor());
  ASSERT_TRUE(runSync(ioc_, client.get(local(flaky.port(), "/a"))));
  auto post = runSync(ioc_, client.request(verb::post, local(flaky.port(), "/b"), {}, "{}"));
  ASSERT_FALSE(post);
  EXPECT_TRUE(isUnavailable(post.error())) << post.error().message();
  EXPECT_EQ(client.stats().stale_retries, 0u);
}

TEST_F(ClientTest, HeaderWithLineBreakIsRejectedBeforeSending) {
  Client client(ioc_.get_executor());
  auto res = runSync(
      ioc_, client.request(verb::get, "http://127.0.0.1:1/", {{"X-Evil", "a\r\nInjected: 1"}}));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kBadRequest);
  auto bad_url = runSync(ioc_, client.get("gopher://x/"));
  ASSERT_FALSE(bad_url);
  EXPECT_EQ(bad_url.error().code(), ErrorCode::kBadRequest);
}

class ClientTlsTest : public ClientTest {
 protected:
  void SetUp() override {
    pki_ = testing::makeTestPki("cirrus test CA", "DNS:localhost,IP:127.0.0.1");
    auto ctx = makeServerTlsContext(pki_.leaf.cert_pem, pki_.leaf.key_pem);
    ASSERT_TRUE(ctx) << ctx.error().message();
    setSniSelector(**ctx, [this](std::string_view name) -> SSL_CTX* {
      std::lock_guard lock(mu_);
      sni_seen_.emplace_back(name);
      return nullptr;
    });
    ServerOptions options;
    options.tls = *ctx;
    startServer(options);
  }

  ClientOptions trustingTestCa() {
    auto ctx = makeClientTlsContext({.use_system_trust = false, .ca_pem = pki_.ca.cert_pem});
    EXPECT_TRUE(ctx);
    return ClientOptions{.tls = ctx ? *ctx : nullptr};
  }

  std::vector<std::string> sniSeen() {
    std::lock_guard lock(mu_);
    return sni_seen_;
  }

  testing::TestPki pki_;
  std::mutex mu_;
  std::vector<std::string> sni_seen_;
};

TEST_F(ClientTlsTest, VerifiesServerWhenTestCaIsTrusted) {
  Client client(ioc_.get_executor(), trustingTestCa());
  auto res = runSync(ioc_, client.get(local(port_, "/hello", "https")));
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->body(), "hello tls");
  auto again = runSync(ioc_, client.get(local(port_, "/hello", "https")));
  ASSERT_TRUE(again);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  // An address literal is never sent as SNI (RFC 6066 §3).
  EXPECT_EQ(sniSeen(), std::vector<std::string>{""});
}

TEST_F(ClientTlsTest, SendsTlsServerNameAsSniAndVerifiesIt) {
  Client client(ioc_.get_executor(), trustingTestCa());
  RequestOptions options;
  options.tls_server_name = "localhost";
  auto res = runSync(ioc_, client.get(local(port_, "/hello", "https"), options));
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(sniSeen(), std::vector<std::string>{"localhost"});
}

TEST_F(ClientTlsTest, FailsWhenCaIsNotTrusted) {
  Client client(ioc_.get_executor());  // system trust only
  auto res = runSync(ioc_, client.get(local(port_, "/hello", "https")));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kProtocol) << res.error().message();
  EXPECT_NE(res.error().message().find("certificate verification failed"), std::string::npos)
      << res.error().message();
}

TEST_F(ClientTlsTest, FailsWhenNameDoesNotMatchCertificate) {
  Client client(ioc_.get_executor(), trustingTestCa());
  RequestOptions options;
  options.tls_server_name = "other.example";
  auto res = runSync(ioc_, client.get(local(port_, "/hello", "https"), options));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kProtocol);
  EXPECT_NE(res.error().message().find("mismatch"), std::string::npos) << res.error().message();
  EXPECT_EQ(sniSeen(), std::vector<std::string>{"other.example"});
}

TEST_F(ClientTlsTest, VerifyOffAcceptsUntrustedCertificate) {
  Client client(ioc_.get_executor());
  RequestOptions options;
  options.verify_tls = false;
  auto res = runSync(ioc_, client.get(local(port_, "/hello", "https"), options));
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->body(), "hello tls");
}

TEST_F(ClientTlsTest, LoadsExtraCaFromFile) {
  char path[] = "/tmp/cirrus-ca-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << pki_.ca.cert_pem;
  auto ctx = makeClientTlsContext({.use_system_trust = false, .ca_file = path});
  std::remove(path);
  ASSERT_TRUE(ctx) << ctx.error().message();
  Client client(ioc_.get_executor(), ClientOptions{.tls = *ctx});
  auto res = runSync(ioc_, client.get(local(port_, "/hello", "https")));
  ASSERT_TRUE(res) << res.error().message();
}

TEST_F(ClientTlsTest, PlainHttpToTlsListenerFailsWithoutHangingTheServer) {
  Client client(ioc_.get_executor());
  RequestOptions options;
  options.read_timeout = 2s;
  auto res = runSync(ioc_, client.get(local(port_, "/hello"), options));
  ASSERT_FALSE(res);
  Client good(ioc_.get_executor(), trustingTestCa());
  EXPECT_TRUE(runSync(ioc_, good.get(local(port_, "/hello", "https"))));
}

TEST(TlsContextTest, RejectsKeyThatDoesNotMatchCertificate) {
  auto a = testing::makeTestPki("CA a", "DNS:a.test");
  auto b = testing::makeTestPki("CA b", "DNS:b.test");
  auto ctx = makeServerTlsContext(a.leaf.cert_pem, b.leaf.key_pem);
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().code(), ErrorCode::kBadRequest);
  EXPECT_NE(ctx.error().message().find("does not match"), std::string::npos)
      << ctx.error().message();
}

TEST(TlsContextTest, RejectsGarbagePem) {
  auto a = testing::makeTestPki("CA a", "DNS:a.test");
  EXPECT_FALSE(makeServerTlsContext("not a certificate", a.leaf.key_pem));
  EXPECT_FALSE(makeServerTlsContext(a.leaf.cert_pem, "not a key"));
  EXPECT_FALSE(makeClientTlsContext({.ca_pem = "junk"}));
  EXPECT_FALSE(makeClientTlsContext({.ca_file = "/nonexistent/ca.pem"}));
}

TEST(TlsContextTest, ServerContextRefusesTlsBelow12) {
  auto a = testing::makeTestPki("CA a", "DNS:a.test");
  auto ctx = makeServerTlsContext(a.leaf.cert_pem, a.leaf.key_pem);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*ctx)->native_handle()), TLS1_2_VERSION);
  EXPECT_TRUE(SSL_CTX_get_options((*ctx)->native_handle()) & SSL_OP_NO_COMPRESSION);
  EXPECT_TRUE(SSL_CTX_get_options((*ctx)->native_handle()) & SSL_OP_CIPHER_SERVER_PREFERENCE);
}

// Runs a TLS handshake between two SSL objects over an in-memory BIO pair; returns the
// client side (owned by the caller) or nullptr if the handshake did not complete.
SSL* handshakeInMemory(SSL_CTX* server_ctx, SSL_CTX* client_ctx, const char* sni,
                       const std::string& alpn_offer) {
  SSL* server = SSL_new(server_ctx);
  SSL* client = SSL_new(client_ctx);
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
  SSL_set_bio(client, client_bio, client_bio);
  SSL_set_bio(server, server_bio, server_bio);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);
  SSL_set_verify(client, SSL_VERIFY_NONE, nullptr);
  if (sni) SSL_set_tlsext_host_name(client, sni);
  if (!alpn_offer.empty()) {
    SSL_set_alpn_protos(client, reinterpret_cast<const unsigned char*>(alpn_offer.data()),
                        static_cast<unsigned>(alpn_offer.size()));
  }
  bool done = false;
  for (int i = 0; i < 20 && !done; ++i) {
    int c = SSL_do_handshake(client);
    int s = SSL_do_handshake(server);
    done = c == 1 && s == 1;
  }
  SSL_free(server);
  if (!done) {
    SSL_free(client);
    return nullptr;
  }
  return client;
}

std::string peerCommonIssuer(SSL* ssl) {
  X509* peer = SSL_get1_peer_certificate(ssl);
  if (!peer) return "";
  char buf[256];
  X509_NAME_get_text_by_NID(X509_get_issuer_name(peer), NID_commonName, buf, sizeof(buf));
  X509_free(peer);
  return buf;
}

TEST(TlsContextTest, SniSelectorSwitchesCertificateAndFallsBackOtherwise) {
  auto a = testing::makeTestPki("CA a", "DNS:a.test");
  auto b = testing::makeTestPki("CA b", "DNS:b.test");
  auto fallback = makeServerTlsContext(a.leaf.cert_pem, a.leaf.key_pem);
  auto for_b = makeServerTlsContext(b.leaf.cert_pem, b.leaf.key_pem);
  ASSERT_TRUE(fallback && for_b);
  setSniSelector(**fallback, [&](std::string_view name) -> SSL_CTX* {
    return name == "b.test" ? (*for_b)->native_handle() : nullptr;
  });
  auto client_ctx = makeClientTlsContext({.use_system_trust = false});
  ASSERT_TRUE(client_ctx);

  SSL* to_b =
      handshakeInMemory((*fallback)->native_handle(), (*client_ctx)->native_handle(), "b.test", "");
  ASSERT_NE(to_b, nullptr);
  EXPECT_EQ(peerCommonIssuer(to_b), "CA b");
  SSL_free(to_b);

  SSL* unknown = handshakeInMemory((*fallback)->native_handle(), (*client_ctx)->native_handle(),
                                   "unknown.test", "");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(peerCommonIssuer(unknown), "CA a");
  SSL_free(unknown);
}

TEST(TlsContextTest, AlpnPicksServerPreferenceAmongOfferedProtocols) {
  auto a = testing::makeTestPki("CA a", "DNS:a.test");
  auto server_ctx = makeServerTlsContext(a.leaf.cert_pem, a.leaf.key_pem);
  ASSERT_TRUE(server_ctx);
  setServerAlpn(**server_ctx, {"h2", "http/1.1"});
  auto client_ctx = makeClientTlsContext({.use_system_trust = false});
  ASSERT_TRUE(client_ctx);

  auto negotiated = [&](const std::string& offer) {
    SSL* ssl = handshakeInMemory((*server_ctx)->native_handle(), (*client_ctx)->native_handle(),
                                 "a.test", offer);
    if (!ssl) return std::string("handshake failed");
    const unsigned char* data = nullptr;
    unsigned len = 0;
    SSL_get0_alpn_selected(ssl, &data, &len);
    std::string out(reinterpret_cast<const char*>(data), len);
    SSL_free(ssl);
    return out;
  };
  EXPECT_EQ(negotiated(std::string("\x08http/1.1\x02h2", 12)), "h2");
  EXPECT_EQ(negotiated(std::string("\x08http/1.1", 9)), "http/1.1");
  EXPECT_EQ(negotiated(std::string("\x06spdy/3", 7)), "");  // no overlap: no ALPN, no failure
  EXPECT_TRUE(setClientAlpn(**client_ctx, {"h2", "http/1.1"}));
}

}  // namespace
}  // namespace cirrus::http
