#include "cache/disk_store.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "cache/disk_object_codec.h"
#include "core/log.h"

namespace cirrus::cache {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kObjectSuffix = ".obj";
// A hit reads the whole object into memory; larger objects belong in slices.
constexpr size_t kDefaultMaxObject = size_t{64} << 20;
constexpr std::string_view kSoftSuffix = ".soft";

std::optional<std::string> readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data;
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) return std::nullopt;
  data.resize(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(data.data(), static_cast<std::streamsize>(data.size()))) return std::nullopt;
  return data;
}

// The magic, the length and the metadata only: the start-up scan never reads bodies.
std::optional<std::string> readPrelude(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(kDiskMagic.size() + 4, '\0');
  if (!in || !in.read(head.data(), static_cast<std::streamsize>(head.size()))) return std::nullopt;
  uint32_t meta_len = 0;
  for (int i = 0; i < 4; ++i) {
    meta_len |= uint32_t{static_cast<uint8_t>(head[kDiskMagic.size() + i])} << (8 * i);
  }
  if (meta_len > (64u << 20)) return std::nullopt;
  size_t start = head.size();
  head.resize(start + meta_len);
  if (!in.read(head.data() + start, meta_len)) return std::nullopt;
  return head;
}

bool writeFile(const fs::path& path, std::string_view a, std::string_view b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(a.data(), static_cast<std::streamsize>(a.size()));
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
  out.close();
  return static_cast<bool>(out);
}

fs::path softPath(const fs::path& object_path) {
  fs::path p = object_path;
  p += kSoftSuffix;
  return p;
}

}  // namespace

DiskStore::DiskStore(Options options) : options_(std::move(options)) {
  if (options_.max_object_bytes == 0) {
    options_.max_object_bytes = std::min<size_t>(options_.capacity_bytes / 8, kDefaultMaxObject);
  }
  options_.max_variants = std::max<size_t>(1, options_.max_variants);
}

DiskStore::~DiskStore() = default;

Result<std::unique_ptr<DiskStore>> DiskStore::open(Options options) {
  std::unique_ptr<DiskStore> store(new DiskStore(std::move(options)));
  if (auto r = store->scan(); !r) return r.error();
  return store;
}

fs::path DiskStore::objectPath(const CacheKey& key, uint64_t variant) const {
  std::string hex = toHex(key);
  return options_.directory / hex.substr(0, 2) /
         fmt::format("{}-{:016x}{}", hex, variant, kObjectSuffix);
}

Result<void> DiskStore::scan() {
  std::error_code ec;
  fs::create_directories(options_.directory / "tmp", ec);
  if (ec) {
    return internalError(
        fmt::format("cache dir {}: {}", options_.directory.string(), ec.message()));
  }
  removeStaleTempFiles();
  struct Found {
    fs::file_time_type mtime;
    Entry entry;
  };
  std::vector<Found> found;
  std::vector<fs::path> bad;
  auto it = fs::recursive_directory_iterator(options_.directory, ec);
  if (ec) {
    return internalError(
        fmt::format("cache dir {}: {}", options_.directory.string(), ec.message()));
  }
  // increment(ec) rather than a range-for: a directory vanishing mid-scan must not throw.
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      return internalError(
          fmt::format("cache dir {}: {}", options_.directory.string(), ec.message()));
    }
    const fs::directory_entry& de = *it;
    if (!de.is_regular_file(ec)) continue;
    const fs::path& p = de.path();
    if (p.extension() != kObjectSuffix) continue;
    auto prelude = readPrelude(p);
    size_t body_offset = 0;
    uint64_t body_size = 0;
    std::optional<CachedObject> meta;
    if (prelude) meta = decodeObjectPrelude(*prelude, body_offset, body_size);
    uint64_t file_bytes = de.file_size(ec);
    // A file cut short (crash mid-copy of an older version, disk full) or foreign: drop it.
    if (!meta || ec || file_bytes != body_offset + body_size ||
        objectPath(meta->key, meta->variant) != p) {
      bad.push_back(p);
      continue;
    }
    Entry e;
    e.meta = std::make_shared<const CachedObject>(std::move(*meta));
    e.file_bytes = file_bytes;
    if (auto soft = readFile(softPath(p)); soft && soft->size() == 8) {
      for (int i = 0; i < 8; ++i) {
        e.invalidated_at |= int64_t{static_cast<uint8_t>((*soft)[i])} << (8 * i);
      }
    }
    found.push_back({de.last_write_time(ec), std::move(e)});
  }
  for (const fs::path& p : bad) {
    fs::remove(p, ec);
    fs::remove(softPath(p), ec);
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.mtime < b.mtime; });
  std::lock_guard lock(mu_);
  for (Found& f : found) index(std::move(f.entry));
  evictUntilWithinBound();
  if (!bad.empty()) {
    log::warn("cache: dropped unreadable disk objects", {{"count", bad.size()}});
  }
  return ok();
}

