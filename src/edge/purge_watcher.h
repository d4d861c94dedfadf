// Applies purges to the edge cache (spec §6): a subscriber on the purge channel, and the purge
// log replayed from the last entry applied after every (re)connect, so a purge published while
// this edge was disconnected is not lost. An announcement triggers a read of the log past the
// last entry (one round trip); an announced purge that is not in the log (an external producer
// publishing the seed payload directly) is applied as announced. With a disk tier the last
// applied entry id is kept in the cache directory, so purges made while the edge was down are
// replayed at start. Runs on the control io_context.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/config.h"
#include "core/redis_client.h"
#include "core/redis_subscriber.h"
#include "edge/config_snapshot.h"
#include "edge/edge_cache.h"
#include "model/purge.h"
#include "store/purge_log.h"

namespace cirrus::edge {

class PurgeWatcher {
 public:
  /// state_file: where the last applied log id is kept ("" to keep it in memory only).
  PurgeWatcher(boost::asio::io_context& ioc, const config::RedisOptions& redis,
               const ConfigHolder& config, EdgeCache& cache, std::string state_file);
  ~PurgeWatcher();

  void start();
  void stop();

 private:
  void kick();
  boost::asio::awaitable<void> drain();
  void apply(const model::PurgeMessage& message);
  void saveLastId();

  boost::asio::io_context& ioc_;
  const ConfigHolder& config_;
  EdgeCache& cache_;
  std::string state_file_;
  redis::Client client_;
  store::PurgeLog log_;
  redis::Subscriber subscriber_;
  std::string last_id_;  // the last log entry applied; empty until known
  bool need_replay_ = false;
  bool running_ = false;
  bool stopped_ = false;
  std::vector<model::PurgeMessage> announced_;
};

}  // namespace cirrus::edge
