#include "core/rendezvous.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>

// The header-only build of xxHash inlines XXH64 into the scoring loop (the zone builder scores
// ~10^7 pairs per rebuild); the digest is the same as libxxhash's.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace cirrus {
namespace {

constexpr std::string_view kDefaultSite = "default";

constexpr size_t kLanes = 4;
constexpr size_t kBufSize = 512;

// XXH64 (seed 0) of kLanes equal-length inputs in lockstep. One XXH64 of a short input is a
// chain of dependent multiplies; interleaving four independent chains lets the CPU overlap
// them, which halves the cost per score. The algorithm is xxHash's XXH64 step for step; tests
// compare it with libxxhash's XXH64 and with python3-xxhash golden vectors.
namespace lanes {

constexpr uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kP3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kP4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t kP5 = 0x27D4EB2F165667C5ULL;

inline uint64_t rotl(uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}
// XXH64 reads its input as little-endian words.
inline uint64_t read64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
inline uint32_t read32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}
inline uint64_t round(uint64_t acc, uint64_t input) {
  return rotl(acc + input * kP2, 31) * kP1;
}
inline uint64_t mergeRound(uint64_t acc, uint64_t val) {
  return (acc ^ round(0, val)) * kP1 + kP4;
}

// The lane loops are unrolled so that each lane's state stays in registers.
void xxh64(const char* const* in, size_t len, uint64_t* out) {
  uint64_t h[kLanes];
  size_t pos = 0;
  if (len >= 32) {
    uint64_t v1[kLanes], v2[kLanes], v3[kLanes], v4[kLanes];
#pragma GCC unroll 4
    for (size_t i = 0; i < kLanes; ++i) {
      v1[i] = kP1 + kP2;
      v2[i] = kP2;
      v3[i] = 0;
      v4[i] = 0 - kP1;
    }
    for (; pos + 32 <= len; pos += 32) {
#pragma GCC unroll 4
      for (size_t i = 0; i < kLanes; ++i) {
        v1[i] = round(v1[i], read64(in[i] + pos));
        v2[i] = round(v2[i], read64(in[i] + pos + 8));
        v3[i] = round(v3[i], read64(in[i] + pos + 16));
        v4[i] = round(v4[i], read64(in[i] + pos + 24));
      }
    }
#pragma GCC unroll 4
    for (size_t i = 0; i < kLanes; ++i) {
      h[i] = rotl(v1[i], 1) + rotl(v2[i], 7) + rotl(v3[i], 12) + rotl(v4[i], 18);
      h[i] = mergeRound(h[i], v1[i]);
      h[i] = mergeRound(h[i], v2[i]);
      h[i] = mergeRound(h[i], v3[i]);
      h[i] = mergeRound(h[i], v4[i]);
    }
  } else {
#pragma GCC unroll 4
    for (size_t i = 0; i < kLanes; ++i) h[i] = kP5;
  }
#pragma GCC unroll 4
  for (size_t i = 0; i < kLanes; ++i) h[i] += len;
  for (; pos + 8 <= len; pos += 8) {
#pragma GCC unroll 4
    for (size_t i = 0; i < kLanes; ++i)
      h[i] = rotl(h[i] ^ round(0, read64(in[i] + pos)), 27) * kP1 + kP4;
  }
  if (pos + 4 <= len) {
#pragma GCC unroll 4
    for (size_t i = 0; i < kLanes; ++i) {
      h[i] = rotl(h[i] ^ (static_cast<uint64_t>(read32(in[i] + pos)) * kP1), 23) * kP2 + kP3;
    }
    pos += 4;
  }
  for (; pos < len; ++pos) {
#pragma GCC unroll 4
    for (size_t i = 0; i < kLanes; ++i) {
      h[i] = rotl(h[i] ^ (static_cast<uint8_t>(in[i][pos]) * kP5), 11) * kP1;
    }
  }
#pragma GCC unroll 4
  for (size_t i = 0; i < kLanes; ++i) {
    uint64_t x = h[i];
    x ^= x >> 33;
    x *= kP2;
    x ^= x >> 29;
    x *= kP3;
    x ^= x >> 32;
    out[i] = x;
  }
}

}  // namespace lanes

// Scores node ids against one FQDN: the FQDN is copied once to the end of each lane's stack
// buffer and each "id|" is written just before it, so a score costs one short memcpy and a
// hash, never an allocation.
class FqdnScorer {
 public:
  explicit FqdnScorer(std::string_view fqdn) : fqdn_(fqdn) {
    if (fqdn.size() < kBufSize) {
      for (auto& buf : bufs_) std::memcpy(buf + kBufSize - fqdn.size(), fqdn.data(), fqdn.size());
    }
  }

