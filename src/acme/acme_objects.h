// The RFC 8555 resources a client reads: the directory (§7.1.1), orders (§7.1.3),
// authorizations and challenges (§7.1.4, §8) and problem documents (§6.7, RFC 7807). Parsing
// is strict about what the client relies on (URLs, statuses) and ignores everything else, so
// a CA that adds fields keeps working. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace cirrus::acme {

struct Directory {
  std::string new_nonce;
  std::string new_account;
  std::string new_order;
  std::string revoke_cert;       // optional for this client
  std::string terms_of_service;  // meta.termsOfService, may be empty
  bool external_account_required = false;
};

/// upstreamProtocol when newNonce, newAccount or newOrder is missing or not a string.
Result<Directory> parseDirectory(const nlohmann::json& body);

/// An RFC 7807 problem document as ACME uses it (§6.7): type
/// "urn:ietf:params:acme:error:<name>", detail, status, and per-identifier subproblems.
struct Problem {
  std::string type;
  std::string detail;
  int status = 0;
  std::vector<Problem> subproblems;
};

/// The problem in `body`, or nullopt when it is not a JSON object with a string "type".
std::optional<Problem> parseProblem(std::string_view body);
/// parseProblem of a JSON member (order.error, challenge.error), nullopt when absent.
std::optional<Problem> problemMember(const nlohmann::json& object, std::string_view member);

/// The part of the type after "urn:ietf:params:acme:error:" ("badNonce", ...), else the type.
std::string_view problemName(const Problem& problem);
/// "rejectedIdentifier: Invalid identifier (dns foo.test: ...)" on one line.
std::string describe(const Problem& problem);
/// §6.5: the request may be retried with a fresh nonce.
bool isBadNonce(const Problem& problem);
/// Whether trying the same request later can succeed: rate limits, server errors, bad nonces
/// and connection-level failures yes; a refusal of the identifier, the CSR or the account no.
bool isRetryableProblem(const Problem& problem);

enum class OrderStatus { kPending, kReady, kProcessing, kValid, kInvalid };
std::string_view toString(OrderStatus status);

struct Order {
  OrderStatus status = OrderStatus::kPending;
  std::vector<std::string> identifiers;  // DNS identifier values
  std::vector<std::string> authorizations;
  std::string finalize;
  std::string certificate;  // set once valid
  std::optional<Problem> error;
};

/// upstreamProtocol when status, authorizations or finalize is missing or malformed.
Result<Order> parseOrder(const nlohmann::json& body);

enum class AuthorizationStatus { kPending, kValid, kInvalid, kDeactivated, kExpired, kRevoked };
std::string_view toString(AuthorizationStatus status);

struct Challenge {
  std::string type;  // "dns-01", "http-01", ...
  std::string url;
  std::string token;
  std::string status;
  std::optional<Problem> error;
};

struct Authorization {
  AuthorizationStatus status = AuthorizationStatus::kPending;
  std::string identifier;  // the DNS name (without "*." for a wildcard)
  bool wildcard = false;
  std::vector<Challenge> challenges;
};

/// upstreamProtocol when status, identifier or challenges is missing or malformed.
Result<Authorization> parseAuthorization(const nlohmann::json& body);

/// The first challenge of `type`, or null.
const Challenge* findChallenge(const Authorization& authz, std::string_view type);

/// Why an authorization failed, from its challenges' errors: "dns-01: unauthorized: ...".
std::string describeFailure(const Authorization& authz);

}  // namespace cirrus::acme
