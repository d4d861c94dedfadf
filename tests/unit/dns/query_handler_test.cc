#include "dns/query_handler.h"

#include <gtest/gtest.h>

#include "dns/zone_builder.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"
#include "dnswire/rdata.h"

namespace cirrus::dns {
namespace {

namespace ip = boost::asio::ip;

constexpr uint64_t kNow = 1'700'000'000;

ZoneSharedPtr makeZone(std::vector<std::string> domains, uint32_t serial) {
  ZoneBuildInput in;
  in.base_domain = "cdn.test";
  in.serial = serial;
  in.domains = std::move(domains);
  in.nodes.push_back({"n1", "192.0.2.1", "", "", true, true});
  in.nodes.push_back({"n2", "192.0.2.2", "2001:db8::2", "", true, true});
  return std::make_shared<const Zone>(std::move(*buildSteeringZone(in)));
}

std::vector<std::string> manyDomains(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("d" + std::to_string(i) + ".example");
  return out;
}

std::vector<uint8_t> query(std::string_view qname, dnswire::RRType type,
                           std::optional<uint32_t> ixfr_serial = std::nullopt) {
  dnswire::Message q;
  q.header.id = 4242;
  q.questions.push_back({*dnswire::Name::fromText(qname), type, dnswire::RRClass::kIn});
  if (ixfr_serial) {
    dnswire::SoaRdata soa{*dnswire::Name::fromText("ns1.cdn.test"),
                          *dnswire::Name::fromText("h.cdn.test"),
                          *ixfr_serial,
                          1,
                          1,
                          1,
                          1};
    q.authority.push_back({*dnswire::Name::fromText(qname), dnswire::RRType::kSoa,
                           dnswire::RRClass::kIn, 0, dnswire::encodeSoa(soa)});
  }
  return *dnswire::writeMessage(q);
}

class QueryHandlerTest : public ::testing::Test {
 protected:
  QueryHandlerTest() : dns_metrics_(registry_) {}

  QueryHandler& handler(std::optional<TsigKey> key = std::nullopt) {
    HandlerOptions o;
    o.transfer_allow.push_back(ip::make_address("127.0.0.2"));
    o.tsig = std::move(key);
    handler_.emplace(holder_, dns_metrics_, std::move(o));
    return *handler_;
  }

  dnswire::Message answer(const std::vector<uint8_t>& wire, const char* from = "127.0.0.1",
                          bool tcp = false) {
    Reply r = handler_->handle(wire, ip::make_address(from), tcp, kNow);
    EXPECT_TRUE(r.message);
    EXPECT_FALSE(r.transfer);
    if (!r.message) return {};
    return *dnswire::parseMessage(*r.message);
  }

  std::vector<dnswire::Message> transfer(const std::vector<uint8_t>& wire,
                                         TsigVerifier* verifier = nullptr) {
    Reply r = handler_->handle(wire, ip::make_address("127.0.0.2"), true, kNow);
    EXPECT_TRUE(r.transfer);
    std::vector<dnswire::Message> out;
    if (!r.transfer) return out;
    while (!r.transfer->done()) {
      auto bytes = r.transfer->next(kNow);
      EXPECT_TRUE(bytes);
      if (!bytes) break;
      dnswire::Message m = *dnswire::parseMessage(*bytes);
      if (verifier) {
        EXPECT_EQ(verifier->verify(*bytes, m, kNow), TsigStatus::kVerified);
      }
      out.push_back(std::move(m));
    }
    return out;
  }

