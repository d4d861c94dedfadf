#include "dns/master_file.h"

#include <gtest/gtest.h>

#include "dnswire/rdata.h"

namespace cirrus::dns {
namespace {

dnswire::Name n(std::string_view text) {
  return *dnswire::Name::fromText(text);
}

const char* kZone = R"($ORIGIN example.test.
$TTL 1h
@   IN SOA ns1 hostmaster ( 7 ; serial
        3600 600 1209600 60 )
    IN NS ns1.example.test.
ns1 IN A 192.0.2.53
www 120 IN A 192.0.2.1
        IN AAAA 2001:db8::1   ; same owner, inherited
IN2 IN 30 MX 5 mail         ; class before TTL
txt     TXT "a \"quoted\" word" plain
raw     TYPE65280 \# 3 abcdef
$ORIGIN sub.example.test.
deep    A 192.0.2.9
)";

TEST(MasterFileTest, ParsesOwnersTtlsClassesAndRdata) {
  auto zone = parseMasterFile(kZone, n("example.test"));
  ASSERT_TRUE(zone) << zone.error().message();
  EXPECT_EQ(zone->serial(), 7u);
  EXPECT_EQ(zone->soaTtl(), 3600u);
  const RRset* www = zone->find(n("www.example.test"), dnswire::RRType::kA);
  ASSERT_NE(www, nullptr);
  EXPECT_EQ(www->ttl(), 120u);
  const RRset* v6 = zone->find(n("www.example.test"), dnswire::RRType::kAaaa);
  ASSERT_NE(v6, nullptr);
  EXPECT_EQ(v6->ttl(), 3600u);  // $TTL, not the previous record's explicit 120
  const RRset* mx = zone->find(n("in2.example.test"), dnswire::RRType::kMx);
  ASSERT_NE(mx, nullptr);
  EXPECT_EQ(mx->ttl(), 30u);
  EXPECT_EQ(dnswire::decodeMx(*mx->begin())->exchange, n("mail.example.test"));
  auto txt = dnswire::decodeTxt(*zone->find(n("txt.example.test"), dnswire::RRType::kTxt)->begin());
  ASSERT_TRUE(txt);
  EXPECT_EQ(*txt, (std::vector<std::string>{"a \"quoted\" word", "plain"}));
  EXPECT_EQ(*zone->find(n("raw.example.test"), static_cast<dnswire::RRType>(65280))->begin(),
            std::string("\xab\xcd\xef"));
  EXPECT_NE(zone->find(n("deep.sub.example.test"), dnswire::RRType::kA), nullptr);
}

TEST(MasterFileTest, AnOwnerEndingInAnEscapedBackslashIsAbsolute) {
  // In the file, "x\\." is the label x-backslash followed by the root: an absolute name
  // outside the zone (it used to be taken as relative and put under the origin).
  auto absolute = parseMasterFile(R"($ORIGIN example.test.
$TTL 60
@ IN SOA ns1 hostmaster 1 3600 600 1209600 60
@ IN NS ns1
x\\. IN A 192.0.2.1
)",
                                  n("example.test"));
  ASSERT_FALSE(absolute);
  EXPECT_NE(absolute.error().message().find("outside the zone"), std::string::npos)
      << absolute.error().message();
  // "y\." (an escaped dot) is the relative label "y.".
  auto relative = parseMasterFile(R"($ORIGIN example.test.
$TTL 60
@ IN SOA ns1 hostmaster 1 3600 600 1209600 60
@ IN NS ns1
y\. IN A 192.0.2.2
)",
                                  n("example.test"));
  ASSERT_TRUE(relative) << relative.error().message();
  EXPECT_NE(relative->find(n("y\\..example.test"), dnswire::RRType::kA), nullptr);
}

TEST(MasterFileTest, TxtEscapesAboveTwoFiftyFiveAreRefused) {
  auto zone = parseMasterFile(R"($ORIGIN example.test.
$TTL 60
@ IN SOA ns1 hostmaster 1 3600 600 1209600 60
@ IN NS ns1
t IN TXT "ok\065" "bad\256"
)",
                              n("example.test"));
  ASSERT_FALSE(zone);
  EXPECT_NE(zone.error().message().find("line 5"), std::string::npos);
  EXPECT_NE(zone.error().message().find("\\255"), std::string::npos);
}

TEST(MasterFileTest, ErrorsNameTheLine) {
  auto zone = parseMasterFile("$TTL 60\n@ SOA ns hm 1 1 1 1 1\nwww A 300.1.1.1\n", n("x.test"));
  ASSERT_FALSE(zone);
  EXPECT_NE(zone.error().context().find("line 3"), std::string::npos);
}

TEST(MasterFileTest, RejectsWhatTheZoneCannotServe) {
  const std::string soa = "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n";
  EXPECT_FALSE(parseMasterFile(soa + "* A 192.0.2.1\n", n("x.test")));
  EXPECT_FALSE(parseMasterFile(soa + "child NS ns.other.\n", n("x.test")));
  EXPECT_FALSE(parseMasterFile(soa + "$INCLUDE other.zone\n", n("x.test")));
  EXPECT_FALSE(parseMasterFile(soa + "a CNAME b\na A 192.0.2.1\n", n("x.test")));
  EXPECT_FALSE(parseMasterFile(soa + "out.of.zone. A 192.0.2.1\n", n("x.test")));
  EXPECT_FALSE(parseMasterFile(soa + "www SRV 0 0 80 x\n", n("x.test")));
  EXPECT_FALSE(parseMasterFile("$TTL 60\nwww A 192.0.2.1\n", n("x.test")));  // no SOA
  EXPECT_FALSE(parseMasterFile(soa + "@ SOA ns hm 2 1 1 1 1\n", n("x.test")));
  EXPECT_FALSE(parseMasterFile("@ SOA ns hm (1 1 1 1 1\n", n("x.test")));  // unbalanced
  EXPECT_FALSE(parseMasterFile("@ SOA ns hm 1 1 1 1 1\n", n("x.test")));   // no TTL at all
}

}  // namespace
}  // namespace cirrus::dns
