#include "acmedns/query.h"

#include <algorithm>
#include <string_view>

#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"

namespace cirrus::acmedns {

ParseStatus parseQuery(std::span<const uint8_t> wire, Query& out) {
  out = {};
  auto header = dnswire::parseHeader(wire);
  if (!header) return ParseStatus::kDrop;
  out.header = *header;
  if (header->qr) return ParseStatus::kDrop;  // never answer a response
  auto message = dnswire::parseMessage(wire);
  if (!message || message->questions.size() != 1) return ParseStatus::kFormErr;
  dnswire::Question& question = message->questions.front();
  // The first name of a message has nothing earlier to point to: a compression pointer there
  // can only point into the header, so the question is malformed.
  std::string_view in_place(reinterpret_cast<const char*>(wire.data()) + dnswire::kHeaderSize,
                            std::min(wire.size() - dnswire::kHeaderSize, question.name.wireSize()));
  if (in_place != question.name.wire()) return ParseStatus::kFormErr;
  out.question = std::move(question);
  out.edns = std::move(message->edns);
  return ParseStatus::kOk;
}

size_t responseSizeLimit(const Query& query, bool over_tcp) {
  if (over_tcp) return dnswire::kMaxMessageSize;
  if (!query.edns) return dnswire::kMinUdpPayload;
  return std::clamp<size_t>(query.edns->udp_payload_size, dnswire::kMinUdpPayload,
                            kServerUdpPayload);
}

std::vector<uint8_t> encodeResponse(const Query& query, const Response& response,
                                    size_t size_limit) {
  auto rcode = static_cast<uint16_t>(response.rcode);
  dnswire::Header header;
  header.id = query.header.id;
  header.qr = true;
  header.opcode = query.header.opcode;
  header.aa = response.authoritative;
  header.rd = query.header.rd;
  header.cd = query.header.cd;
  header.rcode = static_cast<uint8_t>(rcode & 0x0f);

  std::optional<dnswire::Edns> edns;
  if (query.edns) {
    edns.emplace();
    edns->udp_payload_size = kServerUdpPayload;
    edns->extended_rcode = static_cast<uint8_t>(rcode >> 4);  // version 0
    edns->dnssec_ok = query.edns->dnssec_ok;
  }

  dnswire::MessageWriter writer(size_limit);
  writer.begin(header);
  if (edns) writer.reserve(dnswire::optRecordSize(*edns));
  // A question (at most 259 octets) always fits the 512-octet minimum.
  if (response.echo_question && !writer.addQuestion(query.question)) writer.setTruncated();
  // The records are the authority's own, so a malformed one cannot occur; one is left out
  // like a record that does not fit, which keeps the answer well formed either way.
  auto add_all = [&writer](dnswire::Section section,
                           const std::vector<dnswire::ResourceRecord>& records) {
    for (const auto& record : records) {
      auto added = writer.addRecord(section, record);
      if (!added || !*added) return false;
    }
    return true;
  };
  auto before_records = writer.mark();
  if (!add_all(dnswire::Section::kAnswer, response.answers) ||
      !add_all(dnswire::Section::kAuthority, response.authority)) {
    writer.rollback(before_records);
    writer.setTruncated();
  }
  if (edns) {
    writer.reserve(0);
    writer.addOpt(*edns);
  }
  return writer.finish();
}

}  // namespace cirrus::acmedns
