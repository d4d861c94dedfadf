#include "core/rendezvous.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <optional>

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

// XXH64 of "id|fqdn" for many ids against one FQDN, with every part that depends on one side
// alone computed once. Applies when the prefix "id|" (p octets) lies within the first 32-octet
// stripe (p <= 32) and the input is at least one stripe long; XXH64 then reads:
// - stripe 0, words j = 0..3: a word before octet p is the prefix's alone, so its round (and
//   its share of the merge, when there is one stripe) is per id; a word from octet p on is the
//   FQDN's alone (per FQDN); at most one "shared" word holds both. Its value is prefix word +
//   FQDN word (they cover disjoint octets, so OR is +), hence round(init, w) =
//   rotl(init + Pw*kP2 + Fw*kP2, 31) * kP1 with one product per side, precomputed;
// - later stripes and the tail: FQDN octets only, so each word's product (or its whole
//   round(0, w), for the tail) is per FQDN.
// A score is then the few dependent steps that mix the two sides (~40 operations instead of
// ~130, and no copy of the id), run for a chunk of ids at a time so that the per-FQDN loops
// cost once per chunk. Same digest as XXH64; tests compare the two.
namespace split {

using lanes::kP1;
using lanes::kP2;
using lanes::kP3;
using lanes::kP4;
using lanes::kP5;
using lanes::read32;
using lanes::read64;
using lanes::rotl;
using lanes::round;

constexpr size_t kMaxPrefix = 32;
constexpr size_t kStripe = 32;
constexpr size_t kChunk = 4;
constexpr uint64_t kInit[4] = {kP1 + kP2, kP2, 0, 0 - kP1};
constexpr int kMergeRotation[4] = {1, 7, 12, 18};

// Stripe-0 words [0, prefixWords) hold prefix octets only; word prefixWords holds octets of
// both sides when mixed(); the words after it hold FQDN octets only.
constexpr size_t prefixWords(size_t prefix_size) {
  return prefix_size / 8;
}
constexpr bool mixed(size_t prefix_size) {
  return prefix_size % 8 != 0;
}

bool applies(size_t id_size, size_t fqdn_size) {
  const size_t len = id_size + 1 + fqdn_size;
  return id_size + 1 <= kMaxPrefix && len >= kStripe && len <= kBufSize;
}

template <class State>
void prefixState(std::string_view id, State& state) {
  char buf[kMaxPrefix + 8] = {};
  std::memcpy(buf, id.data(), id.size());
  buf[id.size()] = '|';
  const size_t own = prefixWords(id.size() + 1);
  state.rotated = 0;
  for (size_t j = 0; j < 4; ++j) {
    const uint64_t w = read64(buf + 8 * j);
    state.v[j] = j < own ? round(kInit[j], w) : j == own ? w * kP2 : 0;
    state.merged[j] = j < own ? round(0, state.v[j]) : 0;
    if (j < own) state.rotated += rotl(state.v[j], kMergeRotation[j]);
  }
}

// Per (FQDN, prefix size): everything of the digest that depends on the FQDN alone.
struct FqdnPlan {
  uint64_t len = 0;
  uint64_t first[4] = {};        // FQDN-only word: finished round; shared word: init + word * kP2
  uint64_t merged[4] = {};       // one stripe only: round(0, first[j]) of the FQDN-only words
  uint64_t rotated = 0;          // one stripe only: their share of the merge's rotation sum
  uint64_t later[kBufSize / 8];  // stripes 1..: word * kP2 (later_words of them)
  size_t later_words = 0;
  uint64_t tail[3] = {};  // whole 8-octet tail words: round(0, word)
  size_t tail_words = 0;
  uint64_t tail4 = 0;  // the 4-octet tail word * kP1, when there is one
  bool has_tail4 = false;
  uint64_t bytes[3] = {};  // last octets * kP5
  size_t tail_bytes = 0;

