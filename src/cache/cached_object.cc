#include "cache/cached_object.h"

#include <algorithm>
#include <charconv>

#include "core/http_date.h"

namespace cirrus::cache {

namespace {

bool listedIn(std::string_view list, std::string_view name) {
  bool found = false;
  forEachListMember(list, [&](std::string_view member) {
    std::string_view n = member;
    if (n.size() >= 2 && n.front() == '"') n = n.substr(1, n.size() - 2);
    if (equalsIgnoreCase(trimOws(n), name)) found = true;
  });
  return found;
}

bool connectionListed(HeaderSpan fields, std::string_view name) {
  for (const HeaderField& f : fields) {
    if (equalsIgnoreCase(f.name, "Connection") && listedIn(f.value, name)) return true;
  }
  return false;
}

void addTags(std::string_view value, char separator, std::vector<std::string>& tags) {
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(separator, start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view tag = trimOws(value.substr(start, end - start));
    if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) {
      tags.emplace_back(tag);
    }
    start = end + 1;
  }
}

std::optional<int64_t> parseNumber(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

bool carriesContentLength(unsigned status) {
  return status >= 200 && status != 204 && status != 304;
}

}  // namespace

size_t CachedObject::charge() const {
  size_t n = sizeof(CachedObject) + key_text.size() + head.size() + domain.size() + path.size() +
             reason.size() + etag.size() + bodySize();
  for (const OwnedField& f : fields) n += f.name.size() + f.value.size() + 2 * sizeof(std::string);
  for (const std::string& t : tags) n += t.size() + sizeof(std::string);
  for (const std::string& v : vary.names) n += v.size() + sizeof(std::string);
  return n;
}

std::string serialiseHead(unsigned status, std::string_view reason,
                          const std::vector<OwnedField>& fields) {
  size_t n = 32 + reason.size();
  for (const OwnedField& f : fields) n += f.name.size() + f.value.size() + 4;
  std::string out;
  out.reserve(n);
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out.append(reason);
  out += "\r\n";
  for (const OwnedField& f : fields) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
  return out;
}

CachedObjectSharedPtr buildCachedObject(ObjectInput in) {
  auto obj = std::make_shared<CachedObject>();
  obj->key_text = std::move(in.key.text);
  obj->key = in.key.id;
  obj->variant = in.variant;
  obj->vary = std::move(in.vary);
  obj->domain = std::string(in.domain);
  obj->path = std::string(in.path);
  obj->status = in.status;
  obj->reason = std::string(in.reason);
  obj->body = in.body ? std::move(in.body) : Body::empty();

  CacheControl cc = effectiveResponseCacheControl(in.response_fields);
  for (const HeaderField& f : in.response_fields) {
    if (equalsIgnoreCase(f.name, "Surrogate-Key")) {
      addTags(f.value, ' ', obj->tags);
      continue;
    }
    if (equalsIgnoreCase(f.name, "Cache-Tag")) {
      addTags(f.value, ',', obj->tags);
      continue;
    }
    if (isUnstorableField(f.name) || equalsIgnoreCase(f.name, "Content-Length") ||
        connectionListed(in.response_fields, f.name) || listedIn(cc.no_cache_fields, f.name) ||
        listedIn(cc.private_fields, f.name)) {
      continue;
    }
    obj->fields.push_back(OwnedField{std::string(f.name), std::string(f.value)});
  }
  if (carriesContentLength(in.status)) {
    obj->fields.push_back(OwnedField{"Content-Length", std::to_string(obj->body->size())});
  }
  obj->head = serialiseHead(obj->status, obj->reason, obj->fields);

  obj->times.request_time = in.request_time;
  obj->times.response_time = in.response_time;
  obj->times.date = parseHttpDate(findField(in.response_fields, "Date"));
  obj->times.age_value = parseAgeValue(in.response_fields);
  obj->etag = std::string(trimOws(findField(in.response_fields, "ETag")));
  obj->last_modified = parseHttpDate(findField(in.response_fields, "Last-Modified"));

  FreshnessInput fi;
  fi.cc = &cc;
  fi.status = in.status;
  fi.date = obj->times.date;
  fi.has_expires = hasField(in.response_fields, "Expires");
  if (fi.has_expires) fi.expires = parseHttpDate(findField(in.response_fields, "Expires"));
  fi.last_modified = obj->last_modified;
  fi.response_time = in.response_time;
  fi.rule_ttl = in.rule_ttl;
  fi.default_ttl = in.default_ttl;
  obj->policy = makeStoredPolicy(cc, freshnessLifetime(fi));

  if (in.status == 206) {
    if (auto cr = parseContentRange(findField(in.response_fields, "Content-Range"))) {
      obj->range_first = cr->first;
      obj->complete_length = cr->complete_length;
    }
  } else {
    obj->complete_length = static_cast<int64_t>(obj->body->size());
  }
  return obj;
}

std::optional<ContentRange> parseContentRange(std::string_view value) {
  value = trimOws(value);
  if (!value.starts_with("bytes ")) return std::nullopt;
  value.remove_prefix(6);
  size_t dash = value.find('-');
  size_t slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) {
    return std::nullopt;
  }
  auto first = parseNumber(value.substr(0, dash));
  auto last = parseNumber(value.substr(dash + 1, slash - dash - 1));
  if (!first || !last || *last < *first) return std::nullopt;
  ContentRange cr{*first, *last, std::nullopt};
  std::string_view len = value.substr(slash + 1);
  if (len != "*") {
    cr.complete_length = parseNumber(len);
    if (!cr.complete_length || *cr.complete_length <= *last) return std::nullopt;
  }
  return cr;
}

}  // namespace cirrus::cache
