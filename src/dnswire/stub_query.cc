#include "dnswire/stub_query.h"

#include <array>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"

namespace cirrus::dnswire {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// DNS Flag Day 2020: large enough for most answers, small enough to avoid IP fragmentation.
constexpr uint16_t kUdpPayload = 1232;

// Closes the socket once the deadline passes, which fails the operation pending on it; every
// read and write of an exchange runs under one. The handler owns a reference to the socket,
// so it may run after the exchange has finished.
template <class Socket>
class DeadlineGuard {
 public:
  DeadlineGuard(std::shared_ptr<Socket> socket, Clock::time_point deadline)
      : timer_(socket->get_executor()) {
    timer_.expires_at(deadline);
    timer_.async_wait([socket](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the exchange ended first
      boost::system::error_code ignored;
      socket->close(ignored);
    });
  }

 private:
  asio::steady_timer timer_;  // its destructor cancels the wait
};

// RFC 5452 §9.2: the id is the main defence against spoofed answers, so it comes from the
// system's entropy source, not a seeded generator.
uint16_t randomId() {
  thread_local std::random_device device;
  return static_cast<uint16_t>(device());
}

std::vector<uint8_t> buildQuery(uint16_t id, const Question& question) {
  Message m;
  m.header.id = id;
  m.header.rd = true;
  m.questions.push_back(question);
  m.edns.emplace();
  m.edns->udp_payload_size = kUdpPayload;
  // A header, one question of at most 259 octets and a bare OPT always fit.
  return std::move(*writeMessage(m));
}

Error failure(const boost::system::error_code& ec, Clock::time_point deadline,
              const std::string& where) {
  if (Clock::now() >= deadline) return upstreamTimeout(where + ": no answer in time");
  return upstreamUnavailable(where + ": " + ec.message());
}

struct Exchange {
  asio::any_io_executor executor;
  asio::ip::address server;
  uint16_t port = 0;
  uint16_t id = 0;
  Question question;
  std::vector<uint8_t> wire;
  Clock::time_point deadline;
  std::string where;
};

// The answer over UDP, or nullopt when it came back truncated (ask again over TCP).
asio::awaitable<Result<std::optional<Message>>> askUdp(const Exchange& x) {
  auto socket = std::make_shared<udp::socket>(x.executor);
  boost::system::error_code ec;
  udp::endpoint server(x.server, x.port);
  socket->open(server.protocol(), ec);
  // Connected: the kernel drops datagrams from other sources and reports ICMP errors.
  if (!ec) socket->connect(server, ec);
  if (ec) co_return upstreamUnavailable(x.where + ": " + ec.message());
  DeadlineGuard guard(socket, x.deadline);
  auto [send_ec, sent] = co_await socket->async_send(asio::buffer(x.wire), kUseTuple);
  (void)sent;
  if (send_ec) co_return failure(send_ec, x.deadline, x.where);
  std::vector<uint8_t> buffer(kMaxMessageSize);
  bool malformed = false;
  // Bounded by the deadline: the guard closes the socket, which ends the receive.
  while (true) {
    auto [recv_ec, n] = co_await socket->async_receive(asio::buffer(buffer), kUseTuple);
    if (recv_ec) {
      if (malformed && Clock::now() >= x.deadline) {
        co_return upstreamProtocol(x.where + ": malformed answer");
      }
      co_return failure(recv_ec, x.deadline, x.where);
    }
    std::span<const uint8_t> reply(buffer.data(), n);
    auto header = parseHeader(reply);
    if (!header || !header->qr || header->id != x.id) continue;  // not ours: keep waiting
    auto message = parseMessage(reply);
    if (message && answersQuestion(*message, x.id, x.question)) {
      if (message->header.tc) co_return std::nullopt;
      co_return std::optional<Message>(std::move(*message));
    }
    // A truncated answer may be cut mid-record; the TCP answer is checked in full.
    if (!message && header->tc) co_return std::nullopt;
    if (!message) malformed = true;
  }
}

// RFC 7766 §5: the same query over TCP, with the 2-octet length prefix (RFC 1035 §4.2.2).
asio::awaitable<Result<Message>> askTcp(const Exchange& x) {
  const std::string where = x.where + " (tcp)";
  if (Clock::now() >= x.deadline) co_return upstreamTimeout(where + ": no time left");
  auto socket = std::make_shared<tcp::socket>(x.executor);
  DeadlineGuard guard(socket, x.deadline);
  auto [connect_ec] = co_await socket->async_connect(tcp::endpoint(x.server, x.port), kUseTuple);
  if (connect_ec) co_return failure(connect_ec, x.deadline, where);
  std::array<uint8_t, 2> prefix{static_cast<uint8_t>(x.wire.size() >> 8),
                                static_cast<uint8_t>(x.wire.size() & 0xff)};
  std::array<asio::const_buffer, 2> out{asio::buffer(prefix), asio::buffer(x.wire)};
  auto [write_ec, written] = co_await asio::async_write(*socket, out, kUseTuple);
  (void)written;
  if (write_ec) co_return failure(write_ec, x.deadline, where);
  std::vector<uint8_t> reply;
  // Bounded by the deadline, like the UDP wait.
  while (true) {
    auto [prefix_ec, n] = co_await asio::async_read(*socket, asio::buffer(prefix), kUseTuple);
    (void)n;
    if (prefix_ec) co_return failure(prefix_ec, x.deadline, where);
    reply.resize((static_cast<size_t>(prefix[0]) << 8) | prefix[1]);
    auto [body_ec, m] = co_await asio::async_read(*socket, asio::buffer(reply), kUseTuple);
    (void)m;
    if (body_ec) co_return failure(body_ec, x.deadline, where);
    auto message = parseMessage(reply);
    if (message && answersQuestion(*message, x.id, x.question)) co_return std::move(*message);
    auto header = parseHeader(reply);
    if (!message && header && header->qr && header->id == x.id) {
      co_return upstreamProtocol(where +
                                 ": malformed answer: " + std::string(toString(message.error())));
    }
  }
}

}  // namespace

bool answersQuestion(const Message& answer, uint16_t id, const Question& question) {
  if (!answer.header.qr || answer.header.id != id || answer.questions.size() != 1) return false;
  const Question& q = answer.questions.front();
  return q.name == question.name && q.type == question.type && q.rclass == question.rclass;
}

asio::awaitable<Result<Message>> query(asio::any_io_executor executor, const Endpoint& server,
                                       std::string_view name, RRType type,
                                       std::chrono::milliseconds timeout) {
  auto qname = Name::fromText(name);
  if (!qname) co_return toError(qname.error());
  Exchange x;
  x.deadline = Clock::now() + timeout;
  x.where = "dns query " + qname->toText() + " " + toString(type) + " to " + server.toString();
  boost::system::error_code ec;
  x.server = asio::ip::make_address(server.host, ec);
  if (ec) co_return upstreamUnavailable(x.where + ": the server is not an IP address");
  x.executor = std::move(executor);
  x.port = server.port;
  x.id = randomId();
  x.question = Question{std::move(*qname), type, RRClass::kIn};
  x.wire = buildQuery(x.id, x.question);
  auto udp_answer = co_await askUdp(x);
  if (!udp_answer) co_return udp_answer.error();
  if (*udp_answer) co_return std::move(**udp_answer);
  co_return co_await askTcp(x);
}

}  // namespace cirrus::dnswire