  // Precondition: applies(prefix_size - 1, fqdn.size()).
  FqdnPlan(size_t prefix_size, std::string_view fqdn) {
    char buf[kBufSize];  // the input with the prefix octets zero; only [0, n) is read
    std::memset(buf, 0, prefix_size);
    std::memcpy(buf + prefix_size, fqdn.data(), fqdn.size());
    const size_t n = prefix_size + fqdn.size();
    len = n;
    const size_t own = prefixWords(prefix_size);
    const size_t shared = mixed(prefix_size) ? own : 4;
    for (size_t j = own; j < 4; ++j) {
      const uint64_t w = read64(buf + 8 * j);
      if (j == shared) {
        first[j] = kInit[j] + w * kP2;
      } else {
        first[j] = round(kInit[j], w);
        merged[j] = round(0, first[j]);
        rotated += rotl(first[j], kMergeRotation[j]);
      }
    }
    size_t pos = kStripe;
    for (; pos + kStripe <= n; pos += kStripe) {
      for (size_t j = 0; j < 4; ++j) later[later_words++] = read64(buf + pos + 8 * j) * kP2;
    }
    for (; pos + 8 <= n; pos += 8) tail[tail_words++] = round(0, read64(buf + pos));
    if (pos + 4 <= n) {
      has_tail4 = true;
      tail4 = static_cast<uint64_t>(read32(buf + pos)) * kP1;
      pos += 4;
    }
    for (; pos < n; ++pos) bytes[tail_bytes++] = static_cast<uint8_t>(buf[pos]) * kP5;
  }
};

// The digest up to the tail: the stripes, the merge and the length.
template <size_t kOwn, bool kMixed, bool kOneStripe, class State>
inline uint64_t head(const State& s, const FqdnPlan& f) {
  if constexpr (kOneStripe) {
    // The stripe accumulators are final: only the shared word's mixes both sides.
    uint64_t h = s.rotated + f.rotated;
    uint64_t shared_merged = 0;
    if constexpr (kMixed) {
      const uint64_t v = rotl(s.v[kOwn] + f.first[kOwn], 31) * kP1;
      h += rotl(v, kMergeRotation[kOwn]);
      shared_merged = round(0, v);
    }
#pragma GCC unroll 4
    for (size_t j = 0; j < 4; ++j) {
      const uint64_t m = j < kOwn                ? s.merged[j]
                         : (kMixed && j == kOwn) ? shared_merged
                                                 : f.merged[j];
      h = (h ^ m) * kP1 + kP4;
    }
    return h + f.len;
  } else {
    uint64_t v[4];
#pragma GCC unroll 4
    for (size_t j = 0; j < 4; ++j) {
      if (j < kOwn) {
        v[j] = s.v[j];
      } else if (kMixed && j == kOwn) {
        v[j] = rotl(s.v[j] + f.first[j], 31) * kP1;
      } else {
        v[j] = f.first[j];
      }
    }
    for (size_t i = 0; i < f.later_words; i += 4) {
#pragma GCC unroll 4
      for (size_t j = 0; j < 4; ++j) v[j] = rotl(v[j] + f.later[i + j], 31) * kP1;
    }
    uint64_t h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
#pragma GCC unroll 4
    for (size_t j = 0; j < 4; ++j) h = lanes::mergeRound(h, v[j]);
    return h + f.len;
  }
}

// Scores kChunk ids at once: each per-FQDN step runs for the whole chunk, so its loop costs
// once per chunk and the chunk's independent chains overlap in the CPU.
template <size_t kOwn, bool kMixed, class State>
void scoreChunk(const State* states, const FqdnPlan& f, uint64_t* out) {
  uint64_t h[kChunk];
  if (f.later_words == 0) {
#pragma GCC unroll 4
    for (size_t n = 0; n < kChunk; ++n) h[n] = head<kOwn, kMixed, true>(states[n], f);
  } else {
#pragma GCC unroll 4
    for (size_t n = 0; n < kChunk; ++n) h[n] = head<kOwn, kMixed, false>(states[n], f);
  }
  for (size_t i = 0; i < f.tail_words; ++i) {
    const uint64_t t = f.tail[i];
#pragma GCC unroll 4
    for (size_t n = 0; n < kChunk; ++n) h[n] = rotl(h[n] ^ t, 27) * kP1 + kP4;
  }
  if (f.has_tail4) {
#pragma GCC unroll 4
    for (size_t n = 0; n < kChunk; ++n) h[n] = rotl(h[n] ^ f.tail4, 23) * kP2 + kP3;
  }
  for (size_t i = 0; i < f.tail_bytes; ++i) {
    const uint64_t t = f.bytes[i];
#pragma GCC unroll 4
    for (size_t n = 0; n < kChunk; ++n) h[n] = rotl(h[n] ^ t, 11) * kP1;
  }
#pragma GCC unroll 4
  for (size_t n = 0; n < kChunk; ++n) {
    uint64_t x = h[n];
    x ^= x >> 33;
    x *= kP2;
    x ^= x >> 29;
    x *= kP3;
    x ^= x >> 32;
    out[n] = x;
  }
}

// Calls f.operator()<prefixWords(p), mixed(p)>() for a prefix size p in [1, kMaxPrefix], so
// that the scoring is compiled once per word layout.
template <class F>
void dispatch(size_t prefix_size, F&& f) {
  switch (prefix_size / 8 * 2 + (mixed(prefix_size) ? 1 : 0)) {
    case 1:
      f.template operator()<0, true>();
      return;
    case 2:
      f.template operator()<1, false>();
      return;
    case 3:
      f.template operator()<1, true>();
      return;
    case 4:
      f.template operator()<2, false>();
      return;
    case 5:
      f.template operator()<2, true>();
      return;
    case 6:
      f.template operator()<3, false>();
      return;
    case 7:
      f.template operator()<3, true>();
      return;
    default:
      f.template operator()<4, false>();
      return;
  }
}

}  // namespace split

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

  /// Scores below this cannot enter (0 while there are fewer than k).
  uint64_t threshold() const { return filled_ == k_ ? best_[k_ - 1].score : 0; }

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

