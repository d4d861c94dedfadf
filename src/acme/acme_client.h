// AcmeClient: the RFC 8555 request layer on the shared HTTP client. It reads the directory
// once, keeps a nonce from each response (§6.5, Replay-Nonce), signs every POST as a JWS with
// the account key (jwk for newAccount, kid afterwards, §6.2) and retries a request the CA
// refused with badNonce. Each call maps one protocol step; issuance.h strings them together.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "acme/acme_objects.h"
#include "acme/key_pair.h"
#include "core/result.h"
#include "http/client.h"

namespace cirrus::acme {

struct AcmeClientOptions {
  std::string directory_url;
  http::RequestOptions request;  // timeouts, TLS name; the CA trust is the http::Client's
  int bad_nonce_retries = 5;     // §6.5: each badNonce answer is retried with the new nonce
};

/// One ACME response: status, the Location header (account and order URLs), Retry-After in
/// seconds when given, and the body.
struct AcmeReply {
  int status = 0;
  std::string location;
  std::optional<int64_t> retry_after;
  std::string content_type;
  std::string body;
};

/// Not thread-safe: use from one coroutine at a time. Holds references: `http` and the account
/// key must outlive it.
class AcmeClient {
 public:
  AcmeClient(http::Client& http, const KeyPair& account_key, AcmeClientOptions options);

  /// The directory, fetched on first use and kept.
  boost::asio::awaitable<Result<Directory>> directory();

  /// The account URL ("kid") of the account key: newAccount with termsOfServiceAgreed
  /// answers the existing account's URL too (§7.3.1), so this is idempotent. Used for every
  /// later request. A CA demanding external account binding is refused with badRequest.
  boost::asio::awaitable<Result<std::string>> registerAccount(std::vector<std::string> contact);
  /// Uses an account URL stored earlier instead of registering.
  void useAccount(std::string kid) { kid_ = std::move(kid); }
  const std::string& accountUrl() const { return kid_; }

  /// newOrder for DNS identifiers (§7.4); returns the order URL and the order.
  boost::asio::awaitable<Result<std::pair<std::string, Order>>> newOrder(
      const std::vector<std::string>& dns_names);
  boost::asio::awaitable<Result<Order>> getOrder(const std::string& url);
  boost::asio::awaitable<Result<Authorization>> getAuthorization(const std::string& url);
  /// Tells the CA the challenge is ready to be validated (§7.5.1: POST "{}").
  boost::asio::awaitable<Result<void>> answerChallenge(const std::string& url);
  /// Finalize with a base64url DER CSR (§7.4); the order as the CA returns it.
  boost::asio::awaitable<Result<Order>> finalize(const std::string& url,
                                                 const std::string& csr_b64url);
  /// The PEM chain, leaf first (§7.4.2, application/pem-certificate-chain).
  boost::asio::awaitable<Result<std::string>> downloadCertificate(const std::string& url);

  /// Retry-After (seconds) of the last reply, if the CA gave one; polling honours it.
  std::optional<int64_t> lastRetryAfter() const { return last_retry_after_; }

 private:
  // A signed POST; `payload` nullopt is POST-as-GET (§6.3). Retries badNonce. A problem
  // document or an unexpected status becomes an Error naming the step.
  boost::asio::awaitable<Result<AcmeReply>> post(const std::string& url,
                                                 std::optional<nlohmann::json> payload,
                                                 bool with_jwk, std::string_view step);
  boost::asio::awaitable<Result<std::string>> freshNonce();
  boost::asio::awaitable<Result<nlohmann::json>> postForJson(const std::string& url,
                                                             std::optional<nlohmann::json> payload,
                                                             std::string_view step);

  http::Client& http_;
  const KeyPair& key_;
  AcmeClientOptions options_;
  std::optional<Directory> directory_;
  std::string nonce_;
  std::string kid_;
  std::optional<int64_t> last_retry_after_;
};

/// Retry-After as seconds from now: a delay-seconds value, or an HTTP-date relative to `now`
/// (RFC 9110 §10.2.3); nullopt when absent or unparsable, 0 for a date in the past.
std::optional<int64_t> parseRetryAfter(std::string_view value, int64_t now);

}  // namespace cirrus::acme
