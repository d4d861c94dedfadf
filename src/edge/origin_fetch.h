// A buffered origin exchange for work no client waits on: the background revalidation of
// stale-while-revalidate (RFC 5861 §3). It sends a prepared request head (no body), reads the
// whole response into memory up to a bound and returns it parsed; the client-facing path
// streams instead (proxy.cc).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cache/header_field.h"
#include "core/result.h"
#include "model/domain_conf.h"

namespace cirrus::edge {

struct WorkerContext;

struct FetchedResponse {
  unsigned status = 0;
  std::string reason;
  std::vector<cache::OwnedField> fields;
  std::string body;
  bool too_large = false;  // the body exceeded max_body: only the head is here

  /// Views of `fields` (valid while this object is unchanged).
  std::vector<cache::HeaderField> views() const;
};

/// Tries the origins in order (failover on connect failure), sends `head` and reads the
/// response. A body larger than max_body is not read: too_large is set. Errors:
/// upstreamUnavailable / upstreamTimeout, upstreamProtocol for a malformed answer.
boost::asio::awaitable<Result<FetchedResponse>> fetchBuffered(
    WorkerContext& ctx, const std::vector<model::Origin>& origins, const std::string& head,
    size_t max_body);

}  // namespace cirrus::edge
