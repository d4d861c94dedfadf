#include "dns/transfer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dns/message_parser.h"
#include "dns/wire_test_support.h"

namespace cirrus::dns {
namespace {

using testing::name;

Zone bigZone(int names) {
  SoaRdata soa{name("ns1.cdn.test"), name("hostmaster.cdn.test"), 11, 3600, 600, 1209600, 60};
  Zone z(name("cdn.test"), soa, 3600);
  z.add(name("cdn.test"), RRType::kNs, 3600, encodeName(name("ns1.cdn.test")));
  for (int i = 0; i < names; ++i) {
    auto owner = name("host" + std::to_string(i) + ".example.cdn.test");
    z.add(owner, RRType::kA, 60,
          encodeA({10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 1}));
    z.add(owner, RRType::kAaaa, 60, std::string(15, '\x20') + static_cast<char>(i));
  }
  return z;
}

Message axfrQuery(bool edns = false) {
  Message q;
  q.header.id = 0x5151;
  q.questions.push_back({name("cdn.test"), RRType::kAxfr, RRClass::kIn});
  if (edns) q.edns = Edns{};
  return q;
}

TEST(TransferTest, AxfrRecordsStartAndEndWithTheSoa) {
  Zone z = bigZone(10);
  auto records = axfrRecords(z);
  ASSERT_EQ(records.size(), z.recordCount() + 1);
  EXPECT_EQ(records.front().type, RRType::kSoa);
  EXPECT_EQ(records.back().type, RRType::kSoa);
  EXPECT_EQ(records[1].type, RRType::kNs);  // apex first in canonical order
  for (size_t i = 1; i + 1 < records.size(); ++i) EXPECT_NE(records[i].type, RRType::kSoa);
}

TEST(TransferTest, MessagesStayWithinTheLimitAndCarryTheQuestionOnce) {
  Zone z = bigZone(3000);
  Message q = axfrQuery();
  auto messages = axfrMessages(z, q, 4096);
  ASSERT_TRUE(messages);
  ASSERT_GT(messages->size(), 10u);
  std::vector<ResourceRecord> all;
  for (size_t i = 0; i < messages->size(); ++i) {
    const auto& wire = (*messages)[i];
    EXPECT_LE(wire.size(), 4096u);
    auto m = parseMessage(wire);
    ASSERT_TRUE(m) << i;
    EXPECT_EQ(m->header.id, 0x5151);
    EXPECT_TRUE(m->header.qr);
    EXPECT_TRUE(m->header.aa);
    EXPECT_EQ(responseCode(*m), Rcode::kNoError);
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
  Message q = axfrQuery();
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
    auto m = parseMessage(wire);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->edns);
  }
}

TEST(TransferTest, ARecordLargerThanAMessageIsAnError) {
  Zone z = bigZone(1);
  std::vector<std::string> strings(10, std::string(200, 't'));
  z.add(name("txt.cdn.test"), RRType::kTxt, 60, encodeTxt(strings).value());
  EXPECT_EQ(axfrMessages(z, axfrQuery(), 1024).error(), WireError::kMessageTooLarge);
  EXPECT_TRUE(axfrMessages(z, axfrQuery(), 4096));
}

TEST(TransferTest, AnEmptyStreamHasNoMessages) {
  Message q = axfrQuery();
  auto messages = transferMessages(q, {}, 1024);
  ASSERT_TRUE(messages);
  EXPECT_TRUE(messages->empty());
}

}  // namespace
}  // namespace cirrus::dns
