#include "edge/purge_watcher.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <nlohmann/json.hpp>

#include "cache/purge_index.h"
#include "core/log.h"
#include "store/keys.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

constexpr size_t kReplayBatch = 1000;
constexpr size_t kMaxReplayBatches = 1000;  // bounds one catch-up (the log holds ~100k)

// Milliseconds part of a stream id ("1700000000000-3"), 0 when malformed.
int64_t idMillis(std::string_view id) {
  int64_t ms = 0;
  auto dash = id.find('-');
  auto r = std::from_chars(id.data(), id.data() + std::min(dash, id.size()), ms);
  return r.ec == std::errc() ? ms : 0;
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

PurgeWatcher::PurgeWatcher(asio::io_context& ioc, const config::RedisOptions& redis,
                           const ConfigHolder& config, EdgeCache& cache, std::string state_file)
    : ioc_(ioc),
      config_(config),
      cache_(cache),
      state_file_(std::move(state_file)),
      client_(ioc.get_executor(), redis),
      log_(client_),
      subscriber_(ioc.get_executor(), redis) {
  if (!state_file_.empty()) {
    std::ifstream in(state_file_);
    std::string id;
    // "<ms>-<seq>"; "0-0" (an empty log when it was saved) is valid too.
    if (in && std::getline(in, id) && id.find('-') != std::string::npos &&
        (idMillis(id) > 0 || id == "0-0")) {
      last_id_ = id;
    }
  }
}

PurgeWatcher::~PurgeWatcher() {
  stop();
}

void PurgeWatcher::start() {
  subscriber_.onMessage([this](const redis::Subscriber::Message& m) {
    if (stopped_ || m.channel != store::keys::purgeChannel()) return;
    auto json = nlohmann::json::parse(m.payload, nullptr, false);
    auto parsed = json.is_discarded()
                      ? model::Validated<model::PurgeMessage>{}
                      : model::parsePurgeMessage(json, model::PurgeMessageSource::kBus);
    if (json.is_discarded() || !parsed.ok()) {
      log::warn("purge message ignored", {{"payload", m.payload.substr(0, 200)}});
      return;
    }
    announced_.push_back(std::move(parsed.value));
    kick();
  });
  // Pub/sub is at-most-once (spec §4): after every (re)connect, replay the log.
  subscriber_.onConnected([this] {
    need_replay_ = true;
    kick();
  });
  subscriber_.subscribe(store::keys::purgeChannel());
  subscriber_.start();
}

void PurgeWatcher::stop() {
  if (stopped_) return;
  stopped_ = true;
  subscriber_.stop();
  client_.close();
}

void PurgeWatcher::kick() {
  if (running_ || stopped_) return;
  running_ = true;
  asio::co_spawn(ioc_, drain(), [this](std::exception_ptr e) {
    running_ = false;
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("purge watcher failed", {{"error", ex.what()}});
    }
  });
}

void PurgeWatcher::apply(const model::PurgeMessage& message) {
  auto snapshot = config_.current();
  const model::DomainConf* conf = snapshot->find(message.domain);
  auto mode = conf != nullptr ? conf->cache.query_string : model::QueryStringMode::kInclude;
  size_t n = cache_.purge(cache::makePurgeSelector(message, mode),
                          static_cast<int64_t>(std::time(nullptr)));
  cache_.purges_applied.inc();
  cache_.purged_objects.inc(static_cast<double>(n));
}

void PurgeWatcher::saveLastId() {
  if (state_file_.empty()) return;
  std::string tmp = state_file_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << last_id_ << "\n";
    if (!out) return;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, state_file_, ec);
}

asio::awaitable<void> PurgeWatcher::drain() {
  while (!stopped_ && (need_replay_ || !announced_.empty())) {
    std::vector<model::PurgeMessage> announced;
    announced.swap(announced_);
    need_replay_ = false;
    bool log_ok = true;
    if (last_id_.empty()) {
      // First contact and no saved position: the cache is empty, start at the log's end.
      // Purges announced meanwhile are applied as announced below.
      auto last = co_await log_.lastId();
      if (last) {
        last_id_ = *last;
        saveLastId();
      } else {
        log_ok = false;
      }
    } else {
      for (size_t batch = 0; batch < kMaxReplayBatches && !stopped_; ++batch) {
        auto entries = co_await log_.readAfter(last_id_, kReplayBatch);
        if (!entries) {
          log_ok = false;
          break;
        }
        int64_t now_ms = nowMillis();
        for (const auto& e : *entries) {
          if (e.ok()) {
            apply(e.message);
            auto it = std::find(announced.begin(), announced.end(), e.message);
            if (it != announced.end()) announced.erase(it);
            int64_t lag = std::max<int64_t>(0, now_ms - idMillis(e.id));
            cache_.purge_lag.observe(static_cast<double>(lag) / 1000.0);
            cache_.last_purge_lag_ms.store(lag);
          } else {
            log::warn("purge log entry ignored", {{"id", e.id}});
          }
          last_id_ = e.id;
        }
        if (!entries->empty()) saveLastId();
        if (entries->size() < kReplayBatch) break;
      }
    }
    if (!log_ok) {
      log::warn("purge log unreadable; replaying after the next reconnect", {});
      need_replay_ = false;  // the subscriber's reconnect will ask again
    }
    // Announced but not (yet) in the log: an external producer, or the log is unreadable.
    for (const auto& m : announced) apply(m);
  }
}

}  // namespace cirrus::edge
