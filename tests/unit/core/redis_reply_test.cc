// redis::Reply conversions and the RESP codec (redis_protocol.h), without a server.
#include "core/redis_reply.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/redis_protocol.h"

namespace cirrus::redis {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<Reply> decodeAll(ReplyReader& reader) {
  std::vector<Reply> out;
  for (;;) {
    auto next = reader.next();
    EXPECT_TRUE(next) << next.error().message();
    if (!next || !*next) return out;
    out.push_back(std::move(**next));
  }
}

TEST(ReplyReaderTest, DecodesEveryRespTypeFedOneByteAtATime) {
  constexpr char kWire[] =
      "+OK\r\n$-1\r\n:-42\r\n-ERR bad thing\r\n$3\r\na\0b\r\n*3\r\n$1\r\nx\r\n*1\r\n:1\r\n$-1\r\n"
      "*-1\r\n*0\r\n";
  const std::string bytes(kWire, sizeof kWire - 1);
  ReplyReader reader;
  std::vector<Reply> replies;
  for (char c : bytes) {
    ASSERT_TRUE(reader.feed(std::string_view(&c, 1)));
    auto more = decodeAll(reader);
    replies.insert(replies.end(), more.begin(), more.end());
  }
  ASSERT_EQ(replies.size(), 8u);
  EXPECT_TRUE(replies[0].isStatus("OK"));
  EXPECT_TRUE(replies[1].isNil());
  EXPECT_EQ(replies[2], Reply::integer(-42));
  EXPECT_EQ(replies[3], Reply::error("ERR bad thing"));
  EXPECT_EQ(replies[4], Reply::string(std::string("a\0b", 3)));
  EXPECT_EQ(replies[5],
            Reply::array({Reply::string("x"), Reply::array({Reply::integer(1)}), Reply::nil()}));
  EXPECT_TRUE(replies[6].isNil());  // RESP2 null array, e.g. EXEC after a WATCH abort
  EXPECT_EQ(replies[7], Reply::array({}));
}

TEST(ReplyReaderTest, WaitsForTheRestOfASplitBulkString) {
  ReplyReader reader;
  ASSERT_TRUE(reader.feed("$10\r\nhello"));
  auto first = reader.next();
  ASSERT_TRUE(first);
  EXPECT_FALSE(*first);
  ASSERT_TRUE(reader.feed("world\r\n"));
  auto second = reader.next();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->str(), "helloworld");
}

TEST(ReplyReaderTest, GarbageIsAStickyProtocolError) {
  ReplyReader reader;
  ASSERT_TRUE(reader.feed("?what\r\n"));
  auto bad = reader.next();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kProtocol);
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.feed("+OK\r\n"));
}

TEST(AppendCommandTest, EncodesArgvAsBinarySafeMultiBulk) {
  std::string out = "prefix";
  appendCommand(out, {"SET", "k", std::string("a\0b", 3)});
  constexpr char kExpected[] = "prefix*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na\0b\r\n";
  EXPECT_EQ(out, std::string(kExpected, sizeof kExpected - 1));
}

TEST(ReplyTest, ToMapPairsFieldsAndValues) {
  auto map =
      Reply::array({Reply::string("a"), Reply::string("1"), Reply::string("b"), Reply::string("2")})
          .toMap();
  ASSERT_TRUE(map);
  EXPECT_THAT(*map, ElementsAre(Pair("a", "1"), Pair("b", "2")));
  auto empty = Reply::nil().toMap();
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(ReplyTest, ToMapRejectsAnOddNumberOfElements) {
  auto map = Reply::array({Reply::string("a")}).toMap();
  ASSERT_FALSE(map);
  EXPECT_EQ(map.error().code(), ErrorCode::kProtocol);
}

TEST(ReplyTest, ToStringVectorAcceptsScalarsAndRejectsNilElements) {
  auto v =
      Reply::array({Reply::string("a"), Reply::status("OK"), Reply::integer(7)}).toStringVector();
  ASSERT_TRUE(v);
  EXPECT_THAT(*v, ElementsAre("a", "OK", "7"));
  EXPECT_FALSE(Reply::array({Reply::nil()}).toStringVector());
  EXPECT_FALSE(Reply::integer(1).toStringVector());
}

TEST(ReplyTest, ToOptionalStringVectorKeepsNilsForMget) {
  auto v = Reply::array({Reply::string("a"), Reply::nil()}).toOptionalStringVector();
  ASSERT_TRUE(v);
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0], "a");
  EXPECT_FALSE((*v)[1].has_value());
}

TEST(ReplyTest, ToIntegerReadsIntegersAndDecimalBulkStrings) {
  EXPECT_EQ(Reply::integer(5).toInteger().value(), 5);
  EXPECT_EQ(Reply::string("-12").toInteger().value(), -12);
  EXPECT_FALSE(Reply::string("12x").toInteger());
  EXPECT_FALSE(Reply::string("").toInteger());
  EXPECT_FALSE(Reply::nil().toInteger());
}

TEST(ReplyTest, ToOptionalStringMapsNilToNullopt) {
  auto nil = Reply::nil().toOptionalString();
  ASSERT_TRUE(nil);
  EXPECT_FALSE(nil->has_value());
  EXPECT_EQ(Reply::string("v").toOptionalString().value(), "v");
  EXPECT_FALSE(Reply::integer(1).toOptionalString());
}

TEST(ReplyTest, ConvertingAnErrorReplyReportsTheServerMessage) {
  auto v = Reply::error("WRONGTYPE Operation against a key").toInteger();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), ErrorCode::kRedisReply);
  EXPECT_EQ(v.error().context(), "WRONGTYPE Operation against a key");
}

TEST(ReplyTest, DebugStringEscapesBytes) {
  auto r = Reply::array({Reply::string(std::string("a\"\0\n", 4)), Reply::nil(), Reply::integer(3),
                         Reply::error("ERR x"), Reply::status("OK")});
  EXPECT_EQ(r.debugString(), R"(["a\"\x00\n", nil, 3, (error) ERR x, +OK])");
}

}  // namespace
}  // namespace cirrus::redis
