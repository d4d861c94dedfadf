#include "dnswire/name.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dnswire/wire_test_support.h"

namespace cirrus::dnswire {
namespace {

using testing::name;

std::vector<uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

void append(std::vector<uint8_t>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

TEST(NameTest, ParsesTextWithOrWithoutTrailingDot) {
  auto a = Name::fromText("www.example.com");
  auto b = Name::fromText("www.example.com.");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->wire(), std::string_view("\3www\7example\3com\0", 17));
  EXPECT_EQ(a->wire(), b->wire());
  EXPECT_EQ(a->labelCount(), 3u);
  EXPECT_EQ(a->toText(), "www.example.com.");
  EXPECT_TRUE(Name::fromText(".")->isRoot());
  EXPECT_EQ(Name().toText(), ".");
}

TEST(NameTest, EscapesRoundTripThroughText) {
  auto n = Name::fromText("a\\.b.x\\032y.\\255.example");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->labelCount(), 4u);
  EXPECT_EQ(n->wire().substr(0, 4), std::string_view("\3a.b", 4));
  EXPECT_EQ(n->toText(), "a\\.b.x\\032y.\\255.example.");
  EXPECT_EQ(Name::fromText(n->toText())->wire(), n->wire());
}

TEST(NameTest, RejectsMalformedText) {
  EXPECT_EQ(Name::fromText("").error(), WireError::kBadName);
  EXPECT_EQ(Name::fromText("a..b").error(), WireError::kBadName);
  EXPECT_EQ(Name::fromText(".a").error(), WireError::kBadName);
  EXPECT_EQ(Name::fromText("a\\").error(), WireError::kBadName);
  EXPECT_EQ(Name::fromText("a\\25").error(), WireError::kBadName);
  EXPECT_EQ(Name::fromText("a\\256").error(), WireError::kBadName);
}

TEST(NameTest, EnforcesLabelAndNameLimits) {
  EXPECT_TRUE(Name::fromText(std::string(63, 'a') + ".com"));
  EXPECT_EQ(Name::fromText(std::string(64, 'a') + ".com").error(), WireError::kLabelTooLong);
  // 3 labels of 63 + one of 61 = 3*64 + 62 + root = 255 octets: the maximum.
  std::string l63(63, 'x');
  auto max = Name::fromText(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'y'));
  ASSERT_TRUE(max);
  EXPECT_EQ(max->wireSize(), 255u);
  EXPECT_EQ(Name::fromText(l63 + "." + l63 + "." + l63 + "." + std::string(62, 'y')).error(),
            WireError::kNameTooLong);
  EXPECT_EQ(max->prepend("a").error(), WireError::kNameTooLong);
}

TEST(NameTest, ComparesAndHashesCaseInsensitively) {
  auto a = name("WWW.Example.COM");
  auto b = name("www.example.com");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_NE(a.wire(), b.wire());  // case is preserved
  EXPECT_EQ(a.lowered().wire(), b.wire());
  EXPECT_FALSE(a == name("www.example.org"));
}

TEST(NameTest, SubdomainTestRespectsLabelBoundaries) {
  auto base = name("example.com");
  EXPECT_TRUE(name("a.b.EXAMPLE.com").isSubdomainOf(base));
  EXPECT_TRUE(name("example.com").isSubdomainOf(base));
  EXPECT_FALSE(name("xample.com").isSubdomainOf(base));
  EXPECT_FALSE(name("aexample.com").isSubdomainOf(base));
  EXPECT_FALSE(name("com").isSubdomainOf(base));
  EXPECT_TRUE(name("anything").isSubdomainOf(Name()));
}

TEST(NameTest, ParentPrependAndConcatBuildNames) {
  auto n = name("www.example.com");
  EXPECT_EQ(n.parent(), name("example.com"));
  EXPECT_EQ(n.parent().parent().parent(), Name());
  EXPECT_EQ(name("example.com").prepend("www").value(), n);
  EXPECT_EQ(name("www.example").concat(name("com")).value(), n);
  EXPECT_EQ(Name().concat(n).value(), n);
}

TEST(NameTest, CanonicalOrderFollowsRfc4034Section6_1) {
  // The example list of RFC 4034 §6.1, in canonical order.
  std::vector<std::string> ordered = {"example",         "a.example",      "yljkjljk.a.example",
                                      "Z.a.example",     "zABC.a.EXAMPLE", "z.example",
                                      "\\001.z.example", "*.z.example",    "\\200.z.example"};
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    EXPECT_LT(name(ordered[i]).canonicalCompare(name(ordered[i + 1])), 0)
        << ordered[i] << " < " << ordered[i + 1];
    EXPECT_GT(name(ordered[i + 1]).canonicalCompare(name(ordered[i])), 0);
  }
  EXPECT_EQ(name("Z.A.example").canonicalCompare(name("z.a.EXAMPLE")), 0);
}

