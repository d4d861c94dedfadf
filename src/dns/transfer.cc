#include "dns/transfer.h"

#include "dns/answer.h"
#include "dns/message_writer.h"

namespace cirrus::dns {

std::vector<RecordView> axfrRecords(const Zone& zone) {
  std::vector<RRsetRef> rrsets = zone.sortedRRsets();
  std::vector<RecordView> out;
  out.reserve(zone.recordCount() + 1);
  const RecordView soa = zone.soaRecord();
  out.push_back(soa);
  for (const RRsetRef& ref : rrsets) {
    if (ref.rrset->type() == RRType::kSoa) continue;
    for (std::string_view rdata : *ref.rrset) {
      out.push_back({ref.owner->wire(), ref.rrset->type(), RRClass::kIn, ref.rrset->ttl(), rdata});
    }
  }
  out.push_back(soa);
  return out;
}

TransferStream::TransferStream(const Message& query, std::span<const RecordView> records,
                               size_t max_message_bytes)
    : query_(query), records_(records), max_(max_message_bytes), done_(records.empty()) {}

WireResult<std::vector<uint8_t>> TransferStream::next() {
  Header h;
  h.id = query_.header.id;
  h.qr = true;
  h.aa = true;
  h.opcode = Opcode::kQuery;
  MessageWriter w(max_);
  w.begin(h);
  std::optional<Edns> edns;
  if (query_.edns) {
    edns = Edns{};
    edns->udp_payload_size = kServerUdpPayload;
    w.reserve(optRecordSize(*edns));
  }
  if (first_) {
    for (const auto& q : query_.questions) {
      if (!w.addQuestion(q)) return WireError::kMessageTooLarge;
    }
  }
  size_t added = 0;
  while (position_ < records_.size()) {
    auto ok = w.addRecord(Section::kAnswer, records_[position_]);
    if (!ok) return ok.error();
    if (!*ok) break;
    ++position_;
    ++added;
  }
  if (added == 0 && position_ < records_.size()) return WireError::kMessageTooLarge;
  if (edns) {
    w.reserve(0);
    w.addOpt(*edns);
  }
  first_ = false;
  done_ = position_ == records_.size();
  return w.finish();
}

WireResult<std::vector<std::vector<uint8_t>>> transferMessages(const Message& query,
                                                               std::span<const RecordView> records,
                                                               size_t max_message_bytes) {
  std::vector<std::vector<uint8_t>> out;
  TransferStream stream(query, records, max_message_bytes);
  while (!stream.done()) {
    auto message = stream.next();
    if (!message) return message.error();
    out.push_back(std::move(*message));
  }
  return out;
}

WireResult<std::vector<std::vector<uint8_t>>> axfrMessages(const Zone& zone, const Message& query,
                                                           size_t max_message_bytes) {
  std::vector<RecordView> records = axfrRecords(zone);
  return transferMessages(query, records, max_message_bytes);
}

}  // namespace cirrus::dns
