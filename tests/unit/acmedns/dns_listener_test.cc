// DnsListener with a stand-in handler: UDP datagrams are answered to their sender, TCP answers
// pipelined queries in order with length prefixes, silence sends nothing, and an idle TCP
// connection is closed after its deadline.
#include "acmedns/dns_listener.h"

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace cirrus::acmedns {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

// Answers "<message>!" (or over TCP "<message>?"), and nothing at all to "quiet".
boost::asio::awaitable<std::optional<std::vector<uint8_t>>> echoHandler(std::vector<uint8_t> m,
                                                                        bool over_tcp) {
  if (std::string(m.begin(), m.end()) == "quiet") co_return std::nullopt;
  m.push_back(over_tcp ? '?' : '!');
  co_return m;
}

class DnsListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DnsListenerOptions options;
    options.tcp_idle_timeout = std::chrono::milliseconds(300);
    listener_ = std::make_unique<DnsListener>(server_io_, options, echoHandler);
    ASSERT_TRUE(listener_->start());
    thread_ = std::thread([this] { server_io_.run(); });
  }
  void TearDown() override {
    asio::post(server_io_, [this] {
      listener_->stop();
      server_io_.stop();
    });
    thread_.join();
  }

  std::string framed(const std::string& s) {
    std::string out;
    out.push_back(static_cast<char>(s.size() >> 8));
    out.push_back(static_cast<char>(s.size() & 0xff));
    return out + s;
  }

  asio::io_context server_io_;
  asio::io_context client_io_;
  std::unique_ptr<DnsListener> listener_;
  std::thread thread_;
};

TEST_F(DnsListenerTest, UdpDatagramIsAnsweredToItsSender) {
  udp::socket socket(client_io_, udp::endpoint(udp::v4(), 0));
  udp::endpoint server(asio::ip::make_address("127.0.0.1"), listener_->port());
  socket.send_to(asio::buffer(std::string("quiet")), server);
  socket.send_to(asio::buffer(std::string("hello")), server);
  std::array<char, 64> buffer{};
  udp::endpoint from;
  size_t n = socket.receive_from(asio::buffer(buffer), from);
  EXPECT_EQ(std::string(buffer.data(), n), "hello!");  // "quiet" got no answer
}

TEST_F(DnsListenerTest, TcpAnswersPipelinedQueriesInOrder) {
  tcp::socket socket(client_io_);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener_->port()));
  asio::write(socket, asio::buffer(framed("one") + framed("quiet") + framed("three")));
  std::array<char, 6 + 8> buffer{};
  asio::read(socket, asio::buffer(buffer));
  EXPECT_EQ(std::string(buffer.data(), buffer.size()), framed("one?") + framed("three?"));
}

TEST_F(DnsListenerTest, IdleTcpConnectionIsClosedAfterTheDeadline) {
  tcp::socket socket(client_io_);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener_->port()));
  auto started = std::chrono::steady_clock::now();
  std::array<char, 1> buffer{};
  boost::system::error_code ec;
  asio::read(socket, asio::buffer(buffer), ec);
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace cirrus::acmedns
