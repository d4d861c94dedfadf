#include "dnswire/message_parser.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dnswire/message_writer.h"
#include "dnswire/wire_test_support.h"

namespace cirrus::dnswire {
namespace {

using testing::fromHex;
using testing::name;

// A query for www.example.com A with id 0x1234 (dnspython's wire, vector query_a).
std::vector<uint8_t> simpleQuery() {
  return fromHex("12340100000100000000000003777777076578616d706c6503636f6d0000010001");
}

void setCount(std::vector<uint8_t>& wire, int index, uint16_t count) {
  wire[4 + 2 * index] = static_cast<uint8_t>(count >> 8);
  wire[5 + 2 * index] = static_cast<uint8_t>(count & 0xff);
}

// Appends a record "owner-pointer-to-question A IN ttl 60" with the given RDATA bytes.
void appendRecord(std::vector<uint8_t>& wire, uint16_t type, std::vector<uint8_t> rdata,
                  int rdlength = -1) {
  std::vector<uint8_t> rr = {
      0xc0, 0x0c, static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type & 0xff), 0, 1, 0, 0,
      0,    60};
  size_t len = rdlength < 0 ? rdata.size() : static_cast<size_t>(rdlength);
  rr.push_back(static_cast<uint8_t>(len >> 8));
  rr.push_back(static_cast<uint8_t>(len & 0xff));
  rr.insert(rr.end(), rdata.begin(), rdata.end());
  wire.insert(wire.end(), rr.begin(), rr.end());
}

TEST(MessageParserTest, GoldenVectorsParseToDnspythonsView) {
  auto vectors = testing::loadWireVectors();
  ASSERT_GE(vectors.size(), 9u);
  for (const auto& v : vectors) {
    auto m = parseMessage(v.wire);
    ASSERT_TRUE(m) << v.name << ": " << toString(m.error());
    EXPECT_EQ(testing::dumpMessage(*m), v.dump) << v.name;
  }
}

TEST(MessageParserTest, ParsesHeaderFlagsAndQuestion) {
  auto m = parseMessage(simpleQuery());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.id, 0x1234);
  EXPECT_FALSE(m->header.qr);
  EXPECT_TRUE(m->header.rd);
  EXPECT_EQ(m->header.opcode, Opcode::kQuery);
  ASSERT_EQ(m->questions.size(), 1u);
  EXPECT_EQ(m->questions[0].name, name("www.example.com"));
  EXPECT_EQ(m->questions[0].type, RRType::kA);
  EXPECT_FALSE(m->edns);
}

TEST(MessageParserTest, ExpandsCompressedNamesInsideRdata) {
  auto vectors = testing::loadWireVectors();
  for (const auto& v : vectors) {
    if (v.name != "response_nxdomain_soa") continue;
    auto m = parseMessage(v.wire);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->authority.size(), 1u);
    auto soa = decodeSoa(m->authority[0].rdata);
    ASSERT_TRUE(soa);
    EXPECT_EQ(soa->mname, name("ns1.cdn.local.test"));
    EXPECT_EQ(soa->serial, 1700000000u);
    EXPECT_EQ(responseCode(*m), Rcode::kNxDomain);
    return;
  }
  FAIL() << "vector response_nxdomain_soa missing";
}

TEST(MessageParserTest, ShortHeaderIsTruncated) {
  std::vector<uint8_t> wire = {0x12, 0x34, 0x01};
  EXPECT_EQ(parseMessage(wire).error(), WireError::kTruncated);
  EXPECT_EQ(parseHeader(wire).error(), WireError::kTruncated);
}

TEST(MessageParserTest, CountsBeyondTheDataAreTruncatedNotAllocated) {
  auto wire = simpleQuery();
  setCount(wire, 1, 0xffff);  // ANCOUNT 65535 with no records
  EXPECT_EQ(parseMessage(wire).error(), WireError::kTruncated);
  setCount(wire, 1, 0);
  setCount(wire, 0, 0xffff);
  EXPECT_EQ(parseMessage(wire).error(), WireError::kTruncated);
}

TEST(MessageParserTest, RdataRunningPastTheEndIsTruncated) {
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  appendRecord(wire, 1, {192, 0, 2}, 4);
  EXPECT_EQ(parseMessage(wire).error(), WireError::kTruncated);
}

TEST(MessageParserTest, RecordHeaderCutShortIsTruncated) {
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  wire.insert(wire.end(), {0xc0, 0x0c, 0, 1, 0, 1});
  EXPECT_EQ(parseMessage(wire).error(), WireError::kTruncated);
}

TEST(MessageParserTest, AddressRdataOfTheWrongLengthIsRejected) {
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  appendRecord(wire, 1, {192, 0, 2, 1, 9});
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadRdata);
  wire = simpleQuery();
  setCount(wire, 1, 1);
  appendRecord(wire, 28, {1, 2, 3, 4});
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadRdata);
}

TEST(MessageParserTest, NameInRdataMustEndAtTheRdataBoundary) {
  // NS RDATA of length 2 whose name "\3abc\0" runs past it into the following bytes.
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  appendRecord(wire, 2, {3, 'a', 'b', 'c', 0}, 2);
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadRdata);
  // SOA whose fixed part is one octet short.
  wire = simpleQuery();
  setCount(wire, 1, 1);
  std::vector<uint8_t> soa = {0xc0, 0x0c, 0xc0, 0x0c};
  soa.insert(soa.end(), 19, 0);
  appendRecord(wire, 6, soa);
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadRdata);
}

