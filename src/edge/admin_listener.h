// The edge's admin listener (EDGE_ADMIN_BIND, spec §11): /healthz and /metrics on the shared
// control-plane HTTP server, answered only to clients inside EDGE_METRICS_ALLOW (403 for
// everyone else, before routing, so nothing about the process leaks).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/endpoint.h"
#include "core/metrics_registry.h"
#include "core/result.h"
#include "http/server.h"

namespace cirrus::edge {

/// healthy: called per /healthz; false answers 503 (e.g. while draining).
std::unique_ptr<http::Server> makeAdminListener(boost::asio::io_context& ioc, Endpoint bind,
                                                std::vector<Cidr> allow,
                                                const metrics::Registry& registry,
                                                std::function<bool()> healthy);

}  // namespace cirrus::edge
