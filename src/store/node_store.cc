#include "store/node_store.h"

#include <utility>
#include <vector>

#include "core/log.h"
#include "store/keys.h"
#include "store/stored_values.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

// Health half of a node, written only if the node still exists. KEYS[1]: node hash.
// ARGV[1]: the field whose previous value is returned ("active"); ARGV[2..]: field/value
// pairs. Returns nil when the node does not exist, else the previous value ("" when unset).
const redis::Script kUpdateHealth(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local previous = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return previous or ''
)lua");

constexpr std::string_view kActiveField = "active";

model::Node readNode(std::string_view id, const model::HashMap& fields) {
  auto parsed = model::nodeFromHash(id, fields);
  if (!parsed.ok()) {
    log::warn("stored node has invalid fields; using defaults for them",
              {{"node", id}, {"errors", model::describe(parsed.errors)}});
  }
  return std::move(parsed.value);
}

}  // namespace

boost::asio::awaitable<Result<std::vector<model::Node>>> NodeStore::list() {
  auto ids = co_await detail::readSortedMembers(client_, keys::nodes());
  if (!ids) co_return ids.error();
  std::vector<std::string> node_keys;
  node_keys.reserve(ids->size());
  for (const std::string& id : *ids) node_keys.push_back(keys::node(id));
  auto hashes = co_await detail::readHashes(client_, node_keys);
  if (!hashes) co_return hashes.error();
  std::vector<model::Node> nodes;
  nodes.reserve(ids->size());
  for (size_t i = 0; i < ids->size(); ++i) {
    if ((*hashes)[i].empty()) continue;  // deleted between SMEMBERS and HGETALL
    nodes.push_back(readNode((*ids)[i], (*hashes)[i]));
  }
  co_return nodes;
}

boost::asio::awaitable<Result<std::optional<model::Node>>> NodeStore::get(std::string_view id) {
  redis::Command command{"HGETALL", keys::node(id)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<model::Node>();
  co_return std::optional<model::Node>(readNode(id, *fields));
}

boost::asio::awaitable<Result<void>> NodeStore::create(const model::Node& node,
                                                       const AuditContext& audit) {
  model::Node fresh;  // spec §4: a new node starts active=1 until health checks say otherwise
  model::HashFields fields = model::nodeAdminFields(node);
  for (auto& field : model::nodeHealthFields(fresh)) fields.push_back(std::move(field));
  std::vector<redis::Command> commands{detail::hsetCommand(keys::node(node.id), fields),
                                       {"SADD", keys::nodes(), node.id},
                                       auditCommand(audit, "node.create", node.id)};
  auto written = co_await detail::guardedWrite(client_, keys::node(node.id),
                                               detail::Guard::kMustBeAbsent, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return conflict("node " + node.id + " already exists");
  co_await announce(node.id);
  co_return ok();
}

boost::asio::awaitable<Result<void>> NodeStore::put(const model::Node& node,
                                                    const AuditContext& audit) {
  std::vector<redis::Command> commands{
      detail::hsetCommand(keys::node(node.id), model::nodeAdminFields(node)),
      auditCommand(audit, "node.update", node.id)};
  auto written = co_await detail::guardedWrite(client_, keys::node(node.id),
                                               detail::Guard::kMustExist, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("node " + node.id + " does not exist");
  co_await announce(node.id);
  co_return ok();
}

boost::asio::awaitable<Result<bool>> NodeStore::updateHealth(const model::Node& node) {
  std::vector<std::string> args{std::string(kActiveField)};
  for (const auto& [field, value] : model::nodeHealthFields(node)) {
    args.push_back(field);
    args.push_back(value);
  }
  std::vector<std::string> script_keys{keys::node(node.id)};
  auto reply = co_await client_.eval(kUpdateHealth, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->isNil()) co_return notFound("node " + node.id + " does not exist");
  // A missing or unreadable previous value means the default: active (spec §4).
  bool was_active = model::parseHashBool(reply->str()).value_or(true);
  bool changed = was_active != node.active;
  if (changed) co_await announce(node.id);
  co_return changed;
}

boost::asio::awaitable<Result<void>> NodeStore::remove(std::string_view id,
                                                       const AuditContext& audit) {
  std::string node_id(id);
  std::vector<redis::Command> commands{{"DEL", keys::node(node_id)},
                                       {"SREM", keys::nodes(), node_id},
                                       auditCommand(audit, "node.delete", node_id)};
  auto written = co_await detail::guardedWrite(client_, keys::node(node_id),
                                               detail::Guard::kMustExist, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("node " + node_id + " does not exist");
  co_await announce(node_id);
  co_return ok();
}

boost::asio::awaitable<void> NodeStore::announce(std::string_view id) {
  std::vector<detail::Notice> notices{{keys::cnameDirtyChannel(), std::string(id)}};
  co_await detail::publishAfterCommit(client_, std::move(notices));
}

}  // namespace cirrus::store
