#include "model/purge.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/domain_name.h"
#include "model/object_reader.h"

namespace cirrus::model {

namespace {

using nlohmann::json;

bool isVisibleAscii(char c) {
  return c > 0x20 && c < 0x7F;
}

constexpr std::string_view kPathRule =
    "a purge path is \"*\" or starts with \"/\", has only visible ASCII characters "
    "(percent-encode others) and may end with \"*\"";
constexpr std::string_view kTagRule = "a purge tag has 1-256 visible ASCII characters and no ','";

// A list of strings, each checked by valid(); records errors at loc and loc.i.
std::vector<std::string> readItems(ObjectReader& r, std::string_view key,
                                   bool (*valid)(std::string_view), std::string_view rule) {
  std::vector<std::string> out;
  const json* v = r.get(key);
  if (v == nullptr) return out;
  Loc loc = r.at(key);
  if (!v->is_array()) {
    r.errors().push_back(FieldError::listType(loc));
    return out;
  }
  if (v->empty()) {
    r.errors().push_back(FieldError::tooShort(loc, 1, 0));
    return out;
  }
  if (v->size() > kMaxPurgeItems) {
    r.errors().push_back(FieldError::tooLong(loc, kMaxPurgeItems, v->size()));
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    auto item = readString((*v)[i], join(loc, i), r.errors());
    if (!item) continue;
    if (!valid(*item)) {
      r.errors().push_back(FieldError::valueError(join(loc, i), rule));
      continue;
    }
    out.push_back(*item);
  }
  return out;
}

}  // namespace

bool isValidPurgePath(std::string_view path) {
  if (path == "*") return true;
  if (path.empty() || path.size() > kMaxPurgePathLength || path.front() != '/') return false;
  if (!std::all_of(path.begin(), path.end(), isVisibleAscii)) return false;
  size_t star = path.find('*');
  return star == std::string_view::npos || star == path.size() - 1;
}

bool isValidPurgeTag(std::string_view tag) {
  return !tag.empty() && tag.size() <= kMaxPurgeTagLength &&
         std::all_of(tag.begin(), tag.end(), [](char c) { return isVisibleAscii(c) && c != ','; });
}

Validated<PurgeRequest> parsePurgeRequest(const json& body) {
  Validated<PurgeRequest> result;
  PurgeRequest& req = result.value;
  ObjectReader r(body, {}, result.errors);
  if (!r.valid()) return result;

  int given = int{r.has("paths")} + int{r.has("tags")} + int{r.has("all")};
  req.paths = readItems(r, "paths", isValidPurgePath, kPathRule);
  req.tags = readItems(r, "tags", isValidPurgeTag, kTagRule);
  if (auto all = r.boolean("all", Presence::kOptional)) {
    if (*all) {
      req.all = true;
    } else {
      result.errors.push_back(FieldError::valueError(
          r.at("all"), "all must be true; send paths or tags for a partial purge"));
    }
  }
  if (given != 1) {
    result.errors.push_back(
        FieldError::valueError({}, "exactly one of paths, tags or all must be given"));
  }
  req.soft = r.boolean("soft", Presence::kOptional).value_or(false);
  r.finish();
  return result;
}

Validated<PurgeMessage> parsePurgeMessage(const json& body, PurgeMessageSource source) {
  Validated<PurgeMessage> result;
  PurgeMessage& msg = result.value;
  ObjectReader r(
      body, {}, result.errors,
      source == PurgeMessageSource::kApi ? UnknownFields::kReject : UnknownFields::kIgnore);
  if (!r.valid()) return result;

  if (auto domain = r.string("domain", Presence::kRequired)) {
    Result<std::string> normalized = normalizeDomain(*domain);
    if (normalized) {
      msg.domain = *normalized;
    } else {
      result.errors.push_back(FieldError::valueError(
          r.at("domain"), "not a valid domain name: domain " + normalized.error().context()));
    }
  }
  bool has_path = r.has("path");
  bool has_tag = r.has("tag");
  if (has_path == has_tag) {
    result.errors.push_back(FieldError::valueError({}, "exactly one of path or tag must be given"));
  }
  if (auto path = r.string("path", Presence::kOptional)) {
    if (isValidPurgePath(*path)) {
      msg.path = *path;
    } else {
      result.errors.push_back(FieldError::valueError(r.at("path"), kPathRule));
    }
  }
  if (auto tag = r.string("tag", Presence::kOptional)) {
    if (isValidPurgeTag(*tag)) {
      msg.tag = *tag;
    } else {
      result.errors.push_back(FieldError::valueError(r.at("tag"), kTagRule));
    }
  }
  msg.soft = r.boolean("soft", Presence::kOptional).value_or(false);
  r.finish();
  return result;
}

json toJson(const PurgeMessage& message) {
  json j = {{"domain", message.domain}};
  if (!message.tag.empty()) {
    j["tag"] = message.tag;
  } else {
    j["path"] = message.path;
  }
  if (message.soft) j["soft"] = true;
  return j;
}

std::vector<PurgeMessage> toPurgeMessages(std::string_view domain, const PurgeRequest& request) {
  std::vector<PurgeMessage> out;
  std::string d(domain);
  if (request.all) {
    out.push_back({d, "*", "", request.soft});
    return out;
  }
  for (const std::string& path : request.paths) out.push_back({d, path, "", request.soft});
  for (const std::string& tag : request.tags) out.push_back({d, "", tag, request.soft});
  return out;
}

}  // namespace cirrus::model
