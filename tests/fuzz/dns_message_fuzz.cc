// libFuzzer target for the DNS message codec (src/dnswire) and answering (src/dns): parse
// arbitrary bytes, and for what parses check that writing and re-parsing gives the same message,
// that an authoritative answer fits its size limit, and that TSIG verification copes. Build and
// run: tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dns/answer.h"
#include "dns/tsig.h"
#include "dns/zone.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"

namespace {

using namespace cirrus::dns;
using namespace cirrus::dnswire;

[[noreturn]] void fail() {
  __builtin_trap();
}

Name name(const char* text) {
  return *Name::fromText(text);
}

const Zone& testZone() {
  static const Zone zone = [] {
    SoaRdata soa{name("ns1.cdn.test"), name("hostmaster.cdn.test"), 1, 3600, 600, 1209600, 60};
    Zone z(name("cdn.test"), soa, 3600);
    z.add(name("cdn.test"), RRType::kNs, 3600, encodeName(name("ns1.cdn.test")));
    z.add(name("ns1.cdn.test"), RRType::kA, 3600, encodeA({192, 0, 2, 53}));
    z.add(name("alias.cdn.test"), RRType::kCname, 60, encodeName(name("www.cdn.test")));
    for (int i = 0; i < 60; ++i) {
      z.add(name("www.cdn.test"), RRType::kA, 60, encodeA({10, 0, 0, static_cast<uint8_t>(i)}));
    }
    return z;
  }();
  return zone;
}

// Names compare case-insensitively: compression may point a name at an earlier spelling.
bool sameRecords(const std::vector<ResourceRecord>& a, const std::vector<ResourceRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].name == b[i].name) || a[i].type != b[i].type || a[i].rclass != b[i].rclass ||
        a[i].ttl != b[i].ttl) {
      return false;
    }
    if (hasCompressibleNames(a[i].type)) {
      if (!wireEqualsIgnoreCase(a[i].rdata, b[i].rdata)) return false;
    } else if (a[i].rdata != b[i].rdata) {
      return false;
    }
  }
  return true;
}

void checkRoundTrip(const Message& m) {
  auto wire = writeMessage(m);
  if (!wire) return;  // re-encoding may not fit where the input's compression did
  auto back = parseMessage(*wire);
  if (!back) fail();
  if (back->header.tc) return;  // some records were left out on purpose
  if (back->header.id != m.header.id || back->header.opcode != m.header.opcode ||
      back->header.rcode != m.header.rcode || back->questions.size() != m.questions.size() ||
      !sameRecords(back->answers, m.answers) || !sameRecords(back->authority, m.authority) ||
      !sameRecords(back->additional, m.additional) ||
      back->edns.has_value() != m.edns.has_value()) {
    fail();
  }
  for (size_t i = 0; i < m.questions.size(); ++i) {
    if (!(back->questions[i].name == m.questions[i].name)) fail();
  }
}

void checkAnswer(const Message& query, bool over_tcp) {
  if (query.header.qr) return;
  size_t limit = responseSizeLimit(query, over_tcp);
  Message response = answerQuery(testZone(), query, limit);
  auto wire = writeMessage(response, limit);
  if (!wire || wire->size() > limit) fail();
  auto back = parseMessage(*wire);
  if (!back || back->header.id != query.header.id || !back->header.qr) fail();
}

void checkTsig(std::span<const uint8_t> data, const Message& m) {
  static const std::vector<TsigKey> keys = {TsigKey{name("cirrus-key"), std::string(32, 'k')}};
  auto v = verifyRequest(data, m, keys, 1700000000);
  if (m.tsig && v.status == TsigStatus::kUnsigned) fail();
  TsigVerifier verifier(keys[0], v.request_mac);
  verifier.verify(data, m, 1700000000);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  auto m = parseMessage(input);
  if (!m) {
    auto formerr = formErrForUnparsable(input);
    if (formerr && formerr->size() != kHeaderSize) fail();
  } else {
    checkRoundTrip(*m);
    checkAnswer(*m, size % 2 == 0);
    checkTsig(input, *m);
  }
  // The same bytes as presentation text and as an uncompressed wire name.
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto n = Name::fromText(text)) {
    auto again = Name::fromText(n->toText());
    if (!again || !(*again == *n)) fail();
  }
  (void)Name::fromWire(text);
  return 0;
}
