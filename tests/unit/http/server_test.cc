// http::Server over real sockets on 127.0.0.1 (port 0), driven by http::Client and by a raw
// TCP client for what a well-behaved client never sends.
#include "http/server.h"

#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/client.h"
#include "http/http_test_support.h"

namespace cirrus::http {
namespace {

using namespace std::chrono_literals;
using testing::countOf;
using testing::RawSocket;
using testing::runSync;

struct SeenRequest {
  std::string method;
  std::string route;
  unsigned status;
  uint64_t connection_id;
};

boost::asio::awaitable<void> sleepFor(std::chrono::milliseconds d) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

class ServerTest : public ::testing::Test {
 protected:
  ~ServerTest() override {
    if (server_) {
      server_->stop();
      server_->join();
    }
  }

  Router makeRouter() {
    Router r;
    r.get("/hello", [](RequestContext&) -> boost::asio::awaitable<Response> {
      co_return makeResponse(status::ok, "hello");
    });
    r.post("/echo", [](RequestContext& ctx) -> boost::asio::awaitable<Response> {
      auto body = parseJsonBody(ctx.request);
      if (!body) co_return body.error().toResponse();
      co_return jsonResponse(status::ok, {{"got", *body}});
    });
    r.get("/items/{id}", [](RequestContext& ctx) -> boost::asio::awaitable<Response> {
      co_return makeResponse(status::ok, "item " + std::string(ctx.param("id")));
    });
    r.get("/delay/{ms}", [](RequestContext& ctx) -> boost::asio::awaitable<Response> {
      int ms = std::stoi(std::string(ctx.param("ms")));
      co_await sleepFor(std::chrono::milliseconds(ms));
      co_return makeResponse(status::ok, "delayed " + std::to_string(ms));
    });
    r.get("/slow", [this](RequestContext&) -> boost::asio::awaitable<Response> {
      slow_started_ = true;
      co_await sleepFor(300ms);
      co_return makeResponse(status::ok, "done");
    });
    r.get("/throw", [](RequestContext&) -> boost::asio::awaitable<Response> {
      throw std::runtime_error("boom");
      co_return makeResponse(status::ok, "unreachable");
    });
    return r;
  }

  void startServer(ServerOptions options = {}) {
    options.listen = Endpoint{"127.0.0.1", 0};
    options.threads = 2;
    options.on_access = [this](const AccessRecord& r) {
      std::lock_guard lock(mu_);
      seen_.push_back({std::string(r.method), std::string(r.route), r.status, r.connection_id});
    };
    server_ = std::make_unique<Server>(std::move(options), makeRouter());
    auto started = server_->start();
    ASSERT_TRUE(started) << started.error().message();
    port_ = server_->boundEndpoint().port();
    ASSERT_NE(port_, 0);
  }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  std::vector<SeenRequest> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

  // The access hook runs after the write, so a client may see its answer a moment before.
  std::vector<SeenRequest> waitForSeen(size_t n) {
    for (int i = 0; i < 200 && seen().size() < n; ++i) std::this_thread::sleep_for(5ms);
    return seen();
  }

  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::atomic<bool> slow_started_{false};
  boost::asio::io_context client_ioc_;
  std::mutex mu_;
  std::vector<SeenRequest> seen_;
};

TEST_F(ServerTest, JsonRoundTripWithClient) {
  startServer();
  Client client(client_ioc_.get_executor());
  auto res = runSync(
      client_ioc_, client.request(verb::post, url("/echo"), {{"Content-Type", "application/json"}},
                                  R"({"domain": "a.test", "n": [1, 2]})"));
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->result(), status::ok);
  EXPECT_EQ((*res)[field::content_type], "application/json");
  auto body = nlohmann::json::parse(res->body());
  EXPECT_EQ(body["got"]["domain"], "a.test");
  EXPECT_EQ(body["got"]["n"][1], 2);
  EXPECT_EQ((*res)[field::server], "cirrus");
  EXPECT_FALSE((*res)[field::date].empty());
}

TEST_F(ServerTest, MalformedJsonBodyIs400AndWrongTypeIs415) {
  startServer();
  Client client(client_ioc_.get_executor());
  auto bad = runSync(client_ioc_, client.request(verb::post, url("/echo"),
                                                 {{"Content-Type", "application/json"}}, "{x"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->result(), status::bad_request);
  auto form = runSync(client_ioc_, client.request(verb::post, url("/echo"),
                                                  {{"Content-Type", "text/plain"}}, "{}"));
  ASSERT_TRUE(form);
  EXPECT_EQ(form->result(), status::unsupported_media_type);
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  startServer();
  Client client(client_ioc_.get_executor());
  auto first = runSync(client_ioc_, client.get(url("/items/1")));
  auto second = runSync(client_ioc_, client.get(url("/items/2")));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->body(), "item 2");
  auto records = waitForSeen(2);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].connection_id, records[1].connection_id);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().connections_reused, 1u);
}

