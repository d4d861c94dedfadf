#include "dns/dns_server.h"

#include <sys/socket.h>

#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "core/metrics_registry.h"
#include "dns/zone_builder.h"
#include "dns/zone_holder.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"

namespace cirrus::dns {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

std::vector<uint8_t> queryWire(uint16_t id, std::string_view qname) {
  dnswire::Message q;
  q.header.id = id;
  q.questions.push_back(
      {*dnswire::Name::fromText(qname), dnswire::RRType::kA, dnswire::RRClass::kIn});
  return *dnswire::writeMessage(q);
}

// A Server on 127.0.0.1 (UDP) serving a small steering zone, run on its own thread.
class DnsServerTest : public ::testing::Test {
 protected:
  DnsServerTest() : metrics_(registry_) {
    ZoneBuildInput in;
    in.base_domain = "cdn.test";
    in.serial = 7;
    for (int i = 0; i < 50; ++i) in.domains.push_back("d" + std::to_string(i) + ".example");
    in.nodes.push_back({"n1", "192.0.2.1", "", "", true, true});
    holder_.publish(std::make_shared<const Zone>(std::move(*buildSteeringZone(in))));
    handler_.emplace(holder_, metrics_, HandlerOptions{});
    server_.emplace(ioc_, *handler_, metrics_, ServerOptions{});
    auto started = server_->start();
    EXPECT_TRUE(started);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~DnsServerTest() override {
    asio::post(ioc_, [this] { server_->stop(); });
    ioc_.stop();
    thread_.join();
  }

  metrics::Registry registry_;
  DnsMetrics metrics_;
  ZoneHolder holder_;
  std::optional<QueryHandler> handler_;
  asio::io_context ioc_;
  std::optional<Server> server_;
  std::thread thread_;
};

TEST_F(DnsServerTest, AnswersEveryDatagramOfBurstsLargerThanOneBatch) {
  // Bursts of 200 queries sent back to back: the server reads them 32 per recvmmsg() and
  // answers each batch with one sendmmsg(); every query must get its own answer, to its own
  // source. (200, not more: the server socket's default buffer holds ~256 small datagrams,
  // beyond which the kernel drops them whatever the server does.)
  asio::io_context client_ctx;
  udp::socket client(client_ctx, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  int rcvbuf = 4 << 20;
  ::setsockopt(client.native_handle(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  udp::endpoint server(asio::ip::make_address("127.0.0.1"), server_->port());
  constexpr int kBurst = 200;
  std::vector<uint8_t> buf(4096);
  for (int burst = 0; burst < 2; ++burst) {
    const int first_id = 1 + burst * kBurst;
    for (int i = 0; i < kBurst; ++i) {
      const int id = first_id + i;
      auto wire =
          queryWire(static_cast<uint16_t>(id), "d" + std::to_string(id % 50) + ".example.cdn.test");
      client.send_to(asio::buffer(wire), server);
    }
    std::set<uint16_t> ids;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (ids.size() < kBurst && std::chrono::steady_clock::now() < deadline) {
      if (client.available() == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      udp::endpoint from;
      size_t n = client.receive_from(asio::buffer(buf), from);
      auto m = dnswire::parseMessage(std::span<const uint8_t>(buf.data(), n));
      ASSERT_TRUE(m);
      EXPECT_TRUE(m->header.qr);
      EXPECT_TRUE(m->header.aa);
      ASSERT_EQ(m->answers.size(), 1u) << m->header.id;
      EXPECT_EQ(
          m->answers[0].name,
          *dnswire::Name::fromText("d" + std::to_string(m->header.id % 50) + ".example.cdn.test"));
      EXPECT_GE(m->header.id, first_id);
      ids.insert(m->header.id);
    }
    EXPECT_EQ(ids.size(), static_cast<size_t>(kBurst)) << "burst " << burst;
  }
}

TEST_F(DnsServerTest, KeepsServingAfterGarbageAndResponses) {
  asio::io_context client_ctx;
  udp::socket client(client_ctx, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  udp::endpoint server(asio::ip::make_address("127.0.0.1"), server_->port());
  std::vector<uint8_t> garbage{1, 2, 3};
  client.send_to(asio::buffer(garbage), server);  // too short for a header: no answer
  auto response = queryWire(9, "d1.example.cdn.test");
  response[2] |= 0x80;  // QR: a response, never answered
  client.send_to(asio::buffer(response), server);
  auto wire = queryWire(10, "d2.example.cdn.test");
  client.send_to(asio::buffer(wire), server);
  std::vector<uint8_t> buf(4096);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (client.available() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GT(client.available(), 0u);
  udp::endpoint from;
  size_t n = client.receive_from(asio::buffer(buf), from);
  auto m = dnswire::parseMessage(std::span<const uint8_t>(buf.data(), n));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.id, 10);  // the only answer: the garbage and the response got none
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(client.available(), 0u);
}

}  // namespace
}  // namespace cirrus::dns
