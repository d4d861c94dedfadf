// Zone: one authoritative zone in memory, immutable once built and shared by readers. Names
// are keyed by their lower-cased wire form; each name holds its RRsets (class IN) with RDATA
// packed in canonical order. Names between a record's owner and the apex exist implicitly as
// empty non-terminals (RFC 8020: they are NODATA, not NXDOMAIN). No delegations, no wildcards:
// the steering zone needs neither, and static zones using them are rejected by their loader.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "dnswire/message.h"
#include "dnswire/name.h"
#include "dnswire/rdata.h"
#include "dnswire/rr_type.h"

namespace cirrus::dns {

/// The records of one owner and type, sharing one TTL (RFC 2181 §5.2). RDATA are packed as
/// [u16 length][uncompressed wire bytes] entries in canonical order (RFC 4034 §6.3), without
/// duplicates (RFC 2181 §5).
class RRset {
 public:
  class Iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(const char* p) : p_(p) {}
    std::string_view operator*() const;
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.p_ == b.p_; }

   private:
    const char* p_ = nullptr;
  };

  RRset(dnswire::RRType type, uint32_t ttl) : type_(type), ttl_(ttl) {}

  /// Sorts and deduplicates `rdatas`. Precondition: each is at most 65535 octets.
  static RRset fromRdatas(dnswire::RRType type, uint32_t ttl,
                          std::span<const std::string_view> rdatas);

  dnswire::RRType type() const { return type_; }
  uint32_t ttl() const { return ttl_; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Iterator begin() const { return Iterator(packed_.data()); }
  Iterator end() const { return Iterator(packed_.data() + packed_.size()); }

  /// Inserts in canonical position; false when the RDATA is already present.
  bool insert(std::string_view rdata);

  /// The packed form: equal RRsets have equal packed bytes.
  std::string_view packed() const { return packed_; }

  friend bool operator==(const RRset& a, const RRset& b) {
    return a.type_ == b.type_ && a.ttl_ == b.ttl_ && a.packed_ == b.packed_;
  }

 private:
  dnswire::RRType type_;
  uint16_t count_ = 0;
  uint32_t ttl_;
  std::string packed_;
};

enum class LookupKind {
  kAnswer,     // the name has an RRset of the asked type
  kCname,      // the name has a CNAME and another type was asked (RFC 1034 §4.3.2 step 3a)
  kNoData,     // the name exists (possibly as an empty non-terminal) without that type
  kNxDomain,   // no such name in the zone
  kOutOfZone,  // not at or below the apex: REFUSED
};

struct Lookup {
  LookupKind kind = LookupKind::kNxDomain;
  const RRset* rrset = nullptr;  // kAnswer: the RRset; kCname: the CNAME RRset
  std::span<const RRset> all;    // every RRset of the name (ANY queries)
};

/// Why add()/setRRset() did or did not change the zone.
enum class AddStatus {
  kAdded,
  kDuplicate,      // the record was already there (RFC 2181 §5: RRsets are sets)
  kOutOfZone,      // owner not at or below the apex
  kMetaType,       // OPT, TSIG, AXFR, ANY... never live in a zone
  kBadRdata,       // RDATA malformed for its type
  kCnameConflict,  // CNAME beside other data at one name (RFC 1034 §3.6.2, RFC 2181 §10.1)
  kSoaNotAllowed,  // SOA is set by the constructor/setSerial() only
};

/// A name and one RRset, for iteration in canonical order.
struct RRsetRef {
  const dnswire::Name* owner;
  const RRset* rrset;
};

class Zone {
 public:
  /// A zone with its apex and SOA (class IN). The apex is stored lower-cased.
  Zone(const dnswire::Name& apex, const dnswire::SoaRdata& soa, uint32_t soa_ttl);

  const dnswire::Name& apex() const { return apex_; }
  const dnswire::SoaRdata& soa() const { return soa_; }
  uint32_t serial() const { return soa_.serial; }
  uint32_t soaTtl() const { return soa_ttl_; }
  /// Rewrites the SOA serial (a rebuild that changed content, spec §7).
  void setSerial(uint32_t serial);
  /// RFC 2308 §3/§5: TTL of the SOA in negative answers = min(SOA TTL, SOA MINIMUM).
  uint32_t negativeTtl() const;
  /// The apex SOA record as a view into this zone.
  dnswire::RecordView soaRecord() const;

