#include "dnswire/message.h"

#include "dnswire/rdata.h"

namespace cirrus::dnswire {

Rcode responseCode(const Message& m) {
  uint16_t high = m.edns ? m.edns->extended_rcode : 0;
  return static_cast<Rcode>((high << 4) | (m.header.rcode & 0x0f));
}

void setResponseCode(Message& m, Rcode rcode) {
  auto v = static_cast<uint16_t>(rcode);
  m.header.rcode = static_cast<uint8_t>(v & 0x0f);
  if (m.edns) m.edns->extended_rcode = static_cast<uint8_t>(v >> 4);
}

std::optional<Name> cnameTarget(const Message& m, const Name& name) {
  for (const auto& rr : m.answers) {
    if (rr.type != RRType::kCname || rr.rclass != RRClass::kIn || !(rr.name == name)) continue;
    auto target = decodeName(rr.rdata);
    if (target) return std::move(*target);
  }
  return std::nullopt;
}

}  // namespace cirrus::dnswire
