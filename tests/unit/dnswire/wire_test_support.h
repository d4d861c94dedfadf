// Helpers shared by the dnswire/ and dns/ unit tests: hex conversion, the golden vector files in
// tests/data/dns/ and the message dump format of gen_wire_vectors.py.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "dnswire/message.h"
#include "dnswire/rdata.h"

namespace cirrus::dnswire::testing {

inline std::vector<uint8_t> fromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    return static_cast<uint8_t>(c - 'A' + 10);
  };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return out;
}

inline std::string toHex(const std::vector<uint8_t>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

inline std::string dataPath(std::string_view file) {
  return std::string(CIRRUS_SOURCE_DIR) + "/tests/data/dns/" + std::string(file);
}

/// One `vector <name> / wire <hex> / dump ... / end` block of wire_vectors.txt.
struct WireVector {
  std::string name;
  std::vector<uint8_t> wire;
  std::vector<std::string> dump;
};

inline std::vector<WireVector> loadWireVectors() {
  std::ifstream in(dataPath("wire_vectors.txt"));
  std::vector<WireVector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("vector ", 0) == 0) {
      out.push_back({line.substr(7), {}, {}});
    } else if (line.rfind("wire ", 0) == 0 && !out.empty()) {
      out.back().wire = fromHex(line.substr(5));
    } else if (line.rfind("dump ", 0) == 0 && !out.empty()) {
      out.back().dump.push_back(line.substr(5));
    }
  }
  return out;
}

/// The dump format of gen_wire_vectors.py.
inline std::vector<std::string> dumpMessage(const Message& m) {
  std::vector<std::string> out;
  const Header& h = m.header;
  out.push_back("header id=" + std::to_string(h.id) + " qr=" + std::to_string(h.qr) + " opcode=" +
                std::to_string(static_cast<int>(h.opcode)) + " aa=" + std::to_string(h.aa) +
                " tc=" + std::to_string(h.tc) + " rd=" + std::to_string(h.rd) +
                " ra=" + std::to_string(h.ra) + " ad=" + std::to_string(h.ad) +
                " cd=" + std::to_string(h.cd) + " rcode=" + std::to_string(h.rcode));
  for (const auto& q : m.questions) {
    out.push_back("question " + q.name.toText() + " " + toString(q.type) + " " +
                  toString(q.rclass));
  }
  auto section = [&](const char* label, const std::vector<ResourceRecord>& records) {
    for (const auto& rr : records) {
      out.push_back(std::string(label) + " " + rr.name.toText() + " " + std::to_string(rr.ttl) +
                    " " + toString(rr.rclass) + " " + toString(rr.type) + " " +
                    rdataToText(rr.type, rr.rdata));
    }
  };
  section("answer", m.answers);
  section("authority", m.authority);
  section("additional", m.additional);
  if (m.edns) {
    std::string opts;
    for (const auto& o : m.edns->options) {
      if (!opts.empty()) opts += ',';
      opts += std::to_string(o.code) + ":" + toHex({o.data.begin(), o.data.end()});
    }
    out.push_back("edns payload=" + std::to_string(m.edns->udp_payload_size) + " version=" +
                  std::to_string(m.edns->version) + " do=" + std::to_string(m.edns->dnssec_ok) +
                  " extrcode=" + std::to_string(m.edns->extended_rcode) +
                  " z=" + std::to_string(m.edns->z) + " options=" + opts);
  }
  return out;
}

inline Name name(std::string_view text) {
  return Name::fromText(text).value();
}

}  // namespace cirrus::dnswire::testing
