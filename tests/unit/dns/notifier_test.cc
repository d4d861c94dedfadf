#include "dns/notifier.h"

#include <gtest/gtest.h>

#include "dns/zone_builder.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"
#include "dnswire/rdata.h"

namespace cirrus::dns {
namespace {

using std::chrono::milliseconds;

Zone testZone(uint32_t serial) {
  ZoneBuildInput in;
  in.base_domain = "cdn.test";
  in.serial = serial;
  in.domains = {"a.example"};
  in.nodes.push_back({"n1", "192.0.2.1", "", "", true, true});
  return std::move(*buildSteeringZone(in));
}

TsigKey testKey() {
  return TsigKey{*dnswire::Name::fromText("xfr.key"), std::string(32, 'k')};
}

// The secondary's answer to a notify: same id, QR, opcode NOTIFY, the question echoed.
std::vector<uint8_t> answerTo(const std::vector<uint8_t>& notify, dnswire::Rcode rcode) {
  dnswire::Message q = *dnswire::parseMessage(notify);
  dnswire::Message r;
  r.header = q.header;
  r.header.qr = true;
  r.header.rcode = static_cast<uint8_t>(rcode);
  r.questions = q.questions;
  return *dnswire::writeMessage(r);
}

TEST(NotifyRetryTest, TimeoutDoublesUpToTheCapThenGivesUp) {
  NotifyRetryPolicy p{milliseconds(1000), milliseconds(8000), 6};
  EXPECT_EQ(notifyTimeout(p, 0), milliseconds(1000));
  EXPECT_EQ(notifyTimeout(p, 1), milliseconds(2000));
  EXPECT_EQ(notifyTimeout(p, 2), milliseconds(4000));
  EXPECT_EQ(notifyTimeout(p, 3), milliseconds(8000));
  EXPECT_EQ(notifyTimeout(p, 5), milliseconds(8000));
  EXPECT_FALSE(notifyTimeout(p, 6));
  EXPECT_FALSE(notifyTimeout(p, -1));
}

TEST(NotifyMessageTest, CarriesOpcodeNotifyTheApexQuestionAndTheNewSoa) {
  Zone zone = testZone(2024);
  auto wire = buildNotify(0x1234, zone);
  auto m = dnswire::parseMessage(wire);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.id, 0x1234);
  EXPECT_EQ(m->header.opcode, dnswire::Opcode::kNotify);
  EXPECT_TRUE(m->header.aa);
  EXPECT_FALSE(m->header.qr);
  ASSERT_EQ(m->questions.size(), 1u);
  EXPECT_EQ(m->questions[0].name, zone.apex());
  EXPECT_EQ(m->questions[0].type, dnswire::RRType::kSoa);
  ASSERT_EQ(m->answers.size(), 1u);
  EXPECT_EQ(dnswire::decodeSoa(m->answers[0].rdata)->serial, 2024u);
}

TEST(NotifyAnswerTest, NoErrorWithTheSameIdIsAnAcknowledgement) {
  auto notify = buildNotify(7, testZone(1));
  EXPECT_EQ(classifyNotifyAnswer(answerTo(notify, dnswire::Rcode::kNoError), 7, nullptr, 0),
            NotifyAnswer::kAcked);
}

TEST(NotifyAnswerTest, AnotherIdOrOurOwnQueryIsIgnored) {
  auto notify = buildNotify(7, testZone(1));
  EXPECT_EQ(classifyNotifyAnswer(answerTo(notify, dnswire::Rcode::kNoError), 8, nullptr, 0),
            NotifyAnswer::kIgnore);
  EXPECT_EQ(classifyNotifyAnswer(notify, 7, nullptr, 0), NotifyAnswer::kIgnore);
  std::vector<uint8_t> garbage{1, 2, 3};
  EXPECT_EQ(classifyNotifyAnswer(garbage, 7, nullptr, 0), NotifyAnswer::kIgnore);
}

TEST(NotifyAnswerTest, AnErrorRcodeIsARejection) {
  auto notify = buildNotify(7, testZone(1));
  EXPECT_EQ(classifyNotifyAnswer(answerTo(notify, dnswire::Rcode::kRefused), 7, nullptr, 0),
            NotifyAnswer::kRejected);
}

TEST(NotifyAnswerTest, ASignedNotifyNeedsASignedAnswer) {
  TsigKey key = testKey();
  const uint64_t now = 1'700'000'000;
  auto notify = buildNotify(9, testZone(1));
  TsigSigner request_signer(key);
  request_signer.sign(notify, now);

  auto unsigned_answer = answerTo(notify, dnswire::Rcode::kNoError);
  TsigVerifier v1(key, request_signer.lastMac());
  EXPECT_EQ(classifyNotifyAnswer(unsigned_answer, 9, &v1, now), NotifyAnswer::kRejected);

  auto signed_answer = answerTo(notify, dnswire::Rcode::kNoError);
  TsigSigner response_signer(key, request_signer.lastMac());
  response_signer.sign(signed_answer, now);
  TsigVerifier v2(key, request_signer.lastMac());
  EXPECT_EQ(classifyNotifyAnswer(signed_answer, 9, &v2, now), NotifyAnswer::kAcked);
}

}  // namespace
}  // namespace cirrus::dns
