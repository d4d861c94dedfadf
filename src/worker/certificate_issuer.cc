#include "worker/certificate_issuer.h"

#include <algorithm>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "acme/acme_client.h"
#include "core/error.h"
#include "core/log.h"
#include "model/acme_status.h"
#include "model/certificate_check.h"
#include "store/acme_store.h"
#include "store/cert_store.h"
#include "store/domain_store.h"
#include "tasks/issuance_request.h"
#include "worker/acmedns_client.h"

namespace cirrus::worker {

namespace asio = boost::asio;

namespace {

int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string lowerNoDot(std::string name) {
  while (!name.empty() && name.back() == '.') name.pop_back();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

}  // namespace

bool renewalDue(int64_t not_after, int64_t now, int renew_before_days) {
  return not_after - now <= static_cast<int64_t>(renew_before_days) * 86400;
}

struct CertificateIssuer::Attempt {
  std::string domain;
  std::string holder;  // the lock holder: this task's id
  model::AcmeStatus status;
};

CertificateIssuer::CertificateIssuer(asio::any_io_executor executor, redis::Client& redis,
                                     http::Client& http, IssuerOptions options, CnameLookup lookup)
    : executor_(std::move(executor)),
      redis_(redis),
      http_(http),
      options_(std::move(options)),
      lookup_(std::move(lookup)) {}

asio::awaitable<Result<nlohmann::json>> CertificateIssuer::issue(tasks::TaskContext task) {
  if (!task.args.is_object() || !task.args.contains("domain") || !task.args["domain"].is_string()) {
    co_return badRequest("acme.issue_certificate needs {\"domain\": \"...\"}");
  }
  Attempt attempt;
  attempt.domain = task.args["domain"].get<std::string>();
  attempt.holder = task.id;
  store::DomainStore domains(redis_);
  store::AcmeStore acme(redis_);
  auto conf = co_await domains.get(attempt.domain);
  if (!conf) co_return conf.error();
  if (!*conf || !(*conf)->acme.enable) {
    (void)co_await acme.clearTask(attempt.domain, task.id);
    co_return nlohmann::json{{"domain", attempt.domain},
                             {"skipped", *conf ? "acme disabled" : "domain deleted"}};
  }
  auto locked = co_await acme.tryLock(attempt.domain, attempt.holder, options_.lock_ttl);
  if (!locked) co_return locked.error();
  if (!*locked) {
    // A redelivery of this very task (its worker died mid-issuance) finds its own lock.
    auto own = co_await acme.refreshLock(attempt.domain, attempt.holder, options_.lock_ttl);
    if (!own) co_return own.error();
    locked = *own;
  }
  if (!*locked) {
    // Another worker is issuing for this domain now; its outcome is the answer.
    co_return nlohmann::json{{"domain", attempt.domain}, {"skipped", "issuance already running"}};
  }
  auto result = co_await issueLocked(attempt);
  int64_t now = unixNow();
  attempt.status.updated_at = now;
  if (result) {
    attempt.status.status = model::AcmeState::kIssued;
    attempt.status.error.clear();
    attempt.status.issued_at = now;
  } else {
    attempt.status.status = model::AcmeState::kFailed;
    // What the operator reads in GET domains/{d}/acme: the reason without the error-class
    // prefix ("create the DNS record ...", "ACME newOrder refused (400): rejectedIdentifier...").
    attempt.status.error = result.error().context();
    log::warn("certificate issuance failed",
              {{"domain", attempt.domain}, {"task", task.id}, {"error", attempt.status.error}});
  }
  // A deleted domain's status is not recreated (setStatus answers notFound): fine.
  if (auto written = co_await acme.setStatus(attempt.domain, attempt.status);
      !written && !isNotFound(written.error())) {
    log::warn("cannot record the issuance outcome",
              {{"domain", attempt.domain}, {"error", written.error().message()}});
  }
  (void)co_await acme.release(attempt.domain, attempt.holder);
  // The in-flight pointer stays while a retry is coming, so a new request joins it.
  if (result || !result.error().retryable()) (void)co_await acme.clearTask(attempt.domain, task.id);
  co_return result;
}

asio::awaitable<Result<nlohmann::json>> CertificateIssuer::issueLocked(Attempt& attempt) {
  const std::string& domain = attempt.domain;
  store::AcmeStore acme(redis_);
  auto current = co_await acme.getStatus(domain);
  if (!current) co_return current.error();
  if (*current) attempt.status = **current;
  attempt.status.status = model::AcmeState::kRunning;
  attempt.status.updated_at = unixNow();
  attempt.status.error.clear();

  // acme-dns account: once per domain, kept across renewals (the customer's CNAME points at
  // its fulldomain).
  AcmeDnsClient acmedns(http_, options_.acmedns_base_url, options_.request);
  if (attempt.status.username.empty() || attempt.status.fulldomain.empty()) {
    auto registered = co_await acmedns.registerAccount();
    if (!registered) co_return registered.error();
    attempt.status.username = registered->username;
    attempt.status.password = registered->password;
    attempt.status.subdomain = registered->subdomain;
    attempt.status.fulldomain = registered->fulldomain;
    log::info("registered with acme-dns",
              {{"domain", domain}, {"fulldomain", attempt.status.fulldomain}});
  }
  if (auto written = co_await acme.setStatus(domain, attempt.status); !written) {
    co_return written.error();
  }

  if (options_.enforce_cname_check) {
    auto checked = co_await checkCname(domain, attempt.status.fulldomain);
    if (!checked) co_return checked.error();
  }

  // The ACME account, shared by every worker; a directory change means a new account.
  auto stored_account = co_await acme.getAccount();
  if (!stored_account) co_return stored_account.error();
  std::optional<acme::KeyPair> account_key;
  std::string kid;
  if (*stored_account && (*stored_account)->directory == options_.acme_directory) {
    auto parsed = acme::KeyPair::fromPem((*stored_account)->key);
    if (parsed) {
      account_key.emplace(std::move(*parsed));
      kid = (*stored_account)->kid;
    } else {
      log::warn("stored ACME account key unreadable; registering a new account", {});
    }
  }
  if (!account_key) {
    auto generated = acme::KeyPair::generate(acme::KeyType::kEcdsaP256);
    if (!generated) co_return generated.error();
    account_key.emplace(std::move(*generated));
  }
  acme::AcmeClientOptions client_options;
  client_options.directory_url = options_.acme_directory;
  client_options.request = options_.request;
  acme::AcmeClient client(http_, *account_key, client_options);
  if (kid.empty()) {
    auto registered = co_await client.registerAccount({});
    if (!registered) co_return registered.error();
    auto pem = account_key->toPem();
    if (!pem) co_return pem.error();
    store::AcmeAccount account{*pem, *registered, options_.acme_directory};
    auto saved = co_await acme.putAccount(account);
    if (!saved) co_return saved.error();
    log::info("registered an ACME account",
              {{"directory", options_.acme_directory}, {"account", *registered}});
  } else {
    client.useAccount(kid);
  }

  // The domain key is reused across renewals unless the configured key type changed.
  auto stored_key = co_await acme.getCertKey(domain);
  if (!stored_key) co_return stored_key.error();
  std::optional<acme::KeyPair> domain_key;
  if (*stored_key) {
    auto parsed = acme::KeyPair::fromPem(**stored_key);
    if (parsed && parsed->type() == options_.cert_key_type) domain_key.emplace(std::move(*parsed));
  }
  if (!domain_key) {
    auto generated = acme::KeyPair::generate(options_.cert_key_type);
    if (!generated) co_return generated.error();
    domain_key.emplace(std::move(*generated));
    auto pem = domain_key->toPem();
    if (!pem) co_return pem.error();
    auto saved = co_await acme.putCertKey(domain, *pem);
    if (!saved) co_return saved.error();
  }

  acme::Dns01Publisher publish = [&acmedns, &attempt](
                                     const std::string&,
                                     const std::string& txt) -> asio::awaitable<Result<void>> {
    AcmeDnsAccount account{attempt.status.username, attempt.status.password,
                           attempt.status.subdomain, attempt.status.fulldomain};
    co_return co_await acmedns.update(account, txt);
  };
  const std::vector<std::string> names{domain};
  auto issued = co_await acme::issueCertificate(client, *account_key, *domain_key, names, publish,
                                                options_.issuance);
  if (!issued) co_return issued.error();

  auto key_pem = domain_key->toPem();
  if (!key_pem) co_return key_pem.error();
  auto meta = model::inspectCertificate(domain, {issued->fullchain, *key_pem}, unixNow(),
                                        model::CertSource::kAcme);
  if (!meta.ok()) {
    co_return upstreamProtocol("the CA issued a certificate that does not check: " +
                               meta.errors.front().msg);
  }
  store::CertStore certs(redis_);
  auto stored = co_await certs.put(domain, issued->fullchain, *key_pem, meta.value, std::nullopt);
  if (!stored) co_return stored.error();
  log::info("certificate issued", {{"domain", domain},
                                   {"not_after", meta.value.not_after},
                                   {"issuer", meta.value.issuer},
                                   {"challenges", issued->challenges_answered}});
  co_return nlohmann::json{
      {"domain", domain}, {"not_after", meta.value.not_after}, {"issuer", meta.value.issuer}};
}

asio::awaitable<Result<void>> CertificateIssuer::checkCname(const std::string& domain,
                                                            const std::string& target) {
  const std::string name = model::acmeChallengeName(domain);
  const std::string want = lowerNoDot(target);
  auto deadline = std::chrono::steady_clock::now() +
                  (options_.wait_for_cname ? options_.cname_wait : std::chrono::seconds(0));
  std::string seen;
  for (;;) {
    auto found = co_await lookup_(name);
    if (found && *found && lowerNoDot(**found) == want) co_return ok();
    if (found) {
      seen = *found ? "points at " + **found : "does not exist";
    } else {
      seen = "could not be resolved (" + found.error().message() + ")";
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    asio::steady_timer timer(executor_);
    timer.expires_after(options_.cname_poll);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  // The customer has to create the record; retrying on a timer cannot fix it.
  co_return badRequest("create the DNS record " + name + " CNAME " + want + " (it " + seen + ")");
}

asio::awaitable<Result<nlohmann::json>> CertificateIssuer::scanAndRenew(tasks::TaskContext) {
  store::DomainStore domains(redis_);
  store::CertStore certs(redis_);
  store::AcmeStore acme(redis_);
  auto names = co_await domains.list();
  if (!names) co_return names.error();
  const int64_t now = unixNow();
  nlohmann::json enqueued = nlohmann::json::array();
  int skipped = 0;
  for (const auto& domain : *names) {
    if (static_cast<int>(enqueued.size()) >= options_.renew_max_per_scan) {
      ++skipped;  // the next scan takes them
      continue;
    }
    auto conf = co_await domains.get(domain);
    if (!conf) co_return conf.error();
    if (!*conf || !(*conf)->acme.enable) continue;
    auto meta = co_await certs.getMeta(domain);
    if (!meta) co_return meta.error();
    if (*meta) {
      // An uploaded certificate is the operator's: never replaced by ACME.
      if ((*meta)->source != model::CertSource::kAcme) continue;
      if (!renewalDue((*meta)->not_after, now, options_.renew_before_days)) continue;
    } else {
      // Never issued: only domains whose issuance was requested before (they have a status)
      // are retried by the scan; the first request is the operator's (API).
      auto status = co_await acme.getStatus(domain);
      if (!status) co_return status.error();
      if (!*status) continue;
    }
    auto requested = co_await tasks::requestIssuance(redis_, domain, now);
    if (!requested) co_return requested.error();
    if (!requested->already_in_flight) enqueued.push_back(domain);
  }
  log::info("renewal scan",
            {{"domains", names->size()}, {"enqueued", enqueued.size()}, {"deferred", skipped}});
  co_return nlohmann::json{
      {"scanned", names->size()}, {"enqueued", enqueued}, {"deferred", skipped}};
}

}  // namespace cirrus::worker
