// Stub queries against a scripted DNS server on loopback (UDP and TCP on one port): matching
// answers, TC -> TCP retry, ignored foreign answers, timeouts and socket errors; plus the
// resolv.conf reader and CNAME lookup in an answer.
#include "dnswire/stub_query.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/sync_runner.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"
#include "dnswire/rdata.h"
#include "dnswire/resolv_conf.h"

namespace cirrus::dnswire {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using std::chrono::milliseconds;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

/// The messages to send back for one query (several, or none for silence).
using Replies = std::vector<std::vector<uint8_t>>;
using Script = std::function<Replies(const Message& query)>;

// UDP and TCP on one loopback port; every query is parsed, recorded and answered by a script.
class LoopbackServer {
 public:
  explicit LoopbackServer(asio::io_context& io) : udp_(io), acceptor_(io) {
    // The kernel picks a free UDP port; its TCP twin may be taken by another test running in
    // parallel, so pick again until both bind (bounded).
    for (int attempt = 0; attempt < 100 && !acceptor_.is_open(); ++attempt) {
      boost::system::error_code ec;
      udp_ = udp::socket(io, udp::endpoint(asio::ip::address_v4::loopback(), 0));
      tcp::endpoint twin(asio::ip::address_v4::loopback(), udp_.local_endpoint().port());
      acceptor_.open(twin.protocol());
      acceptor_.bind(twin, ec);
      if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) acceptor_.close();
    }
    if (!acceptor_.is_open()) throw std::runtime_error("no UDP+TCP port pair free on loopback");
    asio::co_spawn(io, udpLoop(), asio::detached);
    asio::co_spawn(io, acceptLoop(), asio::detached);
  }
  ~LoopbackServer() {
    boost::system::error_code ignored;
    udp_.close(ignored);
    acceptor_.close(ignored);
  }

  Endpoint endpoint() const { return {"127.0.0.1", udp_.local_endpoint().port()}; }

  Script on_udp = [](const Message&) { return Replies{}; };
  Script on_tcp = [](const Message&) { return Replies{}; };
  std::vector<Message> udp_queries;
  std::vector<Message> tcp_queries;

 private:
  asio::awaitable<void> udpLoop() {
    std::vector<uint8_t> buffer(65535);
    while (true) {
      udp::endpoint peer;
      auto [ec, n] = co_await udp_.async_receive_from(asio::buffer(buffer), peer, kUseTuple);
      if (ec) co_return;
      auto query = parseMessage(std::span<const uint8_t>(buffer.data(), n));
      if (!query) continue;
      udp_queries.push_back(*query);
      for (const auto& reply : on_udp(*query)) {
        auto [send_ec, sent] = co_await udp_.async_send_to(asio::buffer(reply), peer, kUseTuple);
        (void)send_ec;
        (void)sent;
      }
    }
  }

  asio::awaitable<void> acceptLoop() {
    while (true) {
      auto [ec, socket] = co_await acceptor_.async_accept(kUseTuple);
      if (ec) co_return;
      co_await serve(std::move(socket));
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    while (true) {
      std::array<uint8_t, 2> prefix{};
      auto [ec, n] = co_await asio::async_read(socket, asio::buffer(prefix), kUseTuple);
      if (ec) co_return;
      std::vector<uint8_t> body((static_cast<size_t>(prefix[0]) << 8) | prefix[1]);
      auto [body_ec, m] = co_await asio::async_read(socket, asio::buffer(body), kUseTuple);
      if (body_ec) co_return;
      auto query = parseMessage(body);
      if (!query) co_return;
      tcp_queries.push_back(*query);
      for (const auto& reply : on_tcp(*query)) {
        std::vector<uint8_t> framed{static_cast<uint8_t>(reply.size() >> 8),
                                    static_cast<uint8_t>(reply.size() & 0xff)};
        framed.insert(framed.end(), reply.begin(), reply.end());
        auto [write_ec, written] =
            co_await asio::async_write(socket, asio::buffer(framed), kUseTuple);
        if (write_ec) co_return;
      }
    }
  }

  udp::socket udp_;
  tcp::acceptor acceptor_;
};

Name name(std::string_view text) {
  return Name::fromText(text).value();
}

// An answer to `query` with one A record per address in `last_octets` (192.0.2.x).
std::vector<uint8_t> answer(const Message& query, std::vector<uint8_t> last_octets,
                            const std::function<void(Message&)>& edit = {}) {
  Message m;
  m.header = query.header;
  m.header.qr = true;
  m.header.ra = true;
  m.questions = query.questions;
  for (uint8_t octet : last_octets) {
    m.answers.push_back(
        {query.questions.at(0).name, RRType::kA, RRClass::kIn, 60, encodeA({192, 0, 2, octet})});
  }
  if (edit) edit(m);
  return writeMessage(m).value();
}

std::vector<uint8_t> lastOctets(const Message& m) {
  std::vector<uint8_t> out;
  for (const auto& rr : m.answers) {
    if (rr.type == RRType::kA && rr.rdata.size() == 4)
      out.push_back(static_cast<uint8_t>(rr.rdata[3]));
  }
  return out;
}

class StubQueryTest : public ::testing::Test {
 protected:
  Result<Message> ask(std::string_view qname, milliseconds timeout = milliseconds(2000),
                      RRType type = RRType::kA) {
    return runSync(io_, query(io_.get_executor(), server_.endpoint(), qname, type, timeout),
                   std::chrono::seconds(10));
  }

