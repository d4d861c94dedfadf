// tasks/{id} and audit (spec §10): background task status and the audit log, newest first,
// paged by stream id.
#include <charconv>
#include <string>
#include <utility>

#include "api/responses.h"
#include "api/route_table.h"
#include "store/audit_log.h"
#include "store/task_store.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::Response;
using http::status;

namespace {

constexpr size_t kDefaultAuditPage = 50;
constexpr size_t kMaxAuditPage = 500;

nlohmann::json taskJson(const store::TaskRecord& t) {
  return {{"id", t.id},
          {"queue", t.queue},
          {"name", t.name},
          {"args", t.args},
          {"status", store::toString(t.status)},
          {"attempts", t.attempts},
          {"result", t.result},
          {"error", t.error.empty() ? nlohmann::json() : nlohmann::json(t.error)},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at}};
}

asio::awaitable<Response> getTask(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  std::string id(rc.param("id"));
  store::TaskStore tasks(ctx.redis);
  auto task = co_await tasks.get(id);
  if (!task) co_return errorResponse(task.error());
  if (!*task) co_return errorResponse(notFound(id), "task '" + id + "'");
  co_return http::jsonResponse(status::ok, taskJson(**task));
}

// Stream ids are "<ms>-<seq>"; anything else is refused before it reaches Redis.
bool isStreamId(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash + 1 == s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != dash && (s[i] < '0' || s[i] > '9')) return false;
  }
  return s.size() <= 41;
}

asio::awaitable<Response> listAudit(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  model::FieldErrors errors;
  size_t limit = kDefaultAuditPage;
  std::optional<std::string> before;
  for (const auto& [key, value] : rc.query.items()) {
    if (key == "limit") {
      size_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > kMaxAuditPage) {
        errors.push_back(model::FieldError::valueError(
            {std::string("limit")},
            "must be an integer from 1 to " + std::to_string(kMaxAuditPage)));
      } else {
        limit = n;
      }
    } else if (key == "before") {
      if (!isStreamId(value)) {
        errors.push_back(
            model::FieldError::valueError({std::string("before")}, "must be an audit entry id"));
      } else {
        before = value;
      }
    }
  }
  if (!errors.empty()) co_return validationResponse(errors, "query");
  store::AuditLog audit(ctx.redis);
  auto page = co_await audit.page(before, limit);
  if (!page) co_return errorResponse(page.error());
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : *page) {
    entries.push_back({{"id", e.id},
                       {"ts", e.ts},
                       {"actor", e.actor},
                       {"method", e.method},
                       {"action", e.action},
                       {"target", e.target},
                       {"details", e.details}});
  }
  nlohmann::json next = page->size() == limit ? nlohmann::json(page->back().id) : nlohmann::json();
  co_return http::jsonResponse(status::ok, {{"entries", std::move(entries)}, {"next", next}});
}

}  // namespace

void addOpsRoutes(std::vector<RouteSpec>& routes) {
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/tasks/{id}",
                    .operation_id = "getTask",
                    .tag = "tasks",
                    .summary = "Background task status",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "Task", "The task"}, {404, "Problem", "No such task"}},
                    .handler = getTask});
  routes.push_back(
      {.method = http::verb::get,
       .path = "/api/v1/audit",
       .operation_id = "listAudit",
       .tag = "audit",
       .summary = "Audit entries, newest first; pass `next` as `before` for the next page",
       .access = Access::kAuthenticated,
       .responses = {{200, "AuditPage", "One page"}},
       .query = {{"limit", "integer", "Entries per page, 1-500 (default 50)"},
                 {"before", "string", "Only entries older than this id"}},
       .handler = listAudit});
}

}  // namespace cirrus::api
