#include "dns/tsig.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/base64.h"
#include "dns/transfer.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"
#include "dnswire/wire_test_support.h"

namespace cirrus::dns {
namespace {

using dnswire::testing::fromHex;
using dnswire::testing::name;
using dnswire::testing::toHex;

struct Vector {
  uint64_t time = 0;
  std::vector<uint8_t> unsigned_wire;
  std::vector<uint8_t> signed_wire;
};

struct Vectors {
  TsigKey key;
  std::map<std::string, Vector> by_label;
};

// tsig_vectors.txt, made by gen_tsig_vectors.py with dnspython.
const Vectors& vectors() {
  static const Vectors v = [] {
    Vectors out;
    std::ifstream in(dnswire::testing::dataPath("tsig_vectors.txt"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      std::string label;
      words >> label;
      if (label == "key") {
        std::string key_name, secret;
        words >> key_name >> secret;
        out.key = TsigKey{name(key_name), *base64Decode(secret)};
        continue;
      }
      Vector vec;
      std::string field;
      while (words >> field) {
        auto eq = field.find('=');
        std::string k = field.substr(0, eq), value = field.substr(eq + 1);
        if (k == "time") vec.time = std::stoull(value);
        if (k == "unsigned") vec.unsigned_wire = fromHex(value);
        if (k == "signed") vec.signed_wire = fromHex(value);
      }
      out.by_label[label] = vec;
    }
    return out;
  }();
  return v;
}

const Vector& vec(const std::string& label) {
  return vectors().by_label.at(label);
}
const TsigKey& key() {
  return vectors().key;
}

TsigVerification verifyQuery(const std::vector<uint8_t>& wire, uint64_t now) {
  auto m = dnswire::parseMessage(wire);
  EXPECT_TRUE(m) << toString(m.error());
  std::vector<TsigKey> keys = {key()};
  return verifyRequest(wire, *m, keys, now);
}

TEST(TsigTest, GoldenVectorsAreLoaded) {
  ASSERT_EQ(vectors().by_label.size(), 5u);
  EXPECT_EQ(key().secret.size(), 32u);
  EXPECT_EQ(key().name, name("cirrus-key"));
}

TEST(TsigTest, SignsARequestExactlyAsDnspython) {
  std::vector<uint8_t> wire = vec("query").unsigned_wire;
  TsigSigner signer(key());
  signer.sign(wire, vec("query").time);
  EXPECT_EQ(toHex(wire), toHex(vec("query").signed_wire));

  std::vector<uint8_t> notify = vec("notify").unsigned_wire;
  TsigSigner notify_signer(key());
  notify_signer.sign(notify, vec("notify").time);
  EXPECT_EQ(toHex(notify), toHex(vec("notify").signed_wire));
}

TEST(TsigTest, VerifiesDnspythonsSignedRequest) {
  auto v = verifyQuery(vec("query").signed_wire, vec("query").time + 5);
  EXPECT_EQ(v.status, TsigStatus::kVerified);
  ASSERT_NE(v.key, nullptr);
  EXPECT_EQ(v.request_mac.size(), kHmacSha256Size);
  EXPECT_EQ(v.time_signed, vec("query").time);
}

TEST(TsigTest, SignsAMultiMessageResponseExactlyAsDnspython) {
  auto v = verifyQuery(vec("query").signed_wire, vec("query").time);
  ASSERT_EQ(v.status, TsigStatus::kVerified);
  TsigSigner signer(key(), v.request_mac);
  for (const char* label : {"response1", "response2", "response3"}) {
    std::vector<uint8_t> wire = vec(label).unsigned_wire;
    signer.sign(wire, vec(label).time);
    EXPECT_EQ(toHex(wire), toHex(vec(label).signed_wire)) << label;
  }
}

TEST(TsigTest, VerifiesDnspythonsMultiMessageResponse) {
  auto request = verifyQuery(vec("query").signed_wire, vec("query").time);
  TsigVerifier verifier(key(), request.request_mac);
  for (const char* label : {"response1", "response2", "response3"}) {
    const auto& wire = vec(label).signed_wire;
    auto m = dnswire::parseMessage(wire);
    ASSERT_TRUE(m);
    EXPECT_EQ(verifier.verify(wire, *m, vec(label).time), TsigStatus::kVerified) << label;
  }
}

TEST(TsigTest, ResponsesOutOfOrderFailTheChain) {
  auto request = verifyQuery(vec("query").signed_wire, vec("query").time);
  TsigVerifier verifier(key(), request.request_mac);
  const auto& first = vec("response1").signed_wire;
  ASSERT_EQ(verifier.verify(first, *dnswire::parseMessage(first), vec("response1").time),
            TsigStatus::kVerified);
  const auto& third = vec("response3").signed_wire;
  EXPECT_EQ(verifier.verify(third, *dnswire::parseMessage(third), vec("response3").time),
            TsigStatus::kBadSig);
}

TEST(TsigTest, TimeOutsideTheFudgeIsBadTimeButTheMacIsKept) {
  auto late = verifyQuery(vec("query").signed_wire, vec("query").time + 301);
  EXPECT_EQ(late.status, TsigStatus::kBadTime);
  EXPECT_FALSE(late.request_mac.empty());  // a BADTIME answer is signed with it (§5.2.3)
  EXPECT_EQ(verifyQuery(vec("query").signed_wire, vec("query").time - 301).status,
            TsigStatus::kBadTime);
  EXPECT_EQ(verifyQuery(vec("query").signed_wire, vec("query").time + 300).status,
            TsigStatus::kVerified);
}

TEST(TsigTest, AnAlteredMessageIsBadSig) {
  auto wire = vec("query").signed_wire;
  wire[13] ^= 0x20;  // change the case of a question letter: still parses
  auto v = verifyQuery(wire, vec("query").time);
  EXPECT_EQ(v.status, TsigStatus::kBadSig);
  EXPECT_TRUE(v.request_mac.empty());
}

TEST(TsigTest, AnotherSecretIsBadSigAndAnotherNameIsBadKey) {
  const auto& wire = vec("query").signed_wire;
  auto m = dnswire::parseMessage(wire);
  std::vector<TsigKey> wrong_secret = {TsigKey{key().name, "another secret"}};
  EXPECT_EQ(verifyRequest(wire, *m, wrong_secret, vec("query").time).status, TsigStatus::kBadSig);
  std::vector<TsigKey> wrong_name = {TsigKey{name("other-key"), key().secret}};
  EXPECT_EQ(verifyRequest(wire, *m, wrong_name, vec("query").time).status, TsigStatus::kBadKey);
  EXPECT_EQ(verifyRequest(wire, *m, {}, vec("query").time).status, TsigStatus::kBadKey);
}

TEST(TsigTest, KeyNamesMatchCaseInsensitively) {
  const auto& wire = vec("query").signed_wire;
  auto m = dnswire::parseMessage(wire);
  std::vector<TsigKey> upper = {TsigKey{name("CIRRUS-KEY"), key().secret}};
  EXPECT_EQ(verifyRequest(wire, *m, upper, vec("query").time).status, TsigStatus::kVerified);
}

TEST(TsigTest, UnsignedRequestsAreReportedAsSuch) {
  EXPECT_EQ(verifyQuery(vec("query").unsigned_wire, vec("query").time).status,
            TsigStatus::kUnsigned);
}

// Rebuilds the query's TSIG record with `mac` in place of the real one.
std::vector<uint8_t> withMac(const std::string& mac) {
  auto m = dnswire::parseMessage(vec("query").signed_wire).value();
  std::vector<uint8_t> wire = vec("query").unsigned_wire;
  std::string rdata(m.tsig->algorithm.wire());
  for (int shift = 40; shift >= 0; shift -= 8)
    rdata += static_cast<char>(m.tsig->time_signed >> shift);
  rdata += std::string("\x01\x2c", 2);  // fudge 300
  rdata += static_cast<char>(mac.size() >> 8);
  rdata += static_cast<char>(mac.size());
  rdata += mac;
  rdata += static_cast<char>(m.header.id >> 8);
  rdata += static_cast<char>(m.header.id);
  rdata += std::string(4, '\0');  // error, other length
  std::string rr(m.tsig->key_name.wire());
  rr += std::string("\x00\xfa\x00\xff\x00\x00\x00\x00", 8);
  rr += static_cast<char>(rdata.size() >> 8);
  rr += static_cast<char>(rdata.size());
  rr += rdata;
  wire.insert(wire.end(), rr.begin(), rr.end());
  wire[11] = static_cast<uint8_t>(wire[11] + 1);
  return wire;
}

TEST(TsigTest, TruncatedMacsAreBadTruncAndImpossibleSizesFormErr) {
  std::string full = dnswire::parseMessage(vec("query").signed_wire)->tsig->mac;
  ASSERT_EQ(verifyQuery(withMac(full), vec("query").time).status, TsigStatus::kVerified);
  EXPECT_EQ(verifyQuery(withMac(full.substr(0, 16)), vec("query").time).status,
            TsigStatus::kBadTrunc);
  EXPECT_EQ(verifyQuery(withMac(full.substr(0, 9)), vec("query").time).status,
            TsigStatus::kFormErr);
  EXPECT_EQ(verifyQuery(withMac(full + "xx"), vec("query").time).status, TsigStatus::kFormErr);
}

TEST(TsigTest, UnsignedErrorRecordsCarryTheErrorAndNoMac) {
  auto request = dnswire::parseMessage(vec("query").signed_wire).value();
  dnswire::Message reply;
  reply.header.id = request.header.id;
  reply.header.qr = true;
  reply.questions = request.questions;
  dnswire::setResponseCode(reply, dnswire::Rcode::kNotAuth);
  auto wire = dnswire::writeMessage(reply).value();
  appendUnsignedTsigError(wire, *request.tsig, TsigError::kBadKey, 1700000000);
  auto back = dnswire::parseMessage(wire);
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->tsig);
  EXPECT_EQ(back->tsig->error, static_cast<uint16_t>(TsigError::kBadKey));
  EXPECT_TRUE(back->tsig->mac.empty());
  EXPECT_EQ(back->tsig->key_name, name("cirrus-key"));
  EXPECT_EQ(dnswire::responseCode(*back), dnswire::Rcode::kNotAuth);
}

TEST(TsigTest, BadTimeAnswersAreSignedWithTheServerTime) {
  auto request = verifyQuery(vec("query").signed_wire, vec("query").time + 1000);
  ASSERT_EQ(request.status, TsigStatus::kBadTime);
  dnswire::Message reply;
  reply.header.id = 0x2a2a;
  reply.header.qr = true;
  dnswire::setResponseCode(reply, dnswire::Rcode::kNotAuth);
  auto wire = dnswire::writeMessage(reply).value();
  TsigSigner signer(key(), request.request_mac);
  signer.setError(TsigError::kBadTime, badTimeOtherData(vec("query").time + 1000));
  signer.sign(wire, vec("query").time + 1000);
  auto back = dnswire::parseMessage(wire).value();
  EXPECT_EQ(back.tsig->error, static_cast<uint16_t>(TsigError::kBadTime));
  EXPECT_EQ(back.tsig->other_data.size(), 6u);
  // The client, holding its request MAC, accepts the signature but sees the peer's error.
  TsigVerifier verifier(key(), request.request_mac);
  EXPECT_EQ(verifier.verify(wire, back, vec("query").time + 1000), TsigStatus::kPeerError);
}

TEST(TsigTest, OwnSignerAndVerifierAgreeOnAnAxfrStream) {
  dnswire::SoaRdata soa{
      name("ns1.cdn.test"), name("hostmaster.cdn.test"), 3, 3600, 600, 1209600, 60};
  Zone z(name("cdn.test"), soa, 3600);
  for (int i = 0; i < 400; ++i) {
    z.add(name("h" + std::to_string(i) + ".cdn.test"), dnswire::RRType::kA, 60,
          dnswire::encodeA({10, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)}));
  }
  std::vector<uint8_t> query_wire = vec("query").signed_wire;
  dnswire::Message query = dnswire::parseMessage(query_wire).value();
  auto request = verifyQuery(query_wire, vec("query").time);
  ASSERT_EQ(request.status, TsigStatus::kVerified);

  auto messages = axfrMessages(z, query, 1024 - tsigRecordSize(key())).value();
  ASSERT_GT(messages.size(), 3u);
  TsigSigner signer(key(), request.request_mac);
  TsigVerifier verifier(key(), request.request_mac);
  uint64_t now = vec("query").time;
  for (auto& wire : messages) {
    signer.sign(wire, now);
    EXPECT_LE(wire.size(), 1024u);
    auto m = dnswire::parseMessage(wire);
    ASSERT_TRUE(m);
    EXPECT_EQ(verifier.verify(wire, *m, now), TsigStatus::kVerified);
  }
}

TEST(TsigTest, ConfigKeysMustBeHmacSha256) {
  config::TsigKey good{"Cirrus-Key", "HMAC-SHA256", "secret"};
  auto k = TsigKey::fromConfig(good);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->name.wire(), name("cirrus-key").wire());
  EXPECT_FALSE(TsigKey::fromConfig({"k", "hmac-md5", "secret"}));
  EXPECT_FALSE(TsigKey::fromConfig({"a..b", "hmac-sha256", "secret"}));
  EXPECT_FALSE(TsigKey::fromConfig({"k", "hmac-sha256", ""}));
}

}  // namespace
}  // namespace cirrus::dns
