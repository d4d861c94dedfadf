// The acme-dns zone's answers through the real codec, decoded independently: SOA/NS at the
// apex, TXT values with TTL 1, NODATA/NXDOMAIN with the SOA, REFUSED outside the zone, case
// insensitivity, EDNS and malformed queries.
#include "acmedns/authority.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "acmedns/dns_test_wire.h"
#include "acmedns/query.h"

namespace cirrus::acmedns {
namespace {

using dnswire::Rcode;
using dnswire::RRType;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kZone[] = "acme.cdn.test";
constexpr char kSub[] = "0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab";
const std::string kTxt1 = "LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM";
const std::string kTxt2 = "ZZDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM";

std::string nsWire() {
  return std::string(dnswire::Name::fromText(std::string("ns.") + kZone).value().wire());
}

class AuthorityTest : public ::testing::Test {
 protected:
  // Runs the whole path the responder runs, with `records` standing in for the store.
  test::DecodedResponse respond(const test::QuerySpec& spec,
                                std::optional<store::AcmeDnsRecords> records = {},
                                bool over_tcp = false) {
    Query query;
    auto wire = test::buildQuery(spec);
    EXPECT_EQ(parseQuery(wire, query), ParseStatus::kOk);
    Placement placement = classify(zone_, query);
    if (!needsRecords(query, placement)) records.reset();
    Response response = answer(zone_, query, placement, records);
    auto decoded =
        test::decodeResponse(encodeResponse(query, response, responseSizeLimit(query, over_tcp)));
    EXPECT_TRUE(decoded);
    return decoded.value_or(test::DecodedResponse{});
  }

  static store::AcmeDnsRecords registered(std::vector<std::string> txt = {}) {
    return {true, std::move(txt)};
  }

  AuthorityZone zone_ = *AuthorityZone::create(kZone);
};

TEST_F(AuthorityTest, ApexAnswersSoaAndNsAuthoritatively) {
  auto soa = respond({.name = kZone, .type = RRType::kSoa});
  EXPECT_TRUE(soa.qr);
  EXPECT_TRUE(soa.aa);
  EXPECT_TRUE(soa.rd);
  EXPECT_EQ(soa.id, 0x1234);
  EXPECT_EQ(soa.rcode, Rcode::kNoError);
  ASSERT_EQ(soa.answers.size(), 1u);
  EXPECT_EQ(soa.answers[0].owner, kZone);
  EXPECT_EQ(soa.answers[0].type, RRType::kSoa);
  // mname ns.<zone>, rname hostmaster.<zone>, serial 1.
  EXPECT_EQ(soa.answers[0].rdata.substr(0, nsWire().size()), nsWire());
  auto ns = respond({.name = kZone, .type = RRType::kNs});
  ASSERT_EQ(ns.answers.size(), 1u);
  EXPECT_EQ(ns.answers[0].type, RRType::kNs);
  EXPECT_EQ(ns.answers[0].rdata, nsWire());
}

TEST_F(AuthorityTest, ApexWithoutTheTypeIsNodataWithSoa) {
  auto r = respond({.name = kZone, .type = RRType::kA});
  EXPECT_EQ(r.rcode, Rcode::kNoError);
  EXPECT_TRUE(r.aa);
  EXPECT_THAT(r.answers, IsEmpty());
  ASSERT_EQ(r.authority.size(), 1u);
  EXPECT_EQ(r.authority[0].type, RRType::kSoa);
  EXPECT_EQ(r.authority[0].ttl, 1u);  // RFC 2308 §3: min(SOA TTL, MINIMUM)
}

TEST_F(AuthorityTest, TxtOfASubdomainListsTheStoredValuesWithTtlOne) {
  auto r = respond({.name = std::string(kSub) + "." + kZone}, registered({kTxt2, kTxt1}));
  EXPECT_EQ(r.rcode, Rcode::kNoError);
  EXPECT_TRUE(r.aa);
  EXPECT_THAT(r.txtValues(), ElementsAre(kTxt2, kTxt1));
  for (const auto& rec : r.answers) {
    EXPECT_EQ(rec.ttl, 1u);
    EXPECT_EQ(rec.owner, std::string(kSub) + "." + kZone);
  }
  EXPECT_THAT(r.authority, IsEmpty());
}

TEST_F(AuthorityTest, NamesMatchCaseInsensitivelyAndKeepTheQueryCase) {
  std::string mixed = "0F4B1E3C-9A2D-4C4E-8B1A-1234567890AB.AcMe.CDN.test";
  Query query;
  auto wire = test::buildQuery({.name = mixed});
  ASSERT_EQ(parseQuery(wire, query), ParseStatus::kOk);
  Placement placement = classify(zone_, query);
  EXPECT_EQ(placement.kind, Placement::Kind::kSubdomain);
  EXPECT_EQ(placement.subdomain, kSub);  // the store key is the lower-case UUID
  auto r = respond({.name = mixed}, registered({kTxt1}));
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0].owner, mixed);
}

