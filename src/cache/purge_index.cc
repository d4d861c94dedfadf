#include "cache/purge_index.h"

#include "cache/cached_object.h"

namespace cirrus::cache {

PurgeSelector makePurgeSelector(const model::PurgeMessage& message, model::QueryStringMode mode) {
  PurgeSelector s;
  s.domain = message.domain;
  s.soft = message.soft;
  if (!message.tag.empty()) {
    s.scope = PurgeScope::kTag;
    s.value = message.tag;
  } else if (message.path == "*") {
    s.scope = PurgeScope::kDomain;
  } else if (message.path.ends_with('*')) {
    // A prefix is matched on the stored canonical form as received: reordering a partial
    // query could not keep "prefix of" meaningful.
    s.scope = PurgeScope::kPrefix;
    s.value = message.path.substr(0, message.path.size() - 1);
  } else {
    s.scope = PurgeScope::kExactPath;
    s.value = canonicalTarget(message.path, mode);
  }
  return s;
}

void PurgeIndex::add(const CachedObject& object) {
  EntryRef ref{object.key, object.variant};
  DomainIndex& d = domains_[object.domain];
  if (!d.by_path.emplace(object.path, ref).second) return;
  for (const std::string& tag : object.tags) d.by_tag[tag].insert(ref);
  ++size_;
}

void PurgeIndex::remove(const CachedObject& object) {
  auto it = domains_.find(object.domain);
  if (it == domains_.end()) return;
  EntryRef ref{object.key, object.variant};
  DomainIndex& d = it->second;
  if (d.by_path.erase({object.path, ref}) == 0) return;
  --size_;
  for (const std::string& tag : object.tags) {
    auto t = d.by_tag.find(tag);
    if (t == d.by_tag.end()) continue;
    t->second.erase(ref);
    if (t->second.empty()) d.by_tag.erase(t);
  }
  if (d.by_path.empty()) domains_.erase(it);
}

void PurgeIndex::collect(const PurgeSelector& selector, std::vector<EntryRef>& out) const {
  auto it = domains_.find(selector.domain);
  if (it == domains_.end()) return;
  const DomainIndex& d = it->second;
  switch (selector.scope) {
    case PurgeScope::kDomain:
      for (const auto& [path, ref] : d.by_path) out.push_back(ref);
      break;
    case PurgeScope::kExactPath:
    case PurgeScope::kPrefix: {
      // (path, smallest ref) sorts first among entries of that path.
      auto pos = d.by_path.lower_bound({selector.value, EntryRef{}});
      for (; pos != d.by_path.end(); ++pos) {
        const std::string& path = pos->first;
        bool match = selector.scope == PurgeScope::kExactPath ? path == selector.value
                                                              : path.starts_with(selector.value);
        if (!match) break;
        out.push_back(pos->second);
      }
      break;
    }
    case PurgeScope::kTag: {
      auto t = d.by_tag.find(selector.value);
      if (t == d.by_tag.end()) break;
      out.insert(out.end(), t->second.begin(), t->second.end());
      break;
    }
  }
}

}  // namespace cirrus::cache
