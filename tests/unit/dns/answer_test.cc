#include "dns/answer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"
#include "dnswire/wire_test_support.h"

namespace cirrus::dns {
namespace {

using dnswire::testing::name;

Zone steeringZone() {
  dnswire::SoaRdata soa{
      name("ns1.cdn.test"), name("hostmaster.cdn.test"), 7, 3600, 600, 1209600, 30};
  Zone z(name("cdn.test"), soa, 3600);
  z.add(name("cdn.test"), dnswire::RRType::kNs, 3600, dnswire::encodeName(name("ns1.cdn.test")));
  z.add(name("ns1.cdn.test"), dnswire::RRType::kA, 3600, dnswire::encodeA({203, 0, 113, 53}));
  z.add(name("ns1.cdn.test"), dnswire::RRType::kAaaa, 3600,
        *dnswire::encodeAaaaFromText("2001:db8::53"));
  z.add(name("www.example.com.cdn.test"), dnswire::RRType::kA, 60,
        dnswire::encodeA({192, 0, 2, 1}));
  z.add(name("www.example.com.cdn.test"), dnswire::RRType::kA, 60,
        dnswire::encodeA({192, 0, 2, 2}));
  z.add(name("www.example.com.cdn.test"), dnswire::RRType::kAaaa, 60,
        *dnswire::encodeAaaaFromText("2001:db8::1"));
  z.add(name("alias.cdn.test"), dnswire::RRType::kCname, 60,
        dnswire::encodeName(name("www.example.com.cdn.test")));
  z.add(name("dangling.cdn.test"), dnswire::RRType::kCname, 60,
        dnswire::encodeName(name("missing.cdn.test")));
  z.add(name("outside.cdn.test"), dnswire::RRType::kCname, 60,
        dnswire::encodeName(name("www.example.org")));
  z.add(name("loop1.cdn.test"), dnswire::RRType::kCname, 60,
        dnswire::encodeName(name("loop2.cdn.test")));
  z.add(name("loop2.cdn.test"), dnswire::RRType::kCname, 60,
        dnswire::encodeName(name("loop1.cdn.test")));
  z.addEmptyName(name("dead.example.net.cdn.test"));
  for (int i = 0; i < 100; ++i) {
    z.add(name("big.cdn.test"), dnswire::RRType::kA, 60,
          dnswire::encodeA({10, 0, 0, static_cast<uint8_t>(i)}));
  }
  return z;
}

dnswire::Message query(std::string_view qname, dnswire::RRType type, bool edns = false) {
  dnswire::Message q;
  q.header.id = 0x4242;
  q.header.rd = true;
  q.questions.push_back({name(qname), type, dnswire::RRClass::kIn});
  if (edns) q.edns = dnswire::Edns{};
  return q;
}

dnswire::Message answer(const dnswire::Message& q, size_t limit = dnswire::kMaxMessageSize) {
  static const Zone zone = steeringZone();
  return answerQuery(zone, q, limit);
}

TEST(AnswerTest, AuthoritativeAnswerCopiesIdRdAndQuestionCase) {
  auto r = answer(query("WWW.Example.com.CDN.test", dnswire::RRType::kA));
  EXPECT_EQ(r.header.id, 0x4242);
  EXPECT_TRUE(r.header.qr);
  EXPECT_TRUE(r.header.aa);
  EXPECT_TRUE(r.header.rd);
  EXPECT_FALSE(r.header.ra);
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNoError);
  ASSERT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(r.questions[0].name.wire(), name("WWW.Example.com.CDN.test").wire());
  ASSERT_EQ(r.answers.size(), 2u);
  EXPECT_EQ(r.answers[0].name.wire(), name("WWW.Example.com.CDN.test").wire());
  EXPECT_EQ(r.answers[0].ttl, 60u);
  EXPECT_TRUE(r.authority.empty());
}

TEST(AnswerTest, NxDomainCarriesTheSoaWithTheNegativeTtl) {
  auto r = answer(query("nothing.cdn.test", dnswire::RRType::kA));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNxDomain);
  EXPECT_TRUE(r.header.aa);
  EXPECT_TRUE(r.answers.empty());
  ASSERT_EQ(r.authority.size(), 1u);
  EXPECT_EQ(r.authority[0].type, dnswire::RRType::kSoa);
  EXPECT_EQ(r.authority[0].name, name("cdn.test"));
  EXPECT_EQ(r.authority[0].ttl, 30u);  // min(3600, MINIMUM 30)
  EXPECT_EQ(dnswire::decodeSoa(r.authority[0].rdata)->serial, 7u);
}

TEST(AnswerTest, NoDataForMissingTypesEmptyNonTerminalsAndNamesWithoutNodes) {
  for (const char* n : {"ns1.cdn.test", "example.com.cdn.test", "dead.example.net.cdn.test"}) {
    auto r = answer(query(n, dnswire::RRType::kTxt));
    EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNoError) << n;
    EXPECT_TRUE(r.answers.empty()) << n;
    ASSERT_EQ(r.authority.size(), 1u) << n;
    EXPECT_EQ(r.authority[0].type, dnswire::RRType::kSoa) << n;
  }
  auto dead = answer(query("dead.example.net.cdn.test", dnswire::RRType::kA));
  EXPECT_EQ(dnswire::responseCode(dead), dnswire::Rcode::kNoError);
  EXPECT_TRUE(dead.answers.empty());
}