  asio::io_context io_;
  LoopbackServer server_{io_};
};

TEST_F(StubQueryTest, MatchingUdpAnswerIsReturnedAndTheQueryAsksForRecursion) {
  server_.on_udp = [](const Message& q) { return Replies{answer(q, {1, 2})}; };
  auto r = ask("www.Example.test");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(lastOctets(*r), (std::vector<uint8_t>{1, 2}));
  ASSERT_EQ(server_.udp_queries.size(), 1u);
  const Message& sent = server_.udp_queries[0];
  EXPECT_TRUE(sent.header.rd);
  EXPECT_FALSE(sent.header.qr);
  ASSERT_EQ(sent.questions.size(), 1u);
  EXPECT_EQ(sent.questions[0].name.toText(), "www.Example.test.");
  EXPECT_EQ(sent.questions[0].type, RRType::kA);
  EXPECT_EQ(sent.questions[0].rclass, RRClass::kIn);
  ASSERT_TRUE(sent.edns);
  EXPECT_EQ(sent.edns->udp_payload_size, 1232);
  EXPECT_TRUE(server_.tcp_queries.empty());
}

TEST_F(StubQueryTest, NxdomainIsAnAnswerNotAnError) {
  server_.on_udp = [](const Message& q) {
    return Replies{answer(q, {}, [](Message& m) { m.header.rcode = 3; })};
  };
  auto r = ask("missing.example.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(responseCode(*r), Rcode::kNxDomain);
}

TEST_F(StubQueryTest, TruncatedUdpAnswerIsAskedAgainOverTcp) {
  server_.on_udp = [](const Message& q) {
    return Replies{answer(q, {1}, [](Message& m) { m.header.tc = true; })};
  };
  server_.on_tcp = [](const Message& q) { return Replies{answer(q, {1, 2, 3})}; };
  auto r = ask("big.example.test");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(lastOctets(*r), (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_FALSE(r->header.tc);
  ASSERT_EQ(server_.tcp_queries.size(), 1u);
  EXPECT_EQ(server_.tcp_queries[0].header.id, server_.udp_queries.at(0).header.id);
}

TEST_F(StubQueryTest, TruncatedAnswerCutMidRecordStillFallsBackToTcp) {
  server_.on_udp = [](const Message& q) {
    auto wire = answer(q, {1}, [](Message& m) { m.header.tc = true; });
    wire.resize(wire.size() - 3);  // RDATA cut short: the message no longer parses
    return Replies{wire};
  };
  server_.on_tcp = [](const Message& q) { return Replies{answer(q, {7})}; };
  auto r = ask("cut.example.test");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(lastOctets(*r), (std::vector<uint8_t>{7}));
}

TEST_F(StubQueryTest, AnswersWithAnotherIdOrQuestionAreIgnored) {
  server_.on_udp = [](const Message& q) {
    auto other_id = answer(q, {1}, [](Message& m) { ++m.header.id; });
    auto other_name = answer(q, {2}, [](Message& m) { m.questions[0].name = name("evil.test"); });
    auto other_type = answer(q, {3}, [](Message& m) { m.questions[0].type = RRType::kAaaa; });
    auto not_a_response = answer(q, {4}, [](Message& m) { m.header.qr = false; });
    return Replies{other_id, other_name, other_type, not_a_response, answer(q, {5})};
  };
  auto r = ask("www.example.test");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(lastOctets(*r), (std::vector<uint8_t>{5}));
}

TEST_F(StubQueryTest, QuestionMatchIgnoresCase) {
  server_.on_udp = [](const Message& q) {
    return Replies{
        answer(q, {9}, [](Message& m) { m.questions[0].name = name("WWW.EXAMPLE.TEST"); })};
  };
  auto r = ask("www.example.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(lastOctets(*r), (std::vector<uint8_t>{9}));
}

TEST_F(StubQueryTest, OnlyForeignAnswersEndInTimeoutAtTheDeadline) {
  server_.on_udp = [](const Message& q) {
    return Replies{answer(q, {1}, [](Message& m) { ++m.header.id; })};
  };
  auto start = std::chrono::steady_clock::now();
  auto r = ask("www.example.test", milliseconds(300));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kTimeout);
  EXPECT_EQ(r.error().source(), ErrorSource::kUpstream);
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(3000));
}

TEST_F(StubQueryTest, SilentServerIsUpstreamTimeout) {
  auto start = std::chrono::steady_clock::now();
  auto r = ask("www.example.test", milliseconds(200));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(200));
  EXPECT_EQ(server_.udp_queries.size(), 1u);
}

TEST_F(StubQueryTest, SilentTcpAfterTruncationIsUpstreamTimeout) {
  server_.on_udp = [](const Message& q) {
    return Replies{answer(q, {}, [](Message& m) { m.header.tc = true; })};
  };
  auto r = ask("www.example.test", milliseconds(300));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kTimeout);
  EXPECT_EQ(server_.tcp_queries.size(), 1u);
}

TEST_F(StubQueryTest, MalformedMatchingAnswerIsUpstreamProtocol) {
  server_.on_udp = [](const Message& q) {
    auto wire = answer(q, {1});
    wire.push_back(0);  // trailing data after the last record
    return Replies{wire};
  };
  auto r = ask("www.example.test", milliseconds(200));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kProtocol);
}

