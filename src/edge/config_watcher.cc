#include "edge/config_watcher.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "core/log.h"
#include "edge/tls_store.h"
#include "model/domain_conf.h"
#include "store/keys.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

// nullptr when the stored document is not a valid DomainConf (logged): the edge then serves
// the domain as unknown rather than with a half-understood configuration.
DomainConfSharedPtr parseStored(std::string_view domain, const std::string& raw) {
  auto json = nlohmann::json::parse(raw, nullptr, false);
  if (json.is_discarded()) {
    log::warn("stored domain config is not JSON", {{"domain", domain}});
    return nullptr;
  }
  auto parsed = model::parseDomainConf(json);
  if (!parsed.ok()) {
    log::warn("stored domain config is invalid",
              {{"domain", domain}, {"errors", parsed.errors.size()}});
    return nullptr;
  }
  return std::make_shared<const model::DomainConf>(std::move(parsed.value));
}

}  // namespace

ConfigWatcher::ConfigWatcher(asio::io_context& ioc, const config::RedisOptions& redis,
                             ConfigHolder& holder, EdgeMetrics& metrics, std::chrono::seconds ttl,
                             TlsStore* tls)
    : ioc_(ioc),
      holder_(holder),
      metrics_(metrics),
      ttl_(ttl),
      tls_(tls),
      client_(ioc.get_executor(), redis),
      domains_(client_),
      certs_(client_),
      subscriber_(ioc.get_executor(), redis),
      ttl_timer_(ioc) {}

ConfigWatcher::~ConfigWatcher() {
  stop();
}

void ConfigWatcher::spawn(asio::awaitable<void> task, const char* what) {
  asio::co_spawn(ioc_, std::move(task), [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("config watcher task failed", {{"task", what}, {"error", ex.what()}});
    }
  });
}

void ConfigWatcher::start() {
  subscriber_.onMessage([this](const redis::Subscriber::Message& m) {
    if (stopped_) return;
    if (m.channel == store::keys::confChannel()) {
      spawn(reloadDomain(m.payload), "reload domain");
    } else if (m.channel == store::keys::certsChannel()) {
      spawn(reloadCertificate(m.payload), "reload certificate");
    }
  });
  // Pub/sub is at-most-once (spec §4): whatever changed while we were away is re-read here.
  subscriber_.onConnected([this] {
    if (!stopped_) spawn(fullReload(), "full reload");
  });
  subscriber_.subscribe(store::keys::confChannel());
  if (tls_ != nullptr) subscriber_.subscribe(store::keys::certsChannel());
  subscriber_.start();
  spawn(ttlLoop(), "ttl loop");
}

void ConfigWatcher::stop() {
  if (stopped_) return;
  stopped_ = true;
  subscriber_.stop();
  ttl_timer_.cancel();
  client_.close();
}

void ConfigWatcher::publish() {
  auto version = holder_.publish(current_);
  metrics_.config_version.store(version);
  metrics_.config_domains.store(current_.size());
}

asio::awaitable<void> ConfigWatcher::ttlLoop() {
  // The first pass runs at once: the edge must not wait for the subscriber to route.
  while (!stopped_) {
    co_await fullReload();
    first_load_done_ = true;
    ttl_timer_.expires_after(ttl_);
    auto [ec] = co_await ttl_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

asio::awaitable<void> ConfigWatcher::fullReload() {
  uint64_t started = seq_;
  auto names = co_await domains_.list();
  if (!names) {
    log::warn("config reload failed; serving the last known configuration",
              {{"error", names.error().message()}});
    co_return;
  }
  std::unordered_map<std::string, DomainConfSharedPtr> next;
  for (const auto& name : *names) {
    auto raw = co_await domains_.getRaw(name);
    if (!raw) {
      log::warn("config reload failed; serving the last known configuration",
                {{"error", raw.error().message()}});
      co_return;
    }
    if (!*raw) continue;
    if (auto conf = parseStored(name, **raw)) next.emplace(name, std::move(conf));
  }
  if (stopped_) co_return;
  // Domains re-read individually since this reload started keep that newer answer.
  for (const auto& [name, at] : updated_at_) {
    if (at <= started) continue;
    auto it = current_.find(name);
    if (it != current_.end()) {
      next[name] = it->second;
    } else {
      next.erase(name);
    }
  }
  updated_at_.clear();
  bool changed = next.size() != current_.size();
  for (const auto& [name, conf] : next) {
    if (changed) break;
    auto it = current_.find(name);
    changed = it == current_.end() || !(*it->second == *conf);
  }
  if (changed) {
    current_ = std::move(next);
    publish();
    log::info("domain configuration loaded", {{"domains", current_.size()}});
  }
  if (tls_ != nullptr) {
    std::vector<std::string> domains;
    for (const auto& [name, conf] : current_) domains.push_back(name);
    co_await tls_->reloadAll(certs_, domains);
  }
}

asio::awaitable<void> ConfigWatcher::reloadDomain(std::string domain) {
  auto raw = co_await domains_.getRaw(domain);
  if (!raw) {
    log::warn("domain reload failed", {{"domain", domain}, {"error", raw.error().message()}});
    co_return;
  }
  if (stopped_) co_return;
  updated_at_[domain] = ++seq_;
  DomainConfSharedPtr conf = *raw ? parseStored(domain, **raw) : nullptr;
  if (conf) {
    current_[domain] = std::move(conf);
  } else {
    current_.erase(domain);
    metrics_.requests.removeWhere("host", domain);
  }
  publish();
  log::info("domain configuration updated",
            {{"domain", domain}, {"present", current_.contains(domain)}});
  if (tls_ != nullptr && current_.contains(domain)) co_await tls_->reload(certs_, domain);
}

asio::awaitable<void> ConfigWatcher::reloadCertificate(std::string domain) {
  if (tls_ != nullptr) co_await tls_->reload(certs_, domain);
}

}  // namespace cirrus::edge