TEST(AnswerTest, NamesOutsideTheZoneAreRefusedWithoutAa) {
  auto r = answer(query("www.example.com", dnswire::RRType::kA));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kRefused);
  EXPECT_FALSE(r.header.aa);
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(r.questions.size(), 1u);
}

TEST(AnswerTest, OtherClassesAreRefused) {
  auto q = query("www.example.com.cdn.test", dnswire::RRType::kTxt);
  q.questions[0].rclass = dnswire::RRClass::kCh;
  EXPECT_EQ(dnswire::responseCode(answer(q)), dnswire::Rcode::kRefused);
}

TEST(AnswerTest, QuestionCountOtherThanOneIsFormErr) {
  auto none = query("cdn.test", dnswire::RRType::kSoa);
  none.questions.clear();
  auto r = answer(none);
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kFormErr);
  EXPECT_FALSE(r.header.aa);
  auto two = query("cdn.test", dnswire::RRType::kSoa);
  two.questions.push_back(two.questions[0]);
  r = answer(two);
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kFormErr);
  EXPECT_TRUE(r.questions.empty());
  EXPECT_EQ(dnswire::responseCode(answer(query("cdn.test", dnswire::RRType::kOpt))),
            dnswire::Rcode::kFormErr);
}

TEST(AnswerTest, OpcodesOtherThanQueryAreNotImplemented) {
  for (dnswire::Opcode op : {dnswire::Opcode::kNotify, dnswire::Opcode::kUpdate,
                             dnswire::Opcode::kStatus, dnswire::Opcode{9}}) {
    auto q = query("cdn.test", dnswire::RRType::kSoa);
    q.header.opcode = op;
    auto r = answer(q);
    EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNotImp);
    EXPECT_EQ(r.header.opcode, op);
  }
}

TEST(AnswerTest, EdnsIsEchoedWithOurPayloadAndTheDoBit) {
  auto q = query("www.example.com.cdn.test", dnswire::RRType::kA, true);
  q.edns->udp_payload_size = 4096;
  q.edns->dnssec_ok = true;
  q.edns->options.push_back({10, "12345678"});
  auto r = answer(q);
  ASSERT_TRUE(r.edns);
  EXPECT_EQ(r.edns->udp_payload_size, kServerUdpPayload);
  EXPECT_TRUE(r.edns->dnssec_ok);
  EXPECT_EQ(r.edns->version, 0);
  EXPECT_TRUE(r.edns->options.empty());
  EXPECT_FALSE(answer(query("www.example.com.cdn.test", dnswire::RRType::kA)).edns);
}

TEST(AnswerTest, UnknownEdnsVersionIsBadVers) {
  auto q = query("www.example.com.cdn.test", dnswire::RRType::kA, true);
  q.edns->version = 1;
  auto r = answer(q);
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kBadVers);
  ASSERT_TRUE(r.edns);
  EXPECT_EQ(r.edns->version, 0);
  EXPECT_EQ(r.edns->extended_rcode, 1);
  EXPECT_EQ(r.header.rcode, 0);
  EXPECT_TRUE(r.answers.empty());
}

TEST(AnswerTest, CnameChainsAreFollowedInsideTheZone) {
  auto r = answer(query("alias.cdn.test", dnswire::RRType::kA));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNoError);
  ASSERT_EQ(r.answers.size(), 3u);
  EXPECT_EQ(r.answers[0].type, dnswire::RRType::kCname);
  EXPECT_EQ(r.answers[1].type, dnswire::RRType::kA);
  EXPECT_EQ(r.answers[1].name, name("www.example.com.cdn.test"));

  auto only = answer(query("alias.cdn.test", dnswire::RRType::kCname));
  ASSERT_EQ(only.answers.size(), 1u);
}

TEST(AnswerTest, CnameToAMissingNameIsNxDomainWithTheCname) {
  // RFC 6604: the rcode describes the last name of the chain.
  auto r = answer(query("dangling.cdn.test", dnswire::RRType::kA));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNxDomain);
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0].type, dnswire::RRType::kCname);
  ASSERT_EQ(r.authority.size(), 1u);
}

TEST(AnswerTest, CnameLeavingTheZoneStopsThere) {
  auto r = answer(query("outside.cdn.test", dnswire::RRType::kA));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNoError);
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_TRUE(r.authority.empty());
}

TEST(AnswerTest, CnameLoopsAreBounded) {
  auto r = answer(query("loop1.cdn.test", dnswire::RRType::kA));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNoError);
  EXPECT_EQ(r.answers.size(), static_cast<size_t>(kMaxCnameChain + 1));
}