  metrics::Registry registry_;
  DnsMetrics dns_metrics_;
  ZoneHolder holder_;
  std::optional<QueryHandler> handler_;
};

TEST_F(QueryHandlerTest, AnswersAnAccessFqdnWithTheNodeAddresses) {
  holder_.publish(makeZone({"www.example.com"}, 10));
  handler();
  dnswire::Message m = answer(query("www.example.com.cdn.test", dnswire::RRType::kA));
  EXPECT_TRUE(m.header.aa);
  EXPECT_EQ(dnswire::responseCode(m), dnswire::Rcode::kNoError);
  EXPECT_EQ(m.answers.size(), 2u);
}

TEST_F(QueryHandlerTest, ServfailsUntilAZoneIsBuilt) {
  handler();
  EXPECT_EQ(dnswire::responseCode(answer(query("cdn.test", dnswire::RRType::kSoa))),
            dnswire::Rcode::kServFail);
}

TEST_F(QueryHandlerTest, GarbageWithAHeaderGetsFormerrAndResponsesAreDropped) {
  holder_.publish(makeZone({"a.example"}, 1));
  handler();
  std::vector<uint8_t> garbage{0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xff};
  EXPECT_EQ(dnswire::responseCode(answer(garbage)), dnswire::Rcode::kFormErr);
  std::vector<uint8_t> tiny{1, 2, 3};
  EXPECT_FALSE(handler_->handle(tiny, ip::make_address("127.0.0.1"), false, kNow).message);
  auto response = query("cdn.test", dnswire::RRType::kSoa);
  response[2] |= 0x80;  // QR
  EXPECT_FALSE(handler_->handle(response, ip::make_address("127.0.0.1"), false, kNow).message);
}

TEST_F(QueryHandlerTest, AxfrOverUdpIsNotImplemented) {
  holder_.publish(makeZone({"a.example"}, 1));
  handler();
  EXPECT_EQ(dnswire::responseCode(answer(query("cdn.test", dnswire::RRType::kAxfr), "127.0.0.2")),
            dnswire::Rcode::kNotImp);
}

TEST_F(QueryHandlerTest, AxfrFromAnAddressOutsideTheSlaveListIsRefused) {
  holder_.publish(makeZone({"a.example"}, 1));
  handler();
  dnswire::Message m = answer(query("cdn.test", dnswire::RRType::kAxfr), "127.0.0.1", true);
  EXPECT_EQ(dnswire::responseCode(m), dnswire::Rcode::kRefused);
}

TEST_F(QueryHandlerTest, AxfrToASlaveStartsAndEndsWithTheSoa) {
  auto zone = makeZone({"a.example", "b.example"}, 77);
  holder_.publish(zone);
  handler();
  auto messages = transfer(query("cdn.test", dnswire::RRType::kAxfr));
  ASSERT_FALSE(messages.empty());
  std::vector<dnswire::ResourceRecord> all;
  for (auto& m : messages) all.insert(all.end(), m.answers.begin(), m.answers.end());
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all.front().type, dnswire::RRType::kSoa);
  EXPECT_EQ(all.back().type, dnswire::RRType::kSoa);
  EXPECT_EQ(all.size(), zone->recordCount() + 1);
}

TEST_F(QueryHandlerTest, WithAKeyAnUnsignedAxfrIsRefusedAndASignedOneIsSignedThroughout) {
  TsigKey key{*dnswire::Name::fromText("xfr.key"), std::string(32, 's')};
  holder_.publish(makeZone(manyDomains(2000), 5));  // several transfer messages
  handler(key);
  dnswire::Message refused = answer(query("cdn.test", dnswire::RRType::kAxfr), "127.0.0.2", true);
  EXPECT_EQ(dnswire::responseCode(refused), dnswire::Rcode::kRefused);

  auto wire = query("cdn.test", dnswire::RRType::kAxfr);
  TsigSigner signer(key);
  signer.sign(wire, kNow);
  TsigVerifier verifier(key, signer.lastMac());
  auto messages = transfer(wire, &verifier);
  EXPECT_GT(messages.size(), 1u);
}

TEST_F(QueryHandlerTest, ABadSignatureIsNotAuth) {
  TsigKey key{*dnswire::Name::fromText("xfr.key"), std::string(32, 's')};
  TsigKey wrong{*dnswire::Name::fromText("xfr.key"), std::string(32, 'w')};
  holder_.publish(makeZone({"a.example"}, 5));
  handler(key);
  auto wire = query("cdn.test", dnswire::RRType::kAxfr);
  TsigSigner(wrong).sign(wire, kNow);
  EXPECT_EQ(dnswire::responseCode(answer(wire, "127.0.0.2", true)), dnswire::Rcode::kNotAuth);
}

TEST_F(QueryHandlerTest, IxfrAfterASmallChangeIsIncremental) {
  auto domains = manyDomains(30);
  holder_.publish(makeZone(domains, 100));
  domains.push_back("new.example");
  holder_.publish(makeZone(domains, 101));
  handler();
  auto messages = transfer(query("cdn.test", dnswire::RRType::kIxfr, 100));
  std::vector<dnswire::ResourceRecord> all;
  for (auto& m : messages) all.insert(all.end(), m.answers.begin(), m.answers.end());
  // current SOA, old SOA, (nothing removed), new SOA, 2 A + 1 AAAA added, current SOA
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(dnswire::decodeSoa(all[0].rdata)->serial, 101u);
  EXPECT_EQ(dnswire::decodeSoa(all[1].rdata)->serial, 100u);
  EXPECT_EQ(dnswire::decodeSoa(all[2].rdata)->serial, 101u);
}

TEST_F(QueryHandlerTest, IxfrFromAnUnknownSerialGetsTheWholeZone) {
  auto zone = makeZone({"a.example"}, 100);
  holder_.publish(zone);
  handler();
  auto messages = transfer(query("cdn.test", dnswire::RRType::kIxfr, 3));
  size_t records = 0;
  for (auto& m : messages) records += m.answers.size();
  EXPECT_EQ(records, zone->recordCount() + 1);
}

TEST_F(QueryHandlerTest, StaticZonesAnswerBesideTheSteeringZoneByLongestApex) {
  holder_.publish(makeZone({"a.example"}, 1));
  // A static zone below the steering apex owns its names; one elsewhere owns its own.
  ZoneBuildInput in;
  in.base_domain = "sub.cdn.test";
  in.serial = 99;
  in.domains = {"x.example"};
  in.nodes.push_back({"s1", "198.51.100.7", "", "", true, true});
  HandlerOptions o;
  o.transfer_allow.push_back(ip::make_address("127.0.0.2"));
  o.static_zones.push_back(std::make_shared<const Zone>(std::move(*buildSteeringZone(in))));
  handler_.emplace(holder_, dns_metrics_, std::move(o));
  dnswire::Message sub = answer(query("x.example.sub.cdn.test", dnswire::RRType::kA));
  ASSERT_EQ(sub.answers.size(), 1u);
  EXPECT_EQ(sub.answers[0].rdata, *dnswire::encodeAFromText("198.51.100.7"));
  dnswire::Message soa = answer(query("sub.cdn.test", dnswire::RRType::kSoa));
  EXPECT_EQ(dnswire::decodeSoa(soa.answers[0].rdata)->serial, 99u);
  EXPECT_EQ(answer(query("a.example.cdn.test", dnswire::RRType::kA)).answers.size(), 2u);
  // IXFR of a static zone: no history, so up to date or the whole zone.
  auto messages = transfer(query("sub.cdn.test", dnswire::RRType::kIxfr, 99));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].answers.size(), 1u);
}

TEST_F(QueryHandlerTest, UdpAnswersAreTruncatedToTheClientsSize) {
  // Many nodes in one site: a large A RRset that cannot fit 512 octets without EDNS.
  ZoneBuildInput in;
  in.base_domain = "cdn.test";
  in.serial = 1;
  in.replicas_per_site = 64;
  in.domains = {"big.example"};
  for (int i = 0; i < 64; ++i) {
    in.nodes.push_back(
        {"n" + std::to_string(i), "", "2001:db8::" + std::to_string(i + 1), "", true, true});
  }
  holder_.publish(std::make_shared<const Zone>(std::move(*buildSteeringZone(in))));
  handler();
  dnswire::Message udp = answer(query("big.example.cdn.test", dnswire::RRType::kAaaa));
  EXPECT_TRUE(udp.header.tc);
  dnswire::Message tcp =
      answer(query("big.example.cdn.test", dnswire::RRType::kAaaa), "127.0.0.1", true);
  EXPECT_FALSE(tcp.header.tc);
  EXPECT_EQ(tcp.answers.size(), 64u);
}

}  // namespace
}  // namespace cirrus::dns
