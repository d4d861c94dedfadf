// Zone transfer messages: the AXFR record stream (RFC 5936 §2.2: SOA, every record, SOA) and
// the splitting of any transfer record stream (AXFR, or IXFR from dns/journal.h) into TCP
// response messages. Pure: the server writes the messages, signing each with TSIG if needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dns/zone.h"
#include "dnswire/message.h"
#include "dnswire/wire_error.h"

namespace cirrus::dns {

/// Default size of one transfer message: well under the 65535 TCP limit so that a TSIG record
/// always fits and a slow secondary gets data early.
inline constexpr size_t kTransferMessageSize = 16384;

/// RFC 5936 §2.2: the zone's SOA, every other record (names in canonical order), the SOA again.
/// Views point into `zone`, which must outlive them.
std::vector<dnswire::RecordView> axfrRecords(const Zone& zone);

/// Turns a record stream into response messages to `query`, lazily, one message per next():
/// same id, QR, AA, opcode QUERY, NOERROR; the question only in the first message (RFC 5936
/// §2.2.1); OPT in every message when the query had EDNS. Callers that sign with TSIG pass
/// max_message_bytes minus the TSIG record's size. `query` and `records` must outlive the
/// stream.
class TransferStream {
 public:
  TransferStream(const dnswire::Message& query, std::span<const dnswire::RecordView> records,
                 size_t max_message_bytes = kTransferMessageSize);

  bool done() const { return done_; }

  /// The next message; kMessageTooLarge when one record alone cannot fit in a message.
  /// Precondition: !done().
  dnswire::WireResult<std::vector<uint8_t>> next();

 private:
  const dnswire::Message& query_;
  std::span<const dnswire::RecordView> records_;
  size_t max_;
  size_t position_ = 0;
  bool first_ = true;
  bool done_ = false;
};

/// Every message of a transfer at once (tests and small zones).
dnswire::WireResult<std::vector<std::vector<uint8_t>>> transferMessages(
    const dnswire::Message& query, std::span<const dnswire::RecordView> records,
    size_t max_message_bytes = kTransferMessageSize);

/// axfrRecords() split by transferMessages().
dnswire::WireResult<std::vector<std::vector<uint8_t>>> axfrMessages(
    const Zone& zone, const dnswire::Message& query,
    size_t max_message_bytes = kTransferMessageSize);

}  // namespace cirrus::dns
