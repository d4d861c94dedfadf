// What every API handler shares: the configuration, the Redis client of the API's loop, the
// metrics registry and the pool that runs argon2 off the loop; plus the principal a request
// authenticated as (spec §9) and the access level each route demands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/config.h"
#include "core/metrics_registry.h"
#include "core/redis_client.h"
#include "model/role.h"
#include "store/audit_log.h"

namespace cirrus::api {

/// Built once by runApiService; handlers receive it by reference. Threading: the API runs one
/// io_context on one thread, so `redis` (bound to that executor) is used from that thread only.
struct ApiContext {
  config::ApiConfig config;
  redis::Client& redis;
  /// A second connection with a short command timeout, so /healthz answers within about a
  /// second even while the main connection waits on a slow Redis.
  redis::Client& health_redis;
  metrics::Registry& metrics;
  /// argon2id hashing/verification (tens of ms) runs here, never on the event loop.
  boost::asio::thread_pool& hashing_pool;
  /// Filled at start-up: the admin UI directory (STATIC_DIR or the built web/dist;
  /// empty = the built-in page), the swagger-ui-dist directory (empty = not installed) and
  /// the serialised OpenAPI document.
  std::string static_dir;
  std::string swagger_dir;
  std::string openapi_document;
};

/// Unix seconds now.
int64_t unixNow();

/// Who a request authenticated as. Master ranks above admin; bootstrap acts as admin.
struct Principal {
  std::string name;  // username, token id, "master" or "bootstrap"
  model::Role role = model::Role::kViewer;
  bool master = false;
  store::AuthMethod method = store::AuthMethod::kSession;
  std::string session_hash;  // session principals: SHA-256 hex of the cookie (for logout)

  bool canWrite() const { return master || role == model::Role::kAdmin; }
  /// The audit context of a change this principal makes now.
  store::AuditContext audit() const;
};

/// What a route demands (spec §9); checked before its handler runs.
enum class Access {
  kPublic,         // no credentials at all (login, logout, healthz, docs, static files)
  kAuthenticated,  // any principal, viewer included (reads)
  kAdmin,          // admin, bootstrap or master (writes)
  kMaster,         // MASTER_API_TOKEN only (token management)
};

/// argon2id on ctx.hashing_pool; the calling coroutine resumes on its own executor.
boost::asio::awaitable<std::optional<std::string>> hashPasswordOffLoop(ApiContext& ctx,
                                                                       std::string password);
boost::asio::awaitable<bool> verifyPasswordOffLoop(ApiContext& ctx, std::string password,
                                                   std::string phc);

}  // namespace cirrus::api
