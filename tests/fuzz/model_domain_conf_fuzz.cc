// libFuzzer target for DomainConf (src/model/domain_conf.cc): bytes become JSON (nothrow) and go
// through parseDomainConf() as the API and edge call it, and through parseStoredDomainConf() as
// the edge and DNS read Redis. For every accepted conf: toJson() re-parses to an equal conf,
// serialising is idempotent, and validate() agrees with the parser. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/domain_conf.h"

namespace {

using namespace cirrus::model;

[[noreturn]] void fail() {
  __builtin_trap();
}

// An accepted conf must survive its canonical form: the API stores toJson(conf) and every
// reader parses that text again, so a conf that does not round-trip changes behind the
// operator's back (or, if rejected, takes the domain dark on the edge).
void checkAccepted(const DomainConf& conf) {
  if (!validate(conf).empty()) fail();
  nlohmann::json canonical = toJson(conf);
  auto again = parseDomainConf(canonical);
  if (!again.ok() || !(again.value == conf)) fail();
  if (toJson(again.value) != canonical) fail();
  // PUT domains/{domain} with the body's own domain in the path is the same request.
  auto put = parseDomainConf(canonical, conf.domain);
  if (!put.ok() || !(put.value == conf)) fail();
  // The stored document is the dumped text.
  auto stored = parseStoredDomainConf(canonical.dump());
  if (!stored.ok() || !(stored.value == conf)) fail();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = nlohmann::json::parse(text, nullptr, false);
  if (!body.is_discarded()) {
    auto parsed = parseDomainConf(body);
    if (parsed.ok()) checkAccepted(parsed.value);
    // Ignoring unknown members can only accept more, never reject an API-valid body.
    auto lenient = parseDomainConf(body, {}, UnknownFields::kIgnore);
    if (parsed.ok() && (!lenient.ok() || !(lenient.value == parsed.value))) fail();
    if (lenient.ok()) checkAccepted(lenient.value);
  }
  // The stored-document reader takes the raw text (a syntax error is one json_invalid error).
  auto stored = parseStoredDomainConf(text);
  if (stored.ok()) {
    if (body.is_discarded()) fail();
    checkAccepted(stored.value);
  } else if (stored.errors.empty()) {
    fail();
  }
  return 0;
}
