// One certificate issuance with DNS-01 (RFC 8555 §7.4, §8.4): new order, for every pending
// authorization publish the TXT value through the caller's DNS-01 publisher and answer the
// challenge, wait for the authorizations, finalize with a CSR of the domain key, wait for the
// order, download the chain. Every wait is bounded and honours Retry-After; an authorization
// the CA already holds as valid (authorization reuse) needs no challenge.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "acme/acme_client.h"
#include "acme/key_pair.h"
#include "core/result.h"

namespace cirrus::acme {

/// Publishes the `_acme-challenge` TXT value for `identifier` (a DNS name, without "*.") and
/// returns once it is served. An error aborts the issuance with it.
using Dns01Publisher = std::function<boost::asio::awaitable<Result<void>>(
    const std::string& identifier, const std::string& txt_value)>;

struct IssuanceOptions {
  /// Bound on each wait: authorizations valid, order ready, order valid.
  std::chrono::milliseconds wait_timeout{std::chrono::minutes(3)};
  /// Poll interval when the CA gives no Retry-After; a Retry-After is used up to max_poll.
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds max_poll{std::chrono::seconds(10)};
};

struct IssuedCertificate {
  std::string fullchain;  // PEM, leaf first
  std::string order_url;
  int challenges_answered = 0;  // 0 when every authorization was reused
};

/// Prereq: `client` has an account (registerAccount or useAccount). `names` are A-labels; the
/// first is the CSR's CN. A failed authorization is a badRequest naming the CA's problem
/// (the customer's DNS must change before another attempt can succeed); timeouts are
/// upstreamTimeout.
boost::asio::awaitable<Result<IssuedCertificate>> issueCertificate(
    AcmeClient& client, const KeyPair& account_key, const KeyPair& domain_key,
    const std::vector<std::string>& names, const Dns01Publisher& publish,
    IssuanceOptions options = {});

}  // namespace cirrus::acme
