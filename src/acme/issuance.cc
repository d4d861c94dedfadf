#include "acme/issuance.h"

#include <algorithm>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "acme/csr.h"
#include "acme/jwk.h"
#include "core/error.h"
#include "core/log.h"

namespace cirrus::acme {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// Sleeps before the next poll: the CA's Retry-After when it gave one (capped), else the
// configured interval; never past the deadline.
asio::awaitable<void> pause(const AcmeClient& client, const IssuanceOptions& options,
                            Clock::time_point deadline) {
  std::chrono::milliseconds wait = options.poll_interval;
  if (auto after = client.lastRetryAfter()) {
    wait = std::clamp(std::chrono::milliseconds(*after * 1000), options.poll_interval,
                      options.max_poll);
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::max(std::chrono::milliseconds(0), std::min(wait, left)));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Waits until the authorization leaves "pending".
asio::awaitable<Result<void>> awaitAuthorization(AcmeClient& client, const std::string& url,
                                                 const IssuanceOptions& options) {
  const auto deadline = Clock::now() + options.wait_timeout;
  for (;;) {
    auto authz = co_await client.getAuthorization(url);
    if (!authz) co_return authz.error();
    switch (authz->status) {
      case AuthorizationStatus::kValid:
        co_return ok();
      case AuthorizationStatus::kPending:
        break;
      default:
        // §7.1.6: invalid is final; the challenge's error says why (no TXT, wrong value).
        co_return badRequest("ACME authorization for " + authz->identifier +
                             " failed: " + describeFailure(*authz));
    }
    if (Clock::now() >= deadline) {
      co_return upstreamTimeout("ACME authorization for " + authz->identifier +
                                " still pending after the wait");
    }
    co_await pause(client, options, deadline);
  }
}

// Waits while the order is pending/processing, until it is `want` (ready or valid).
asio::awaitable<Result<Order>> awaitOrder(AcmeClient& client, const std::string& url, Order order,
                                          OrderStatus want, const IssuanceOptions& options) {
  const auto deadline = Clock::now() + options.wait_timeout;
  for (;;) {
    if (order.status == want) co_return order;
    if (order.status == OrderStatus::kInvalid) {
      co_return badRequest("ACME order invalid" +
                           (order.error ? ": " + describe(*order.error) : std::string()));
    }
    if (order.status == OrderStatus::kValid && want == OrderStatus::kReady) co_return order;
    if (Clock::now() >= deadline) {
      co_return upstreamTimeout("ACME order still " + std::string(toString(order.status)) +
                                " after the wait");
    }
    co_await pause(client, options, deadline);
    auto next = co_await client.getOrder(url);
    if (!next) co_return next.error();
    order = std::move(*next);
  }
}

}  // namespace

asio::awaitable<Result<IssuedCertificate>> issueCertificate(
    AcmeClient& client, const KeyPair& account_key, const KeyPair& domain_key,
    const std::vector<std::string>& names, const Dns01Publisher& publish, IssuanceOptions options) {
  if (names.empty()) co_return badRequest("no names to issue a certificate for");
  auto thumbprint = jwkThumbprint(account_key);
  if (!thumbprint) co_return thumbprint.error();

  auto created = co_await client.newOrder(names);
  if (!created) co_return created.error();
  IssuedCertificate issued;
  issued.order_url = created->first;
  Order order = std::move(created->second);

  // Publish every pending authorization's TXT first, then answer the challenges: the CA may
  // validate at once, and with several names each must already be in DNS.
  std::vector<std::string> to_answer;
  std::vector<std::string> to_wait;
  for (const auto& url : order.authorizations) {
    auto authz = co_await client.getAuthorization(url);
    if (!authz) co_return authz.error();
    if (authz->status == AuthorizationStatus::kValid) continue;
    if (authz->status != AuthorizationStatus::kPending) {
      co_return badRequest("ACME authorization for " + authz->identifier + " is " +
                           std::string(toString(authz->status)));
    }
    const Challenge* dns01 = findChallenge(*authz, "dns-01");
    if (!dns01 || dns01->url.empty() || dns01->token.empty()) {
      co_return badRequest("the ACME CA offers no dns-01 challenge for " + authz->identifier);
    }
    auto published = co_await publish(authz->identifier,
                                      dns01TxtValue(keyAuthorization(dns01->token, *thumbprint)));
    if (!published) co_return published.error();
    if (dns01->status == "pending") to_answer.push_back(dns01->url);
    to_wait.push_back(url);
  }
  for (const auto& url : to_answer) {
    auto answered = co_await client.answerChallenge(url);
    if (!answered) co_return answered.error();
    ++issued.challenges_answered;
  }
  for (const auto& url : to_wait) {
    auto done = co_await awaitAuthorization(client, url, options);
    if (!done) co_return done.error();
  }

  auto ready =
      co_await awaitOrder(client, issued.order_url, std::move(order), OrderStatus::kReady, options);
  if (!ready) co_return ready.error();
  Order current = std::move(*ready);
  if (current.status == OrderStatus::kReady) {
    auto csr = csrBase64Url(domain_key, names);
    if (!csr) co_return csr.error();
    auto finalized = co_await client.finalize(current.finalize, *csr);
    if (!finalized) co_return finalized.error();
    current = std::move(*finalized);
  }
  auto valid = co_await awaitOrder(client, issued.order_url, std::move(current),
                                   OrderStatus::kValid, options);
  if (!valid) co_return valid.error();
  if (valid->certificate.empty()) co_return upstreamProtocol("ACME valid order has no certificate");
  auto chain = co_await client.downloadCertificate(valid->certificate);
  if (!chain) co_return chain.error();
  issued.fullchain = std::move(*chain);
  co_return issued;
}

}  // namespace cirrus::acme
