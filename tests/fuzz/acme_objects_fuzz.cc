// libFuzzer target for what an ACME CA sends back (src/acme/acme_objects.cc): the input, as
// JSON, goes through parseDirectory, parseOrder, parseAuthorization and parseProblem. Checks:
// no crash / UB / leak; every URL, token and status the client keeps is a string the CA sent
// (nothing made up, nothing truncated); statuses read back as they were sent; describe() and
// describeFailure() stay on one line. parseRetryAfter (acme_client.cc) is left out: linking it
// drags in the coroutine HTTP client, which clang 14 fails to build with -g and the sanitizers
// ("Cannot represent a difference across sections"); its HTTP-date half is fuzzed by
// cache_control_fuzz. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acme/acme_objects.h"

namespace {

using namespace cirrus::acme;
using nlohmann::json;

[[noreturn]] void fail() {
  __builtin_trap();
}

// Every string value anywhere in the document (object keys excluded).
void collectStrings(const json& v, std::set<std::string>& out) {
  if (v.is_string()) {
    out.insert(v.get<std::string>());
  } else if (v.is_structured()) {
    for (const auto& item : v) collectStrings(item, out);
  }
}

struct Sent {
  std::set<std::string> strings;
  // An optional member the parser may leave empty, else one of the input's strings (which
  // may itself be empty: a CA can send "type": "").
  void check(const std::string& s, bool may_be_empty = true) const {
    if (s.empty() && may_be_empty) return;
    if (strings.count(s) == 0) fail();
  }
};

void checkOneLine(const std::string& s) {
  if (s.find_first_of("\r\n") != std::string::npos) fail();
}

// A subproblem is kept when it has a "type" member of any JSON type (then read as ""); a
// problem itself needs a string type.
void checkProblem(const Problem& p, const Sent& sent, bool top = true) {
  sent.check(p.type, /*may_be_empty=*/!top);
  sent.check(p.detail);
  for (const auto& sub : p.subproblems) checkProblem(sub, sent, false);
  checkOneLine(describe(p));
  if (problemName(p).size() > p.type.size()) fail();
  if (isBadNonce(p) && !isRetryableProblem(p)) fail();
}

void checkObjects(const json& body, const Sent& sent) {
  if (auto d = parseDirectory(body)) {
    sent.check(d->new_nonce, false);
    sent.check(d->new_account, false);
    sent.check(d->new_order, false);
    sent.check(d->revoke_cert);
    sent.check(d->terms_of_service);
  } else if (d.error().message().empty()) {
    fail();
  }
  if (auto o = parseOrder(body)) {
    if (body.value("status", std::string()) != toString(o->status)) fail();
    sent.check(o->finalize, false);
    sent.check(o->certificate);
    for (const auto& url : o->authorizations) sent.check(url);
    for (const auto& id : o->identifiers) sent.check(id);
    if (o->error) checkProblem(*o->error, sent);
  }
  if (auto a = parseAuthorization(body)) {
    if (body.value("status", std::string()) != toString(a->status)) fail();
    sent.check(a->identifier);
    for (const auto& c : a->challenges) {
      sent.check(c.type);
      sent.check(c.url);
      sent.check(c.token);
      sent.check(c.status);
      if (c.error) checkProblem(*c.error, sent);
      if (findChallenge(*a, c.type) == nullptr) fail();
    }
    checkOneLine(describeFailure(*a));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  json body = json::parse(text, nullptr, false);
  if (!body.is_discarded()) {
    Sent sent;
    collectStrings(body, sent.strings);
    checkObjects(body, sent);
    if (auto p = parseProblem(text)) {
      checkProblem(*p, sent);
      if (!body.is_object()) fail();
    }
  } else if (parseProblem(text)) {
    fail();  // not JSON, so not a problem document
  }
  return 0;
}
