#include "dns/transfer.h"

#include "dns/answer.h"
#include "dnswire/message_writer.h"

namespace cirrus::dns {

std::vector<dnswire::RecordView> axfrRecords(const Zone& zone) {
  std::vector<RRsetRef> rrsets = zone.sortedRRsets();
  std::vector<dnswire::RecordView> out;
  out.reserve(zone.recordCount() + 1);
  const dnswire::RecordView soa = zone.soaRecord();
  out.push_back(soa);
  for (const RRsetRef& ref : rrsets) {
    if (ref.rrset->type() == dnswire::RRType::kSoa) continue;
    for (std::string_view rdata : *ref.rrset) {
      out.push_back(
          {ref.owner->wire(), ref.rrset->type(), dnswire::RRClass::kIn, ref.rrset->ttl(), rdata});
    }
  }
  out.push_back(soa);
  return out;
}

TransferStream::TransferStream(const dnswire::Message& query,
                               std::span<const dnswire::RecordView> records,
                               size_t max_message_bytes)
    : query_(query), records_(records), max_(max_message_bytes), done_(records.empty()) {}

dnswire::WireResult<std::vector<uint8_t>> TransferStream::next() {
  dnswire::Header h;
  h.id = query_.header.id;
  h.qr = true;
  h.aa = true;
  h.opcode = dnswire::Opcode::kQuery;
  dnswire::MessageWriter w(max_);
  w.begin(h);
  std::optional<dnswire::Edns> edns;
  if (query_.edns) {
    edns = dnswire::Edns{};
    edns->udp_payload_size = kServerUdpPayload;
    w.reserve(dnswire::optRecordSize(*edns));
  }
  if (first_) {
    for (const auto& q : query_.questions) {
      if (!w.addQuestion(q)) return dnswire::WireError::kMessageTooLarge;
    }
  }
  size_t added = 0;
  while (position_ < records_.size()) {
    auto ok = w.addRecord(dnswire::Section::kAnswer, records_[position_]);
    if (!ok) return ok.error();
    if (!*ok) break;
    ++position_;
    ++added;
  }
  if (added == 0 && position_ < records_.size()) return dnswire::WireError::kMessageTooLarge;
  if (edns) {
    w.reserve(0);
    w.addOpt(*edns);
  }
  first_ = false;
  done_ = position_ == records_.size();
  return w.finish();
}

dnswire::WireResult<std::vector<std::vector<uint8_t>>> transferMessages(
    const dnswire::Message& query, std::span<const dnswire::RecordView> records,
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

dnswire::WireResult<std::vector<std::vector<uint8_t>>> axfrMessages(const Zone& zone,
                                                                    const dnswire::Message& query,
                                                                    size_t max_message_bytes) {
  std::vector<dnswire::RecordView> records = axfrRecords(zone);
  return transferMessages(query, records, max_message_bytes);
}

}  // namespace cirrus::dns