  /// Whether an id of this size can use the lane buffers (otherwise score() streams).
  bool fits(size_t id_size) const { return id_size + 1 + fqdn_.size() <= kBufSize; }

  uint64_t score(std::string_view id) {
    if (!fits(id.size())) return streamed(id);
    size_t total = id.size() + 1 + fqdn_.size();
    return XXH64(place(0, id), total, 0);
  }

  /// kLanes ids of one size that fits(); scores into `out`.
  void score4(const std::string_view* ids, uint64_t* out) {
    const char* starts[kLanes];
    for (size_t i = 0; i < kLanes; ++i) starts[i] = place(i, ids[i]);
    lanes::xxh64(starts, ids[0].size() + 1 + fqdn_.size(), out);
  }

 private:
  const char* place(size_t lane, std::string_view id) {
    char* start = bufs_[lane] + kBufSize - fqdn_.size() - 1 - id.size();
    std::memcpy(start, id.data(), id.size());
    start[id.size()] = '|';
    return start;
  }

  uint64_t streamed(std::string_view id) const {
    XXH64_state_t state;
    XXH64_reset(&state, 0);
    XXH64_update(&state, id.data(), id.size());
    XXH64_update(&state, "|", 1);
    XXH64_update(&state, fqdn_.data(), fqdn_.size());
    return XXH64_digest(&state);
  }

  std::string_view fqdn_;
  char bufs_[kLanes][kBufSize];
};

struct Scored {
  uint64_t score;
  size_t index;
};

// Best first: score descending, then id ascending, then index ascending.
bool better(const Scored& a, const Scored& b, std::span<const std::string_view> ids) {
  if (a.score != b.score) return a.score > b.score;
  int c = ids[a.index].compare(ids[b.index]);
  if (c != 0) return c < 0;
  return a.index < b.index;
}

// The best k candidates seen so far, best first, in caller-provided storage. k is small
// (replicas per site), so insertion into a short sorted array beats a heap.
class TopK {
 public:
  TopK(Scored* best, size_t k, std::span<const std::string_view> ids)
      : best_(best), k_(k), ids_(ids) {}

  [[gnu::always_inline]] void offer(Scored s) {
    // Most candidates score below the current k-th best: reject them without the full order.
    if (filled_ == k_ && s.score < best_[k_ - 1].score) return;
    insert(s);
  }

 private:
  void insert(Scored s) {
    if (filled_ == k_ && !better(s, best_[k_ - 1], ids_)) return;
    size_t pos = filled_ < k_ ? filled_++ : k_ - 1;
    while (pos > 0 && better(s, best_[pos - 1], ids_)) {
      best_[pos] = best_[pos - 1];
      --pos;
    }
    best_[pos] = s;
  }

  Scored* best_;
  size_t k_;
  std::span<const std::string_view> ids_;
  size_t filled_ = 0;
};

char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string_view stripDot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace

uint64_t rendezvousScore(std::string_view node_id, std::string_view access_fqdn) {
  return FqdnScorer(access_fqdn).score(node_id);
}

void accessFqdnInto(std::string& out, std::string_view domain, std::string_view base_domain) {
  domain = stripDot(domain);
  base_domain = stripDot(base_domain);
  out.assign(domain);
  out += '.';
  out += base_domain;
  for (char& c : out) c = lowerAscii(c);
}

std::string accessFqdn(std::string_view domain, std::string_view base_domain) {
  std::string out;
  accessFqdnInto(out, domain, base_domain);
  return out;
}

