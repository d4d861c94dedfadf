// DnsResponder against a real redis-server: TXT answers follow the two newest values the
// store holds, a registered subdomain without values is NODATA, and a Redis outage is SERVFAIL
// (never NXDOMAIN, which a CA would cache).
#include "acmedns/dns_responder.h"

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "acmedns/dns_test_wire.h"
#include "core/metrics_registry.h"
#include "core/redis_client.h"
#include "core/sync_runner.h"
#include "support/redis_server.h"

namespace cirrus::acmedns {
namespace {

using dnswire::Rcode;
using dnswire::RRType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kZone[] = "acme.cdn.test";
constexpr char kSub[] = "0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab";

// runSync over an optional<vector> trips GCC 12's -Wmaybe-uninitialized inside co_spawn; a
// plain struct does not.
struct Reply {
  bool sent = false;
  std::vector<uint8_t> bytes;
};

boost::asio::awaitable<Reply> handleOnce(DnsResponder& responder, std::vector<uint8_t> message,
                                         bool tcp) {
  auto reply = co_await responder.handle(std::move(message), tcp);
  if (!reply) co_return Reply{};
  co_return Reply{true, std::move(*reply)};
}

std::string txtValue(char c) {
  return std::string(43, c);
}

class DnsResponderTest : public ::testing::Test {
 protected:
  template <class T>
  T run(boost::asio::awaitable<T> task) {
    return runSync(io_, std::move(task), std::chrono::seconds(30));
  }

  test::DecodedResponse ask(const std::string& name, RRType type = RRType::kTxt, bool tcp = false) {
    auto reply = run(handleOnce(responder_, test::buildQuery({.name = name, .type = type}), tcp));
    EXPECT_TRUE(reply.sent);
    auto decoded = reply.sent ? test::decodeResponse(reply.bytes) : std::nullopt;
    EXPECT_TRUE(decoded);
    return decoded.value_or(test::DecodedResponse{});
  }

  void registerSubdomain() {
    store::AcmeDnsAccount account{"8d1c4f5e-0000-4000-8000-000000000001",
                                  std::string(64, 'a'),
                                  std::string(32, 'b'),
                                  kSub,
                                  {},
                                  1700000000};
    ASSERT_TRUE(run(store_.create(account)));
  }

  cirrus::test::RedisServer server_;
  boost::asio::io_context io_;
  redis::Client client_{io_.get_executor(), server_.options()};
  store::AcmeDnsStore store_{client_};
  metrics::Registry registry_;
  AcmeDnsMetrics metrics_{registry_};
  DnsResponder responder_{*AuthorityZone::create(kZone), store_, metrics_};
  std::string fqdn_ = std::string(kSub) + "." + kZone;
};

TEST_F(DnsResponderTest, UnregisteredSubdomainIsNxdomain) {
  auto r = ask(fqdn_);
  EXPECT_EQ(r.rcode, Rcode::kNxDomain);
  EXPECT_TRUE(r.aa);
}

TEST_F(DnsResponderTest, RegisteredSubdomainWithoutValuesIsNodata) {
  registerSubdomain();
  auto r = ask(fqdn_);
  EXPECT_EQ(r.rcode, Rcode::kNoError);
  EXPECT_THAT(r.answers, IsEmpty());
  EXPECT_EQ(r.authority.size(), 1u);
}

TEST_F(DnsResponderTest, AnswersFollowTheTwoNewestValues) {
  registerSubdomain();
  ASSERT_TRUE(run(store_.pushTxt(kSub, txtValue('a'))));
  EXPECT_THAT(ask(fqdn_).txtValues(), ElementsAre(txtValue('a')));
  ASSERT_TRUE(run(store_.pushTxt(kSub, txtValue('b'))));
  EXPECT_THAT(ask(fqdn_).txtValues(), ElementsAre(txtValue('b'), txtValue('a')));
  ASSERT_TRUE(run(store_.pushTxt(kSub, txtValue('c'))));
  EXPECT_THAT(ask(fqdn_, RRType::kTxt, /*tcp=*/true).txtValues(),
              ElementsAre(txtValue('c'), txtValue('b')));
}

TEST_F(DnsResponderTest, RedisOutageIsServfailAndApexStillAnswers) {
  registerSubdomain();
  server_.kill();
  auto r = ask(fqdn_);
  EXPECT_EQ(r.rcode, Rcode::kServFail);
  auto soa = ask(kZone, RRType::kSoa);
  EXPECT_EQ(soa.rcode, Rcode::kNoError);
  EXPECT_EQ(soa.answers.size(), 1u);
  EXPECT_THAT(registry_.render(),
              HasSubstr("cirrus_acmedns_dns_queries_total{rcode=\"SERVFAIL\"} 1"));
}

TEST_F(DnsResponderTest, GarbageIsFormerrOrSilence) {
  std::vector<uint8_t> header_only = test::buildQuery({.name = kZone});
  header_only.resize(14);  // header plus a cut question
  auto formerr = run(handleOnce(responder_, header_only, false));
  ASSERT_TRUE(formerr.sent);
  auto decoded = test::decodeResponse(formerr.bytes);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->rcode, Rcode::kFormErr);
  EXPECT_EQ(decoded->id, 0x1234);
  EXPECT_EQ(decoded->qdcount, 0);
  EXPECT_FALSE(run(handleOnce(responder_, std::vector<uint8_t>(5, 0), false)).sent);
}

}  // namespace
}  // namespace cirrus::acmedns
