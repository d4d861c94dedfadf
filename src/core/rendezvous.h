// Rendezvous (highest-random-weight) hashing for DNS steering, spec §7: the one definition of
// the score and of the top-k choice, shared by the API (domains/{d}/cname) and the zone builder
// so that both always name the same nodes. A leaf: includes nothing else from Cirrus.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus {

/// XXH64(node_id + "|" + access_fqdn, seed 0), computed without allocating. The access FQDN is
/// the textual form made by accessFqdn() (lower-case, no trailing dot).
uint64_t rendezvousScore(std::string_view node_id, std::string_view access_fqdn);

/// Access FQDN of a customer domain (spec §7): `domain + "." + base_domain`, both lower-cased
/// (ASCII) and stripped of a trailing dot. The caller passes the A-label form of the domain.
std::string accessFqdn(std::string_view domain, std::string_view base_domain);

/// accessFqdn() into a caller-owned buffer (replaced, not appended), for loops that must not
/// allocate per domain.
void accessFqdnInto(std::string& out, std::string_view domain, std::string_view base_domain);

/// Indices into `candidate_ids` of the best min(k, size) candidates for `access_fqdn`, best
/// first: score descending, ties by node id ascending, then by index (duplicate ids).
std::vector<size_t> pickTopK(std::span<const std::string_view> candidate_ids,
                             std::string_view access_fqdn, size_t k);

/// Allocation-free pickTopK(): k = out.size(); writes the chosen indices best first into `out`
/// and returns how many were written (min(k, candidate count)). Cost O(n·k).
size_t pickTopKInto(std::span<const std::string_view> candidate_ids, std::string_view access_fqdn,
                    std::span<size_t> out);

/// pickTopKInto() for one fixed candidate list scored against many FQDNs (the zone builder:
/// every domain against the nodes of a site). The ids are grouped by size once, so each pick
/// hashes them four at a time with no per-call bookkeeping. Same results as pickTopKInto().
/// The ids must outlive the picker; pick() is const and safe to call from several threads.
class RendezvousPicker {
 public:
  explicit RendezvousPicker(std::span<const std::string_view> candidate_ids);

  size_t size() const { return ids_.size(); }

  /// Writes the best min(out.size(), size()) indices (into the constructor's list), best first,
  /// and returns how many were written. Allocates only when out.size() exceeds 32.
  size_t pick(std::string_view access_fqdn, std::span<size_t> out) const;

 private:
  struct Group {
    size_t id_size;
    size_t begin;  // range in by_size_
    size_t end;
    size_t prefix_begin;  // first of the group's states in prefix_
  };
  // The part of XXH64("id|fqdn") that depends on the id alone, for ids of at most 31 octets
  // (see rendezvous.cc).
  struct PrefixState {
    uint64_t v[4] = {};       // first-stripe accumulators; a product for the shared word
    uint64_t merged[4] = {};  // round(0, v[j]) of the id's own words, for the merge
    uint64_t rotated = 0;     // the id's own words' share of the merge's rotation sum
  };
  std::vector<std::string_view> ids_;
  std::vector<size_t> by_size_;  // candidate indices grouped by id size
  std::vector<Group> groups_;
  std::vector<PrefixState> prefix_;  // per group, padded to whole scoring chunks
};

/// A node as the per-site choice sees it: the caller has already filtered eligibility
/// (enabled, active, at least one address; spec §7).
struct SiteCandidate {
  std::string_view id;
  std::string_view site;  // "" is treated as "default"
};

/// Spec §7 selection: for every site, the top `k_per_site` candidates. Returns indices into
/// `candidates`, grouped by site (sites in ascending byte order), best first within a site.
std::vector<size_t> pickPerSite(std::span<const SiteCandidate> candidates,
                                std::string_view access_fqdn, size_t k_per_site);

}  // namespace cirrus
