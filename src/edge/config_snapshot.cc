#include "edge/config_snapshot.h"

namespace cirrus::edge {

const model::DomainConf* ConfigSnapshot::find(std::string_view host) const {
  // C++20 heterogeneous lookup would need a transparent hash; the key is short, so build it.
  thread_local std::string key;
  key.assign(host);
  auto it = domains.find(key);
  return it == domains.end() ? nullptr : it->second.get();
}

void normalizeHost(std::string_view host, std::string& out) {
  out.clear();
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    host = close == std::string_view::npos ? host : host.substr(0, close + 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  out.resize(host.size());
  for (size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
}

ConfigHolder::ConfigHolder() : snapshot_(std::make_shared<const ConfigSnapshot>()) {}

uint64_t ConfigHolder::publish(std::unordered_map<std::string, DomainConfSharedPtr> domains) {
  std::lock_guard lock(mu_);
  auto next = std::make_shared<ConfigSnapshot>();
  next->version = snapshot_->version + 1;
  next->domains = std::move(domains);
  snapshot_ = std::move(next);
  version_.store(snapshot_->version, std::memory_order_release);
  return snapshot_->version;
}

ConfigSnapshotSharedPtr ConfigHolder::current() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

}  // namespace cirrus::edge
