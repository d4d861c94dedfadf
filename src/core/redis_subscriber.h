// redis::Subscriber: a dedicated connection for SUBSCRIBE/PSUBSCRIBE that survives Redis
// restarts. Pub/sub is at-most-once (spec §4): messages published while the connection is
// down are lost, so onConnected fires after every (re)connect, once all subscriptions are
// confirmed, and that is where a subscriber re-reads the state it caches.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "core/config.h"

namespace cirrus::redis {

/// Threading: bound to one executor; call every method from it (or before the io_context
/// runs). Callbacks run on that executor, must not block, and any exception they throw is
/// logged and dropped.
///
/// Reconnects: after a lost connection or a failed connect, it retries after a backoff
/// (50 ms doubling to 2 s, with jitter; reset once connected) and resubscribes to every
/// channel and pattern. A PING every ping_interval detects a silently dead connection.
///
/// Lifetime: RAII: destruction stops it. Destroy it before its io_context.
class Subscriber {
 public:
  struct Message {
    std::string channel;
    std::string payload;
    std::string pattern;  // the matching pattern for psubscribe deliveries; empty otherwise
  };
  using MessageHandler = std::function<void(const Message&)>;
  using ConnectedHandler = std::function<void()>;

  static constexpr std::chrono::milliseconds kDefaultPingInterval{15000};

  Subscriber(boost::asio::any_io_executor executor, config::RedisOptions options,
             std::chrono::milliseconds ping_interval = kDefaultPingInterval);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  /// Set the handlers before start().
  void onMessage(MessageHandler handler);
  void onConnected(ConnectedHandler handler);

  /// Adds a channel / glob pattern; sent at once when connected, and on every reconnect.
  /// Subscribing twice to the same name is a no-op.
  void subscribe(std::string channel);
  void psubscribe(std::string pattern);
  void unsubscribe(const std::string& channel);
  void punsubscribe(const std::string& pattern);

  /// Starts connecting in the background. Idempotent.
  void start();
  /// Closes the connection and stops reconnecting; no callback runs afterwards. Idempotent;
  /// may be called from a callback.
  void stop();

  /// True while connected with every subscription confirmed.
  bool connected() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace cirrus::redis
