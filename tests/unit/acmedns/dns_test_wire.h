// Test-side DNS helpers for the acme-dns authority: build a query from a few fields and decode
// a response into plain values, both through dnswire's codec (tested on its own in
// tests/unit/dnswire), so the acme-dns tests check answers, not wire details.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"

namespace cirrus::acmedns::test {

struct QuerySpec {
  std::string name;
  dnswire::RRType type = dnswire::RRType::kTxt;
  uint16_t rclass = 1;
  uint16_t id = 0x1234;
  uint8_t opcode = 0;
  bool edns = false;
  uint8_t edns_version = 0;
  uint16_t udp_payload = 1232;
  bool qr = false;
  uint16_t qdcount = 1;
};

inline std::vector<uint8_t> buildQuery(const QuerySpec& q) {
  dnswire::Header header;
  header.id = q.id;
  header.qr = q.qr;
  header.opcode = static_cast<dnswire::Opcode>(q.opcode);
  header.rd = true;
  dnswire::MessageWriter writer;
  writer.begin(header);
  dnswire::Question question{dnswire::Name::fromText(q.name).value(), q.type,
                             static_cast<dnswire::RRClass>(q.rclass)};
  for (uint16_t i = 0; i < q.qdcount; ++i) writer.addQuestion(question);
  if (q.edns) {
    dnswire::Edns edns;
    edns.udp_payload_size = q.udp_payload;
    edns.version = q.edns_version;
    writer.addOpt(edns);
  }
  return writer.finish();
}

struct DecodedRecord {
  std::string owner;  // presentation, no trailing dot
  dnswire::RRType type = dnswire::RRType::kA;
  uint32_t ttl = 0;
  std::string rdata;  // uncompressed
};

struct DecodedResponse {
  uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false;
  dnswire::Rcode rcode = dnswire::Rcode::kNoError;  // header bits only
  uint16_t qdcount = 0;
  std::vector<DecodedRecord> answers, authority, additional;
  bool has_opt = false;
  uint8_t opt_extended_rcode = 0;

  std::vector<std::string> txtValues() const {
    std::vector<std::string> out;
    for (const auto& r : answers) {
      if (r.type == dnswire::RRType::kTxt && !r.rdata.empty()) {
        out.push_back(r.rdata.substr(1, static_cast<uint8_t>(r.rdata[0])));
      }
    }
    return out;
  }
};

inline std::optional<DecodedResponse> decodeResponse(const std::vector<uint8_t>& wire) {
  auto m = dnswire::parseMessage(wire);
  if (!m) return std::nullopt;
  DecodedResponse r;
  r.id = m->header.id;
  r.qr = m->header.qr;
  r.aa = m->header.aa;
  r.tc = m->header.tc;
  r.rd = m->header.rd;
  r.rcode = static_cast<dnswire::Rcode>(m->header.rcode);
  r.qdcount = static_cast<uint16_t>(m->questions.size());
  auto section = [](const std::vector<dnswire::ResourceRecord>& in,
                    std::vector<DecodedRecord>& out) {
    for (const auto& rr : in) {
      std::string owner = rr.name.toText();
      if (owner.size() > 1) owner.pop_back();
      out.push_back({std::move(owner), rr.type, rr.ttl, rr.rdata});
    }
  };
  section(m->answers, r.answers);
  section(m->authority, r.authority);
  section(m->additional, r.additional);
  if (m->edns) {
    r.has_opt = true;
    r.opt_extended_rcode = m->edns->extended_rcode;
  }
  return r;
}

}  // namespace cirrus::acmedns::test