TEST(NameTest, ReadsCompressedNamesAndAdvancesPastThePointer) {
  std::vector<uint8_t> msg(12, 0);
  append(msg, std::string_view("\7example\3com\0", 13));  // offset 12
  append(msg, std::string_view("\3www", 4));              // offset 25
  msg.push_back(0xc0);
  msg.push_back(12);
  msg.push_back(0xff);  // a byte after the name
  size_t offset = 25;
  auto n = Name::read(msg, offset);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, name("www.example.com"));
  EXPECT_EQ(offset, 31u);
  size_t first = 12;
  EXPECT_EQ(Name::read(msg, first).value(), name("example.com"));
  EXPECT_EQ(first, 25u);
}

TEST(NameTest, RejectsPointerLoops) {
  // A pointer to itself, and two pointers to each other.
  auto self = bytes({0, 0, 0xc0, 2});
  size_t offset = 2;
  EXPECT_EQ(Name::read(self, offset).error(), WireError::kBadPointer);

  auto pair = bytes({1, 'a', 0xc0, 4, 1, 'b', 0xc0, 0});
  offset = 4;  // "b" -> offset 0 "a" -> offset 4 "b" -> ...
  EXPECT_EQ(Name::read(pair, offset).error(), WireError::kBadPointer);

  // A label run that ends in a pointer back into itself.
  auto run = bytes({0, 0, 1, 'x', 0xc0, 2});
  offset = 2;
  EXPECT_EQ(Name::read(run, offset).error(), WireError::kBadPointer);
}

TEST(NameTest, RejectsForwardPointersAndPointersPastTheEnd) {
  auto forward = bytes({0xc0, 3, 0, 1, 'a', 0});
  size_t offset = 0;
  EXPECT_EQ(Name::read(forward, offset).error(), WireError::kBadPointer);
  auto past_end = bytes({0, 0, 0xc0, 0x50});
  offset = 2;
  EXPECT_EQ(Name::read(past_end, offset).error(), WireError::kBadPointer);
  auto half_pointer = bytes({0, 0xc0});
  offset = 1;
  EXPECT_EQ(Name::read(half_pointer, offset).error(), WireError::kTruncated);
}

TEST(NameTest, RejectsTruncatedLabelsAndReservedLabelTypes) {
  auto truncated = bytes({5, 'a', 'b'});
  size_t offset = 0;
  EXPECT_EQ(Name::read(truncated, offset).error(), WireError::kTruncated);
  auto no_root = bytes({1, 'a'});
  offset = 0;
  EXPECT_EQ(Name::read(no_root, offset).error(), WireError::kTruncated);
  auto extended = bytes({0x41, 0});
  offset = 0;
  EXPECT_EQ(Name::read(extended, offset).error(), WireError::kBadLabelType);
  offset = 10;
  EXPECT_EQ(Name::read(extended, offset).error(), WireError::kTruncated);
}

TEST(NameTest, RejectsDecompressedNamesLongerThan255Octets) {
  // 3 labels of 63 at offset 0 (193 octets), then a 63-octet label pointing to them: 257.
  std::vector<uint8_t> msg;
  for (int i = 0; i < 3; ++i) {
    msg.push_back(63);
    msg.insert(msg.end(), 63, 'a');
  }
  msg.push_back(0);
  size_t second = msg.size();
  msg.push_back(63);
  msg.insert(msg.end(), 63, 'b');
  msg.push_back(0xc0);
  msg.push_back(0);
  size_t offset = 0;
  EXPECT_TRUE(Name::read(msg, offset));
  offset = second;
  EXPECT_EQ(Name::read(msg, offset).error(), WireError::kNameTooLong);
}

TEST(NameTest, FromWireRequiresOneCompleteName) {
  EXPECT_TRUE(Name::fromWire(std::string_view("\1a\0", 3)));
  EXPECT_EQ(Name::fromWire(std::string_view("\1a\0\0", 4)).error(), WireError::kTrailingData);
  EXPECT_EQ(Name::fromWire(std::string_view("\2a", 2)).error(), WireError::kTruncated);
  EXPECT_EQ(Name::fromWire(std::string_view("\xc0\x0c", 2)).error(), WireError::kBadLabelType);
}

}  // namespace
}  // namespace cirrus::dnswire
