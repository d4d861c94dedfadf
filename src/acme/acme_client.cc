#include "acme/acme_client.h"

#include <charconv>
#include <chrono>
#include <utility>

#include "acme/jws.h"
#include "core/error.h"
#include "core/http_date.h"
#include "core/log.h"

namespace cirrus::acme {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kJoseJson = "application/jose+json";

int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string headerOf(const http::Response& r, std::string_view name) {
  auto it = r.find(name);
  return it == r.end() ? std::string() : std::string(it->value());
}

AcmeReply replyFrom(const http::Response& r) {
  AcmeReply reply;
  reply.status = static_cast<int>(r.result_int());
  reply.location = headerOf(r, "Location");
  reply.content_type = headerOf(r, "Content-Type");
  reply.retry_after = parseRetryAfter(headerOf(r, "Retry-After"), unixNow());
  reply.body = r.body();
  return reply;
}

// The error a refused request becomes: the CA's problem when it sent one. A problem another
// attempt may fix (rate limit, server error) is retryable; a refusal (unauthorized,
// rejectedIdentifier, badCSR, ...) is not, so the task fails at once with the CA's words.
Error refusal(const AcmeReply& reply, std::string_view step) {
  std::string what =
      "ACME " + std::string(step) + " refused (" + std::to_string(reply.status) + ")";
  if (auto problem = parseProblem(reply.body)) {
    what += ": " + describe(*problem);
    if (isRetryableProblem(*problem)) return upstreamUnavailable(what);
    return badRequest(what);
  }
  if (reply.status >= 500) return upstreamUnavailable(what);
  return upstreamProtocol(what);
}

}  // namespace

std::optional<int64_t> parseRetryAfter(std::string_view value, int64_t now) {
  if (value.empty()) return std::nullopt;
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return seconds;
  }
  if (auto at = parseHttpDate(value)) return *at > now ? *at - now : 0;
  return std::nullopt;
}

AcmeClient::AcmeClient(http::Client& http, const KeyPair& account_key, AcmeClientOptions options)
    : http_(http), key_(account_key), options_(std::move(options)) {}

asio::awaitable<Result<Directory>> AcmeClient::directory() {
  if (directory_) co_return *directory_;
  auto r =
      co_await http_.request(http::verb::get, options_.directory_url, {}, {}, options_.request);
  if (!r) co_return r.error().because("ACME directory " + options_.directory_url);
  if (r->result_int() != 200) {
    co_return upstreamProtocol("ACME directory " + options_.directory_url + " answered " +
                               std::to_string(r->result_int()));
  }
  auto json = nlohmann::json::parse(r->body(), nullptr, false);
  if (json.is_discarded()) co_return upstreamProtocol("ACME directory is not JSON");
  auto parsed = parseDirectory(json);
  if (!parsed) co_return parsed.error();
  directory_ = std::move(*parsed);
  co_return *directory_;
}

asio::awaitable<Result<std::string>> AcmeClient::freshNonce() {
  auto dir = co_await directory();
  if (!dir) co_return dir.error();
  // §7.2: HEAD newNonce answers 200 with a Replay-Nonce.
  auto r = co_await http_.request(http::verb::head, dir->new_nonce, {}, {}, options_.request);
  if (!r) co_return r.error().because("ACME newNonce");
  std::string nonce = headerOf(*r, "Replay-Nonce");
  if (nonce.empty()) co_return upstreamProtocol("ACME newNonce answered no Replay-Nonce");
  co_return nonce;
}

asio::awaitable<Result<AcmeReply>> AcmeClient::post(const std::string& url,
                                                    std::optional<nlohmann::json> payload,
                                                    bool with_jwk, std::string_view step) {
  for (int attempt = 0;; ++attempt) {
    if (nonce_.empty()) {
      auto nonce = co_await freshNonce();
      if (!nonce) co_return nonce.error();
      nonce_ = std::move(*nonce);
    }
    JwsHeader header;
    header.url = url;
    header.nonce = std::exchange(nonce_, std::string());  // a nonce is good for one request
    if (!with_jwk) {
      if (kid_.empty()) co_return internalError("ACME request before the account is known");
      header.kid = kid_;
    }
    auto jws = signJws(key_, header, payload);
    if (!jws) co_return jws.error();
    http::Headers headers{{"Content-Type", std::string(kJoseJson)}};
    // POSTs are not idempotent for the HTTP client's stale-connection retry; a lost answer
    // is retried here, with a new nonce, which the CA treats as a new request (§6.5).
    auto r = co_await http_.request(http::verb::post, url, std::move(headers), jws->dump(),
                                    options_.request);
    if (!r) co_return r.error().because("ACME " + std::string(step));
    AcmeReply reply = replyFrom(*r);
    nonce_ = headerOf(*r, "Replay-Nonce");
    last_retry_after_ = reply.retry_after;
    if (reply.status < 400) co_return reply;
    auto problem = parseProblem(reply.body);
    if (problem && isBadNonce(*problem) && attempt < options_.bad_nonce_retries) {
      log::debug("ACME badNonce; retrying with a fresh nonce", {{"step", step}});
      continue;
    }
    co_return refusal(reply, step);
  }
}

