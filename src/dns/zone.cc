#include "dns/zone.h"

#include <algorithm>
#include <cstring>

#include <xxhash.h>

namespace cirrus::dns {
namespace {

void putLength(std::string& out, size_t at, size_t len) {
  char prefix[2] = {static_cast<char>(len >> 8), static_cast<char>(len & 0xff)};
  out.insert(at, prefix, 2);
}

size_t entryLength(const char* p) {
  return (static_cast<size_t>(static_cast<uint8_t>(p[0])) << 8) | static_cast<uint8_t>(p[1]);
}

// Lower-cases a valid wire name into `buf` (kMaxNameWire bytes) and returns a view of it.
std::string_view loweredKey(const dnswire::Name& name, char* buf) {
  std::string_view w = name.wire();
  std::memcpy(buf, w.data(), w.size());
  dnswire::lowerAsciiInPlace(buf, w.size());
  return {buf, w.size()};
}

// Order-preserving sort key for RFC 4034 §6.1 canonical order of a lower-cased wire name:
// labels from the rightmost, each byte-escaped so that a 0x00 terminator sorts below any byte.
// Appended to `out`, so that the keys of a whole zone share one allocation.
void appendCanonicalKey(std::string_view wire, std::string& out) {
  size_t offsets[128];
  size_t n = 0;
  for (size_t pos = 0; wire[pos] != 0; pos += 1 + static_cast<uint8_t>(wire[pos])) {
    offsets[n++] = pos;
  }
  while (n > 0) {
    size_t pos = offsets[--n];
    auto len = static_cast<uint8_t>(wire[pos]);
    for (size_t i = 1; i <= len; ++i) {
      auto b = static_cast<uint8_t>(wire[pos + i]);
      if (b <= 1) {
        out += '\x01';
        out += static_cast<char>(b + 1);
      } else {
        out += static_cast<char>(b);
      }
    }
    out += '\0';
  }
}

// RFC 4034 §6.3 order of RDATA (unsigned octets, shorter first on a common prefix), with the
// two address sizes compared as integers: the builder sorts millions of them.
bool rdataLess(std::string_view a, std::string_view b) {
  if (a.size() == b.size()) {
    if (a.size() == 4) {
      uint32_t x, y;
      std::memcpy(&x, a.data(), 4);
      std::memcpy(&y, b.data(), 4);
      return __builtin_bswap32(x) < __builtin_bswap32(y);
    }
    if (a.size() == 16) {
      uint64_t x[2], y[2];
      std::memcpy(x, a.data(), 16);
      std::memcpy(y, b.data(), 16);
      if (x[0] != y[0]) return __builtin_bswap64(x[0]) < __builtin_bswap64(y[0]);
      return __builtin_bswap64(x[1]) < __builtin_bswap64(y[1]);
    }
  }
  return a < b;
}

}  // namespace

std::string_view RRset::Iterator::operator*() const {
  return {p_ + 2, entryLength(p_)};
}

RRset::Iterator& RRset::Iterator::operator++() {
  p_ += 2 + entryLength(p_);
  return *this;
}

RRset RRset::fromRdatas(dnswire::RRType type, uint32_t ttl,
                        std::span<const std::string_view> rdatas) {
  RRset out(type, ttl);
  // Builder RRsets are small (a few addresses): sort a stack copy of the views.
  constexpr size_t kStack = 16;
  std::string_view stack_views[kStack];
  std::vector<std::string_view> heap_views;
  std::string_view* views = stack_views;
  if (rdatas.size() > kStack) {
    heap_views.resize(rdatas.size());
    views = heap_views.data();
  }
  std::copy(rdatas.begin(), rdatas.end(), views);
  // Through a lambda, so that the comparison is inlined rather than called by pointer.
  std::sort(views, views + rdatas.size(),
            [](std::string_view a, std::string_view b) { return rdataLess(a, b); });
  size_t total = 0;
  for (size_t i = 0; i < rdatas.size(); ++i) total += 2 + views[i].size();
  out.packed_.resize(total);
  char* p = out.packed_.data();
  for (size_t i = 0; i < rdatas.size(); ++i) {
    if (i > 0 && views[i] == views[i - 1]) continue;
    const size_t len = views[i].size();
    p[0] = static_cast<char>(len >> 8);
    p[1] = static_cast<char>(len & 0xff);
    std::memcpy(p + 2, views[i].data(), len);
    p += 2 + len;
    ++out.count_;
  }
  out.packed_.resize(static_cast<size_t>(p - out.packed_.data()));
  return out;
}

bool RRset::insert(std::string_view rdata) {
  const char* base = packed_.data();
  const char* p = base;
  const char* end = base + packed_.size();
  while (p != end) {
    std::string_view existing(p + 2, entryLength(p));
    if (existing == rdata) return false;
    if (rdataLess(rdata, existing)) break;
    p += 2 + existing.size();
  }
  size_t at = static_cast<size_t>(p - base);
  packed_.insert(at, rdata);
  putLength(packed_, at, rdata.size());
  ++count_;
  return true;
}

RRset* Zone::Node::get(dnswire::RRType type) {
  for (auto& r : rrsets) {
    if (r.type() == type) return &r;
  }
  return nullptr;
}

const RRset* Zone::Node::get(dnswire::RRType type) const {
  for (const auto& r : rrsets) {
    if (r.type() == type) return &r;
  }
  return nullptr;
}

size_t Zone::KeyHash::operator()(std::string_view wire) const {
  return static_cast<size_t>(XXH3_64bits(wire.data(), wire.size()));
}

Zone::Zone(const dnswire::Name& apex, const dnswire::SoaRdata& soa, uint32_t soa_ttl)
    : apex_(apex.lowered()), soa_(soa), soa_ttl_(soa_ttl) {
  nodes_.emplace(apex_, Node{});
  refreshSoaRRset();
}

void Zone::setSerial(uint32_t serial) {
  soa_.serial = serial;
  refreshSoaRRset();
}

uint32_t Zone::negativeTtl() const {
  return std::min(soa_ttl_, soa_.minimum);
}

dnswire::RecordView Zone::soaRecord() const {
  const RRset* soa = nodes_.find(apex_.wire())->second.get(dnswire::RRType::kSoa);
  return {apex_.wire(), dnswire::RRType::kSoa, dnswire::RRClass::kIn, soa->ttl(), *soa->begin()};
}

void Zone::refreshSoaRRset() {
  Node& apex = nodes_.find(apex_.wire())->second;
  std::string rdata = dnswire::encodeSoa(soa_);
  std::string_view view = rdata;
  RRset fresh = RRset::fromRdatas(dnswire::RRType::kSoa, soa_ttl_, {&view, 1});
  if (RRset* existing = apex.get(dnswire::RRType::kSoa)) {
    *existing = std::move(fresh);
    return;
  }
  apex.rrsets.insert(apex.rrsets.begin(), std::move(fresh));
}

Zone::Node& Zone::nodeFor(dnswire::Name key) {
  auto [it, is_new] = nodes_.try_emplace(std::move(key));
  if (!is_new) return it->second;
  // Create missing empty non-terminals up to the apex. Inserting may move elements, so the
  // new node is looked up again if anything was added. The key is copied first: it moves too.
  char buf[dnswire::kMaxNameWire];
  std::string_view w = it->first.wire();
  std::memcpy(buf, w.data(), w.size());
  w = std::string_view(buf, w.size());
  const size_t apex_size = apex_.wireSize();
  size_t pos = 0;
  bool inserted = false;
  while (true) {
    pos += 1 + static_cast<uint8_t>(w[pos]);
    if (w.size() - pos <= apex_size) break;
    std::string_view suffix = w.substr(pos);
    if (nodes_.find(suffix) != nodes_.end()) break;
    nodes_.emplace(*dnswire::Name::fromWire(suffix), Node{});
    inserted = true;
  }
  return inserted ? nodes_.find(w)->second : it->second;
}

std::span<const RRset> Zone::rrsetsAt(const dnswire::Name& owner) const {
  const Node* node = findNode(owner);
  if (node == nullptr) return {};
  return std::span<const RRset>(node->rrsets);
}

const Zone::Node* Zone::findNode(const dnswire::Name& name) const {
  char buf[dnswire::kMaxNameWire];
  auto it = nodes_.find(loweredKey(name, buf));
  return it == nodes_.end() ? nullptr : &it->second;
}

AddStatus Zone::add(const dnswire::Name& owner, dnswire::RRType type, uint32_t ttl,
                    std::string_view rdata) {
  if (dnswire::isMetaType(type)) return AddStatus::kMetaType;
  if (type == dnswire::RRType::kSoa) return AddStatus::kSoaNotAllowed;
  if (!owner.isSubdomainOf(apex_)) return AddStatus::kOutOfZone;
  if (rdata.size() > 0xffff || !dnswire::validateRdata(type, rdata)) return AddStatus::kBadRdata;
  if (const Node* existing = findNode(owner)) {
    bool has_cname = existing->get(dnswire::RRType::kCname) != nullptr;
    bool has_other = existing->rrsets.size() > (has_cname ? 1u : 0u);
    if (type == dnswire::RRType::kCname ? has_other : has_cname) return AddStatus::kCnameConflict;
  }
  Node& node = nodeFor(owner.lowered());
  if (RRset* rrset = node.get(type)) {
    return rrset->insert(rdata) ? AddStatus::kAdded : AddStatus::kDuplicate;
  }
  RRset fresh(type, ttl);
  fresh.insert(rdata);
  auto pos = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                          [&](const RRset& r) { return r.type() > type; });
  node.rrsets.insert(pos, std::move(fresh));
  return AddStatus::kAdded;
}

