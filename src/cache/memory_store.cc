#include "cache/memory_store.h"

#include <algorithm>

namespace cirrus::cache {

namespace {

constexpr uint8_t kMaxFreq = 3;  // S3-FIFO: a 2-bit saturating access counter

enum class Queue : uint8_t { kSmall, kMain };

uint64_t fingerprint(const CacheKey& key, uint64_t variant) {
  return key.lo ^ (key.hi * 31) ^ (variant * 0x9e3779b97f4a7c15ULL);
}

}  // namespace

struct MemoryStore::Node {
  CachedObjectSharedPtr object;
  size_t charge = 0;
  int64_t invalidated_at = 0;
  uint8_t freq = 0;
  Queue queue = Queue::kSmall;
  Node* prev = nullptr;  // towards head (newer)
  Node* next = nullptr;  // towards tail (older)
};

namespace {

template <class FifoT, class NodeT>
void pushHead(FifoT& q, NodeT* n) {
  n->prev = nullptr;
  n->next = q.head;
  if (q.head) q.head->prev = n;
  q.head = n;
  if (!q.tail) q.tail = n;
  q.bytes += n->charge;
  ++q.count;
}

template <class FifoT, class NodeT>
void unlink(FifoT& q, NodeT* n) {
  if (n->prev) n->prev->next = n->next;
  if (n->next) n->next->prev = n->prev;
  if (q.head == n) q.head = n->next;
  if (q.tail == n) q.tail = n->prev;
  n->prev = n->next = nullptr;
  q.bytes -= n->charge;
  --q.count;
}

}  // namespace

MemoryStore::MemoryStore(Options options)
    : max_variants_(std::max<size_t>(1, options.max_variants)), capacity_(options.capacity_bytes) {
  size_t shards = std::max<size_t>(1, options.shards);
  shard_capacity_ = options.capacity_bytes / shards;
  small_capacity_ = static_cast<size_t>(static_cast<double>(shard_capacity_) *
                                        std::clamp(options.small_fraction, 0.01, 0.9));
  max_object_bytes_ = options.max_object_bytes ? std::min(options.max_object_bytes, shard_capacity_)
                                               : shard_capacity_ / 2;
  for (size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

MemoryStore::~MemoryStore() = default;

MemoryStore::Node* MemoryStore::findNode(Shard& s, const CacheKey& key, uint64_t variant) {
  auto it = s.map.find(key);
  if (it == s.map.end()) return nullptr;
  for (auto& n : it->second) {
    if (n->object->variant == variant) return n.get();
  }
  return nullptr;
}

LookupResult MemoryStore::lookup(const CacheKey& key, std::string_view key_text,
                                 HeaderSpan request_fields) {
  Shard& s = shardFor(key);
  LookupResult result;
  {
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it != s.map.end() && !it->second.empty() &&
        it->second.front()->object->key_text == key_text) {
      // Every variant of a key shares one Vary list (insert() enforces it).
      uint64_t variant = secondaryKey(it->second.front()->object->vary.names, request_fields);
      for (auto& n : it->second) {
        if (n->object->variant != variant) continue;
        if (n->freq < kMaxFreq) ++n->freq;
        result.object = n->object;
        result.invalidated_at = n->invalidated_at;
        break;
      }
      result.variant_miss = !result.object;
    }
  }
  (result ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
  return result;
}

bool MemoryStore::insert(CachedObjectSharedPtr object) {
  size_t charge = object->charge();
  Shard& s = shardFor(object->key);
  if (charge > max_object_bytes_) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    // The origin's newer version is not storable here: the older copy must not linger.
    std::lock_guard lock(s.mu);
    removeRef(s, EntryRef{object->key, object->variant});
    return false;
  }
  std::lock_guard lock(s.mu);
  auto& variants = s.map[object->key];
  uint8_t freq = 0;
  std::optional<Queue> queue;
  for (size_t i = variants.size(); i-- > 0;) {
    const CachedObject& old = *variants[i]->object;
    bool same = old.variant == object->variant && old.key_text == object->key_text;
    if (same) {
      // A replacement (revalidation, refetch) keeps the place the old copy earned.
      freq = variants[i]->freq;
      queue = variants[i]->queue;
    }
    if (same || old.vary != object->vary || old.key_text != object->key_text) {
      removeNode(s, variants, i);
    }
  }
  while (variants.size() >= max_variants_) removeNode(s, variants, 0);
  auto node = std::make_unique<Node>();
  node->object = std::move(object);
  node->charge = charge;
  node->freq = freq;
  uint64_t fp = fingerprint(node->object->key, node->object->variant);
  bool to_main = queue ? *queue == Queue::kMain : takeGhost(s, fp);
  node->queue = to_main ? Queue::kMain : Queue::kSmall;
  pushHead(to_main ? s.main : s.small, node.get());
  s.purge_index.add(*node->object);
  s.bytes += charge;
  bytes_.fetch_add(charge, std::memory_order_relaxed);
  objects_.fetch_add(1, std::memory_order_relaxed);
  inserts_.fetch_add(1, std::memory_order_relaxed);
  variants.push_back(std::move(node));
  evictUntilWithinBound(s);
  return true;
}

void MemoryStore::removeNode(Shard& s, std::vector<std::unique_ptr<Node>>& variants, size_t index) {
  Node* n = variants[index].get();
  unlink(n->queue == Queue::kMain ? s.main : s.small, n);
  s.purge_index.remove(*n->object);
  s.bytes -= n->charge;
  bytes_.fetch_sub(n->charge, std::memory_order_relaxed);
  objects_.fetch_sub(1, std::memory_order_relaxed);
  variants.erase(variants.begin() + static_cast<ptrdiff_t>(index));
}

void MemoryStore::removeRef(Shard& s, const EntryRef& ref) {
  auto it = s.map.find(ref.key);
  if (it == s.map.end()) return;
  auto& variants = it->second;
  for (size_t i = 0; i < variants.size(); ++i) {
    if (variants[i]->object->variant == ref.variant) {
      removeNode(s, variants, i);
      break;
    }
  }
  if (variants.empty()) s.map.erase(it);
}

void MemoryStore::evictUntilWithinBound(Shard& s) {
  // Each pass evicts one object; moves and reinsertions only reset counters, so the loop ends.
  while (s.bytes > shard_capacity_ && (s.small.count > 0 || s.main.count > 0)) {
    bool evicted = (s.small.bytes > small_capacity_ || s.main.count == 0) ? evictFromSmall(s)
                                                                          : evictFromMain(s);
    if (!evicted && !evictFromMain(s)) evictFromSmall(s);
  }
}

bool MemoryStore::evictFromSmall(Shard& s) {
  while (Node* t = s.small.tail) {
    if (t->freq > 0) {
      // Read again while in the small FIFO: worth keeping, promote to main.
      unlink(s.small, t);
      t->freq = 0;
      t->queue = Queue::kMain;
      pushHead(s.main, t);
      if (s.small.bytes <= small_capacity_ && s.main.count > 0) return false;
      continue;
    }
    rememberGhost(s, fingerprint(t->object->key, t->object->variant));
    evictions_.fetch_add(1, std::memory_order_relaxed);
    removeRef(s, EntryRef{t->object->key, t->object->variant});
    return true;
  }
  return false;
}

bool MemoryStore::evictFromMain(Shard& s) {
  while (Node* t = s.main.tail) {
    if (t->freq > 0) {
      // CLOCK-like second chance: reinsert at the head with one access spent.
      --t->freq;
      unlink(s.main, t);
      pushHead(s.main, t);
      continue;
    }
    evictions_.fetch_add(1, std::memory_order_relaxed);
    removeRef(s, EntryRef{t->object->key, t->object->variant});
    return true;
  }
  return false;
}

void MemoryStore::rememberGhost(Shard& s, uint64_t fp) {
  s.ghost_order.push_back(fp);
  ++s.ghost[fp];
  // The ghost FIFO remembers about as many keys as main holds objects (the paper's sizing).
  size_t limit = std::max<size_t>(64, s.main.count + s.small.count);
  while (s.ghost_order.size() > limit) {
    uint64_t old = s.ghost_order.front();
    s.ghost_order.pop_front();
    auto it = s.ghost.find(old);
    if (it != s.ghost.end() && --it->second == 0) s.ghost.erase(it);
  }
}

bool MemoryStore::takeGhost(Shard& s, uint64_t fp) {
  auto it = s.ghost.find(fp);
  if (it == s.ghost.end()) return false;
  // Left in ghost_order; the count makes the stale queue entry harmless when it ages out.
  s.ghost.erase(it);
  return true;
}

size_t MemoryStore::erase(const CacheKey& key) {
  Shard& s = shardFor(key);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end()) return 0;
  size_t n = it->second.size();
  while (!it->second.empty()) removeNode(s, it->second, it->second.size() - 1);
  s.map.erase(it);
  return n;
}

size_t MemoryStore::purge(const PurgeSelector& selector, int64_t now) {
  size_t total = 0;
  std::vector<EntryRef> refs;
  for (auto& shard : shards_) {
    Shard& s = *shard;
    std::lock_guard lock(s.mu);
    refs.clear();
    s.purge_index.collect(selector, refs);
    for (const EntryRef& ref : refs) {
      if (selector.soft) {
        Node* n = findNode(s, ref.key, ref.variant);
        // An earlier soft purge keeps its time: staleness counts from the first one.
        if (n && (n->invalidated_at == 0 || n->invalidated_at > now)) n->invalidated_at = now;
      } else {
        removeRef(s, ref);
      }
    }
    total += refs.size();
  }
  purged_.fetch_add(total, std::memory_order_relaxed);
  return total;
}

StoreStats MemoryStore::stats() const {
  StoreStats st;
  st.bytes = bytes_.load(std::memory_order_relaxed);
  st.objects = objects_.load(std::memory_order_relaxed);
  st.capacity_bytes = capacity_;
  st.hits = hits_.load(std::memory_order_relaxed);
  st.misses = misses_.load(std::memory_order_relaxed);
  st.inserts = inserts_.load(std::memory_order_relaxed);
  st.evictions = evictions_.load(std::memory_order_relaxed);
  st.purged = purged_.load(std::memory_order_relaxed);
  st.rejected = rejected_.load(std::memory_order_relaxed);
  return st;
}

}  // namespace cirrus::cache
