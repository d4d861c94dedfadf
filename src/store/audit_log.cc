#include "store/audit_log.h"

#include <array>
#include <utility>

#include "model/hash_fields.h"
#include "store/keys.h"
#include "store/stored_values.h"

namespace cirrus::store {

namespace {

constexpr std::array<std::pair<std::string_view, AuthMethod>, 4> kMethods = {{
    {"session", AuthMethod::kSession},
    {"token", AuthMethod::kToken},
    {"master", AuthMethod::kMaster},
    {"bootstrap", AuthMethod::kBootstrap},
}};

std::string fieldOr(const model::HashMap& fields, std::string_view key) {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

AuditEntry entryFromStream(detail::StreamEntry&& stored) {
  AuditEntry entry;
  entry.id = std::move(stored.id);
  entry.ts = model::parseHashTime(fieldOr(stored.fields, "ts")).value_or(0);
  entry.actor = fieldOr(stored.fields, "actor");
  entry.method = fieldOr(stored.fields, "method");
  entry.action = fieldOr(stored.fields, "action");
  entry.target = fieldOr(stored.fields, "target");
  std::string details = fieldOr(stored.fields, "details");
  if (!details.empty()) {
    auto parsed = nlohmann::json::parse(details, nullptr, /*allow_exceptions=*/false);
    entry.details = parsed.is_discarded() ? nlohmann::json(details) : std::move(parsed);
  }
  return entry;
}

}  // namespace

std::string_view toString(AuthMethod method) {
  for (const auto& [name, value] : kMethods) {
    if (value == method) return name;
  }
  return "unknown";
}

std::optional<AuthMethod> parseAuthMethod(std::string_view text) {
  for (const auto& [name, value] : kMethods) {
    if (name == text) return value;
  }
  return std::nullopt;
}

redis::Command auditCommand(const AuditContext& context, std::string_view action,
                            std::string_view target) {
  // replace: a details string with invalid UTF-8 is recorded with U+FFFD instead of throwing.
  std::string details =
      context.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return {"XADD",
          keys::audit(),
          "MAXLEN",
          "~",
          std::to_string(kAuditMaxLength),
          "*",
          "ts",
          std::to_string(context.at),
          "actor",
          context.actor,
          "method",
          std::string(toString(context.method)),
          "action",
          std::string(action),
          "target",
          std::string(target),
          "details",
          std::move(details)};
}

boost::asio::awaitable<Result<std::string>> AuditLog::append(const AuditContext& context,
                                                             std::string_view action,
                                                             std::string_view target) {
  auto reply = co_await client_.command(auditCommand(context, action, target));
  if (!reply) co_return reply.error();
  co_return reply->str();
}

boost::asio::awaitable<Result<std::vector<AuditEntry>>> AuditLog::page(
    std::optional<std::string> before_id, size_t count) {
  std::vector<AuditEntry> entries;
  if (count == 0) co_return entries;
  // XREVRANGE end start: "(" makes the end exclusive (Redis >= 6.2).
  std::string end = before_id ? "(" + *before_id : "+";
  redis::Command command{"XREVRANGE", keys::audit(), std::move(end),
                         "-",         "COUNT",       std::to_string(count)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto stored = detail::toStreamEntries(*reply);
  if (!stored) co_return stored.error();
  entries.reserve(stored->size());
  for (detail::StreamEntry& s : *stored) entries.push_back(entryFromStream(std::move(s)));
  co_return entries;
}

}  // namespace cirrus::store