TEST_F(AuthorityTest, RegisteredSubdomainWithoutValuesOrOtherTypeIsNodata) {
  auto no_values = respond({.name = std::string(kSub) + "." + kZone}, registered());
  EXPECT_EQ(no_values.rcode, Rcode::kNoError);
  EXPECT_THAT(no_values.answers, IsEmpty());
  ASSERT_EQ(no_values.authority.size(), 1u);
  EXPECT_EQ(no_values.authority[0].type, RRType::kSoa);
  auto a =
      respond({.name = std::string(kSub) + "." + kZone, .type = RRType::kA}, registered({kTxt1}));
  EXPECT_EQ(a.rcode, Rcode::kNoError);
  EXPECT_THAT(a.answers, IsEmpty());
  ASSERT_EQ(a.authority.size(), 1u);
}

TEST_F(AuthorityTest, UnknownSubdomainAndDeeperNamesAreNxdomainWithSoa) {
  auto unknown = respond({.name = std::string(kSub) + "." + kZone}, store::AcmeDnsRecords{});
  EXPECT_EQ(unknown.rcode, Rcode::kNxDomain);
  EXPECT_TRUE(unknown.aa);
  ASSERT_EQ(unknown.authority.size(), 1u);
  EXPECT_EQ(unknown.authority[0].type, RRType::kSoa);
  auto deeper = respond({.name = std::string("x.") + kSub + "." + kZone});
  EXPECT_EQ(deeper.rcode, Rcode::kNxDomain);
  ASSERT_EQ(deeper.authority.size(), 1u);
}

TEST_F(AuthorityTest, NamesOutsideTheZoneAreRefusedWithoutAa) {
  for (std::string name : {"example.com", "cdn.test", "xacme.cdn.test", "."}) {
    auto r = respond({.name = name});
    EXPECT_EQ(r.rcode, Rcode::kRefused) << name;
    EXPECT_FALSE(r.aa) << name;
    EXPECT_THAT(r.answers, IsEmpty());
  }
}

TEST_F(AuthorityTest, StoreFailureIsServfail) {
  auto r = respond({.name = std::string(kSub) + "." + kZone}, std::nullopt);
  EXPECT_EQ(r.rcode, Rcode::kServFail);
  EXPECT_THAT(r.answers, IsEmpty());
}

TEST_F(AuthorityTest, OtherClassesOpcodesAndTransfersAreNotServed) {
  EXPECT_EQ(respond({.name = kZone, .type = RRType::kSoa, .rclass = 3}).rcode, Rcode::kRefused);
  EXPECT_EQ(respond({.name = kZone, .type = RRType::kSoa, .opcode = 2}).rcode, Rcode::kNotImp);
  EXPECT_EQ(respond({.name = kZone, .type = RRType::kAxfr}).rcode, Rcode::kRefused);
}

