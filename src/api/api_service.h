// `cirrus api`: the control-plane process (spec §2, §9, §10). Builds the route table, the
// Redis clients, metrics and the HTTP server on API_BIND, and serves until SIGTERM/SIGINT.
#pragma once

#include "core/config.h"

namespace cirrus::api {

/// Serves the API on config.bind until SIGTERM/SIGINT, then stops gracefully (in-flight
/// requests finish, bounded). Returns the process exit code: 0 after a graceful stop, 1 when
/// the listener cannot be bound or the stop was forced. Threading: one io_context on the
/// calling thread (plus a small pool for argon2id), one Redis connection for requests and one
/// for /healthz.
int runApiService(const config::CommonConfig& common, const config::ApiConfig& config);

}  // namespace cirrus::api
