// NodeStore: the edge node registry (spec §4 `cdn:nodes`, `cdn:node:{id}`). The API writes a
// node's admin half, the health checker its health half, each with HSET of its own fields, so
// neither clobbers the other. Changes publish `cdn:cname:dirty` after the commit; health
// updates only when `active` flips.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/node.h"
#include "store/audit_log.h"

namespace cirrus::store {

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...).
///
/// Stored fields that do not parse are logged and read as their defaults (model::nodeFromHash),
/// so one damaged hash never hides the rest of the fleet.
class NodeStore {
 public:
  explicit NodeStore(redis::Client& client) : client_(client) {}

  /// Every node, sorted by id. A set member whose hash is missing is skipped.
  boost::asio::awaitable<Result<std::vector<model::Node>>> list();

  /// nullopt when the node does not exist.
  boost::asio::awaitable<Result<std::optional<model::Node>>> get(std::string_view id);

  /// Registers a node: its admin fields, plus the health fields of a new node (active=1,
  /// no checks yet) whatever `node` holds. conflict() when the id exists. Audit "node.create".
  boost::asio::awaitable<Result<void>> create(const model::Node& node, const AuditContext& audit);

  /// Replaces the admin fields (id, name, ipv4, ipv6, site, enabled) and keeps the health
  /// fields. notFound() when the node does not exist (a concurrent delete is not undone).
  /// PATCH is the caller's: get(), model::patchNode(), put(). Audit "node.update".
  boost::asio::awaitable<Result<void>> put(const model::Node& node, const AuditContext& audit);

  /// Health checker: writes node.id's health fields (active, fails, succs, last_check,
  /// last_error) and nothing else. notFound() when the node was deleted meanwhile (it is not
  /// recreated). Returns whether `active` changed; only then `cdn:cname:dirty` is published.
  boost::asio::awaitable<Result<bool>> updateHealth(const model::Node& node);

  /// Deletes the node. notFound() when it does not exist. Audit "node.delete".
  boost::asio::awaitable<Result<void>> remove(std::string_view id, const AuditContext& audit);

 private:
  boost::asio::awaitable<void> announce(std::string_view id);

  redis::Client& client_;
};

}  // namespace cirrus::store