TEST_F(AuthorityTest, EdnsQueriesGetOptAndUnknownVersionsBadvers) {
  auto r = respond({.name = kZone, .type = RRType::kSoa, .edns = true});
  EXPECT_TRUE(r.has_opt);
  EXPECT_EQ(r.rcode, Rcode::kNoError);
  auto bad = respond({.name = kZone, .type = RRType::kSoa, .edns = true, .edns_version = 1});
  EXPECT_TRUE(bad.has_opt);
  EXPECT_EQ(bad.rcode, Rcode::kNoError);  // BADVERS = 16: low bits 0 in the header ...
  EXPECT_EQ(bad.opt_extended_rcode, 1);   // ... and 1 in the OPT record (RFC 6891 §6.1.3)
  EXPECT_THAT(bad.answers, IsEmpty());
}

TEST_F(AuthorityTest, AnswersTooLargeForUdpAreLeftOutWholeWithTc) {
  Query query;
  auto wire = test::buildQuery({.name = std::string(kSub) + "." + kZone});
  ASSERT_EQ(parseQuery(wire, query), ParseStatus::kOk);
  Placement placement = classify(zone_, query);
  // 20 values of 43 octets: far more than the 512 octets a UDP query without EDNS allows.
  Response response = answer(zone_, query, placement, registered(std::vector(20, kTxt1)));
  ASSERT_EQ(response.answers.size(), 20u);
  auto udp = test::decodeResponse(encodeResponse(query, response, responseSizeLimit(query, false)));
  ASSERT_TRUE(udp);
  EXPECT_TRUE(udp->tc);
  EXPECT_EQ(udp->qdcount, 1);
  EXPECT_THAT(udp->answers, IsEmpty());
  EXPECT_THAT(udp->authority, IsEmpty());
  auto tcp = test::decodeResponse(encodeResponse(query, response, responseSizeLimit(query, true)));
  ASSERT_TRUE(tcp);
  EXPECT_FALSE(tcp->tc);
  EXPECT_EQ(tcp->txtValues().size(), 20u);
}

TEST_F(AuthorityTest, ParserDropsResponsesAndShortMessagesAndRejectsBadQuestions) {
  Query query;
  auto response = test::buildQuery({.name = kZone, .qr = true});
  EXPECT_EQ(parseQuery(response, query), ParseStatus::kDrop);
  std::vector<uint8_t> short_message(11, 0);
  EXPECT_EQ(parseQuery(short_message, query), ParseStatus::kDrop);
  auto two = test::buildQuery({.name = kZone, .qdcount = 2});
  EXPECT_EQ(parseQuery(two, query), ParseStatus::kFormErr);
  auto truncated = test::buildQuery({.name = kZone});
  truncated.pop_back();
  EXPECT_EQ(parseQuery(truncated, query), ParseStatus::kFormErr);
  auto trailing = test::buildQuery({.name = kZone});
  trailing.push_back(0);
  EXPECT_EQ(parseQuery(trailing, query), ParseStatus::kFormErr);
  // A compressed question name can only point into the header: offset 5 onwards (QDCOUNT's
  // low octet 1, then zeros) reads as the valid name "\000.", yet the question is malformed.
  auto pointer = test::buildQuery({.name = "."});
  pointer.erase(pointer.begin() + 12);  // the root name
  pointer.insert(pointer.begin() + 12, {0xc0, 0x05});
  EXPECT_EQ(parseQuery(pointer, query), ParseStatus::kFormErr);
}

TEST_F(AuthorityTest, ZoneNamesMustBeValid) {
  EXPECT_FALSE(AuthorityZone::create(""));
  EXPECT_FALSE(AuthorityZone::create("a..b"));
  EXPECT_FALSE(AuthorityZone::create(std::string(64, 'a') + ".test"));
  EXPECT_TRUE(AuthorityZone::create("Acme.Example.").has_value());
}

}  // namespace
}  // namespace cirrus::acmedns
