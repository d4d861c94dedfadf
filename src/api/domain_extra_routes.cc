// Per-domain sub-resources (spec §10): the steering answer (domains/{d}/cname, computed with
// the rendezvous function the DNS master uses), purges (log first, then publish), ACME
// issuance requests and status, and certificate metadata / custom upload.
#include <string>
#include <utility>
#include <vector>

#include "api/responses.h"
#include "api/route_table.h"
#include "core/rendezvous.h"
#include "model/acme_status.h"
#include "model/certificate_check.h"
#include "model/certificate_meta.h"
#include "model/domain_name.h"
#include "model/node.h"
#include "model/purge.h"
#include "store/acme_store.h"
#include "store/cert_store.h"
#include "store/domain_store.h"
#include "store/node_store.h"
#include "store/purge_log.h"
#include "store/task_store.h"
#include "tasks/issuance_request.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::Response;
using http::status;

namespace {

std::string what(std::string_view domain) {
  return "domain '" + std::string(domain) + "'";
}

// Every sub-resource of a domain that does not exist is a 404. Returns the response to
// answer, or nullopt when the domain exists.
asio::awaitable<std::optional<Response>> requireDomain(ApiContext& ctx, const std::string& d) {
  store::DomainStore domains(ctx.redis);
  auto raw = co_await domains.getRaw(d);
  if (!raw) co_return errorResponse(raw.error());
  if (!*raw) co_return errorResponse(notFound(d), what(d));
  co_return std::nullopt;
}

asio::awaitable<Response> getCname(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  if (auto missing = co_await requireDomain(ctx, d.domain)) co_return std::move(*missing);
  if (ctx.config.cname_base_domain.empty()) {
    co_return http::problemResponse(status::not_found,
                                    "DNS steering is disabled (CNAME_BASE_DOMAIN is empty)");
  }
  store::NodeStore nodes(ctx.redis);
  auto all = co_await nodes.list();
  if (!all) co_return errorResponse(all.error());
  std::vector<const model::Node*> eligible;
  std::vector<SiteCandidate> candidates;
  for (const auto& n : *all) {
    if (!model::isEligible(n)) continue;
    eligible.push_back(&n);
    candidates.push_back({n.id, n.site});
  }
  std::string fqdn = cirrus::accessFqdn(d.domain, ctx.config.cname_base_domain);
  auto picked =
      pickPerSite(candidates, fqdn, static_cast<size_t>(ctx.config.cname_replicas_per_site));
  nlohmann::json list = nlohmann::json::array();
  for (size_t i : picked) {
    const model::Node& n = *eligible[i];
    list.push_back({{"id", n.id},
                    {"ipv4", n.ipv4.empty() ? nlohmann::json() : nlohmann::json(n.ipv4)},
                    {"ipv6", n.ipv6.empty() ? nlohmann::json() : nlohmann::json(n.ipv6)},
                    {"site", n.site}});
  }
  co_return http::jsonResponse(status::ok, {{"domain", d.domain},
                                            {"fqdn", fqdn},
                                            {"ttl", ctx.config.cname_default_ttl},
                                            {"nodes", std::move(list)}});
}

asio::awaitable<Response> appendPurges(ApiContext& ctx, const Principal& who,
                                       const std::string& domain,
                                       const std::vector<model::PurgeMessage>& messages) {
  store::PurgeLog log(ctx.redis);
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& m : messages) {
    auto id = co_await log.append(m);
    if (!id) co_return errorResponse(id.error());
    ids.push_back(*id);
  }
  store::AuditContext audit = who.audit();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& m : messages) items.push_back(model::toJson(m));
  audit.details = {{"purges", items}};
  store::AuditLog audit_log(ctx.redis);
  auto logged = co_await audit_log.append(audit, "purge.create", domain);
  if (!logged) co_return errorResponse(logged.error());
  co_return http::jsonResponse(status::accepted,
                               {{"domain", domain}, {"purges", std::move(items)}, {"ids", ids}});
}

