#include "acme/acme_objects.h"

#include <array>
#include <utility>

#include "core/error.h"

namespace cirrus::acme {

namespace {

constexpr std::string_view kErrorPrefix = "urn:ietf:params:acme:error:";

// A required string member, or nullopt.
std::optional<std::string> stringMember(const nlohmann::json& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string optionalString(const nlohmann::json& object, std::string_view name) {
  return stringMember(object, name).value_or("");
}

Problem problemFrom(const nlohmann::json& object) {
  Problem p;
  p.type = optionalString(object, "type");
  p.detail = optionalString(object, "detail");
  if (auto it = object.find("status"); it != object.end() && it->is_number_integer()) {
    p.status = it->get<int>();
  }
  if (auto it = object.find("subproblems"); it != object.end() && it->is_array()) {
    for (const auto& sub : *it) {
      if (sub.is_object() && sub.contains("type")) p.subproblems.push_back(problemFrom(sub));
    }
  }
  return p;
}

template <typename Enum, size_t N>
std::optional<Enum> enumFrom(const std::array<std::pair<std::string_view, Enum>, N>& table,
                             std::string_view text) {
  for (const auto& [name, value] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
std::string_view enumName(const std::array<std::pair<std::string_view, Enum>, N>& table,
                          Enum value) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<std::string_view, OrderStatus>, 5> kOrderStatuses{{
    {"pending", OrderStatus::kPending},
    {"ready", OrderStatus::kReady},
    {"processing", OrderStatus::kProcessing},
    {"valid", OrderStatus::kValid},
    {"invalid", OrderStatus::kInvalid},
}};

constexpr std::array<std::pair<std::string_view, AuthorizationStatus>, 6> kAuthzStatuses{{
    {"pending", AuthorizationStatus::kPending},
    {"valid", AuthorizationStatus::kValid},
    {"invalid", AuthorizationStatus::kInvalid},
    {"deactivated", AuthorizationStatus::kDeactivated},
    {"expired", AuthorizationStatus::kExpired},
    {"revoked", AuthorizationStatus::kRevoked},
}};

}  // namespace

Result<Directory> parseDirectory(const nlohmann::json& body) {
  if (!body.is_object()) return upstreamProtocol("ACME directory is not a JSON object");
  Directory d;
  const std::array<std::pair<std::string_view, std::string*>, 3> required{{
      {"newNonce", &d.new_nonce},
      {"newAccount", &d.new_account},
      {"newOrder", &d.new_order},
  }};
  for (const auto& [name, field] : required) {
    auto value = stringMember(body, name);
    if (!value || value->empty()) {
      return upstreamProtocol("ACME directory has no " + std::string(name));
    }
    *field = std::move(*value);
  }
  d.revoke_cert = optionalString(body, "revokeCert");
  if (auto meta = body.find("meta"); meta != body.end() && meta->is_object()) {
    d.terms_of_service = optionalString(*meta, "termsOfService");
    if (auto ear = meta->find("externalAccountRequired"); ear != meta->end() && ear->is_boolean()) {
      d.external_account_required = ear->get<bool>();
    }
  }
  return d;
}

std::optional<Problem> parseProblem(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !stringMember(json, "type")) return std::nullopt;
  return problemFrom(json);
}

std::optional<Problem> problemMember(const nlohmann::json& object, std::string_view member) {
  auto it = object.find(member);
  if (it == object.end() || !it->is_object() || !stringMember(*it, "type")) return std::nullopt;
  return problemFrom(*it);
}

std::string_view problemName(const Problem& problem) {
  std::string_view type = problem.type;
  if (type.starts_with(kErrorPrefix)) type.remove_prefix(kErrorPrefix.size());
  return type;
}

std::string describe(const Problem& problem) {
  std::string out(problemName(problem));
  if (!problem.detail.empty()) out += ": " + problem.detail;
  for (const auto& sub : problem.subproblems) out += " [" + describe(sub) + "]";
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

bool isBadNonce(const Problem& problem) {
  return problemName(problem) == "badNonce";
}

bool isRetryableProblem(const Problem& problem) {
  std::string_view name = problemName(problem);
  if (name == "badNonce" || name == "rateLimited" || name == "serverInternal" ||
      name == "connection" || name == "dns") {
    return true;
  }
  return problem.status >= 500;
}

std::string_view toString(OrderStatus status) {
  return enumName(kOrderStatuses, status);
}
std::string_view toString(AuthorizationStatus status) {
  return enumName(kAuthzStatuses, status);
}

Result<Order> parseOrder(const nlohmann::json& body) {
  if (!body.is_object()) return upstreamProtocol("ACME order is not a JSON object");
  Order o;
  auto status = stringMember(body, "status");
  auto parsed = status ? enumFrom(kOrderStatuses, *status) : std::nullopt;
  if (!parsed) return upstreamProtocol("ACME order has no valid status");
  o.status = *parsed;
  auto authz = body.find("authorizations");
  if (authz == body.end() || !authz->is_array()) {
    return upstreamProtocol("ACME order has no authorizations");
  }
  for (const auto& url : *authz) {
    if (!url.is_string()) return upstreamProtocol("ACME order authorization is not a URL");
    o.authorizations.push_back(url.get<std::string>());
  }
  auto finalize = stringMember(body, "finalize");
  if (!finalize || finalize->empty()) return upstreamProtocol("ACME order has no finalize URL");
  o.finalize = std::move(*finalize);
  o.certificate = optionalString(body, "certificate");
  if (auto ids = body.find("identifiers"); ids != body.end() && ids->is_array()) {
    for (const auto& id : *ids) {
      if (id.is_object()) o.identifiers.push_back(optionalString(id, "value"));
    }
  }
  o.error = problemMember(body, "error");
  return o;
}

Result<Authorization> parseAuthorization(const nlohmann::json& body) {
  if (!body.is_object()) return upstreamProtocol("ACME authorization is not a JSON object");
  Authorization a;
  auto status = stringMember(body, "status");
  auto parsed = status ? enumFrom(kAuthzStatuses, *status) : std::nullopt;
  if (!parsed) return upstreamProtocol("ACME authorization has no valid status");
  a.status = *parsed;
  auto id = body.find("identifier");
  if (id == body.end() || !id->is_object() || !stringMember(*id, "value")) {
    return upstreamProtocol("ACME authorization has no identifier");
  }
  a.identifier = optionalString(*id, "value");
  if (auto w = body.find("wildcard"); w != body.end() && w->is_boolean()) {
    a.wildcard = w->get<bool>();
  }
  auto challenges = body.find("challenges");
  if (challenges == body.end() || !challenges->is_array()) {
    return upstreamProtocol("ACME authorization has no challenges");
  }
  for (const auto& c : *challenges) {
    if (!c.is_object()) continue;
    Challenge ch;
    ch.type = optionalString(c, "type");
    ch.url = optionalString(c, "url");
    ch.token = optionalString(c, "token");
    ch.status = optionalString(c, "status");
    ch.error = problemMember(c, "error");
    a.challenges.push_back(std::move(ch));
  }
  return a;
}

const Challenge* findChallenge(const Authorization& authz, std::string_view type) {
  for (const auto& c : authz.challenges) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

std::string describeFailure(const Authorization& authz) {
  std::string out;
  for (const auto& c : authz.challenges) {
    if (!c.error) continue;
    if (!out.empty()) out += "; ";
    out += c.type + ": " + describe(*c.error);
  }
  if (out.empty()) out = "authorization " + std::string(toString(authz.status));
  return out;
}

}  // namespace cirrus::acme