TEST_F(ServerTest, AccessHookReportsRouteTemplateNeverRawPath) {
  startServer();
  Client client(client_ioc_.get_executor());
  ASSERT_TRUE(runSync(client_ioc_, client.get(url("/items/42?x=1"))));
  ASSERT_TRUE(runSync(client_ioc_, client.get(url("/no/such/path"))));
  auto records = waitForSeen(2);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].method, "GET");
  EXPECT_EQ(records[0].route, "/items/{id}");
  EXPECT_EQ(records[0].status, 200u);
  EXPECT_EQ(records[1].route, "");
  EXPECT_EQ(records[1].status, 404u);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  startServer();
  RawSocket sock(port_);
  ASSERT_TRUE(sock.connected());
  // The first request is the slowest: an out-of-order server would answer it last.
  ASSERT_TRUE(
      sock.send("GET /delay/200 HTTP/1.1\r\nHost: t\r\n\r\n"
                "GET /items/x HTTP/1.1\r\nHost: t\r\n\r\n"
                "GET /delay/0 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  std::string out;
  ASSERT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_EQ(countOf(out, "HTTP/1.1 200 OK"), 3u);
  auto a = out.find("delayed 200");
  auto b = out.find("item x");
  auto c = out.find("delayed 0");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_F(ServerTest, OversizedHeaderIs431AndConnectionCloses) {
  ServerOptions options;
  options.header_limit = 1024;
  startServer(options);
  RawSocket sock(port_);
  ASSERT_TRUE(
      sock.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n"));
  std::string out;
  EXPECT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 431")) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
}

TEST_F(ServerTest, OversizedBodyIs413ByContentLengthAndByChunks) {
  ServerOptions options;
  options.body_limit = 100;
  startServer(options);
  {
    RawSocket sock(port_);
    ASSERT_TRUE(
        sock.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  "Content-Length: 1000\r\n\r\n" +
                  std::string(1000, ' ')));
    std::string out;
    EXPECT_TRUE(sock.readUntilClose(out, 5s));
    EXPECT_TRUE(out.starts_with("HTTP/1.1 413")) << out;
  }
  {
    RawSocket sock(port_);
    ASSERT_TRUE(
        sock.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\nc8\r\n" +
                  std::string(200, ' ') + "\r\n0\r\n\r\n"));
    std::string out;
    EXPECT_TRUE(sock.readUntilClose(out, 5s));
    EXPECT_TRUE(out.starts_with("HTTP/1.1 413")) << out;
  }
}

TEST_F(ServerTest, MalformedRequestIs400AndConnectionCloses) {
  startServer();
  RawSocket sock(port_);
  ASSERT_TRUE(sock.send("GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n"));
  std::string out;
  EXPECT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
  EXPECT_NE(out.find("\"detail\""), std::string::npos);
}

TEST_F(ServerTest, MissingHostIs400) {
  startServer();
  RawSocket sock(port_);
  ASSERT_TRUE(sock.send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n"));
  std::string out;
  EXPECT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  startServer(options);
  RawSocket sock(port_);
  ASSERT_TRUE(sock.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::string out;
  ASSERT_TRUE(sock.readUntil(out, "hello", 5s));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(sock.readUntilClose(out, 5s));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 3s);
}

TEST_F(ServerTest, SlowRequestHeadIsCutOffByHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;
  startServer(options);
  RawSocket sock(port_);
  ASSERT_TRUE(sock.send("GET /hello HTTP/1.1\r\n"));
  std::string out;
  EXPECT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_EQ(out, "");
}

TEST_F(ServerTest, HandlerExceptionIs500AndServerKeepsServing) {
  startServer();
  Client client(client_ioc_.get_executor());
  auto res = runSync(client_ioc_, client.get(url("/throw")));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), status::internal_server_error);
  EXPECT_EQ(nlohmann::json::parse(res->body())["detail"], "Internal Server Error");
  auto after = runSync(client_ioc_, client.get(url("/hello")));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body(), "hello");
  // The 500 did not cost the keep-alive connection.
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST_F(ServerTest, HeadAnswersGetHeadersWithoutBody) {
  startServer();
  RawSocket sock(port_);
  ASSERT_TRUE(sock.send("HEAD /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  std::string out;
  ASSERT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out;
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\n")) << out;
}

TEST_F(ServerTest, WrongMethodOnKnownPathIs405WithAllow) {
  startServer();
  Client client(client_ioc_.get_executor());
  auto res = runSync(client_ioc_, client.request(verb::delete_, url("/hello")));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), status::method_not_allowed);
  EXPECT_EQ((*res)[field::allow], "GET, HEAD");
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  startServer();
  RawSocket sock(port_);
  ASSERT_TRUE(
      sock.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                "Content-Length: 8\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
  std::string out;
  ASSERT_TRUE(sock.readUntil(out, "HTTP/1.1 100 Continue\r\n\r\n", 5s)) << out;
  ASSERT_TRUE(sock.send(R"({"a": 1})"));
  ASSERT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_NE(out.find(R"({"got":{"a":1}})"), std::string::npos) << out;
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequestAndClosesIdleOnes) {
  startServer();
  RawSocket idle(port_);
  ASSERT_TRUE(idle.connected());
  for (int i = 0; i < 200 && server_->activeConnections() < 1; ++i)
    std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server_->activeConnections(), 1u);

  std::atomic<bool> stopped{false};
  auto stopper = [&]() -> boost::asio::awaitable<void> {
    for (int i = 0; i < 500 && !slow_started_; ++i) co_await sleepFor(5ms);
    server_->stop([&] { stopped = true; });
  };
  boost::asio::co_spawn(client_ioc_, stopper(), boost::asio::detached);
  Client client(client_ioc_.get_executor());
  auto res = runSync(client_ioc_, client.get(url("/slow")));
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->body(), "done");
  EXPECT_EQ((*res)[field::connection], "close");

  std::string rest;
  EXPECT_TRUE(idle.readUntilClose(rest, 2s));
  server_->join();  // returns once the last connection is gone
  EXPECT_TRUE(stopped);
  EXPECT_EQ(server_->activeConnections(), 0u);
  RawSocket late(port_);
  EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, StopClosesConnectionsThatOutliveTheGrace) {
  ServerOptions options;
  options.shutdown_grace = 100ms;
  startServer(options);
  RawSocket sock(port_);
  ASSERT_TRUE(sock.send("GET /delay/3000 HTTP/1.1\r\nHost: t\r\n\r\n"));
  for (int i = 0; i < 200 && server_->activeConnections() < 1; ++i)
    std::this_thread::sleep_for(5ms);
  auto start = std::chrono::steady_clock::now();
  server_->stop();
  std::string out;
  EXPECT_TRUE(sock.readUntilClose(out, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(out, "");  // the response was never written
  server_->join();
}

TEST(ServerOnCallerContextTest, RunsOnTheCallersIoContextUntilStopped) {
  boost::asio::io_context ioc;
  Router router;
  router.get("/healthz", [](RequestContext&) -> boost::asio::awaitable<Response> {
    co_return makeResponse(status::ok, "ok");
  });
  ServerOptions options;
  options.server_header = "";
  Server server(ioc, options, std::move(router));
  ASSERT_TRUE(server.start());
  std::thread runner([&] { ioc.run(); });

  boost::asio::io_context client_ioc;
  Client client(client_ioc.get_executor());
  auto res = runSync(
      client_ioc,
      client.get("http://127.0.0.1:" + std::to_string(server.boundEndpoint().port()) + "/healthz"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "ok");
  EXPECT_EQ(res->find(field::server), res->end());
  client.closeIdle();  // so the server's connection sees EOF and ends
  server.stop();
  runner.join();  // ioc.run() returns: the server left no work behind
}

TEST(ServerStartTest, ReportsAnAddressInUse) {
  boost::asio::io_context ioc;
  Server first(ioc, ServerOptions{}, Router{});
  ASSERT_TRUE(first.start());
  ServerOptions options;
  options.listen = Endpoint{"127.0.0.1", first.boundEndpoint().port()};
  Server second(ioc, options, Router{});
  auto result = second.start();
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("bind"), std::string::npos);
}

TEST(ServerStartTest, SharesAPortWithReusePort) {
  boost::asio::io_context ioc;
  ServerOptions options;
  options.reuse_port = true;
  Server first(ioc, options, Router{});
  ASSERT_TRUE(first.start());
  options.listen = Endpoint{"127.0.0.1", first.boundEndpoint().port()};
  Server second(ioc, options, Router{});
  auto result = second.start();
  EXPECT_TRUE(result) << result.error().message();
}

TEST(ServerStartTest, ServesIpv6Loopback) {
  boost::asio::io_context ioc;
  Router router;
  router.get("/hello", [](RequestContext& ctx) -> boost::asio::awaitable<Response> {
    co_return makeResponse(status::ok, ctx.remote.address().to_string());
  });
  ServerOptions options;
  options.listen = Endpoint{"::1", 0};
  Server server(ioc, options, std::move(router));
  auto started = server.start();
  if (!started) GTEST_SKIP() << "no IPv6 loopback here: " << started.error().message();
  std::thread runner([&] { ioc.run(); });
  boost::asio::io_context client_ioc;
  Client client(client_ioc.get_executor());
  auto res = runSync(
      client_ioc,
      client.get("http://[::1]:" + std::to_string(server.boundEndpoint().port()) + "/hello"));
  client.closeIdle();
  server.stop();
  runner.join();
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->body(), "::1");
}

}  // namespace
}  // namespace cirrus::http
