#include "dnswire/message_writer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dnswire/message_parser.h"
#include "dnswire/wire_test_support.h"

namespace cirrus::dnswire {
namespace {

using testing::name;
using testing::toHex;

ResourceRecord aRecord(std::string_view owner, uint8_t last, uint32_t ttl = 60) {
  return {name(owner), RRType::kA, RRClass::kIn, ttl, encodeA({192, 0, 2, last})};
}

Message response(std::string_view qname) {
  Message m;
  m.header.id = 77;
  m.header.qr = true;
  m.header.aa = true;
  m.questions.push_back({name(qname), RRType::kA, RRClass::kIn});
  return m;
}

TEST(MessageWriterTest, GoldenVectorsRoundTripToDnspythonsBytes) {
  auto vectors = testing::loadWireVectors();
  ASSERT_GE(vectors.size(), 9u);
  for (const auto& v : vectors) {
    auto m = parseMessage(v.wire);
    ASSERT_TRUE(m) << v.name;
    auto wire = writeMessage(*m);
    ASSERT_TRUE(wire) << v.name;
    EXPECT_EQ(toHex(*wire), toHex(v.wire)) << v.name;
  }
}

TEST(MessageWriterTest, CompressesOwnerNamesAgainstTheQuestion) {
  auto m = response("www.example.com");
  m.answers.push_back(aRecord("www.example.com", 1));
  auto wire = writeMessage(m).value();
  // Header 12 + question 17+4 + answer pointer 2 + 10 + rdata 4.
  EXPECT_EQ(wire.size(), 12u + 21u + 16u);
  EXPECT_EQ(wire[33], 0xc0);
  EXPECT_EQ(wire[34], 12);
}

TEST(MessageWriterTest, CompressionIgnoresCaseAndPreservesTheFirstSpelling) {
  auto m = response("WWW.EXAMPLE.COM");
  m.answers.push_back(aRecord("www.example.com", 1));
  auto wire = writeMessage(m).value();
  auto back = parseMessage(wire).value();
  EXPECT_EQ(back.answers[0].name.wire(), name("WWW.EXAMPLE.COM").wire());
}

TEST(MessageWriterTest, TruncatesWholeAnswerRRsetsAndSetsTc) {
  auto m = response("big.example.com");
  for (int i = 0; i < 40; ++i)
    m.answers.push_back(aRecord("big.example.com", static_cast<uint8_t>(i)));
  m.answers.push_back(
      {name("big.example.com"), RRType::kAaaa, RRClass::kIn, 60, std::string(16, '\x01')});
  m.additional.push_back(aRecord("ns1.example.com", 53));
  m.edns = Edns{};
  // Question 21 + 40 A records of 16 = 661 > 512: the A RRset cannot fit whole.
  auto wire = writeMessage(m, 512).value();
  EXPECT_LE(wire.size(), 512u);
  auto back = parseMessage(wire).value();
  EXPECT_TRUE(back.header.tc);
  EXPECT_TRUE(back.answers.empty());
  EXPECT_TRUE(back.additional.empty());
  EXPECT_TRUE(back.edns);  // RFC 6891 §7: OPT survives truncation
}

TEST(MessageWriterTest, KeepsRRsetsThatFitBeforeTheOneThatDoesNot) {
  auto m = response("big.example.com");
  m.answers.push_back({name("big.example.com"), RRType::kCname, RRClass::kIn, 60,
                       encodeName(name("target.example.com"))});
  for (int i = 0; i < 40; ++i) {
    m.answers.push_back(aRecord("target.example.com", static_cast<uint8_t>(i)));
  }
  auto wire = writeMessage(m, 512).value();
  auto back = parseMessage(wire).value();
  EXPECT_TRUE(back.header.tc);
  ASSERT_EQ(back.answers.size(), 1u);
  EXPECT_EQ(back.answers[0].type, RRType::kCname);
}

TEST(MessageWriterTest, DropsAdditionalRecordsWithoutTc) {
  auto m = response("www.example.com");
  m.answers.push_back(aRecord("www.example.com", 1));
  for (int i = 0; i < 60; ++i) {
    m.additional.push_back(aRecord("extra" + std::to_string(i) + ".example.org", 2));
  }
  auto wire = writeMessage(m, 512).value();
  auto back = parseMessage(wire).value();
  EXPECT_FALSE(back.header.tc);
  EXPECT_EQ(back.answers.size(), 1u);
  EXPECT_LT(back.additional.size(), 60u);
  EXPECT_GT(back.additional.size(), 0u);
}

TEST(MessageWriterTest, MissingSoaInAuthoritySetsTc) {
  auto m = response("nothing.example.com");
  SoaRdata soa{name("ns1.example.com"), name("hostmaster.example.com"), 1, 2, 3, 4, 5};
  m.authority.push_back({name("example.com"), RRType::kSoa, RRClass::kIn, 60, encodeSoa(soa)});
  auto wire = writeMessage(m, 40).value();  // room for header and question only
  auto back = parseMessage(wire).value();
  EXPECT_TRUE(back.header.tc);
  EXPECT_TRUE(back.authority.empty());
}

TEST(MessageWriterTest, HeaderAndQuestionThatDoNotFitAreAnError) {
  auto m = response("www.example.com");
  EXPECT_EQ(writeMessage(m, 20).error(), WireError::kMessageTooLarge);
}

TEST(MessageWriterTest, LargeMessagesOnlyPointBelow16KiB) {
  Message m = response("zone.example");
  for (int i = 0; i < 2000; ++i) {
    m.answers.push_back({name("host-" + std::to_string(i) + ".zone.example"), RRType::kNs,
                         RRClass::kIn, 60,
                         encodeName(name("ns-" + std::to_string(i) + ".zone.example"))});
  }
  auto wire = writeMessage(m).value();
  EXPECT_GT(wire.size(), 0x4000u);
  auto back = parseMessage(wire);
  ASSERT_TRUE(back) << toString(back.error());
  ASSERT_EQ(back->answers.size(), 2000u);
  for (size_t i = 0; i < m.answers.size(); ++i) ASSERT_EQ(back->answers[i], m.answers[i]) << i;
}

TEST(MessageWriterTest, MalformedRdataOfCompressedTypesIsAnError) {
  auto m = response("www.example.com");
  m.answers.push_back({name("www.example.com"), RRType::kNs, RRClass::kIn, 60,
                       "\x05"
                       "ab"});
  EXPECT_EQ(writeMessage(m).error(), WireError::kBadRdata);
  m.answers[0] = {name("www.example.com"), RRType::kSoa, RRClass::kIn, 60, std::string("\0\0", 2)};
  EXPECT_EQ(writeMessage(m).error(), WireError::kBadRdata);
}

TEST(MessageWriterTest, RollbackForgetsCompressionTargets) {
  MessageWriter w(512);
  Header h;
  w.begin(h);
  ASSERT_TRUE(w.addQuestion({name("a.example"), RRType::kA, RRClass::kIn}));
  auto mark = w.mark();
  ASSERT_TRUE(w.addRecord(Section::kAnswer, name("b.other.test").wire(), RRType::kA, RRClass::kIn,
                          1, encodeA({1, 1, 1, 1}))
                  .value());
  w.rollback(mark);
  // "other.test" was forgotten, so this owner is written in full and must parse back.
  ASSERT_TRUE(w.addRecord(Section::kAnswer, name("c.other.test").wire(), RRType::kA, RRClass::kIn,
                          1, encodeA({2, 2, 2, 2}))
                  .value());
  auto back = parseMessage(w.finish());
  ASSERT_TRUE(back);
  ASSERT_EQ(back->answers.size(), 1u);
  EXPECT_EQ(back->answers[0].name, name("c.other.test"));
}

}  // namespace
}  // namespace cirrus::dnswire
