// libFuzzer target for static zone files (src/dns/master_file.cc), which operators write by
// hand. Checks: no crash / UB / leak; every record of an accepted zone has RDATA the dnswire
// codec validates; and the zone written back as a master file (one "owner ttl IN type rdata"
// line per record, from Name::toText and rdataToText) parses to the same zone. The origin is
// fixed ("example.test."); see tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dns/master_file.h"
#include "dns/zone.h"
#include "dnswire/name.h"
#include "dnswire/rdata.h"
#include "dnswire/rr_type.h"

namespace {

using namespace cirrus::dns;
using namespace cirrus::dnswire;

[[noreturn]] void fail() {
  __builtin_trap();
}

const Name& origin() {
  static const Name name = *Name::fromText("example.test.");
  return name;
}

// The zone in presentation form: absolute names, explicit TTL and class on every line.
std::string writeMasterFile(const Zone& zone) {
  std::string out;
  for (const RRsetRef& ref : zone.sortedRRsets()) {
    for (std::string_view rdata : *ref.rrset) {
      out += ref.owner->toText() + " " + std::to_string(ref.rrset->ttl()) + " IN " +
             toString(ref.rrset->type()) + " " + rdataToText(ref.rrset->type(), rdata) + "\n";
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto zone = parseMasterFile(text, origin());
  if (!zone) {
    // Errors name the line (or the missing SOA) so an operator can find them.
    std::string why = zone.error().context();
    if (!why.starts_with("line ") && !why.starts_with("no SOA")) fail();
    return 0;
  }
  if (!(zone->apex() == origin())) fail();
  size_t records = 0;
  zone->forEachRRset([&](const Name& owner, const RRset& rrset) {
    if (!owner.isSubdomainOf(origin())) fail();
    if (isMetaType(rrset.type())) fail();
    for (std::string_view rdata : rrset) {
      if (!validateRdata(rrset.type(), rdata)) fail();
      ++records;
    }
  });
  if (records != zone->recordCount()) fail();
  std::string written = writeMasterFile(*zone);
  auto again = parseMasterFile(written, origin());
  if (!again || !again->sameContent(*zone) || again->serial() != zone->serial()) fail();
  return 0;
}
