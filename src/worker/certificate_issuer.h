// The `acme.issue_certificate(domain)` task (spec §8): under the domain's issuance lock,
// register with acme-dns once (the credentials and the CNAME target live in cdn:acme:{domain}),
// check the customer's `_acme-challenge` CNAME points there, reuse or create the ACME account
// and the domain key, run the DNS-01 issuance, and store the chain + key in cdn:cert:{domain}
// (which publishes cdn:certs, so edges load it). Every outcome is written to the domain's
// status. Also `acme.scan_and_renew()`: enqueue issuance for certificates close to expiry.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "acme/issuance.h"
#include "acme/key_pair.h"
#include "core/redis_client.h"
#include "core/result.h"
#include "http/client.h"
#include "tasks/task_registry.h"

namespace cirrus::worker {

/// The CNAME target of `name` as a resolver sees it (without the trailing dot), nullopt when
/// the name has no CNAME. Errors: the resolver could not be asked.
using CnameLookup =
    std::function<boost::asio::awaitable<Result<std::optional<std::string>>>(const std::string&)>;

struct IssuerOptions {
  std::string acme_directory;                               // ACME_DIRECTORY
  std::string acmedns_base_url;                             // ACMEDNS_BASE_URL
  acme::KeyType cert_key_type = acme::KeyType::kEcdsaP256;  // ACME_CERT_KEY_TYPE
  std::chrono::seconds lock_ttl{900};                       // ACME_LOCK_TTL
  bool enforce_cname_check = true;                          // ENFORCE_ACME_CNAME_CHECK
  bool wait_for_cname = true;                               // WAIT_FOR_CNAME
  std::chrono::seconds cname_wait{10};                      // CNAME_WAIT_SECS
  std::chrono::milliseconds cname_poll{1000};
  int renew_before_days = 30;   // ACME_RENEW_BEFORE_DAYS
  int renew_max_per_scan = 10;  // ACME_RENEW_MAX_PER_SCAN
  acme::IssuanceOptions issuance;
  http::RequestOptions request;  // for the CA and acme-dns
};

/// Threading: one executor; `redis` and `http` must outlive it.
class CertificateIssuer {
 public:
  CertificateIssuer(boost::asio::any_io_executor executor, redis::Client& redis, http::Client& http,
                    IssuerOptions options, CnameLookup lookup);

  /// The task handler of acme.issue_certificate; args {"domain": "..."}. Result
  /// {domain, not_after, issuer} on success, {domain, skipped: "..."} when there is nothing
  /// to do (domain deleted, ACME disabled, another worker holds the lock). Non-retryable
  /// errors (CNAME missing, CA refusal) fail the task at once; the domain's status says why.
  boost::asio::awaitable<Result<nlohmann::json>> issue(tasks::TaskContext task);

  /// The task handler of acme.scan_and_renew: {scanned, enqueued: [...], skipped}.
  boost::asio::awaitable<Result<nlohmann::json>> scanAndRenew(tasks::TaskContext task);

 private:
  struct Attempt;
  boost::asio::awaitable<Result<nlohmann::json>> issueLocked(Attempt& attempt);
  boost::asio::awaitable<Result<void>> checkCname(const std::string& domain,
                                                  const std::string& target);

  boost::asio::any_io_executor executor_;
  redis::Client& redis_;
  http::Client& http_;
  IssuerOptions options_;
  CnameLookup lookup_;
};

/// Whether a certificate (not_after, unix s) is due for renewal at `now`.
bool renewalDue(int64_t not_after, int64_t now, int renew_before_days);

}  // namespace cirrus::worker
