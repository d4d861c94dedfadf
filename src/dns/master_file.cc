#include "dns/master_file.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "dnswire/rdata.h"

namespace cirrus::dns {
namespace {

struct Token {
  std::string text;
  bool quoted = false;
};

struct Line {
  size_t number = 0;  // of its first physical line
  bool owner_omitted = false;
  std::vector<Token> tokens;
};

// Splits the file into logical lines (RFC 1035 §5.1): comments removed, parenthesised groups
// joined, quoted strings kept as one token. Escapes stay in the token for Name::fromText.
Result<std::vector<Line>> splitLines(std::string_view text) {
  std::vector<Line> lines;
  Line current;
  size_t line_no = 1;
  int depth = 0;
  bool at_line_start = true;
  std::string token;
  bool in_token = false;
  auto flush = [&](bool quoted) {
    if (in_token || quoted) current.tokens.push_back({token, quoted});
    token.clear();
    in_token = false;
  };
  auto endLine = [&] {
    if (!current.tokens.empty()) lines.push_back(std::move(current));
    current = Line{};
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (at_line_start && depth == 0) {
      current.number = line_no;
      current.owner_omitted = (c == ' ' || c == '\t');
      at_line_start = false;
    }
    if (c == '"') {
      flush(false);
      std::string quoted;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) quoted += text[i++];
        if (text[i] == '\n') ++line_no;
        quoted += text[i];
      }
      if (i >= text.size()) {
        return badRequest("line " + std::to_string(line_no) + ": unterminated quoted string");
      }
      token = std::move(quoted);
      flush(true);
    } else if (c == '\\' && i + 1 < text.size()) {
      token += c;
      token += text[++i];
      in_token = true;
    } else if (c == ';') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '(') {
      flush(false);
      ++depth;
    } else if (c == ')') {
      flush(false);
      if (--depth < 0) return badRequest("line " + std::to_string(line_no) + ": unbalanced ')'");
    } else if (c == '\n') {
      flush(false);
      ++line_no;
      if (depth == 0) {
        endLine();
        at_line_start = true;
      }
    } else if (c == ' ' || c == '\t' || c == '\r') {
      flush(false);
    } else {
      token += c;
      in_token = true;
    }
  }
  flush(false);
  if (depth != 0) return badRequest("line " + std::to_string(line_no) + ": unbalanced '('");
  endLine();
  return lines;
}

// "3600", "1h", "2d12h", "1w" (BIND units, case-insensitive).
std::optional<uint32_t> parseTtl(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t total = 0;
  uint64_t number = 0;
  bool digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      number = number * 10 + static_cast<uint64_t>(c - '0');
      digits = true;
      if (number > 0xffffffffULL) return std::nullopt;
      continue;
    }
    uint64_t unit = 0;
    switch (dnswire::lowerAscii(c)) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'w':
        unit = 604800;
        break;
      default:
        return std::nullopt;
    }
    if (!digits) return std::nullopt;
    total += number * unit;
    if (total > 0x7fffffffULL) return std::nullopt;  // also keeps the sum from wrapping
    number = 0;
    digits = false;
  }
  total += number;
  if (total > 0x7fffffffULL) return std::nullopt;  // RFC 2181 §8
  return static_cast<uint32_t>(total);
}