asio::awaitable<Result<nlohmann::json>> AcmeClient::postForJson(
    const std::string& url, std::optional<nlohmann::json> payload, std::string_view step) {
  auto reply = co_await post(url, std::move(payload), false, step);
  if (!reply) co_return reply.error();
  auto json = nlohmann::json::parse(reply->body, nullptr, false);
  if (json.is_discarded()) co_return upstreamProtocol("ACME " + std::string(step) + ": not JSON");
  co_return json;
}

asio::awaitable<Result<std::string>> AcmeClient::registerAccount(std::vector<std::string> contact) {
  auto dir = co_await directory();
  if (!dir) co_return dir.error();
  if (dir->external_account_required) {
    co_return badRequest("the ACME CA requires external account binding, which is not supported");
  }
  nlohmann::json payload{{"termsOfServiceAgreed", true}};
  if (!contact.empty()) payload["contact"] = contact;
  auto reply = co_await post(dir->new_account, payload, true, "newAccount");
  if (!reply) co_return reply.error();
  if (reply->location.empty()) co_return upstreamProtocol("ACME newAccount answered no Location");
  kid_ = reply->location;
  co_return kid_;
}

asio::awaitable<Result<std::pair<std::string, Order>>> AcmeClient::newOrder(
    const std::vector<std::string>& dns_names) {
  auto dir = co_await directory();
  if (!dir) co_return dir.error();
  nlohmann::json identifiers = nlohmann::json::array();
  for (const auto& name : dns_names) identifiers.push_back({{"type", "dns"}, {"value", name}});
  nlohmann::json payload{{"identifiers", identifiers}};
  auto reply = co_await post(dir->new_order, payload, false, "newOrder");
  if (!reply) co_return reply.error();
  if (reply->location.empty()) co_return upstreamProtocol("ACME newOrder answered no Location");
  auto json = nlohmann::json::parse(reply->body, nullptr, false);
  if (json.is_discarded()) co_return upstreamProtocol("ACME newOrder: not JSON");
  auto order = parseOrder(json);
  if (!order) co_return order.error();
  co_return std::make_pair(reply->location, std::move(*order));
}

asio::awaitable<Result<Order>> AcmeClient::getOrder(const std::string& url) {
  auto json = co_await postForJson(url, std::nullopt, "order");
  if (!json) co_return json.error();
  co_return parseOrder(*json);
}

asio::awaitable<Result<Authorization>> AcmeClient::getAuthorization(const std::string& url) {
  auto json = co_await postForJson(url, std::nullopt, "authorization");
  if (!json) co_return json.error();
  co_return parseAuthorization(*json);
}

asio::awaitable<Result<void>> AcmeClient::answerChallenge(const std::string& url) {
  auto reply = co_await post(url, nlohmann::json::object(), false, "challenge");
  if (!reply) co_return reply.error();
  co_return ok();
}

asio::awaitable<Result<Order>> AcmeClient::finalize(const std::string& url,
                                                    const std::string& csr_b64url) {
  nlohmann::json payload{{"csr", csr_b64url}};
  auto json = co_await postForJson(url, std::move(payload), "finalize");
  if (!json) co_return json.error();
  co_return parseOrder(*json);
}

asio::awaitable<Result<std::string>> AcmeClient::downloadCertificate(const std::string& url) {
  auto reply = co_await post(url, std::nullopt, false, "certificate");
  if (!reply) co_return reply.error();
  if (reply->body.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    co_return upstreamProtocol("ACME certificate download is not a PEM chain");
  }
  co_return reply->body;
}

}  // namespace cirrus::acme
