#include "acmedns/authority.h"

#include <algorithm>
#include <string_view>

#include "dnswire/rdata.h"

namespace cirrus::acmedns {

namespace {

using dnswire::Rcode;
using dnswire::RRClass;
using dnswire::RRType;

// RFC 1035 §3.3.14: one <character-string> per value (a TXT challenge value is 43 octets).
std::string txtRdata(std::string_view value) {
  std::string out;
  out.push_back(static_cast<char>(value.size()));
  out.append(value);
  return out;
}

Response negative(const AuthorityZone& zone, Rcode rcode) {
  Response r;
  r.rcode = rcode;
  r.authoritative = true;
  r.authority.push_back(zone.negativeSoa());
  return r;
}

Response bare(Rcode rcode, bool authoritative = false) {
  Response r;
  r.rcode = rcode;
  r.authoritative = authoritative;
  return r;
}

dnswire::ResourceRecord record(const dnswire::Name& owner, RRType type, uint32_t ttl,
                               std::string rdata) {
  return {owner, type, RRClass::kIn, ttl, std::move(rdata)};
}

bool isQuery(const Query& query) {
  return query.header.opcode == dnswire::Opcode::kQuery;
}

bool unknownEdnsVersion(const Query& query) {
  return query.edns && query.edns->version > 0;
}

bool servedClass(const Query& query) {
  return query.question.rclass == RRClass::kIn || query.question.rclass == RRClass::kAny;
}

bool isTransfer(const Query& query) {
  return query.question.type == RRType::kAxfr || query.question.type == RRType::kIxfr;
}

}  // namespace

std::optional<AuthorityZone> AuthorityZone::create(std::string_view zone) {
  auto apex = dnswire::Name::fromText(zone);
  if (!apex || apex->isRoot()) return std::nullopt;
  // ns.<zone> and hostmaster.<zone> fit whenever the zone leaves room for a 10-octet label.
  auto mname = apex->prepend("ns");
  auto rname = apex->prepend("hostmaster");
  if (!mname || !rname) return std::nullopt;
  AuthorityZone z;
  z.apex_ = apex->lowered();
  z.ns_rdata_ = dnswire::encodeName(*mname);
  // Serial 1 forever: nothing transfers this zone, and every process sharing the store must
  // answer the same SOA.
  z.soa_rdata_ = dnswire::encodeSoa({*mname, *rname, 1, 3600, 600, 86400, kSoaMinimum});
  return z;
}

dnswire::ResourceRecord AuthorityZone::soa() const {
  return record(apex_, RRType::kSoa, kSoaTtl, soa_rdata_);
}

dnswire::ResourceRecord AuthorityZone::ns() const {
  return record(apex_, RRType::kNs, kSoaTtl, ns_rdata_);
}

dnswire::ResourceRecord AuthorityZone::negativeSoa() const {
  return record(apex_, RRType::kSoa, std::min(kSoaTtl, kSoaMinimum), soa_rdata_);
}

Placement classify(const AuthorityZone& zone, const Query& query) {
  const dnswire::Name& name = query.question.name;
  if (!name.isSubdomainOf(zone.apex())) return {};
  size_t extra = name.labelCount() - zone.apex().labelCount();
  if (extra == 0) return {Placement::Kind::kApex, {}};
  if (extra > 1) return {Placement::Kind::kOther, {}};
  // The store key is the first label, lower-cased.
  std::string_view wire = name.wire();
  std::string label(wire.substr(1, static_cast<uint8_t>(wire[0])));
  dnswire::lowerAsciiInPlace(label.data(), label.size());
  return {Placement::Kind::kSubdomain, std::move(label)};
}

bool needsRecords(const Query& query, const Placement& placement) {
  return placement.kind == Placement::Kind::kSubdomain && isQuery(query) &&
         !unknownEdnsVersion(query) && servedClass(query) && !isTransfer(query);
}

Response answer(const AuthorityZone& zone, const Query& query, const Placement& placement,
                const std::optional<store::AcmeDnsRecords>& records) {
  // RFC 6891 §6.1.3: an unknown EDNS version is answered BADVERS before anything else.
  if (unknownEdnsVersion(query)) return bare(Rcode::kBadVers);
  if (!isQuery(query)) return bare(Rcode::kNotImp);
  if (!servedClass(query)) return bare(Rcode::kRefused);
  if (placement.kind == Placement::Kind::kOutside) return bare(Rcode::kRefused);
  // No zone transfers: the zone is dynamic and lives in Redis, which is what replicas share.
  if (isTransfer(query)) return bare(Rcode::kRefused, true);

  RRType qtype = query.question.type;
  Response r;
  r.authoritative = true;
  switch (placement.kind) {
    case Placement::Kind::kApex: {
      // RFC 8482 §4.1: ANY gets one RRset; the NS set is the one a resolver can use.
      if (qtype != RRType::kSoa && qtype != RRType::kNs && qtype != RRType::kAny) {
        return negative(zone, Rcode::kNoError);
      }
      dnswire::ResourceRecord answer = qtype == RRType::kSoa ? zone.soa() : zone.ns();
      answer.name = query.question.name;  // the query's spelling
      r.answers.push_back(std::move(answer));
      return r;
    }
    case Placement::Kind::kSubdomain: {
      if (!records) return bare(Rcode::kServFail);
      if (!records->registered && records->txt.empty()) return negative(zone, Rcode::kNxDomain);
      if (qtype != RRType::kTxt && qtype != RRType::kAny) return negative(zone, Rcode::kNoError);
      for (const std::string& value : records->txt) {
        if (value.empty() || value.size() > 255) continue;
        r.answers.push_back(
            record(query.question.name, RRType::kTxt, AuthorityZone::kTxtTtl, txtRdata(value)));
      }
      if (r.answers.empty()) return negative(zone, Rcode::kNoError);
      return r;
    }
    case Placement::Kind::kOther:
    case Placement::Kind::kOutside:
      break;
  }
  return negative(zone, Rcode::kNxDomain);
}

}  // namespace cirrus::acmedns
