// AcmeStatus: the issuance state of one domain plus its acme-dns registration (spec §4 acme
// hash). The acme-dns password is a credential for the domain's DNS-01 TXT record, so the API
// rendering (toApiJson) never includes it; only the hash conversion carries it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/field_error.h"
#include "model/hash_fields.h"

namespace cirrus::model {

enum class AcmeState { kPending, kRunning, kIssued, kFailed };

std::string_view toString(AcmeState state);  // "pending" / "running" / "issued" / "failed"

struct AcmeStatus {
  AcmeState status = AcmeState::kPending;
  std::string error;       // last failure, empty when none
  int64_t updated_at = 0;  // unix seconds
  int64_t issued_at = 0;   // 0 = never issued
  // acme-dns registration (https://github.com/joohoi/acme-dns /register answer).
  std::string username;
  std::string password;  // secret: never rendered
  std::string subdomain;
  std::string fulldomain;

  bool operator==(const AcmeStatus&) const = default;
};

/// "_acme-challenge." + domain: the name the customer CNAMEs to fulldomain (RFC 8555 §8.4).
std::string acmeChallengeName(std::string_view domain);

/// GET domains/{domain}/acme: {domain, status, error, updated_at, issued_at, username,
/// subdomain, fulldomain, cname}; error/issued_at are null when unset; cname is
/// {name: "_acme-challenge.<domain>", target: fulldomain}, or null before registration.
/// The password is never included.
nlohmann::json toApiJson(std::string_view domain, const AcmeStatus& status);

/// HSET fields: status, error, updated_at, issued_at, username, password, subdomain,
/// fulldomain.
HashFields toHash(const AcmeStatus& status);
/// Reads a stored acme hash. A missing status reads as pending; an unknown one as failed with
/// an "enum" error, so nothing treats a corrupt record as issued.
Validated<AcmeStatus> acmeStatusFromHash(const HashMap& fields);

}  // namespace cirrus::model