  /// Adds one record. An RRset takes the TTL of its first record; later records of the set
  /// with another TTL keep the first (RFC 2181 §5.2 forbids mixed TTLs).
  AddStatus add(const dnswire::Name& owner, dnswire::RRType type, uint32_t ttl,
                std::string_view rdata);

  /// Replaces the RRset of `owner` and `type` with `rdatas` (sorted, deduplicated); an empty
  /// list removes it. The fast path of the zone builder.
  AddStatus setRRset(const dnswire::Name& owner, dnswire::RRType type, uint32_t ttl,
                     std::span<const std::string_view> rdatas);

  /// Makes `owner` exist without data, so queries for it are NODATA rather than NXDOMAIN.
  AddStatus addEmptyName(const dnswire::Name& owner);

  /// Replaces everything at `owner` with `rrsets` (moved from; distinct types, made with
  /// RRset::fromRdatas); an empty span leaves the name existing without data. One lookup per
  /// name: the fast path of the zone builder.
  AddStatus replaceName(dnswire::Name owner, std::span<RRset> rrsets);

  const RRset* find(const dnswire::Name& owner, dnswire::RRType type) const;
  Lookup lookup(const dnswire::Name& qname, dnswire::RRType qtype) const;

  /// Names including empty non-terminals and the apex.
  size_t nameCount() const { return nodes_.size(); }
  /// Records including the SOA.
  size_t recordCount() const;

  /// Hash of everything but the SOA serial: equal content gives equal hashes whatever the order
  /// of construction. For "did this rebuild change anything" (spec §7).
  uint64_t contentHash() const;
  /// Exact comparison of everything but the SOA serial.
  bool sameContent(const Zone& other) const;

  /// Every RRset (SOA included), names in canonical order (RFC 4034 §6.1), types ascending.
  std::vector<RRsetRef> sortedRRsets() const;

  /// Calls f(const Name& owner, const RRset&) for every RRset, SOA included, in no set order.
  template <class F>
  void forEachRRset(F&& f) const {
    for (const auto& [owner, node] : nodes_) {
      for (const auto& rrset : node.rrsets) f(owner, rrset);
    }
  }

  /// Calls f(const Name& owner, std::span<const RRset>) for every name with data (empty
  /// non-terminals are skipped), in no set order.
  template <class F>
  void forEachName(F&& f) const {
    for (const auto& [owner, node] : nodes_) {
      if (!node.rrsets.empty()) f(owner, std::span<const RRset>(node.rrsets));
    }
  }

  /// Every RRset of `owner` (sorted by type); empty when the name has none or does not exist.
  std::span<const RRset> rrsetsAt(const dnswire::Name& owner) const;

  void reserve(size_t names) { nodes_.reserve(names); }

 private:
  struct Node {
    boost::container::small_vector<RRset, 2> rrsets;  // sorted by type
    RRset* get(dnswire::RRType type);
    const RRset* get(dnswire::RRType type) const;
  };
  struct KeyHash {
    using is_transparent = void;
    using is_avalanching = void;  // XXH3: the flat map need not mix the bits again
    size_t operator()(std::string_view wire) const;
    size_t operator()(const dnswire::Name& n) const { return (*this)(n.wire()); }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
    bool operator()(const dnswire::Name& a, std::string_view b) const { return a.wire() == b; }
    bool operator()(std::string_view a, const dnswire::Name& b) const { return a == b.wire(); }
    bool operator()(const dnswire::Name& a, const dnswire::Name& b) const {
      return a.wire() == b.wire();
    }
  };
  // Open addressing: one probe sequence per lookup instead of a chain of heap nodes. Elements
  // move when the table grows, so nothing keeps a Node& across an insertion.
  using NodeMap = boost::unordered_flat_map<dnswire::Name, Node, KeyHash, KeyEq>;

  /// Finds or creates the node of lower-cased `key`, creating empty ancestors up to the apex.
  /// The reference is valid until the next insertion.
  Node& nodeFor(dnswire::Name key);
  const Node* findNode(const dnswire::Name& name) const;
  void refreshSoaRRset();

  dnswire::Name apex_;
  dnswire::SoaRdata soa_;
  uint32_t soa_ttl_;
  NodeMap nodes_;
};

}  // namespace cirrus::dns
