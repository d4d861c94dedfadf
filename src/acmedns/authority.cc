#include "acmedns/authority.h"

#include <string_view>

namespace cirrus::acmedns {

namespace {

void appendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// RFC 1035 §3.3.14: one <character-string> per value (a TXT challenge value is 43 octets).
std::string txtRdata(std::string_view value) {
  std::string out;
  out.push_back(static_cast<char>(value.size()));
  out.append(value);
  return out;
}

Response negative(const AuthorityZone& zone, uint16_t rcode) {
  Response r;
  r.rcode = rcode;
  r.authoritative = true;
  r.authority.push_back(zone.negativeSoa());
  return r;
}

Response bare(uint16_t rcode, bool authoritative = false) {
  Response r;
  r.rcode = rcode;
  r.authoritative = authoritative;
  return r;
}

}  // namespace

std::optional<AuthorityZone> AuthorityZone::create(std::string_view zone) {
  auto apex = nameToWire(zone);
  if (!apex || *apex == std::string(1, '\0')) return std::nullopt;
  AuthorityZone z;
  for (char& c : *apex) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  z.apex_wire_ = *apex;
  for (size_t pos = 0; z.apex_wire_[pos] != 0; pos += 1 + static_cast<uint8_t>(z.apex_wire_[pos])) {
    z.labels_.push_back(z.apex_wire_.substr(pos + 1, static_cast<uint8_t>(z.apex_wire_[pos])));
  }
  // ns.<zone> and hostmaster.<zone> fit whenever the zone leaves room for a 10-octet label.
  auto mname = nameToWire("ns." + std::string(zone));
  auto rname = nameToWire("hostmaster." + std::string(zone));
  if (!mname || !rname) return std::nullopt;
  z.ns_rdata_ = *mname;
  z.soa_rdata_ = *mname + *rname;
  // Serial 1 forever: nothing transfers this zone, and every process sharing the store must
  // answer the same SOA.
  appendU32(z.soa_rdata_, 1);
  appendU32(z.soa_rdata_, 3600);   // refresh
  appendU32(z.soa_rdata_, 600);    // retry
  appendU32(z.soa_rdata_, 86400);  // expire
  appendU32(z.soa_rdata_, kSoaMinimum);
  return z;
}

Record AuthorityZone::soa() const {
  return {apex_wire_, kTypeSoa, kSoaTtl, soa_rdata_};
}

Record AuthorityZone::ns() const {
  return {apex_wire_, kTypeNs, kSoaTtl, ns_rdata_};
}

Record AuthorityZone::negativeSoa() const {
  return {apex_wire_, kTypeSoa, std::min(kSoaTtl, kSoaMinimum), soa_rdata_};
}

Placement classify(const AuthorityZone& zone, const Query& query) {
  const auto& apex = zone.labels();
  const auto& labels = query.labels;
  if (labels.size() < apex.size()) return {};
  size_t extra = labels.size() - apex.size();
  for (size_t i = 0; i < apex.size(); ++i) {
    if (labels[extra + i] != apex[i]) return {};
  }
  if (extra == 0) return {Placement::Kind::kApex, {}};
  if (extra == 1) return {Placement::Kind::kSubdomain, labels[0]};
  return {Placement::Kind::kOther, {}};
}

bool needsRecords(const Query& query, const Placement& placement) {
  return placement.kind == Placement::Kind::kSubdomain && query.opcode == 0 &&
         !(query.edns && query.edns_version > 0) &&
         (query.qclass == kClassIn || query.qclass == kClassAny) && query.qtype != kTypeAxfr &&
         query.qtype != kTypeIxfr;
}

Response answer(const AuthorityZone& zone, const Query& query, const Placement& placement,
                const std::optional<store::AcmeDnsRecords>& records) {
  // RFC 6891 §6.1.3: an unknown EDNS version is answered BADVERS before anything else.
  if (query.edns && query.edns_version > 0) return bare(kRcodeBadVers);
  if (query.opcode != 0) return bare(kRcodeNotImp);
  if (query.qclass != kClassIn && query.qclass != kClassAny) return bare(kRcodeRefused);
  if (placement.kind == Placement::Kind::kOutside) return bare(kRcodeRefused);
  // No zone transfers: the zone is dynamic and lives in Redis, which is what replicas share.
  if (query.qtype == kTypeAxfr || query.qtype == kTypeIxfr) return bare(kRcodeRefused, true);

  Response r;
  r.authoritative = true;
  switch (placement.kind) {
    case Placement::Kind::kApex: {
      Record record = query.qtype == kTypeSoa ? zone.soa() : zone.ns();
      // RFC 8482 §4.1: ANY gets one RRset; the NS set is the one a resolver can use.
      if (query.qtype != kTypeSoa && query.qtype != kTypeNs && query.qtype != kTypeAny) {
        return negative(zone, kRcodeNoError);
      }
      record.owner_wire = query.qname_wire;
      r.answers.push_back(std::move(record));
      return r;
    }
    case Placement::Kind::kSubdomain: {
      if (!records) return bare(kRcodeServFail);
      if (!records->registered && records->txt.empty()) return negative(zone, kRcodeNxDomain);
      if (query.qtype != kTypeTxt && query.qtype != kTypeAny) return negative(zone, kRcodeNoError);
      for (const std::string& value : records->txt) {
        if (value.empty() || value.size() > 255) continue;
        r.answers.push_back({query.qname_wire, kTypeTxt, AuthorityZone::kTxtTtl, txtRdata(value)});
      }
      if (r.answers.empty()) return negative(zone, kRcodeNoError);
      return r;
    }
    case Placement::Kind::kOther:
    case Placement::Kind::kOutside:
      break;
  }
  return negative(zone, kRcodeNxDomain);
}

}  // namespace cirrus::acmedns