std::optional<uint32_t> parseU32(std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (dnswire::lowerAscii(a[i]) != dnswire::lowerAscii(b[i])) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(const dnswire::Name& origin) : origin_(origin), zone_origin_(origin) {}

  Result<Zone> run(std::string_view text) {
    auto lines = splitLines(text);
    if (!lines) return lines.error();
    for (const Line& line : *lines) {
      line_ = line.number;
      if (auto r = parseLine(line); !r) return r.error();
    }
    return finish();
  }

 private:
  struct Record {
    size_t line;
    dnswire::Name owner;
    dnswire::RRType type;
    uint32_t ttl;
    std::string rdata;
  };

  Error fail(std::string_view why) const {
    return badRequest("line " + std::to_string(line_) + ": " + std::string(why));
  }

  Result<dnswire::Name> name(const std::string& text) const {
    if (text == "@") return origin_;
    auto parsed = dnswire::Name::fromText(text);
    if (!parsed) return fail("bad name '" + text + "'");
    if (isAbsolute(text)) return *parsed;
    auto full = parsed->concat(origin_);
    if (!full) return fail("name too long '" + text + "'");
    return *full;
  }

  Result<void> parseLine(const Line& line) {
    const auto& t = line.tokens;
    const std::string& first = t[0].text;
    if (!t[0].quoted && !first.empty() && first[0] == '$') {
      if (equalsIgnoreCase(first, "$ORIGIN") && t.size() == 2) {
        auto n = dnswire::Name::fromText(t[1].text);
        if (!n) return fail("bad $ORIGIN");
        origin_ = *n;
        return ok();
      }
      if (equalsIgnoreCase(first, "$TTL") && t.size() == 2) {
        default_ttl_ = parseTtl(t[1].text);
        if (!default_ttl_) return fail("bad $TTL");
        return ok();
      }
      return fail("unsupported directive '" + first + "'");
    }
    size_t i = 0;
    if (!line.owner_omitted) {
      auto owner = name(first);
      if (!owner) return owner.error();
      owner_ = *owner;
      i = 1;
    } else if (!owner_) {
      return fail("no previous owner");
    }
    std::optional<uint32_t> ttl;
    std::optional<dnswire::RRType> type;
    for (; i < t.size() && !type; ++i) {
      const std::string& s = t[i].text;
      if (!ttl && !s.empty() && s[0] >= '0' && s[0] <= '9') {
        ttl = parseTtl(s);
        if (!ttl) return fail("bad TTL '" + s + "'");
      } else if (equalsIgnoreCase(s, "IN")) {
        continue;
      } else if (equalsIgnoreCase(s, "CH") || equalsIgnoreCase(s, "HS") ||
                 equalsIgnoreCase(s, "CS")) {
        return fail("only class IN is served");
      } else {
        type = dnswire::rrTypeFromText(s);
        if (!type) return fail("unknown type '" + s + "'");
      }
    }
    if (!type) return fail("no type");
    if (!ttl) ttl = default_ttl_ ? default_ttl_ : last_ttl_;
    if (!ttl) return fail("no TTL and no $TTL before it");
    last_ttl_ = ttl;
    std::vector<Token> rest(t.begin() + static_cast<std::ptrdiff_t>(i), t.end());
    auto rdata = encode(*type, rest);
    if (!rdata) return rdata.error();
    records_.push_back({line_, *owner_, *type, *ttl, std::move(*rdata)});
    return ok();
  }

  Result<std::string> encode(dnswire::RRType type, const std::vector<Token>& r) {
    auto need = [&](size_t n) -> Result<void> {
      if (r.size() != n) return fail(toString(type) + " needs " + std::to_string(n) + " fields");
      return ok();
    };
    if (!r.empty() && r[0].text == "\\#" && !r[0].quoted) {  // RFC 3597 §5
      if (r.size() < 2) return fail("\\# needs a length");
      auto len = parseU32(r[1].text);
      std::string hex;
      for (size_t k = 2; k < r.size(); ++k) hex += r[k].text;
      if (!len || hex.size() != 2 * *len) return fail("\\# length does not match the data");
      std::string out;
      for (size_t k = 0; k < hex.size(); k += 2) {
        unsigned v = 0;
        auto [p, ec] = std::from_chars(hex.data() + k, hex.data() + k + 2, v, 16);
        if (ec != std::errc() || p != hex.data() + k + 2) return fail("bad hex");
        out += static_cast<char>(v);
      }
      if (!dnswire::validateRdata(type, out)) return fail("malformed " + toString(type) + " data");
      return out;
    }
    switch (type) {
      case dnswire::RRType::kA: {
        if (auto r1 = need(1); !r1) return r1.error();
        auto v = dnswire::encodeAFromText(r[0].text);
        if (!v) return fail("bad IPv4 address '" + r[0].text + "'");
        return *v;
      }
      case dnswire::RRType::kAaaa: {
        if (auto r1 = need(1); !r1) return r1.error();
        auto v = dnswire::encodeAaaaFromText(r[0].text);
        if (!v) return fail("bad IPv6 address '" + r[0].text + "'");
        return *v;
      }
      case dnswire::RRType::kNs:
      case dnswire::RRType::kCname:
      case dnswire::RRType::kPtr: {
        if (auto r1 = need(1); !r1) return r1.error();
        auto n = name(r[0].text);
        if (!n) return n.error();
        return dnswire::encodeName(*n);
      }
      case dnswire::RRType::kMx: {
        if (auto r1 = need(2); !r1) return r1.error();
        auto pref = parseU32(r[0].text);
        auto n = name(r[1].text);
        if (!pref || *pref > 0xffff) return fail("bad MX preference");
        if (!n) return n.error();
        return dnswire::encodeMx({static_cast<uint16_t>(*pref), *n});
      }
      case dnswire::RRType::kTxt: {
        std::vector<std::string> strings;
        for (const auto& tok : r) {
          auto text = unescape(tok.text);
          if (!text) return fail("bad \\DDD escape in '" + tok.text + "' (at most \\255)");
          strings.push_back(std::move(*text));
        }
        auto v = dnswire::encodeTxt(strings);
        if (!v) return fail("bad TXT data");
        return *v;
      }
      case dnswire::RRType::kSoa: {
        if (auto r1 = need(7); !r1) return r1.error();
        auto mname = name(r[0].text);
        if (!mname) return mname.error();
        auto rname = name(r[1].text);
        if (!rname) return rname.error();
        dnswire::SoaRdata soa{*mname, *rname, 0, 0, 0, 0, 0};
        auto serial = parseU32(r[2].text);
        if (!serial) return fail("bad SOA serial");
        soa.serial = *serial;
        uint32_t* fields[] = {&soa.refresh, &soa.retry, &soa.expire, &soa.minimum};
        for (size_t k = 0; k < 4; ++k) {
          auto v = parseTtl(r[3 + k].text);
          if (!v) return fail("bad SOA timer '" + r[3 + k].text + "'");
          *fields[k] = *v;
        }
        return dnswire::encodeSoa(soa);
      }
      default:
        return fail("type " + toString(type) + " needs the \\# form (RFC 3597)");
    }
  }

  // A name is absolute when it ends with an unescaped dot. Backslashes right before the final
  // dot escape each other in pairs; only an odd run escapes the dot.
  static bool isAbsolute(const std::string& text) {
    if (text.empty() || text.back() != '.') return false;
    size_t backslashes = 0;
    for (size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++backslashes;
    return backslashes % 2 == 0;
  }

  // Presentation escapes inside a character-string: "\X" is X, "\DDD" is that octet (at most
  // 255, RFC 1035 §5.1); nullopt for a larger \DDD.
  static std::optional<std::string> unescape(const std::string& s) {
    std::string out;
    for (size_t k = 0; k < s.size(); ++k) {
      if (s[k] != '\\' || k + 1 >= s.size()) {
        out += s[k];
        continue;
      }
      if (k + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[k + 1])) &&
          std::isdigit(static_cast<unsigned char>(s[k + 2])) &&
          std::isdigit(static_cast<unsigned char>(s[k + 3]))) {
        int octet = (s[k + 1] - '0') * 100 + (s[k + 2] - '0') * 10 + (s[k + 3] - '0');
        if (octet > 255) return std::nullopt;
        out += static_cast<char>(octet);
        k += 3;
      } else {
        out += s[++k];
      }
    }
    return out;
  }

  Result<Zone> finish() {
    const Record* soa = nullptr;
    for (const auto& rec : records_) {
      if (rec.type != dnswire::RRType::kSoa) continue;
      line_ = rec.line;
      if (!(rec.owner == zone_origin_)) return fail("SOA outside the zone apex");
      if (soa != nullptr) return fail("more than one SOA");
      soa = &rec;
    }
    if (soa == nullptr) return badRequest("no SOA record at " + zone_origin_.toText());
    auto soa_data = dnswire::decodeSoa(soa->rdata);
    if (!soa_data) return badRequest("bad SOA");
    Zone zone(zone_origin_, *soa_data, soa->ttl);
    for (const auto& rec : records_) {
      if (rec.type == dnswire::RRType::kSoa) continue;
      line_ = rec.line;
      if (rec.owner.wire().size() > 1 && rec.owner.wire()[0] == 1 && rec.owner.wire()[1] == '*') {
        return fail("wildcards are not served");
      }
      if (rec.type == dnswire::RRType::kNs && !(rec.owner == zone_origin_)) {
        return fail("delegations (NS below the apex) are not served");
      }
      switch (zone.add(rec.owner, rec.type, rec.ttl, rec.rdata)) {
        case AddStatus::kAdded:
        case AddStatus::kDuplicate:
          break;
        case AddStatus::kOutOfZone:
          return fail("owner " + rec.owner.toText() + " is outside the zone");
        case AddStatus::kMetaType:
          return fail("meta type in a zone");
        case AddStatus::kBadRdata:
          return fail("malformed data");
        case AddStatus::kCnameConflict:
          return fail("CNAME beside other data at " + rec.owner.toText());
        case AddStatus::kSoaNotAllowed:
          return fail("SOA not allowed here");
      }
    }
    return zone;
  }

  dnswire::Name origin_;
  const dnswire::Name zone_origin_;
  std::optional<dnswire::Name> owner_;
  std::optional<uint32_t> default_ttl_;
  std::optional<uint32_t> last_ttl_;
  size_t line_ = 0;
  std::vector<Record> records_;
};

}  // namespace

Result<Zone> parseMasterFile(std::string_view text, const dnswire::Name& origin) {
  return Parser(origin.lowered()).run(text);
}

Result<Zone> loadMasterFile(const std::string& path, const dnswire::Name& origin) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return badRequest("cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto zone = parseMasterFile(buffer.str(), origin);
  if (!zone) return badRequest(path + ": " + zone.error().context());
  return zone;
}

}  // namespace cirrus::dns
