#include "model/acme_status.h"

#include <array>

#include "model/object_reader.h"

namespace cirrus::model {

namespace {

using nlohmann::json;

constexpr std::array<EnumName<AcmeState>, 4> kStates = {{
    {"pending", AcmeState::kPending},
    {"running", AcmeState::kRunning},
    {"issued", AcmeState::kIssued},
    {"failed", AcmeState::kFailed},
}};

}  // namespace

std::string_view toString(AcmeState state) {
  return enumName<AcmeState>(kStates, state);
}

std::string acmeChallengeName(std::string_view domain) {
  std::string out = "_acme-challenge.";
  out.append(domain);
  return out;
}

json toApiJson(std::string_view domain, const AcmeStatus& status) {
  json cname = nullptr;
  if (!status.fulldomain.empty()) {
    cname = {{"name", acmeChallengeName(domain)}, {"target", status.fulldomain}};
  }
  return {{"domain", domain},
          {"status", toString(status.status)},
          {"error", status.error.empty() ? json(nullptr) : json(status.error)},
          {"updated_at", status.updated_at},
          {"issued_at", status.issued_at == 0 ? json(nullptr) : json(status.issued_at)},
          {"username", status.username},
          {"subdomain", status.subdomain},
          {"fulldomain", status.fulldomain},
          {"cname", std::move(cname)}};
}

HashFields toHash(const AcmeStatus& status) {
  return {{"status", std::string(toString(status.status))},
          {"error", status.error},
          {"updated_at", std::to_string(status.updated_at)},
          {"issued_at", std::to_string(status.issued_at)},
          {"username", status.username},
          {"password", status.password},
          {"subdomain", status.subdomain},
          {"fulldomain", status.fulldomain}};
}

Validated<AcmeStatus> acmeStatusFromHash(const HashMap& fields) {
  Validated<AcmeStatus> result;
  AcmeStatus& s = result.value;
  HashReader h(fields, result.errors);
  std::string state = h.string("status");
  if (state.empty()) {
    s.status = AcmeState::kPending;
  } else if (auto parsed = lookupEnum<AcmeState>(kStates, state)) {
    s.status = *parsed;
  } else {
    s.status = AcmeState::kFailed;
    result.errors.push_back(FieldError::enumeration({"status"}, enumSpellings<AcmeState>(kStates)));
  }
  s.error = h.string("error");
  s.updated_at = h.time("updated_at");
  s.issued_at = h.time("issued_at");
  s.username = h.string("username");
  s.password = h.string("password");
  s.subdomain = h.string("subdomain");
  s.fulldomain = h.string("fulldomain");
  return result;
}

}  // namespace cirrus::model