TEST_F(StubQueryTest, ClosedPortIsUpstreamUnavailable) {
  uint16_t closed_port = 0;
  {
    udp::socket probe(io_, udp::endpoint(asio::ip::address_v4::loopback(), 0));
    closed_port = probe.local_endpoint().port();
  }
  auto r = runSync(io_,
                   query(io_.get_executor(), Endpoint{"127.0.0.1", closed_port}, "www.example.test",
                         RRType::kA, milliseconds(2000)),
                   std::chrono::seconds(10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
}

TEST_F(StubQueryTest, BadNameOrServerIsRejectedWithoutSending) {
  auto bad_name = ask("a..b");
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code(), ErrorCode::kBadRequest);
  auto bad_server = runSync(io_, query(io_.get_executor(), Endpoint{"dns.example", 53},
                                       "www.example.test", RRType::kA, milliseconds(100)));
  ASSERT_FALSE(bad_server);
  EXPECT_EQ(bad_server.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(server_.udp_queries.empty());
}

TEST(CnameTargetTest, FindsTheTargetOwnedByTheNameIgnoringCase) {
  Message m;
  m.answers.push_back(
      {name("other.test"), RRType::kCname, RRClass::kIn, 60, encodeName(name("wrong.test"))});
  m.answers.push_back({name("_acme-challenge.Example.test"), RRType::kCname, RRClass::kIn, 60,
                       encodeName(name("0f4b.acme.cdn.test"))});
  m.answers.push_back({name("0f4b.acme.cdn.test"), RRType::kTxt, RRClass::kIn, 1, "\x01x"});
  auto target = cnameTarget(m, name("_ACME-challenge.example.test"));
  ASSERT_TRUE(target);
  EXPECT_EQ(target->toText(), "0f4b.acme.cdn.test.");
  EXPECT_FALSE(cnameTarget(m, name("0f4b.acme.cdn.test")));
  EXPECT_FALSE(cnameTarget(m, name("nothing.test")));
}

TEST(ResolvConfTest, FirstNameserverSkipsCommentsKeywordsAndNonAddresses) {
  auto server = firstNameserver(
      "# generated\n"
      "search example.test\n"
      "; nameserver 10.9.9.9\n"
      "nameserver dns.example\n"
      "  nameserver\t192.0.2.53  # primary\n"
      "nameserver 192.0.2.54\n");
  ASSERT_TRUE(server);
  EXPECT_EQ(server->host, "192.0.2.53");
  EXPECT_EQ(server->port, 53);
  auto v6 = firstNameserver("options edns0\nnameserver fe80::1%lo\n");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "fe80::1%lo");
  EXPECT_FALSE(firstNameserver("search example.test\nnameserverx 192.0.2.1\n"));
  EXPECT_FALSE(firstNameserver(""));
}

TEST(ResolvConfTest, SystemResolverReadsTheFileOrSaysWhyNot) {
  std::string path = ::testing::TempDir() + "/stub_query_resolv.conf";
  {
    std::ofstream out(path);
    out << "nameserver 127.0.0.53\noptions edns0 trust-ad\n";
  }
  auto server = systemResolver(path);
  ASSERT_TRUE(server);
  EXPECT_EQ(server->toString(), "127.0.0.53:53");
  {
    std::ofstream out(path);
    out << "search example.test\n";
  }
  auto none = systemResolver(path);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kUnavailable);
  std::remove(path.c_str());
  EXPECT_FALSE(systemResolver(path));
}

}  // namespace
}  // namespace cirrus::dnswire