AddStatus Zone::setRRset(const dnswire::Name& owner, dnswire::RRType type, uint32_t ttl,
                         std::span<const std::string_view> rdatas) {
  if (dnswire::isMetaType(type)) return AddStatus::kMetaType;
  if (type == dnswire::RRType::kSoa) return AddStatus::kSoaNotAllowed;
  if (!owner.isSubdomainOf(apex_)) return AddStatus::kOutOfZone;
  for (auto rdata : rdatas) {
    if (rdata.size() > 0xffff || !dnswire::validateRdata(type, rdata)) return AddStatus::kBadRdata;
  }
  const Node* existing = findNode(owner);
  if (existing && !rdatas.empty()) {
    bool has_cname = existing->get(dnswire::RRType::kCname) != nullptr;
    bool has_same = existing->get(type) != nullptr;
    size_t others = existing->rrsets.size() - (has_same ? 1 : 0);
    if (type == dnswire::RRType::kCname ? others > 0 : has_cname) return AddStatus::kCnameConflict;
  }
  if (rdatas.empty() && !existing) return AddStatus::kDuplicate;
  char buf[dnswire::kMaxNameWire];
  Node& node = existing ? nodes_.find(loweredKey(owner, buf))->second : nodeFor(owner.lowered());
  auto pos = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                          [&](const RRset& r) { return r.type() >= type; });
  bool present = pos != node.rrsets.end() && pos->type() == type;
  if (rdatas.empty()) {
    if (!present) return AddStatus::kDuplicate;
    node.rrsets.erase(pos);
    return AddStatus::kAdded;
  }
  RRset fresh = RRset::fromRdatas(type, ttl, rdatas);
  if (present) {
    *pos = std::move(fresh);
  } else {
    node.rrsets.insert(pos, std::move(fresh));
  }
  return AddStatus::kAdded;
}