size_t pickTopKInto(std::span<const std::string_view> candidate_ids, std::string_view access_fqdn,
                    std::span<size_t> out) {
  const size_t k = std::min(out.size(), candidate_ids.size());
  if (k == 0) return 0;
  FqdnScorer scorer(access_fqdn);
  constexpr size_t kStackSlots = 32;
  Scored stack_best[kStackSlots];
  std::vector<Scored> heap_best;
  Scored* best = stack_best;
  if (k > kStackSlots) {
    heap_best.resize(k);
    best = heap_best.data();
  }
  TopK top(best, k, candidate_ids);
  auto consider = [&top](Scored s) { top.offer(s); };

  // Candidates wait in per-size batches until kLanes of one id size can be hashed together.
  // The order in which candidates are considered does not matter: better() is a total order.
  struct Batch {
    size_t id_size = 0;
    size_t count = 0;
    size_t index[kLanes];
  };
  Batch batches[kLanes];
  size_t open = 0;
  auto flushScalar = [&](Batch& b) {
    for (size_t j = 0; j < b.count; ++j) {
      consider({scorer.score(candidate_ids[b.index[j]]), b.index[j]});
    }
    b.count = 0;
  };
  for (size_t i = 0; i < candidate_ids.size(); ++i) {
    const size_t size = candidate_ids[i].size();
    if (!scorer.fits(size)) {
      consider({scorer.score(candidate_ids[i]), i});
      continue;
    }
    Batch* b =
        std::find_if(batches, batches + open, [&](const Batch& x) { return x.id_size == size; });
    if (b == batches + open) {
      if (open < kLanes) {
        ++open;
      } else {
        b = std::min_element(batches, batches + open,
                             [](const Batch& x, const Batch& y) { return x.count < y.count; });
        flushScalar(*b);
      }
      b->id_size = size;
      b->count = 0;
    }
    b->index[b->count++] = i;
    if (b->count == kLanes) {
      std::string_view ids[kLanes];
      uint64_t scores[kLanes];
      for (size_t j = 0; j < kLanes; ++j) ids[j] = candidate_ids[b->index[j]];
      scorer.score4(ids, scores);
      for (size_t j = 0; j < kLanes; ++j) consider({scores[j], b->index[j]});
      b->count = 0;
    }
  }
  for (size_t j = 0; j < open; ++j) flushScalar(batches[j]);
  for (size_t i = 0; i < k; ++i) out[i] = best[i].index;
  return k;
}

RendezvousPicker::RendezvousPicker(std::span<const std::string_view> candidate_ids)
    : ids_(candidate_ids.begin(), candidate_ids.end()), by_size_(ids_.size()) {
  for (size_t i = 0; i < by_size_.size(); ++i) by_size_[i] = i;
  std::stable_sort(by_size_.begin(), by_size_.end(),
                   [&](size_t a, size_t b) { return ids_[a].size() < ids_[b].size(); });
  for (size_t i = 0; i < by_size_.size();) {
    size_t j = i;
    while (j < by_size_.size() && ids_[by_size_[j]].size() == ids_[by_size_[i]].size()) ++j;
    groups_.push_back({ids_[by_size_[i]].size(), i, j});
    i = j;
  }
}

size_t RendezvousPicker::pick(std::string_view access_fqdn, std::span<size_t> out) const {
  const size_t k = std::min(out.size(), ids_.size());
  if (k == 0) return 0;
  FqdnScorer scorer(access_fqdn);
  constexpr size_t kStackSlots = 32;
  Scored stack_best[kStackSlots];
  std::vector<Scored> heap_best;
  Scored* best = stack_best;
  if (k > kStackSlots) {
    heap_best.resize(k);
    best = heap_best.data();
  }
  TopK top(best, k, ids_);
  for (const Group& g : groups_) {
    size_t j = g.begin;
    if (scorer.fits(g.id_size)) {
      for (; j + kLanes <= g.end; j += kLanes) {
        std::string_view ids[kLanes];
        uint64_t scores[kLanes];
        for (size_t l = 0; l < kLanes; ++l) ids[l] = ids_[by_size_[j + l]];
        scorer.score4(ids, scores);
        for (size_t l = 0; l < kLanes; ++l) top.offer({scores[l], by_size_[j + l]});
      }
    }
    for (; j < g.end; ++j) top.offer({scorer.score(ids_[by_size_[j]]), by_size_[j]});
  }
  for (size_t i = 0; i < k; ++i) out[i] = best[i].index;
  return k;
}

std::vector<size_t> pickTopK(std::span<const std::string_view> candidate_ids,
                             std::string_view access_fqdn, size_t k) {
  std::vector<size_t> out(std::min(k, candidate_ids.size()));
  out.resize(pickTopKInto(candidate_ids, access_fqdn, out));
  return out;
}

std::vector<size_t> pickPerSite(std::span<const SiteCandidate> candidates,
                                std::string_view access_fqdn, size_t k_per_site) {
  std::map<std::string_view, std::vector<size_t>> by_site;
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::string_view site = candidates[i].site.empty() ? kDefaultSite : candidates[i].site;
    by_site[site].push_back(i);
  }
  std::vector<size_t> out;
  std::vector<std::string_view> ids;
  std::vector<size_t> picked;
  for (const auto& [site, members] : by_site) {
    ids.clear();
    for (size_t i : members) ids.push_back(candidates[i].id);
    picked.assign(std::min(k_per_site, ids.size()), 0);
    size_t n = pickTopKInto(ids, access_fqdn, picked);
    for (size_t j = 0; j < n; ++j) out.push_back(members[picked[j]]);
  }
  return out;
}

}  // namespace cirrus