TEST(MessageParserTest, MalformedTxtIsRejected) {
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  appendRecord(wire, 16, {5, 'a', 'b'});
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadRdata);
}

TEST(MessageParserTest, UnknownTypesAreKeptOpaque) {
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  appendRecord(wire, 65280, {0xde, 0xad, 0xc0, 0x0c});
  auto m = parseMessage(wire);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->answers[0].rdata, std::string("\xde\xad\xc0\x0c", 4));
}

TEST(MessageParserTest, TrailingBytesAreRejected) {
  auto wire = simpleQuery();
  wire.push_back(0);
  EXPECT_EQ(parseMessage(wire).error(), WireError::kTrailingData);
}

TEST(MessageParserTest, OptMustBeSingleRootOwnedAndInAdditional) {
  std::vector<uint8_t> opt = {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0};
  auto wire = simpleQuery();
  setCount(wire, 3, 2);
  wire.insert(wire.end(), opt.begin(), opt.end());
  wire.insert(wire.end(), opt.begin(), opt.end());
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadOpt);

  wire = simpleQuery();
  setCount(wire, 1, 1);
  wire.insert(wire.end(), opt.begin(), opt.end());
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadOpt);

  wire = simpleQuery();
  setCount(wire, 3, 1);
  std::vector<uint8_t> owned = {0xc0, 0x0c, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0};
  wire.insert(wire.end(), owned.begin(), owned.end());
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadOpt);
}

TEST(MessageParserTest, OptOptionsMustFillTheRdata) {
  auto wire = simpleQuery();
  setCount(wire, 3, 1);
  std::vector<uint8_t> opt = {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 5, 0, 10, 0, 8, 1};
  wire.insert(wire.end(), opt.begin(), opt.end());
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadRdata);
}

TEST(MessageParserTest, ReadsEdnsFieldsFromTheOptRecord) {
  auto wire = simpleQuery();
  setCount(wire, 3, 1);
  // payload 1400, extended rcode 1, version 0, DO set, option 10 with 2 bytes.
  std::vector<uint8_t> opt = {0, 0, 41, 0x05, 0x78, 1, 0, 0x80, 0, 0, 6, 0, 10, 0, 2, 7, 8};
  wire.insert(wire.end(), opt.begin(), opt.end());
  auto m = parseMessage(wire);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->edns);
  EXPECT_EQ(m->edns->udp_payload_size, 1400);
  EXPECT_EQ(m->edns->extended_rcode, 1);
  EXPECT_TRUE(m->edns->dnssec_ok);
  ASSERT_EQ(m->edns->options.size(), 1u);
  EXPECT_EQ(m->edns->options[0].data, "\x07\x08");
  EXPECT_EQ(responseCode(*m), Rcode::kBadVers);
}

TEST(MessageParserTest, TsigMustBeTheLastAdditionalRecord) {
  Message m;
  m.header.id = 1;
  m.questions.push_back({name("example.com"), RRType::kSoa, RRClass::kIn});
  m.additional.push_back(
      {name("a.example.com"), RRType::kA, RRClass::kIn, 1, encodeA({1, 2, 3, 4})});
  auto wire = writeMessage(m).value();
  // Insert a minimal TSIG before the A record: key "k", algorithm root, no MAC.
  std::vector<uint8_t> tsig = {1, 'k', 0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 17,  // owner .. rdlength
                               0,                                             // algorithm "."
                               0, 0,   0, 0, 0,   0,                          // time signed
                               1, 44,                                         // fudge 300
                               0, 0,                                          // MAC size
                               0, 1,                                          // original id
                               0, 0,   0, 0};                                 // error, other len
  std::vector<uint8_t> bad(wire.begin(), wire.begin() + 12 + 17);
  bad.insert(bad.end(), tsig.begin(), tsig.end());
  bad.insert(bad.end(), wire.begin() + 12 + 17, wire.end());
  setCount(bad, 3, 2);
  EXPECT_EQ(parseMessage(bad).error(), WireError::kBadTsig);

  std::vector<uint8_t> good = wire;
  good.insert(good.end(), tsig.begin(), tsig.end());
  setCount(good, 3, 2);
  auto parsed = parseMessage(good);
  ASSERT_TRUE(parsed) << toString(parsed.error());
  ASSERT_TRUE(parsed->tsig);
  EXPECT_EQ(parsed->tsig_offset, wire.size());
  EXPECT_EQ(parsed->tsig->key_name, name("k"));
  EXPECT_EQ(parsed->tsig->fudge, 300);
  EXPECT_EQ(parsed->tsig->original_id, 1);
  EXPECT_EQ(parsed->additional.size(), 1u);
}

TEST(MessageParserTest, TsigInTheAnswerSectionIsRejected) {
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  appendRecord(wire, 250, {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(parseMessage(wire).error(), WireError::kBadTsig);
}

TEST(MessageParserTest, EmptyRdataIsAcceptedForUpdateClasses) {
  auto wire = simpleQuery();
  setCount(wire, 1, 1);
  std::vector<uint8_t> rr = {0xc0, 0x0c, 0, 1, 0, 255, 0, 0, 0, 0, 0, 0};
  wire.insert(wire.end(), rr.begin(), rr.end());
  auto m = parseMessage(wire);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->answers[0].rdata.empty());
}

}  // namespace
}  // namespace cirrus::dnswire
