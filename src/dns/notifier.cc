#include "dns/notifier.h"

#include <algorithm>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"

namespace cirrus::dns {

namespace asio = boost::asio;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

uint64_t unixNow() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

std::optional<std::chrono::milliseconds> notifyTimeout(const NotifyRetryPolicy& policy,
                                                       int attempt) {
  if (attempt < 0 || attempt >= policy.max_attempts) return std::nullopt;
  auto timeout = policy.first_timeout;
  for (int i = 0; i < attempt && timeout < policy.max_timeout; ++i) timeout *= 2;
  return std::min(timeout, policy.max_timeout);
}

std::vector<uint8_t> buildNotify(uint16_t id, const Zone& zone) {
  dnswire::Header h;
  h.id = id;
  h.opcode = dnswire::Opcode::kNotify;
  h.aa = true;
  dnswire::MessageWriter w(dnswire::kMinUdpPayload);
  w.begin(h);
  w.addQuestion({zone.apex(), dnswire::RRType::kSoa, dnswire::RRClass::kIn});
  // RFC 1996 §3.7: the SOA in the answer section is optional; it lets the secondary skip the
  // SOA query when it already has this serial. It always fits 512 octets (names <= 255 each).
  (void)w.addRecord(dnswire::Section::kAnswer, zone.soaRecord());
  return w.finish();
}

NotifyAnswer classifyNotifyAnswer(std::span<const uint8_t> wire, uint16_t id,
                                  TsigVerifier* verifier, uint64_t unix_now) {
  auto parsed = dnswire::parseMessage(wire);
  if (!parsed) return NotifyAnswer::kIgnore;
  const dnswire::Message& m = *parsed;
  if (!m.header.qr || m.header.id != id || m.header.opcode != dnswire::Opcode::kNotify) {
    return NotifyAnswer::kIgnore;
  }
  if (verifier != nullptr && verifier->verify(wire, m, unix_now) != TsigStatus::kVerified) {
    return NotifyAnswer::kRejected;
  }
  return dnswire::responseCode(m) == dnswire::Rcode::kNoError ? NotifyAnswer::kAcked
                                                              : NotifyAnswer::kRejected;
}

Notifier::Notifier(asio::io_context& ioc, const std::vector<Endpoint>& slaves,
                   std::optional<TsigKey> key, DnsMetrics& metrics, NotifyRetryPolicy policy)
    : ioc_(ioc),
      key_(std::move(key)),
      metrics_(metrics),
      policy_(policy),
      ids_(std::random_device{}()) {
  for (const auto& s : slaves) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(s.host, ec);
    if (ec) {  // config validated it already; keep going without this one
      log::error("notify target is not an address", {{"slave", s.toString()}});
      continue;
    }
    slaves_.emplace_back(address, s.port);
  }
}

Notifier::~Notifier() {
  stop();
}

void Notifier::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& [key, task] : tasks_) {
    ++task.generation;
    boost::system::error_code ec;
    if (task.socket) task.socket->close(ec);
  }
}

void Notifier::notify(ZoneSharedPtr zone) {
  if (stopped_ || !zone) return;
  for (size_t i = 0; i < slaves_.size(); ++i) {
    TaskKey key{std::string(zone->apex().wire()), i};
    Task& task = tasks_[key];
    uint64_t generation = ++task.generation;
    boost::system::error_code ec;
    if (task.socket) task.socket->close(ec);  // ends the previous serial's retries at once
    task.socket.reset();
    asio::co_spawn(ioc_, run(std::move(key), generation, zone), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("notify task failed", {{"error", ex.what()}});
      }
    });
  }
}

asio::awaitable<void> Notifier::run(TaskKey key, uint64_t generation, ZoneSharedPtr zone) {
  Task& task = tasks_[key];  // std::map: the reference survives later insertions
  auto current = [&] { return !stopped_ && task.generation == generation; };
  if (!current()) co_return;  // a newer serial was announced before this task started
  const udp::endpoint target = slaves_[key.second];
  auto socket = std::make_shared<udp::socket>(ioc_);
  boost::system::error_code ec;
  socket->open(target.protocol(), ec);
  if (ec) {
    log::error("notify socket failed",
               {{"slave", target.address().to_string()}, {"error", ec.message()}});
    co_return;
  }
  task.socket = socket;
  asio::steady_timer timer(ioc_);
  std::vector<uint8_t> buffer(65535);
  const uint32_t serial = zone->serial();
  const std::string slave = target.address().to_string() + ":" + std::to_string(target.port());
  const std::string apex = zone->apex().toText();

  for (int attempt = 0;; ++attempt) {
    if (!current()) co_return;
    auto timeout = notifyTimeout(policy_, attempt);
    if (!timeout) {
      metrics_.notify_failures.inc();
      log::warn("notify not acknowledged; giving up",
                {{"slave", slave}, {"zone", apex}, {"serial", serial}, {"attempts", attempt}});
      co_return;
    }
    auto id = static_cast<uint16_t>(ids_());
    std::vector<uint8_t> wire = buildNotify(id, *zone);
    std::unique_ptr<TsigVerifier> verifier;
    if (key_) {
      TsigSigner signer(*key_);
      signer.sign(wire, unixNow());
      verifier = std::make_unique<TsigVerifier>(*key_, signer.lastMac());
    }
    auto [send_ec, sent] = co_await socket->async_send_to(asio::buffer(wire), target, kUseTuple);
    (void)sent;
    if (!current()) co_return;
    if (!send_ec) metrics_.notifies_sent.inc();

    // Wait for the answer until the attempt's deadline; the timer cancels the receive.
    const auto deadline = Clock::now() + *timeout;
    auto armed = std::make_shared<bool>(true);
    timer.expires_at(deadline);
    timer.async_wait([socket, armed](boost::system::error_code wait_ec) {
      if (!wait_ec && *armed) socket->cancel();
    });
    NotifyAnswer answer = NotifyAnswer::kIgnore;
    while (!send_ec && answer == NotifyAnswer::kIgnore) {
      udp::endpoint from;
      auto [recv_ec, n] =
          co_await socket->async_receive_from(asio::buffer(buffer), from, kUseTuple);
      if (recv_ec || !current()) break;
      if (from.address() != target.address()) continue;
      answer = classifyNotifyAnswer(std::span<const uint8_t>(buffer.data(), n), id, verifier.get(),
                                    unixNow());
    }
    *armed = false;
    timer.cancel();
    if (!current()) co_return;
    if (answer == NotifyAnswer::kAcked) {
      metrics_.notify_acks.inc();
      log::info("notify acknowledged",
                {{"slave", slave}, {"zone", apex}, {"serial", serial}, {"attempt", attempt + 1}});
      co_return;
    }
    if (answer == NotifyAnswer::kRejected) {
      log::warn("notify rejected", {{"slave", slave}, {"serial", serial}});
    }
    // Rejected or send error: wait out the attempt's timeout before retrying.
    if (Clock::now() < deadline) {
      timer.expires_at(deadline);
      co_await timer.async_wait(kUseTuple);
    }
  }
}

}  // namespace cirrus::dns
