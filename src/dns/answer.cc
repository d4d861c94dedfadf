#include "dns/answer.h"

#include <algorithm>

#include "dns/message_parser.h"
#include "dns/message_writer.h"

namespace cirrus::dns {
namespace {

void appendRRset(std::vector<ResourceRecord>& out, const Name& owner, const RRset& rrset) {
  for (std::string_view rdata : rrset) {
    out.push_back({owner, rrset.type(), RRClass::kIn, rrset.ttl(), std::string(rdata)});
  }
}

void addNegativeSoa(const Zone& zone, Message& r) {
  RecordView soa = zone.soaRecord();
  r.authority.push_back(
      {zone.apex(), RRType::kSoa, RRClass::kIn, zone.negativeTtl(), std::string(soa.rdata)});
}

// Glue for the targets of an NS answer that live in this zone (RFC 1034 §4.3.2 step 6).
void addGlue(const Zone& zone, const RRset& ns, Message& r) {
  for (std::string_view rdata : ns) {
    auto target = decodeName(rdata);
    if (!target || !target->isSubdomainOf(zone.apex())) continue;
    for (RRType type : {RRType::kA, RRType::kAaaa}) {
      if (const RRset* addresses = zone.find(*target, type)) {
        appendRRset(r.additional, *target, *addresses);
      }
    }
  }
}

// Follows the lookup of `qname` through CNAMEs inside the zone, filling answers and the
// negative SOA. Returns the response code.
Rcode resolve(const Zone& zone, const Name& qname, RRType qtype, Message& r) {
  Name current = qname;
  for (int hops = 0; hops <= kMaxCnameChain; ++hops) {
    Lookup found = zone.lookup(current, qtype);
    // RFC 8482 §4.1: ANY gets one RRset of the name (a CNAME name has only its CNAME).
    if (qtype == RRType::kAny && !found.all.empty()) {
      appendRRset(r.answers, current, found.all.front());
      return Rcode::kNoError;
    }
    switch (found.kind) {
      case LookupKind::kOutOfZone:
        // Only reachable after a CNAME: the client resolves the rest itself.
        return Rcode::kNoError;
      case LookupKind::kNxDomain:
        addNegativeSoa(zone, r);
        return Rcode::kNxDomain;
      case LookupKind::kNoData:
        addNegativeSoa(zone, r);
        return Rcode::kNoError;
      case LookupKind::kAnswer:
        appendRRset(r.answers, current, *found.rrset);
        if (qtype == RRType::kNs) addGlue(zone, *found.rrset, r);
        return Rcode::kNoError;
      case LookupKind::kCname: {
        appendRRset(r.answers, current, *found.rrset);
        auto target = decodeName(*found.rrset->begin());
        if (!target) return Rcode::kServFail;
        current = std::move(*target);
        break;
      }
    }
  }
  return Rcode::kNoError;  // chain too long: the client follows the last CNAME itself
}

// Cuts `r` to what writeMessage() keeps within `limit` and copies its TC decision.
void fitToLimit(Message& r, size_t limit) {
  if (uncompressedSize(r) <= limit) return;
  auto wire = writeMessage(r, limit);
  if (!wire) {
    r.answers.clear();
    r.authority.clear();
    r.additional.clear();
    r.header.tc = true;
    return;
  }
  const auto& w = *wire;
  auto count = [&](int i) { return static_cast<size_t>((w[4 + 2 * i] << 8) | w[5 + 2 * i]); };
  size_t additional = count(3) - (r.edns ? 1 : 0);
  r.answers.resize(std::min(r.answers.size(), count(1)));
  r.authority.resize(std::min(r.authority.size(), count(2)));
  r.additional.resize(std::min(r.additional.size(), additional));
  r.header.tc = (w[2] & 0x02) != 0;
}

}  // namespace

size_t responseSizeLimit(const Message& query, bool over_tcp, size_t server_udp_payload) {
  if (over_tcp) return kMaxMessageSize;
  if (!query.edns) return kMinUdpPayload;
  size_t advertised = std::max<size_t>(query.edns->udp_payload_size, kMinUdpPayload);
  return std::clamp(advertised, kMinUdpPayload, std::max(server_udp_payload, kMinUdpPayload));
}

std::optional<std::vector<uint8_t>> formErrForUnparsable(std::span<const uint8_t> wire) {
  auto header = parseHeader(wire);
  if (!header || header->qr) return std::nullopt;
  Header h;
  h.id = header->id;
  h.qr = true;
  h.opcode = header->opcode;
  h.rd = header->rd;
  h.rcode = static_cast<uint8_t>(Rcode::kFormErr);
  MessageWriter w(kMinUdpPayload);
  w.begin(h);
  return w.finish();
}

Message answerQuery(const Zone& zone, const Message& query, size_t size_limit) {
  Message r;
  r.header.id = query.header.id;
  r.header.qr = true;
  r.header.opcode = query.header.opcode;
  r.header.rd = query.header.rd;
  r.header.cd = query.header.cd;
  if (query.edns) {
    r.edns = Edns{};
    r.edns->udp_payload_size = kServerUdpPayload;
    r.edns->dnssec_ok = query.edns->dnssec_ok;
  }
  auto finish = [&](Rcode rcode) {
    setResponseCode(r, rcode);
    fitToLimit(r, size_limit);
    return r;
  };
  if (query.questions.size() == 1) r.questions.push_back(query.questions.front());

  // RFC 6891 §6.1.3: an unknown EDNS version is answered BADVERS with our version (0).
  if (query.edns && query.edns->version > 0) return finish(Rcode::kBadVers);
  if (query.header.opcode != Opcode::kQuery) return finish(Rcode::kNotImp);
  if (query.questions.size() != 1) {
    r.questions.clear();
    return finish(Rcode::kFormErr);
  }
  const Question& q = query.questions.front();
  if (q.type == RRType::kOpt || q.type == RRType::kTsig) return finish(Rcode::kFormErr);
  if (q.rclass != RRClass::kIn) return finish(Rcode::kRefused);
  if (!q.name.isSubdomainOf(zone.apex())) return finish(Rcode::kRefused);
  if (q.type == RRType::kAxfr || q.type == RRType::kMaila || q.type == RRType::kMailb) {
    return finish(Rcode::kNotImp);
  }

  r.header.aa = true;
  if (q.type == RRType::kIxfr) {
    if (!(q.name == zone.apex())) {
      r.header.aa = false;
      return finish(Rcode::kRefused);
    }
    RecordView soa = zone.soaRecord();
    r.answers.push_back({q.name, RRType::kSoa, RRClass::kIn, soa.ttl, std::string(soa.rdata)});
    return finish(Rcode::kNoError);
  }
  return finish(resolve(zone, q.name, q.type, r));
}

}  // namespace cirrus::dns