void DiskStore::removeStaleTempFiles() {
  // Another edge process may share the directory during a graceful restart: its temp files
  // are young, so only those older than ten minutes (a crashed writer's) are deleted.
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  std::vector<fs::path> stale;
  for (auto it = fs::directory_iterator(options_.directory / "tmp", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    auto mtime = it->last_write_time(ec);
    if (!ec && now - mtime > std::chrono::minutes(10)) stale.push_back(it->path());
  }
  for (const fs::path& p : stale) fs::remove(p, ec);
}

fs::path DiskStore::tempPath() {
  return options_.directory / "tmp" /
         fmt::format("{}-{}.tmp", getpid(), temp_counter_.fetch_add(1, std::memory_order_relaxed));
}

void DiskStore::index(Entry entry) {
  const CachedObject& meta = *entry.meta;
  entry.seq = next_seq_++;
  clock_.emplace(entry.seq, EntryRef{meta.key, meta.variant});
  purge_index_.add(meta);
  bytes_ += entry.file_bytes;
  ++objects_;
  map_[meta.key].push_back(std::move(entry));
}

void DiskStore::removeAt(std::vector<Entry>& entries, size_t i) {
  Entry& e = entries[i];
  std::error_code ec;
  fs::path p = objectPath(e.meta->key, e.meta->variant);
  fs::remove(p, ec);
  fs::remove(softPath(p), ec);
  clock_.erase(e.seq);
  purge_index_.remove(*e.meta);
  bytes_ -= e.file_bytes;
  --objects_;
  entries.erase(entries.begin() + static_cast<ptrdiff_t>(i));
}

void DiskStore::removeRef(const EntryRef& ref) {
  auto it = map_.find(ref.key);
  if (it == map_.end()) return;
  for (size_t i = 0; i < it->second.size(); ++i) {
    if (it->second[i].meta->variant == ref.variant) {
      removeAt(it->second, i);
      break;
    }
  }
  if (it->second.empty()) map_.erase(it);
}

void DiskStore::evictUntilWithinBound() {
  while (bytes_ > options_.capacity_bytes && !clock_.empty()) {
    auto oldest = clock_.begin();
    EntryRef ref = oldest->second;
    auto it = map_.find(ref.key);
    Entry* e = nullptr;
    if (it != map_.end()) {
      for (Entry& candidate : it->second) {
        if (candidate.meta->variant == ref.variant) e = &candidate;
      }
    }
    if (e && e->visited) {
      // Second chance: read since its last pass, so it goes round once more.
      e->visited = false;
      clock_.erase(oldest);
      e->seq = next_seq_++;
      clock_.emplace(e->seq, ref);
      continue;
    }
    if (!e) {
      clock_.erase(oldest);
      continue;
    }
    evictions_.fetch_add(1, std::memory_order_relaxed);
    removeRef(ref);
  }
}

LookupResult DiskStore::lookup(const CacheKey& key, std::string_view key_text,
                               HeaderSpan request_fields) {
  LookupResult result;
  CachedObjectSharedPtr meta;
  {
    std::lock_guard lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end() && !it->second.empty() && it->second.front().meta->key_text == key_text) {
      uint64_t variant = secondaryKey(it->second.front().meta->vary.names, request_fields);
      for (Entry& e : it->second) {
        if (e.meta->variant != variant) continue;
        e.visited = true;
        meta = e.meta;
        result.invalidated_at = e.invalidated_at;
      }
      result.variant_miss = !meta;
    }
  }
  std::optional<std::string> data;
  if (meta) data = readFile(objectPath(meta->key, meta->variant));
  size_t body_offset = 0;
  uint64_t body_size = 0;
  std::optional<CachedObject> obj;
  if (data) obj = decodeObjectPrelude(*data, body_offset, body_size);
  if (meta && (!obj || obj->variant != meta->variant || body_offset + body_size != data->size())) {
    // Replaced or removed between the index read and the file read, or damaged: a miss.
    obj.reset();
  }
  if (meta && !data) {
    // The file is gone (another process sharing the directory evicted it, or an operator
    // cleaned up): forget the entry so the byte count heals. A concurrent replacement has a
    // different meta pointer and is left alone.
    std::lock_guard lock(mu_);
    auto it = map_.find(meta->key);
    if (it != map_.end()) {
      for (size_t i = 0; i < it->second.size(); ++i) {
        if (it->second[i].meta == meta) {
          removeAt(it->second, i);
          break;
        }
      }
      if (it->second.empty()) map_.erase(it);
    }
  }
  if (!obj) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return LookupResult{nullptr, 0, result.variant_miss};
  }
  data->erase(0, body_offset);
  obj->body = Body::make(std::move(*data));
  result.object = std::make_shared<const CachedObject>(std::move(*obj));
  hits_.fetch_add(1, std::memory_order_relaxed);
  return result;
}