asio::awaitable<Response> purgeDomain(ApiContext& ctx, http::RequestContext& rc,
                                      const Principal* who) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parsePurgeRequest(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  if (auto missing = co_await requireDomain(ctx, d.domain)) co_return std::move(*missing);
  co_return co_await appendPurges(ctx, *who, d.domain,
                                  model::toPurgeMessages(d.domain, parsed.value));
}

asio::awaitable<Response> purgeSeed(ApiContext& ctx, http::RequestContext& rc,
                                    const Principal* who) {
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parsePurgeMessage(*body, model::PurgeMessageSource::kApi);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  if (auto missing = co_await requireDomain(ctx, parsed.value.domain)) {
    co_return std::move(*missing);
  }
  std::vector<model::PurgeMessage> one{parsed.value};
  co_return co_await appendPurges(ctx, *who, parsed.value.domain, one);
}

nlohmann::json acmeJson(const std::string& domain, const std::optional<model::AcmeStatus>& s) {
  if (s) return model::toApiJson(domain, *s);
  // Never requested: no acme-dns registration yet, so no CNAME target to show.
  nlohmann::json out = model::toApiJson(domain, model::AcmeStatus{});
  out["status"] = "none";
  return out;
}

asio::awaitable<Response> getAcme(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  if (auto missing = co_await requireDomain(ctx, d.domain)) co_return std::move(*missing);
  store::AcmeStore acme(ctx.redis);
  auto st = co_await acme.getStatus(d.domain);
  if (!st) co_return errorResponse(st.error());
  nlohmann::json out = acmeJson(d.domain, *st);
  auto task = co_await acme.getTask(d.domain);
  if (!task) co_return errorResponse(task.error());
  out["task_id"] = *task ? nlohmann::json(**task) : nlohmann::json();
  co_return http::jsonResponse(status::ok, out);
}

asio::awaitable<Response> requestAcme(ApiContext& ctx, http::RequestContext& rc,
                                      const Principal* who) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  if (auto missing = co_await requireDomain(ctx, d.domain)) co_return std::move(*missing);
  // One issuance in flight per domain: a repeated request returns the queued/running task.
  auto requested = co_await tasks::requestIssuance(ctx.redis, d.domain, unixNow());
  if (!requested) co_return errorResponse(requested.error());
  if (requested->already_in_flight) {
    co_return http::jsonResponse(status::accepted,
                                 {{"task_id", requested->task_id}, {"domain", d.domain}});
  }
  const std::string& id = requested->task_id;
  store::AuditContext audit = who->audit();
  audit.details = {{"task_id", id}};
  store::AuditLog audit_log(ctx.redis);
  auto logged = co_await audit_log.append(audit, "acme.request", d.domain);
  if (!logged) co_return errorResponse(logged.error());
  co_return http::jsonResponse(status::accepted, {{"task_id", id}, {"domain", d.domain}});
}

asio::awaitable<Response> getCertificate(ApiContext& ctx, http::RequestContext& rc,
                                         const Principal*) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  store::CertStore certs(ctx.redis);
  auto meta = co_await certs.getMeta(d.domain);
  if (!meta) co_return errorResponse(meta.error());
  if (!*meta) {
    if (auto missing = co_await requireDomain(ctx, d.domain)) co_return std::move(*missing);
    co_return http::problemResponse(status::not_found,
                                    "domain '" + d.domain + "' has no certificate");
  }
  co_return http::jsonResponse(status::ok, model::toJson(**meta));
}

asio::awaitable<Response> putCertificate(ApiContext& ctx, http::RequestContext& rc,
                                         const Principal* who) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseCertificateUpload(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  auto inspected =
      model::inspectCertificate(d.domain, parsed.value, unixNow(), model::CertSource::kUpload);
  if (!inspected.ok()) co_return validationResponse(inspected.errors);
  store::CertStore certs(ctx.redis);
  auto stored = co_await certs.put(d.domain, parsed.value.fullchain, parsed.value.key,
                                   inspected.value, who->audit());
  if (!stored) co_return errorResponse(stored.error(), what(d.domain));
  co_return http::jsonResponse(status::ok, model::toJson(inspected.value));
}