AddStatus Zone::addEmptyName(const dnswire::Name& owner) {
  if (!owner.isSubdomainOf(apex_)) return AddStatus::kOutOfZone;
  if (findNode(owner)) return AddStatus::kDuplicate;
  nodeFor(owner.lowered());
  return AddStatus::kAdded;
}

AddStatus Zone::replaceName(dnswire::Name owner, std::span<RRset> rrsets) {
  if (!owner.isSubdomainOf(apex_) || owner == apex_) return AddStatus::kOutOfZone;
  bool has_cname = false;
  for (const RRset& r : rrsets) {
    if (dnswire::isMetaType(r.type())) return AddStatus::kMetaType;
    if (r.type() == dnswire::RRType::kSoa) return AddStatus::kSoaNotAllowed;
    has_cname = has_cname || r.type() == dnswire::RRType::kCname;
    for (std::string_view rdata : r) {
      if (!dnswire::validateRdata(r.type(), rdata)) return AddStatus::kBadRdata;
    }
  }
  if (has_cname && rrsets.size() > 1) return AddStatus::kCnameConflict;
  Node& node = nodeFor(std::move(owner).lowered());
  node.rrsets.clear();
  for (RRset& r : rrsets) {
    if (r.empty()) continue;
    auto pos = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                            [&](const RRset& x) { return x.type() >= r.type(); });
    if (pos != node.rrsets.end() && pos->type() == r.type()) return AddStatus::kBadRdata;
    node.rrsets.insert(pos, std::move(r));
  }
  return AddStatus::kAdded;
}

