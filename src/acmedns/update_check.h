// The decision behind POST /update, as a pure function of the stored account and the request,
// in acme-dns's order: credentials, then the source address against allowfrom, then ownership
// of the subdomain (all three answer 401 "forbidden", so a caller learns nothing about which
// failed), then the subdomain and TXT value forms (400 "bad_subdomain" / "bad_txt").
#pragma once

#include <optional>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "acmedns/request_validation.h"
#include "store/acmedns_store.h"

namespace cirrus::acmedns {

/// One enum drives the HTTP status, the acme-dns error body and the metric label.
enum class UpdateOutcome { kOk, kForbidden, kBadSubdomain, kBadTxt, kStoreError };

/// "ok" | "forbidden" | "bad_subdomain" | "bad_txt" | "db_error" (acme-dns's error names).
std::string_view outcomeName(UpdateOutcome outcome);
/// 200, 401, 400, 400, 500.
unsigned outcomeStatus(UpdateOutcome outcome);

/// `account` is the stored account of the X-Api-User header (nullopt when there is none or the
/// header is not a UUID); `key` the X-Api-Key header. The key hash is computed even without an
/// account, so a missing user and a wrong key take the same time.
UpdateOutcome checkUpdate(const std::optional<store::AcmeDnsAccount>& account, std::string_view key,
                          const boost::asio::ip::address& remote, const UpdateRequest& request);

}  // namespace cirrus::acmedns
