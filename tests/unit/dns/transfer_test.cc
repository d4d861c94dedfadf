#include "dns/transfer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dnswire/message_parser.h"
#include "dnswire/wire_test_support.h"

namespace cirrus::dns {
namespace {

using dnswire::testing::name;

Zone bigZone(int names) {
  dnswire::SoaRdata soa{
      name("ns1.cdn.test"), name("hostmaster.cdn.test"), 11, 3600, 600, 1209600, 60};
  Zone z(name("cdn.test"), soa, 3600);
  z.add(name("cdn.test"), dnswire::RRType::kNs, 3600, dnswire::encodeName(name("ns1.cdn.test")));
  for (int i = 0; i < names; ++i) {
    auto owner = name("host" + std::to_string(i) + ".example.cdn.test");
    z.add(owner, dnswire::RRType::kA, 60,
          dnswire::encodeA({10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 1}));
    z.add(owner, dnswire::RRType::kAaaa, 60, std::string(15, '\x20') + static_cast<char>(i));
  }
  return z;
}

dnswire::Message axfrQuery(bool edns = false) {
  dnswire::Message q;
  q.header.id = 0x5151;
  q.questions.push_back({name("cdn.test"), dnswire::RRType::kAxfr, dnswire::RRClass::kIn});
  if (edns) q.edns = dnswire::Edns{};
  return q;
}

TEST(TransferTest, AxfrRecordsStartAndEndWithTheSoa) {
  Zone z = bigZone(10);
  auto records = axfrRecords(z);
  ASSERT_EQ(records.size(), z.recordCount() + 1);
  EXPECT_EQ(records.front().type, dnswire::RRType::kSoa);
  EXPECT_EQ(records.back().type, dnswire::RRType::kSoa);
  EXPECT_EQ(records[1].type, dnswire::RRType::kNs);  // apex first in canonical order
  for (size_t i = 1; i + 1 < records.size(); ++i) EXPECT_NE(records[i].type, dnswire::RRType::kSoa);
}

TEST(TransferTest, MessagesStayWithinTheLimitAndCarryTheQuestionOnce) {
  Zone z = bigZone(3000);
  dnswire::Message q = axfrQuery();
  auto messages = axfrMessages(z, q, 4096);
  ASSERT_TRUE(messages);
  ASSERT_GT(messages->size(), 10u);
  std::vector<dnswire::ResourceRecord> all;
  for (size_t i = 0; i < messages->size(); ++i) {
    const auto& wire = (*messages)[i];
    EXPECT_LE(wire.size(), 4096u);
    auto m = dnswire::parseMessage(wire);
    ASSERT_TRUE(m) << i;
    EXPECT_EQ(m->header.id, 0x5151);
    EXPECT_TRUE(m->header.qr);
    EXPECT_TRUE(m->header.aa);
    EXPECT_EQ(dnswire::responseCode(*m), dnswire::Rcode::kNoError);
    EXPECT_EQ(m->questions.size(), i == 0 ? 1u : 0u);
    EXPECT_FALSE(m->answers.empty());
    all.insert(all.end(), m->answers.begin(), m->answers.end());
  }
  auto expected = axfrRecords(z);
  ASSERT_EQ(all.size(), expected.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].name.wire(), expected[i].owner_wire) << i;
    EXPECT_EQ(all[i].type, expected[i].type) << i;
    EXPECT_EQ(all[i].ttl, expected[i].ttl) << i;
    EXPECT_EQ(all[i].rdata, expected[i].rdata) << i;
  }
}

TEST(TransferTest, StreamingGivesTheSameMessages) {
  Zone z = bigZone(500);
  dnswire::Message q = axfrQuery();
  auto records = axfrRecords(z);
  auto all = transferMessages(q, records, 2048);
  ASSERT_TRUE(all);
  TransferStream stream(q, records, 2048);
  size_t i = 0;
  while (!stream.done()) {
    auto m = stream.next();
    ASSERT_TRUE(m);
    ASSERT_LT(i, all->size());
    EXPECT_EQ(*m, (*all)[i++]);
  }
  EXPECT_EQ(i, all->size());
}

TEST(TransferTest, EdnsQueriesGetOptInEveryMessage) {
  Zone z = bigZone(300);
  auto messages = axfrMessages(z, axfrQuery(true), 2048);
  ASSERT_TRUE(messages);
  ASSERT_GT(messages->size(), 1u);
  for (const auto& wire : *messages) {
    EXPECT_LE(wire.size(), 2048u);
    auto m = dnswire::parseMessage(wire);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->edns);
  }
}

TEST(TransferTest, ARecordLargerThanAMessageIsAnError) {
  Zone z = bigZone(1);
  std::vector<std::string> strings(10, std::string(200, 't'));
  z.add(name("txt.cdn.test"), dnswire::RRType::kTxt, 60, dnswire::encodeTxt(strings).value());
  EXPECT_EQ(axfrMessages(z, axfrQuery(), 1024).error(), dnswire::WireError::kMessageTooLarge);
  EXPECT_TRUE(axfrMessages(z, axfrQuery(), 4096));
}

TEST(TransferTest, AnEmptyStreamHasNoMessages) {
  dnswire::Message q = axfrQuery();
  auto messages = transferMessages(q, {}, 1024);
  ASSERT_TRUE(messages);
  EXPECT_TRUE(messages->empty());
}

}  // namespace
}  // namespace cirrus::dns