bool DiskStore::insert(CachedObjectSharedPtr object) {
  std::string prelude = encodeObjectPrelude(*object);
  uint64_t file_bytes = prelude.size() + object->bodySize();
  if (file_bytes > options_.max_object_bytes) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    removeRef(EntryRef{object->key, object->variant});  // never keep the older copy
    return false;
  }
  // Written outside the lock; only the rename and the index update are serialised.
  fs::path tmp = tempPath();
  fs::path final_path = objectPath(object->key, object->variant);
  std::error_code ec;
  fs::create_directories(final_path.parent_path(), ec);
  if (!writeFile(tmp, prelude, object->body ? object->body->view() : "")) {
    fs::remove(tmp, ec);
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  auto meta = std::make_shared<CachedObject>(*object);
  meta->body = Body::empty();
  std::lock_guard lock(mu_);
  auto& entries = map_[object->key];
  for (size_t i = entries.size(); i-- > 0;) {
    const CachedObject& old = *entries[i].meta;
    if (old.variant == object->variant || old.vary != object->vary ||
        old.key_text != object->key_text) {
      removeAt(entries, i);
    }
  }
  while (entries.size() >= options_.max_variants) removeAt(entries, 0);
  fs::rename(tmp, final_path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    if (entries.empty()) map_.erase(object->key);
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  Entry e;
  e.meta = std::move(meta);
  e.file_bytes = file_bytes;
  index(std::move(e));
  inserts_.fetch_add(1, std::memory_order_relaxed);
  evictUntilWithinBound();
  return true;
}

size_t DiskStore::erase(const CacheKey& key) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return 0;
  size_t n = it->second.size();
  while (!it->second.empty()) removeAt(it->second, it->second.size() - 1);
  map_.erase(it);
  return n;
}

size_t DiskStore::purge(const PurgeSelector& selector, int64_t now) {
  std::vector<EntryRef> refs;
  std::lock_guard lock(mu_);
  purge_index_.collect(selector, refs);
  for (const EntryRef& ref : refs) {
    if (!selector.soft) {
      removeRef(ref);
      continue;
    }
    auto it = map_.find(ref.key);
    if (it == map_.end()) continue;
    for (Entry& e : it->second) {
      if (e.meta->variant != ref.variant) continue;
      if (e.invalidated_at != 0 && e.invalidated_at <= now) continue;
      e.invalidated_at = now;
      std::string marker;
      for (int i = 0; i < 8; ++i) marker.push_back(static_cast<char>((now >> (8 * i)) & 0xff));
      fs::path final_marker = softPath(objectPath(ref.key, ref.variant));
      fs::path tmp = tempPath();
      std::error_code ec;
      if (writeFile(tmp, marker, "")) fs::rename(tmp, final_marker, ec);
    }
  }
  purged_.fetch_add(refs.size(), std::memory_order_relaxed);
  return refs.size();
}

StoreStats DiskStore::stats() const {
  StoreStats st;
  {
    std::lock_guard lock(mu_);
    st.bytes = bytes_;
    st.objects = objects_;
  }
  st.capacity_bytes = options_.capacity_bytes;
  st.hits = hits_.load(std::memory_order_relaxed);
  st.misses = misses_.load(std::memory_order_relaxed);
  st.inserts = inserts_.load(std::memory_order_relaxed);
  st.evictions = evictions_.load(std::memory_order_relaxed);
  st.purged = purged_.load(std::memory_order_relaxed);
  st.rejected = rejected_.load(std::memory_order_relaxed);
  return st;
}

}  // namespace cirrus::cache
