#include "edge/edge_cache.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"

namespace cirrus::edge {

namespace asio = boost::asio;

bool Flight::addWaiter(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  if (done_) return false;
  wakers_.push_back(std::move(wake));
  return true;
}

void Flight::finish() {
  std::vector<std::function<void()>> wakers;
  {
    std::lock_guard lock(mu_);
    done_ = true;
    wakers.swap(wakers_);
  }
  for (auto& w : wakers) w();
}

Result<std::unique_ptr<EdgeCache>> EdgeCache::create(const EdgeCacheOptions& options,
                                                     metrics::Registry& registry) {
  cache::MemoryStore::Options mo;
  mo.capacity_bytes = options.memory_bytes;
  auto memory = std::make_unique<cache::MemoryStore>(mo);
  std::unique_ptr<cache::DiskStore> disk;
  if (!options.disk_dir.empty()) {
    cache::DiskStore::Options d;
    d.directory = options.disk_dir;
    d.capacity_bytes = options.disk_bytes;
    auto opened = cache::DiskStore::open(std::move(d));
    if (!opened) return opened.error();
    disk = std::move(*opened);
  }
  return std::unique_ptr<EdgeCache>(
      new EdgeCache(options, registry, std::move(memory), std::move(disk)));
}

EdgeCache::EdgeCache(const EdgeCacheOptions& options, metrics::Registry& r,
                     std::unique_ptr<cache::MemoryStore> memory,
                     std::unique_ptr<cache::DiskStore> disk)
    : collapsed(r.counter("cirrus_cache_collapsed_requests_total",
                          "Cache misses that waited for another request's origin fetch.")),
      collapse_timeouts(r.counter("cirrus_cache_collapse_timeouts_total",
                                  "Collapsed requests that stopped waiting and fetched alone.")),
      background_refreshes(
          r.counter("cirrus_cache_background_refreshes_total",
                    "Background revalidations started for stale-while-revalidate.")),
      purges_applied(r.counter("cirrus_purge_applied_total", "Purge messages applied.")),
      purged_objects(
          r.counter("cirrus_purge_objects_total", "Cached objects removed or marked by purges.")),
      purge_lag(r.histogram("cirrus_purge_lag_seconds",
                            "Time from a purge's log entry to its application on this edge.")),
      options_(options),
      memory_(std::move(memory)),
      disk_(std::move(disk)) {
  if (disk_) pool_ = std::make_unique<asio::thread_pool>(options_.disk_threads);
  r.gaugeCallback("cirrus_purge_last_lag_seconds", "Lag of the last purge applied from the log.",
                  [this] { return static_cast<double>(last_purge_lag_ms.load()) / 1000.0; });
  auto tiers = [this](auto field) {
    std::vector<metrics::Sample> out;
    out.push_back({{"memory"}, static_cast<double>(field(memory_->stats()))});
    if (disk_) out.push_back({{"disk"}, static_cast<double>(field(disk_->stats()))});
    return out;
  };
  r.gaugeCallback("cirrus_cache_bytes", "Bytes held by each cache tier.", {"tier"},
                  [tiers] { return tiers([](const cache::StoreStats& s) { return s.bytes; }); });
  r.gaugeCallback(
      "cirrus_cache_capacity_bytes", "Byte bound of each cache tier.", {"tier"},
      [tiers] { return tiers([](const cache::StoreStats& s) { return s.capacity_bytes; }); });
  r.gaugeCallback("cirrus_cache_objects", "Objects held by each cache tier.", {"tier"},
                  [tiers] { return tiers([](const cache::StoreStats& s) { return s.objects; }); });
  r.counterCallback(
      "cirrus_cache_evictions_total", "Objects evicted by each cache tier.", {"tier"},
      [tiers] { return tiers([](const cache::StoreStats& s) { return s.evictions; }); });
  r.counterCallback(
      "cirrus_cache_inserts_total", "Objects stored by each cache tier.", {"tier"},
      [tiers] { return tiers([](const cache::StoreStats& s) { return s.inserts; }); });
  r.counterCallback(
      "cirrus_cache_rejected_total", "Objects a cache tier refused (larger than it accepts).",
      {"tier"}, [tiers] { return tiers([](const cache::StoreStats& s) { return s.rejected; }); });
}

EdgeCache::~EdgeCache() {
  if (pool_) pool_->join();
}

asio::awaitable<cache::LookupResult> EdgeCache::lookup(const cache::CacheKey& key,
                                                       std::string_view key_text,
                                                       cache::HeaderSpan request_fields) {
  cache::LookupResult r = memory_->lookup(key, key_text, request_fields);
  if (r || !disk_) co_return r;
  cache::DiskStore& disk = *disk_;
  cache::LookupResult d = co_await asio::co_spawn(
      pool_->get_executor(),
      [&]() -> asio::awaitable<cache::LookupResult> {
        co_return disk.lookup(key, key_text, request_fields);
      },
      asio::use_awaitable);
  // A soft-purge mark cannot travel into memory; such an object keeps being read from disk.
  if (d && d.invalidated_at == 0) memory_->insert(d.object);
  if (!d && r.variant_miss) d.variant_miss = true;
  co_return d;
}

void EdgeCache::insert(cache::CachedObjectSharedPtr object) {
  memory_->insert(object);
  if (disk_) {
    asio::post(*pool_, [this, object = std::move(object)] { disk_->insert(object); });
  }
}

size_t EdgeCache::purge(const cache::PurgeSelector& selector, int64_t now) {
  size_t n = memory_->purge(selector, now);
  if (disk_) asio::post(*pool_, [this, selector, now] { disk_->purge(selector, now); });
  return n;
}

FlightPtr EdgeCache::joinFlight(std::string_view key_text, bool& leader) {
  std::lock_guard lock(flights_mu_);
  std::string key(key_text);
  auto it = flights_.find(key);
  if (it != flights_.end()) {
    leader = false;
    return it->second;
  }
  leader = true;
  auto flight = std::make_shared<Flight>();
  flights_.emplace(std::move(key), flight);
  return flight;
}

void EdgeCache::endFlight(std::string_view key_text, const FlightPtr& flight) {
  {
    std::lock_guard lock(flights_mu_);
    auto it = flights_.find(std::string(key_text));
    if (it != flights_.end() && it->second == flight) flights_.erase(it);
  }
  flight->finish();
}

}  // namespace cirrus::edge
