#include "acmedns/update_check.h"

#include <string>

#include "acmedns/credentials.h"

namespace cirrus::acmedns {

namespace {

// Any well-formed salt/hash pair: only the work of checking against it matters.
constexpr std::string_view kDummySalt = "00000000000000000000000000000000";
constexpr std::string_view kDummyHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

}  // namespace

std::string_view outcomeName(UpdateOutcome outcome) {
  switch (outcome) {
    case UpdateOutcome::kOk:
      return "ok";
    case UpdateOutcome::kForbidden:
      return "forbidden";
    case UpdateOutcome::kBadSubdomain:
      return "bad_subdomain";
    case UpdateOutcome::kBadTxt:
      return "bad_txt";
    case UpdateOutcome::kStoreError:
      return "db_error";
  }
  return "db_error";
}

unsigned outcomeStatus(UpdateOutcome outcome) {
  switch (outcome) {
    case UpdateOutcome::kOk:
      return 200;
    case UpdateOutcome::kForbidden:
      return 401;
    case UpdateOutcome::kBadSubdomain:
    case UpdateOutcome::kBadTxt:
      return 400;
    case UpdateOutcome::kStoreError:
      return 500;
  }
  return 500;
}

UpdateOutcome checkUpdate(const std::optional<store::AcmeDnsAccount>& account, std::string_view key,
                          const boost::asio::ip::address& remote, const UpdateRequest& request) {
  if (!validKey(key)) return UpdateOutcome::kForbidden;
  if (!account) {
    (void)keyMatches(kDummySalt, kDummyHash, key);
    return UpdateOutcome::kForbidden;
  }
  if (!keyMatches(account->salt, account->password_hash, key)) return UpdateOutcome::kForbidden;
  if (!allowedFrom(account->allowfrom, remote)) return UpdateOutcome::kForbidden;
  if (request.subdomain != account->subdomain) return UpdateOutcome::kForbidden;
  if (!validSubdomain(request.subdomain)) return UpdateOutcome::kBadSubdomain;
  if (!validTxt(request.txt)) return UpdateOutcome::kBadTxt;
  return UpdateOutcome::kOk;
}

}  // namespace cirrus::acmedns
