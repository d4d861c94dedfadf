#include "dns/answer.h"

#include <algorithm>

#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"

namespace cirrus::dns {
namespace {

void appendRRset(std::vector<dnswire::ResourceRecord>& out, const dnswire::Name& owner,
                 const RRset& rrset) {
  for (std::string_view rdata : rrset) {
    out.push_back({owner, rrset.type(), dnswire::RRClass::kIn, rrset.ttl(), std::string(rdata)});
  }
}

void addNegativeSoa(const Zone& zone, dnswire::Message& r) {
  dnswire::RecordView soa = zone.soaRecord();
  r.authority.push_back({zone.apex(), dnswire::RRType::kSoa, dnswire::RRClass::kIn,
                         zone.negativeTtl(), std::string(soa.rdata)});
}

// Glue for the targets of an NS answer that live in this zone (RFC 1034 §4.3.2 step 6).
void addGlue(const Zone& zone, const RRset& ns, dnswire::Message& r) {
  for (std::string_view rdata : ns) {
    auto target = dnswire::decodeName(rdata);
    if (!target || !target->isSubdomainOf(zone.apex())) continue;
    for (dnswire::RRType type : {dnswire::RRType::kA, dnswire::RRType::kAaaa}) {
      if (const RRset* addresses = zone.find(*target, type)) {
        appendRRset(r.additional, *target, *addresses);
      }
    }
  }
}

// Follows the lookup of `qname` through CNAMEs inside the zone, filling answers and the
// negative SOA. Returns the response code.
dnswire::Rcode resolve(const Zone& zone, const dnswire::Name& qname, dnswire::RRType qtype,
                       dnswire::Message& r) {
  dnswire::Name current = qname;
  for (int hops = 0; hops <= kMaxCnameChain; ++hops) {
    Lookup found = zone.lookup(current, qtype);
    // RFC 8482 §4.1: ANY gets one RRset of the name (a CNAME name has only its CNAME).
    if (qtype == dnswire::RRType::kAny && !found.all.empty()) {
      appendRRset(r.answers, current, found.all.front());
      return dnswire::Rcode::kNoError;
    }
    switch (found.kind) {
      case LookupKind::kOutOfZone:
        // Only reachable after a CNAME: the client resolves the rest itself.
        return dnswire::Rcode::kNoError;
      case LookupKind::kNxDomain:
        addNegativeSoa(zone, r);
        return dnswire::Rcode::kNxDomain;
      case LookupKind::kNoData:
        addNegativeSoa(zone, r);
        return dnswire::Rcode::kNoError;
      case LookupKind::kAnswer:
        appendRRset(r.answers, current, *found.rrset);
        if (qtype == dnswire::RRType::kNs) addGlue(zone, *found.rrset, r);
        return dnswire::Rcode::kNoError;
      case LookupKind::kCname: {
        appendRRset(r.answers, current, *found.rrset);
        auto target = dnswire::decodeName(*found.rrset->begin());
        if (!target) return dnswire::Rcode::kServFail;
        current = std::move(*target);
        break;
      }
    }
  }
  return dnswire::Rcode::kNoError;  // chain too long: the client follows the last CNAME itself
}

// Cuts `r` to what writeMessage() keeps within `limit` and copies its TC decision.
void fitToLimit(dnswire::Message& r, size_t limit) {
  if (dnswire::uncompressedSize(r) <= limit) return;
  auto wire = dnswire::writeMessage(r, limit);
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

size_t responseSizeLimit(const dnswire::Message& query, bool over_tcp, size_t server_udp_payload) {
  if (over_tcp) return dnswire::kMaxMessageSize;
  if (!query.edns) return dnswire::kMinUdpPayload;
  size_t advertised = std::max<size_t>(query.edns->udp_payload_size, dnswire::kMinUdpPayload);
  return std::clamp(advertised, dnswire::kMinUdpPayload,
                    std::max(server_udp_payload, dnswire::kMinUdpPayload));
}

std::optional<std::vector<uint8_t>> formErrForUnparsable(std::span<const uint8_t> wire) {
  auto header = dnswire::parseHeader(wire);
  if (!header || header->qr) return std::nullopt;
  dnswire::Header h;
  h.id = header->id;
  h.qr = true;
  h.opcode = header->opcode;
  h.rd = header->rd;
  h.rcode = static_cast<uint8_t>(dnswire::Rcode::kFormErr);
  dnswire::MessageWriter w(dnswire::kMinUdpPayload);
  w.begin(h);
  return w.finish();
}

dnswire::Message answerQuery(const Zone& zone, const dnswire::Message& query, size_t size_limit) {
  dnswire::Message r;
  r.header.id = query.header.id;
  r.header.qr = true;
  r.header.opcode = query.header.opcode;
  r.header.rd = query.header.rd;
  r.header.cd = query.header.cd;
  if (query.edns) {
    r.edns = dnswire::Edns{};
    r.edns->udp_payload_size = kServerUdpPayload;
    r.edns->dnssec_ok = query.edns->dnssec_ok;
  }
  auto finish = [&](dnswire::Rcode rcode) {
    dnswire::setResponseCode(r, rcode);
    fitToLimit(r, size_limit);
    return r;
  };
  if (query.questions.size() == 1) r.questions.push_back(query.questions.front());

  // RFC 6891 §6.1.3: an unknown EDNS version is answered BADVERS with our version (0).
  if (query.edns && query.edns->version > 0) return finish(dnswire::Rcode::kBadVers);
  if (query.header.opcode != dnswire::Opcode::kQuery) return finish(dnswire::Rcode::kNotImp);
  if (query.questions.size() != 1) {
    r.questions.clear();
    return finish(dnswire::Rcode::kFormErr);
  }
  const dnswire::Question& q = query.questions.front();
  if (q.type == dnswire::RRType::kOpt || q.type == dnswire::RRType::kTsig)
    return finish(dnswire::Rcode::kFormErr);
  if (q.rclass != dnswire::RRClass::kIn) return finish(dnswire::Rcode::kRefused);
  if (!q.name.isSubdomainOf(zone.apex())) return finish(dnswire::Rcode::kRefused);
  if (q.type == dnswire::RRType::kAxfr || q.type == dnswire::RRType::kMaila ||
      q.type == dnswire::RRType::kMailb) {
    return finish(dnswire::Rcode::kNotImp);
  }

  r.header.aa = true;
  if (q.type == dnswire::RRType::kIxfr) {
    if (!(q.name == zone.apex())) {
      r.header.aa = false;
      return finish(dnswire::Rcode::kRefused);
    }
    dnswire::RecordView soa = zone.soaRecord();
    r.answers.push_back(
        {q.name, dnswire::RRType::kSoa, dnswire::RRClass::kIn, soa.ttl, std::string(soa.rdata)});
    return finish(dnswire::Rcode::kNoError);
  }
  return finish(resolve(zone, q.name, q.type, r));
}

}  // namespace cirrus::dns
