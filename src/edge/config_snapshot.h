// Domain configuration as the edge's workers see it: an immutable snapshot (host → DomainConf)
// swapped atomically by the config watcher. Readers never lock: each worker keeps its own
// shared_ptr and reloads it only when the published version number moves.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/domain_conf.h"

namespace cirrus::edge {

using DomainConfSharedPtr = std::shared_ptr<const model::DomainConf>;

struct ConfigSnapshot {
  uint64_t version = 0;
  std::unordered_map<std::string, DomainConfSharedPtr> domains;

  /// The configuration for a normalised host; nullptr when unknown.
  const model::DomainConf* find(std::string_view host) const;
};

using ConfigSnapshotSharedPtr = std::shared_ptr<const ConfigSnapshot>;

/// Host header → routing key (spec §11): the port is stripped ("a.test:8080", "[::1]:80"),
/// ASCII is lower-cased and one trailing dot removed. Writes into `out` (reused buffer).
void normalizeHost(std::string_view host, std::string& out);

/// The publication point. publish() is called by the watcher (any thread); current() by
/// workers. Version numbers grow by one per publish.
class ConfigHolder {
 public:
  ConfigHolder();

  /// Publishes a new map of domains; returns the new version.
  uint64_t publish(std::unordered_map<std::string, DomainConfSharedPtr> domains);
  ConfigSnapshotSharedPtr current() const;
  /// Cheap check for workers: compare with the version of the snapshot they hold.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mu_;  // guards snapshot_; taken only when the version moved
  ConfigSnapshotSharedPtr snapshot_;
  std::atomic<uint64_t> version_{0};
};

/// A worker's cached view of the holder: refresh() is one atomic load per request unless the
/// configuration changed.
class ConfigView {
 public:
  explicit ConfigView(const ConfigHolder& holder) : holder_(holder), snapshot_(holder.current()) {}

  /// True when the snapshot was replaced by this call.
  bool refresh() {
    if (holder_.version() == snapshot_->version) return false;
    snapshot_ = holder_.current();
    return true;
  }
  const ConfigSnapshot& snapshot() const { return *snapshot_; }

 private:
  const ConfigHolder& holder_;
  ConfigSnapshotSharedPtr snapshot_;
};

}  // namespace cirrus::edge
