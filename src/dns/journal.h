// IXFR journal (RFC 1995): a bounded history of zone changes, serial -> diff, from which an
// incremental transfer is answered; when the history no longer reaches the client's serial,
// or the changes outweigh the zone, the answer is the whole zone in AXFR form (RFC 1995 §4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "dns/zone.h"
#include "dnswire/message.h"

namespace cirrus::dns {

/// One change of a zone: the SOA before and after, the records deleted and the records added
/// (an RFC 1995 §4 difference sequence). SOA records are never in `removed`/`added`; a changed
/// TTL is a removal of the old record and an addition of the new one.
struct ZoneDiff {
  dnswire::ResourceRecord old_soa;
  dnswire::ResourceRecord new_soa;
  std::vector<dnswire::ResourceRecord> removed;
  std::vector<dnswire::ResourceRecord> added;

  uint32_t fromSerial() const;
  uint32_t toSerial() const;
  size_t recordCount() const { return removed.size() + added.size() + 2; }
};

/// The changes from `old_zone` to `new_zone` (same apex), records in canonical order. Names
/// that exist without records have no records to diff and do not appear.
ZoneDiff diffZones(const Zone& old_zone, const Zone& new_zone);

enum class IxfrKind {
  kUpToDate,     // the client has the current serial (or a newer one): one SOA answers
  kIncremental,  // difference sequences from the client's serial to the current one
  kFullZone,     // history gone or too large: AXFR-format records in the IXFR response
};

struct IxfrPlan {
  IxfrKind kind = IxfrKind::kFullZone;
  /// The answer section: for kUpToDate the current SOA; for kIncremental the current SOA, then
  /// per diff old SOA, removed records, new SOA, added records, then the current SOA again; for
  /// kFullZone axfrRecords(current). Views into `diffs` and the zone.
  std::vector<dnswire::RecordView> records;
  /// Keeps the diffs the views point into alive, even if the journal moves on.
  std::vector<std::shared_ptr<const ZoneDiff>> diffs;
};

class Journal {
 public:
  /// At most `max_diffs` changes and `max_records` diff records are kept; the oldest go first.
  explicit Journal(size_t max_diffs = 64, size_t max_records = 1'000'000);

  /// Records a change. A diff that does not continue the last one (its fromSerial is not the
  /// newest toSerial) starts a new history: what came before can no longer be chained.
  void append(ZoneDiff diff);
  void clear();

  size_t size() const { return diffs_.size(); }
  size_t recordCount() const { return records_; }
  /// Serial of the oldest version an incremental transfer can start from.
  std::optional<uint32_t> oldestSerial() const;

  /// The answer to an IXFR from `client_serial` (the serial of the SOA in the query's authority
  /// section) while `current` is served. kFullZone also when the journal's newest serial is not
  /// current.serial(), or when the chained diffs hold more records than the zone. `current`
  /// must outlive the plan.
  IxfrPlan ixfrResponse(uint32_t client_serial, const Zone& current) const;

 private:
  size_t max_diffs_;
  size_t max_records_;
  size_t records_ = 0;
  std::deque<std::shared_ptr<const ZoneDiff>> diffs_;
};

}  // namespace cirrus::dns