asio::awaitable<Response> deleteCertificate(ApiContext& ctx, http::RequestContext& rc,
                                            const Principal* who) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  store::CertStore certs(ctx.redis);
  auto removed = co_await certs.remove(d.domain, who->audit());
  if (!removed) co_return errorResponse(removed.error(), "certificate of '" + d.domain + "'");
  co_return noContent();
}

}  // namespace

void addDomainExtraRoutes(std::vector<RouteSpec>& routes) {
  const std::vector<ResponseDoc> not_found = {{404, "Problem", "No such domain"}};
  auto with404 = [&](std::vector<ResponseDoc> r) {
    r.insert(r.end(), not_found.begin(), not_found.end());
    return r;
  };
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/domains/{domain}/cname",
                    .operation_id = "getDomainCname",
                    .tag = "domains",
                    .summary = "The access FQDN and the nodes DNS steers it to (spec §7)",
                    .access = Access::kAuthenticated,
                    .responses = with404({{200, "CnameAnswer", "Steering answer"}}),
                    .handler = getCname});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/domains/{domain}/purge",
                    .operation_id = "purgeDomain",
                    .tag = "purge",
                    .summary = "Purge paths, tags or the whole domain",
                    .access = Access::kAdmin,
                    .request_schema = "PurgeRequest",
                    .responses = with404({{202, "PurgeAccepted", "Logged and published"}}),
                    .handler = purgeDomain});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/purge",
                    .operation_id = "purge",
                    .tag = "purge",
                    .summary = "Seed-compatible purge {domain, path}",
                    .access = Access::kAdmin,
                    .request_schema = "PurgeMessage",
                    .responses = with404({{202, "PurgeAccepted", "Logged and published"}}),
                    .handler = purgeSeed});
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/domains/{domain}/acme",
                    .operation_id = "getDomainAcme",
                    .tag = "acme",
                    .summary = "Issuance status and the _acme-challenge CNAME to create",
                    .access = Access::kAuthenticated,
                    .responses = with404({{200, "AcmeStatus", "Status"}}),
                    .handler = getAcme});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/domains/{domain}/acme",
                    .operation_id = "requestDomainAcme",
                    .tag = "acme",
                    .summary = "Enqueue certificate issuance (acme.issue_certificate)",
                    .access = Access::kAdmin,
                    .responses = with404({{202, "TaskAccepted", "Queued (or already in flight)"}}),
                    .handler = requestAcme});
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/domains/{domain}/certificate",
                    .operation_id = "getDomainCertificate",
                    .tag = "certificates",
                    .summary = "Certificate metadata (never the private key)",
                    .access = Access::kAuthenticated,
                    .responses = with404({{200, "CertificateMeta", "Metadata"}}),
                    .handler = getCertificate});
  routes.push_back({.method = http::verb::put,
                    .path = "/api/v1/domains/{domain}/certificate",
                    .operation_id = "uploadDomainCertificate",
                    .tag = "certificates",
                    .summary = "Upload a custom certificate chain and its key",
                    .access = Access::kAdmin,
                    .request_schema = "CertificateUpload",
                    .responses = with404({{200, "CertificateMeta", "Stored"}}),
                    .handler = putCertificate});
  routes.push_back({.method = http::verb::delete_,
                    .path = "/api/v1/domains/{domain}/certificate",
                    .operation_id = "deleteDomainCertificate",
                    .tag = "certificates",
                    .summary = "Remove the domain's certificate",
                    .access = Access::kAdmin,
                    .responses = with404({{204, "", "Removed"}}),
                    .handler = deleteCertificate});
}

}  // namespace cirrus::api