const RRset* Zone::find(const dnswire::Name& owner, dnswire::RRType type) const {
  const Node* node = findNode(owner);
  return node ? node->get(type) : nullptr;
}

Lookup Zone::lookup(const dnswire::Name& qname, dnswire::RRType qtype) const {
  Lookup out;
  if (!qname.isSubdomainOf(apex_)) {
    out.kind = LookupKind::kOutOfZone;
    return out;
  }
  const Node* node = findNode(qname);
  if (!node) {
    out.kind = LookupKind::kNxDomain;
    return out;
  }
  out.all = std::span<const RRset>(node->rrsets.data(), node->rrsets.size());
  if (const RRset* r = node->get(qtype)) {
    out.kind = LookupKind::kAnswer;
    out.rrset = r;
  } else if (const RRset* c = node->get(dnswire::RRType::kCname)) {
    out.kind = LookupKind::kCname;
    out.rrset = c;
  } else {
    out.kind = LookupKind::kNoData;
  }
  return out;
}

size_t Zone::recordCount() const {
  size_t n = 0;
  forEachRRset([&](const dnswire::Name&, const RRset& r) { n += r.size(); });
  return n;
}

uint64_t Zone::contentHash() const {
  // A sum of per-RRset hashes does not depend on iteration order. The SOA enters without its
  // serial; an empty name enters by its owner alone (it decides NODATA versus NXDOMAIN).
  dnswire::SoaRdata unserialed = soa_;
  unserialed.serial = 0;
  const std::string soa_rdata = dnswire::encodeSoa(unserialed);
  uint64_t sum = 0;
  for (const auto& [owner, node] : nodes_) {
    std::string_view w = owner.wire();
    uint64_t owner_hash = XXH3_64bits(w.data(), w.size());
    if (node.rrsets.empty()) sum += owner_hash ^ 0x9e3779b97f4a7c15ull;
    for (const auto& r : node.rrsets) {
      uint64_t seed = owner_hash ^ ((static_cast<uint64_t>(r.type()) << 32) | r.ttl());
      if (r.type() == dnswire::RRType::kSoa) {
        sum += XXH3_64bits_withSeed(soa_rdata.data(), soa_rdata.size(), seed);
      } else {
        sum += XXH3_64bits_withSeed(r.packed().data(), r.packed().size(), seed);
      }
    }
  }
  return sum;
}

bool Zone::sameContent(const Zone& other) const {
  if (!(apex_ == other.apex_) || nodes_.size() != other.nodes_.size()) return false;
  dnswire::SoaRdata a = soa_, b = other.soa_;
  a.serial = b.serial = 0;
  if (soa_ttl_ != other.soa_ttl_ || dnswire::encodeSoa(a) != dnswire::encodeSoa(b)) return false;
  for (const auto& [owner, node] : nodes_) {
    auto it = other.nodes_.find(owner.wire());
    if (it == other.nodes_.end()) return false;
    const auto& theirs = it->second.rrsets;
    if (node.rrsets.size() != theirs.size()) return false;
    for (size_t i = 0; i < theirs.size(); ++i) {
      if (node.rrsets[i].type() == dnswire::RRType::kSoa) continue;  // compared above
      if (!(node.rrsets[i] == theirs[i])) return false;
    }
  }
  return true;
}

std::vector<RRsetRef> Zone::sortedRRsets() const {
  // Every AXFR of a 10^5-name zone sorts it: the keys live in one arena (no allocation per
  // name) and are compared as views into it.
  struct Keyed {
    size_t begin;
    size_t size;
    const dnswire::Name* owner;
    const Node* node;
  };
  std::string arena;
  arena.reserve(nodes_.size() * 32);
  std::vector<Keyed> names;
  names.reserve(nodes_.size());
  for (const auto& [owner, node] : nodes_) {
    if (node.rrsets.empty()) continue;
    const size_t begin = arena.size();
    appendCanonicalKey(owner.wire(), arena);
    names.push_back({begin, arena.size() - begin, &owner, &node});
  }
  const std::string_view keys = arena;
  std::sort(names.begin(), names.end(), [keys](const Keyed& a, const Keyed& b) {
    return keys.substr(a.begin, a.size) < keys.substr(b.begin, b.size);
  });
  std::vector<RRsetRef> out;
  out.reserve(names.size() * 2);
  for (const auto& k : names) {
    for (const auto& r : k.node->rrsets) out.push_back({k.owner, &r});
  }
  return out;
}

}  // namespace cirrus::dns