TEST(AnswerTest, AnyGetsOneRRsetPerRfc8482) {
  auto r = answer(query("www.example.com.cdn.test", dnswire::RRType::kAny));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNoError);
  ASSERT_FALSE(r.answers.empty());
  for (const auto& rr : r.answers) EXPECT_EQ(rr.type, dnswire::RRType::kA);
  auto none = answer(query("nothing.cdn.test", dnswire::RRType::kAny));
  EXPECT_EQ(dnswire::responseCode(none), dnswire::Rcode::kNxDomain);
}

TEST(AnswerTest, NsAnswersCarryGlue) {
  auto r = answer(query("cdn.test", dnswire::RRType::kNs));
  ASSERT_EQ(r.answers.size(), 1u);
  ASSERT_EQ(r.additional.size(), 2u);
  EXPECT_EQ(r.additional[0].type, dnswire::RRType::kA);
  EXPECT_EQ(r.additional[1].type, dnswire::RRType::kAaaa);
}

TEST(AnswerTest, IxfrOverThisPathGetsTheSoaOnly) {
  auto r = answer(query("cdn.test", dnswire::RRType::kIxfr));
  EXPECT_EQ(dnswire::responseCode(r), dnswire::Rcode::kNoError);
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0].type, dnswire::RRType::kSoa);
  EXPECT_EQ(
      dnswire::responseCode(answer(query("www.example.com.cdn.test", dnswire::RRType::kIxfr))),
      dnswire::Rcode::kRefused);
}

TEST(AnswerTest, AxfrAndMailTypesAreNotImplementedHere) {
  EXPECT_EQ(dnswire::responseCode(answer(query("cdn.test", dnswire::RRType::kAxfr))),
            dnswire::Rcode::kNotImp);
  EXPECT_EQ(dnswire::responseCode(answer(query("cdn.test", dnswire::RRType::kMaila))),
            dnswire::Rcode::kNotImp);
}

TEST(AnswerTest, LargeAnswersAreTruncatedToTheLimit) {
  auto q = query("big.cdn.test", dnswire::RRType::kA);
  auto udp = answer(q, responseSizeLimit(q, false));
  EXPECT_TRUE(udp.header.tc);
  EXPECT_TRUE(udp.answers.empty());
  auto wire = dnswire::writeMessage(udp, 512);
  ASSERT_TRUE(wire);
  EXPECT_LE(wire->size(), 512u);
  EXPECT_TRUE(dnswire::parseMessage(*wire)->header.tc);

  auto tcp = answer(q, responseSizeLimit(q, true));
  EXPECT_FALSE(tcp.header.tc);
  EXPECT_EQ(tcp.answers.size(), 100u);
}

TEST(AnswerTest, SmallAnswersAreNotTouchedByTheLimit) {
  auto q = query("www.example.com.cdn.test", dnswire::RRType::kA);
  auto r = answer(q, 512);
  EXPECT_FALSE(r.header.tc);
  EXPECT_EQ(r.answers.size(), 2u);
}

TEST(AnswerTest, ResponseSizeLimitFollowsRfc6891) {
  auto q = query("x.cdn.test", dnswire::RRType::kA);
  EXPECT_EQ(responseSizeLimit(q, false), 512u);
  EXPECT_EQ(responseSizeLimit(q, true), 65535u);
  q.edns = dnswire::Edns{};
  q.edns->udp_payload_size = 4096;
  EXPECT_EQ(responseSizeLimit(q, false), 1232u);
  q.edns->udp_payload_size = 100;  // below 512 counts as 512 (RFC 6891 §6.2.5)
  EXPECT_EQ(responseSizeLimit(q, false), 512u);
  q.edns->udp_payload_size = 800;
  EXPECT_EQ(responseSizeLimit(q, false), 800u);
}

TEST(AnswerTest, UnparsableQueriesGetFormErrOrNothing) {
  std::vector<uint8_t> garbage = {0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff};
  auto r = formErrForUnparsable(garbage);
  ASSERT_TRUE(r);
  auto parsed = dnswire::parseMessage(*r);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->header.id, 0xabcd);
  EXPECT_TRUE(parsed->header.qr);
  EXPECT_TRUE(parsed->header.rd);
  EXPECT_EQ(dnswire::responseCode(*parsed), dnswire::Rcode::kFormErr);
  EXPECT_TRUE(parsed->questions.empty());

  EXPECT_FALSE(formErrForUnparsable(std::vector<uint8_t>{1, 2, 3}));
  garbage[2] |= 0x80;  // QR: a response; never answered
  EXPECT_FALSE(formErrForUnparsable(garbage));
}

TEST(AnswerTest, ResponsesSurviveAWireRoundTrip) {
  auto q = query("alias.cdn.test", dnswire::RRType::kA, true);
  auto r = answer(q, responseSizeLimit(q, false));
  auto wire = dnswire::writeMessage(r, responseSizeLimit(q, false));
  ASSERT_TRUE(wire);
  auto back = dnswire::parseMessage(*wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(dnswire::testing::dumpMessage(*back), dnswire::testing::dumpMessage(r));
}

}  // namespace
}  // namespace cirrus::dns