// Ids of one size outside the split scorer's reach (long ids, short inputs): four at a time
// through the lane buffers, or streamed when too long for them.
[[gnu::noinline]] void scoreGroupInLanes(std::span<const std::string_view> ids,
                                         std::span<const size_t> members,
                                         std::string_view access_fqdn, TopK& top) {
  FqdnScorer scorer(access_fqdn);
  size_t j = 0;
  if (!members.empty() && scorer.fits(ids[members[0]].size())) {
    for (; j + kLanes <= members.size(); j += kLanes) {
      std::string_view batch[kLanes];
      uint64_t scores[kLanes];
      for (size_t l = 0; l < kLanes; ++l) batch[l] = ids[members[j + l]];
      scorer.score4(batch, scores);
      for (size_t l = 0; l < kLanes; ++l) top.offer({scores[l], members[j + l]});
    }
  }
  for (; j < members.size(); ++j) top.offer({scorer.score(ids[members[j]]), members[j]});
}

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
    groups_.push_back({ids_[by_size_[i]].size(), i, j, 0});
    i = j;
  }
  // Each group's states are padded to whole chunks (repeating its last id) so that the scorer
  // always runs full chunks.
  for (Group& g : groups_) {
    g.prefix_begin = prefix_.size();
    if (g.id_size + 1 > split::kMaxPrefix) continue;  // scored in lanes: no states
    const size_t count = g.end - g.begin;
    const size_t padded = (count + split::kChunk - 1) / split::kChunk * split::kChunk;
    prefix_.resize(prefix_.size() + padded);
    for (size_t i = 0; i < padded; ++i) {
      split::prefixState(ids_[by_size_[g.begin + std::min(i, count - 1)]],
                         prefix_[g.prefix_begin + i]);
    }
  }
}

size_t RendezvousPicker::pick(std::string_view access_fqdn, std::span<size_t> out) const {
  const size_t k = std::min(out.size(), ids_.size());
  if (k == 0) return 0;
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
    const std::span<const size_t> members(by_size_.data() + g.begin, g.end - g.begin);
    if (!split::applies(g.id_size, access_fqdn.size())) {
      scoreGroupInLanes(ids_, members, access_fqdn, top);
      continue;
    }
    const split::FqdnPlan plan(g.id_size + 1, access_fqdn);
    split::dispatch(g.id_size + 1, [&]<size_t kOwn, bool kMixed>() {
      uint64_t scores[split::kChunk];
      for (size_t i = 0; i < members.size(); i += split::kChunk) {
        // The group's states are padded to whole chunks; extra scores are ignored.
        split::scoreChunk<kOwn, kMixed>(prefix_.data() + g.prefix_begin + i, plan, scores);
        const uint64_t best_of_chunk = *std::max_element(scores, scores + split::kChunk);
        if (best_of_chunk < top.threshold()) continue;  // the usual case
        const size_t n = std::min(split::kChunk, members.size() - i);
        for (size_t l = 0; l < n; ++l) top.offer({scores[l], members[i + l]});
      }
    });
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
