#include "model/node.h"

#include <boost/asio/ip/address.hpp>

#include "model/object_reader.h"

namespace cirrus::model {

namespace {

using nlohmann::json;

bool isLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// A node address ends up in A/AAAA records (spec §7): it must be a unicast host address.
std::optional<std::string> checkIpv4(std::string_view text, std::string& reason) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address_v4(std::string(text), ec);
  if (ec) {
    reason = "ipv4 must be an IPv4 address in dotted-quad form";
    return std::nullopt;
  }
  if (a.is_unspecified() || a.is_multicast() || a == boost::asio::ip::address_v4::broadcast()) {
    reason = "ipv4 must be a unicast host address";
    return std::nullopt;
  }
  return a.to_string();
}

std::optional<std::string> checkIpv6(std::string_view text, std::string& reason) {
  // A zone id ("fe80::1%eth0") only means something on the host that wrote it.
  bool has_zone = text.find('%') != std::string_view::npos;
  boost::system::error_code ec;
  boost::asio::ip::address_v6 a;
  if (!has_zone) a = boost::asio::ip::make_address_v6(std::string(text), ec);
  if (has_zone || ec) {
    reason = "ipv6 must be an IPv6 address (no brackets, no zone id)";
    return std::nullopt;
  }
  if (a.is_unspecified() || a.is_multicast() || a.is_v4_mapped()) {
    reason = "ipv6 must be a unicast host address (IPv4 goes in ipv4)";
    return std::nullopt;
  }
  return a.to_string();
}

void readAddress(ObjectReader& r, std::string_view key, std::string& out, bool v4) {
  auto text = r.string(key, Presence::kOptional);
  if (!text || text->empty()) return;
  std::string reason;
  auto canonical = v4 ? checkIpv4(*text, reason) : checkIpv6(*text, reason);
  if (canonical) {
    out = *canonical;
  } else {
    r.errors().push_back(FieldError::valueError(r.at(key), reason));
  }
}

json nullIfEmpty(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

}  // namespace

bool isValidNodeId(std::string_view id) {
  if (id.empty() || id.size() > 63 || !isLowerAlnum(id.front())) return false;
  for (char c : id) {
    if (!isLowerAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool isValidSite(std::string_view site) {
  if (site.empty() || site.size() > 63) return false;
  if (!isLowerAlnum(site.front()) || !isLowerAlnum(site.back())) return false;
  for (char c : site) {
    if (!isLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool isEligible(const Node& node) {
  return node.enabled && node.active && (!node.ipv4.empty() || !node.ipv6.empty());
}

Validated<Node> parseNode(const json& body, std::string_view path_id) {
  Validated<Node> result;
  Node& node = result.value;
  ObjectReader r(body, {}, result.errors);
  if (!r.valid()) return result;

  auto id = r.string("id", path_id.empty() ? Presence::kRequired : Presence::kOptional);
  if (id) {
    if (!isValidNodeId(*id)) {
      result.errors.push_back(FieldError::valueError(
          r.at("id"),
          "id must be 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a "
          "letter or digit"));
    } else if (!path_id.empty() && *id != path_id) {
      result.errors.push_back(
          FieldError::valueError(r.at("id"), "id does not match the id in the URL"));
    } else {
      node.id = *id;
    }
  } else if (!path_id.empty() && !r.has("id")) {
    node.id = std::string(path_id);
  }

  if (auto name = r.string("name", Presence::kOptional, 0, kMaxNodeNameLength)) {
    if (hasControlCharacter(*name)) {
      result.errors.push_back(
          FieldError::valueError(r.at("name"), "name must not contain control characters"));
    } else {
      node.name = *name;
    }
  }

  size_t errors_before = result.errors.size();
  readAddress(r, "ipv4", node.ipv4, true);
  readAddress(r, "ipv6", node.ipv6, false);
  if (result.errors.size() == errors_before && node.ipv4.empty() && node.ipv6.empty()) {
    result.errors.push_back(FieldError::valueError({}, "a node needs an ipv4 or an ipv6 address"));
  }

  if (auto site = r.string("site", Presence::kOptional)) {
    if (isValidSite(*site)) {
      node.site = *site;
    } else {
      result.errors.push_back(FieldError::valueError(
          r.at("site"),
          "site must be one lower-case DNS label: a-z, 0-9 and inner hyphens, "
          "at most 63 characters"));
    }
  }
  node.enabled = r.boolean("enabled", Presence::kOptional).value_or(true);
  r.finish();
  return result;
}

Validated<Node> patchNode(const Node& current, const json& body) {
  if (!body.is_object()) {
    Validated<Node> result{current, {}};
    result.errors.push_back(FieldError::dictType({}));
    return result;
  }
  json merged = {{"id", current.id},
                 {"name", current.name},
                 {"site", current.site},
                 {"enabled", current.enabled}};
  if (!current.ipv4.empty()) merged["ipv4"] = current.ipv4;
  if (!current.ipv6.empty()) merged["ipv6"] = current.ipv6;
  for (const auto& [key, value] : body.items()) {
    if (value.is_null()) {
      merged.erase(key);
    } else {
      merged[key] = value;
    }
  }
  Validated<Node> result = parseNode(merged, current.id);
  result.value.active = current.active;
  result.value.fails = current.fails;
  result.value.succs = current.succs;
  result.value.last_check = current.last_check;
  result.value.last_error = current.last_error;
  return result;
}

json toJson(const Node& node) {
  return {{"id", node.id},
          {"name", node.name},
          {"ipv4", nullIfEmpty(node.ipv4)},
          {"ipv6", nullIfEmpty(node.ipv6)},
          {"site", node.site},
          {"enabled", node.enabled},
          {"active", node.active},
          {"fails", node.fails},
          {"succs", node.succs},
          {"last_check", node.last_check == 0 ? json(nullptr) : json(node.last_check)},
          {"last_error", nullIfEmpty(node.last_error)}};
}

HashFields nodeAdminFields(const Node& node) {
  return {{"id", node.id},     {"name", node.name}, {"ipv4", node.ipv4},
          {"ipv6", node.ipv6}, {"site", node.site}, {"enabled", hashBool(node.enabled)}};
}

HashFields nodeHealthFields(const Node& node) {
  return {{"active", hashBool(node.active)},
          {"fails", std::to_string(node.fails)},
          {"succs", std::to_string(node.succs)},
          {"last_check", std::to_string(node.last_check)},
          {"last_error", node.last_error}};
}

HashFields toHash(const Node& node) {
  HashFields fields = nodeAdminFields(node);
  HashFields health = nodeHealthFields(node);
  fields.insert(fields.end(), health.begin(), health.end());
  return fields;
}

Validated<Node> nodeFromHash(std::string_view id, const HashMap& fields) {
  Validated<Node> result;
  Node& node = result.value;
  HashReader h(fields, result.errors);
  node.id = std::string(id);
  node.name = h.string("name");
  std::string reason;
  if (std::string v4 = h.string("ipv4"); !v4.empty()) {
    if (auto c = checkIpv4(v4, reason)) {
      node.ipv4 = *c;
    } else {
      result.errors.push_back(FieldError::valueError({"ipv4"}, reason));
    }
  }
  if (std::string v6 = h.string("ipv6"); !v6.empty()) {
    if (auto c = checkIpv6(v6, reason)) {
      node.ipv6 = *c;
    } else {
      result.errors.push_back(FieldError::valueError({"ipv6"}, reason));
    }
  }
  node.site = h.string("site");
  if (node.site.empty()) node.site = std::string(kDefaultSite);
  node.enabled = h.boolean("enabled", true);
  node.active = h.boolean("active", true);
  node.fails = h.integer("fails");
  node.succs = h.integer("succs");
  node.last_check = h.time("last_check");
  node.last_error = h.string("last_error");
  return result;
}

}  // namespace cirrus::model
