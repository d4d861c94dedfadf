#include "dns/journal.h"

#include <algorithm>
#include <span>
#include <system_error>
#include <thread>

#include "dns/serial.h"
#include "dns/transfer.h"

namespace cirrus::dns {
namespace {

dnswire::ResourceRecord soaRecordOf(const Zone& zone) {
  dnswire::RecordView v = zone.soaRecord();
  return {zone.apex(), dnswire::RRType::kSoa, dnswire::RRClass::kIn, v.ttl, std::string(v.rdata)};
}

void appendAll(std::vector<dnswire::ResourceRecord>& out, const dnswire::Name& owner,
               const RRset& rrset) {
  for (std::string_view rdata : rrset) {
    out.push_back({owner, rrset.type(), dnswire::RRClass::kIn, rrset.ttl(), std::string(rdata)});
  }
}

// Both RRsets hold their RDATA in canonical order: one merge walk finds what only `a` has.
void appendMissing(std::vector<dnswire::ResourceRecord>& out, const dnswire::Name& owner,
                   const RRset& a, const RRset& b) {
  auto ib = b.begin();
  for (std::string_view rdata : a) {
    while (ib != b.end() && *ib < rdata) ++ib;
    if (ib != b.end() && *ib == rdata) continue;
    out.push_back({owner, a.type(), dnswire::RRClass::kIn, a.ttl(), std::string(rdata)});
  }
}

// Records of RRsets in `from` that `to` lacks (or holds with another TTL). One lookup in `to`
// per name, not per RRset: a steering zone has two RRsets per name and 10^5 names.
void collectMissing(const Zone& from, const Zone& to, std::vector<dnswire::ResourceRecord>& out) {
  from.forEachName([&](const dnswire::Name& owner, std::span<const RRset> rrsets) {
    const std::span<const RRset> theirs = to.rrsetsAt(owner);
    for (const RRset& rrset : rrsets) {
      if (rrset.type() == dnswire::RRType::kSoa) continue;
      auto it = std::find_if(theirs.begin(), theirs.end(),
                             [&](const RRset& r) { return r.type() == rrset.type(); });
      const RRset* other = it == theirs.end() ? nullptr : &*it;
      if (!other || other->ttl() != rrset.ttl()) {
        appendAll(out, owner, rrset);
      } else if (!(*other == rrset)) {
        appendMissing(out, owner, rrset, *other);
      }
    }
  });
}

void sortCanonically(std::vector<dnswire::ResourceRecord>& records) {
  std::sort(records.begin(), records.end(),
            [](const dnswire::ResourceRecord& a, const dnswire::ResourceRecord& b) {
              int c = a.name.canonicalCompare(b.name);
              if (c != 0) return c < 0;
              if (a.type != b.type) return a.type < b.type;
              return a.rdata < b.rdata;
            });
}

uint32_t serialOf(const dnswire::ResourceRecord& soa) {
  auto fields = dnswire::decodeSoa(soa.rdata);
  return fields ? fields->serial : 0;
}

}  // namespace

uint32_t ZoneDiff::fromSerial() const {
  return serialOf(old_soa);
}
uint32_t ZoneDiff::toSerial() const {
  return serialOf(new_soa);
}

ZoneDiff diffZones(const Zone& old_zone, const Zone& new_zone) {
  ZoneDiff diff;
  diff.old_soa = soaRecordOf(old_zone);
  diff.new_soa = soaRecordOf(new_zone);
  // The two directions are independent walks of 10^5 names each: one runs on a second thread
  // when one can be had (the zone source calls this off the serving thread).
  auto removed = [&] {
    collectMissing(old_zone, new_zone, diff.removed);
    sortCanonically(diff.removed);
  };
  constexpr size_t kNamesWorthAThread = 20'000;
  std::thread worker;
  if (old_zone.nameCount() + new_zone.nameCount() < kNamesWorthAThread) {
    removed();
  } else {
    try {
      worker = std::thread(removed);
    } catch (const std::system_error&) {
      removed();  // no thread available: both here
    }
  }
  collectMissing(new_zone, old_zone, diff.added);
  sortCanonically(diff.added);
  if (worker.joinable()) worker.join();
  return diff;
}

Journal::Journal(size_t max_diffs, size_t max_records)
    : max_diffs_(std::max<size_t>(max_diffs, 1)), max_records_(max_records) {}

void Journal::append(ZoneDiff diff) {
  if (!diffs_.empty() && diffs_.back()->toSerial() != diff.fromSerial()) clear();
  records_ += diff.recordCount();
  diffs_.push_back(std::make_shared<const ZoneDiff>(std::move(diff)));
  while (diffs_.size() > max_diffs_ || (records_ > max_records_ && diffs_.size() > 1)) {
    records_ -= diffs_.front()->recordCount();
    diffs_.pop_front();
  }
  if (records_ > max_records_) clear();  // a single diff larger than the whole budget
}

void Journal::clear() {
  diffs_.clear();
  records_ = 0;
}

std::optional<uint32_t> Journal::oldestSerial() const {
  if (diffs_.empty()) return std::nullopt;
  return diffs_.front()->fromSerial();
}

IxfrPlan Journal::ixfrResponse(uint32_t client_serial, const Zone& current) const {
  IxfrPlan plan;
  const dnswire::RecordView current_soa = current.soaRecord();
  // RFC 1995 §2: a client that is current (or claims a newer version) gets the SOA alone.
  if (client_serial == current.serial() || serialLess(current.serial(), client_serial)) {
    plan.kind = IxfrKind::kUpToDate;
    plan.records.push_back(current_soa);
    return plan;
  }
  auto start = std::find_if(diffs_.begin(), diffs_.end(),
                            [&](const auto& d) { return d->fromSerial() == client_serial; });
  size_t chained_records = 0;
  for (auto it = start; it != diffs_.end(); ++it) chained_records += (*it)->recordCount();
  const bool reaches_current = !diffs_.empty() && diffs_.back()->toSerial() == current.serial();
  if (start == diffs_.end() || !reaches_current || chained_records > current.recordCount()) {
    plan.kind = IxfrKind::kFullZone;
    plan.records = axfrRecords(current);
    return plan;
  }
  plan.kind = IxfrKind::kIncremental;
  plan.records.reserve(chained_records + 2);
  plan.records.push_back(current_soa);
  for (auto it = start; it != diffs_.end(); ++it) {
    const ZoneDiff& d = **it;
    plan.diffs.push_back(*it);
    plan.records.push_back(dnswire::viewOf(d.old_soa));
    for (const auto& rr : d.removed) plan.records.push_back(dnswire::viewOf(rr));
    plan.records.push_back(dnswire::viewOf(d.new_soa));
    for (const auto& rr : d.added) plan.records.push_back(dnswire::viewOf(rr));
  }
  plan.records.push_back(current_soa);
  return plan;
}

}  // namespace cirrus::dns
