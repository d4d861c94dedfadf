#include "cache/revalidation.h"

#include <array>
#include <vector>

#include "cache/cache_control.h"
#include "cache/entity_tag.h"
#include "cache/freshness.h"
#include "core/http_date.h"

namespace cirrus::cache {

namespace {

std::vector<HeaderField> viewsOf(const std::vector<OwnedField>& fields) {
  std::vector<HeaderField> views;
  views.reserve(fields.size());
  for (const OwnedField& f : fields) views.push_back({f.name, f.value});
  return views;
}

bool connectionListed(HeaderSpan fields, std::string_view name) {
  bool listed = false;
  forEachFieldMember(fields, "Connection", [&](std::string_view m) {
    if (equalsIgnoreCase(m, name)) listed = true;
  });
  return listed;
}

// §4.3.4: does the 304 describe the stored representation?
bool identifiesStored(const CachedObject& stored, HeaderSpan fields) {
  std::string_view etag = trimOws(findField(fields, "ETag"));
  if (!etag.empty()) {
    if (!isWeakEtag(etag)) return strongEtagMatch(etag, stored.etag);
    return weakEtagMatch(etag, stored.etag);
  }
  if (hasField(fields, "Last-Modified")) {
    return parseHttpDate(findField(fields, "Last-Modified")) == stored.last_modified;
  }
  // No validator: the 304 answers the conditional we built from this very object.
  return true;
}

}  // namespace

ConditionalFields conditionalFields(const CachedObject& stored) {
  ConditionalFields c;
  if (isValidEtag(stored.etag)) c.if_none_match = stored.etag;
  if (stored.last_modified) c.if_modified_since = formatHttpDate(*stored.last_modified);
  return c;
}

bool hasValidator(const CachedObject& stored) {
  return isValidEtag(stored.etag) || stored.last_modified.has_value();
}

CachedObjectSharedPtr mergeNotModified(const CachedObject& stored, HeaderSpan nm,
                                       const RevalidationTimes& times) {
  if (!identifiesStored(stored, nm)) return nullptr;
  auto obj = std::make_shared<CachedObject>(stored);
  // Replace per name: every line of a name present in the 304 supersedes the stored lines.
  std::vector<OwnedField> merged;
  merged.reserve(stored.fields.size() + nm.size());
  auto updated = [&](std::string_view name) {
    if (isUnstorableField(name) || equalsIgnoreCase(name, "Content-Length") ||
        equalsIgnoreCase(name, "Surrogate-Key") || equalsIgnoreCase(name, "Cache-Tag") ||
        connectionListed(nm, name)) {
      return false;
    }
    return hasField(nm, name);
  };
  for (const OwnedField& f : stored.fields) {
    if (!updated(f.name)) merged.push_back(f);
  }
  for (const HeaderField& f : nm) {
    if (updated(f.name)) merged.push_back({std::string(f.name), std::string(f.value)});
  }
  obj->fields = std::move(merged);
  obj->head = serialiseHead(obj->status, obj->reason, obj->fields);

  std::vector<HeaderField> views = viewsOf(obj->fields);
  CacheControl cc = effectiveResponseCacheControl(views);
  obj->times.request_time = times.request_time;
  obj->times.response_time = times.response_time;
  obj->times.date = parseHttpDate(findField(views, "Date"));
  // Age of the 304 itself: the stored Age was dropped at store time.
  obj->times.age_value = parseAgeValue(nm);
  obj->etag = std::string(trimOws(findField(views, "ETag")));
  obj->last_modified = parseHttpDate(findField(views, "Last-Modified"));

  FreshnessInput fi;
  fi.cc = &cc;
  fi.status = obj->status;
  fi.date = obj->times.date;
  fi.has_expires = hasField(views, "Expires");
  if (fi.has_expires) fi.expires = parseHttpDate(findField(views, "Expires"));
  fi.last_modified = obj->last_modified;
  fi.response_time = times.response_time;
  fi.rule_ttl = times.rule_ttl;
  fi.default_ttl = times.default_ttl;
  obj->policy = makeStoredPolicy(cc, freshnessLifetime(fi));
  return obj;
}

ClientConditional evaluateConditionals(std::string_view method, HeaderSpan req,
                                       const CachedObject& stored) {
  if (stored.status < 200 || stored.status > 299) return ClientConditional::kNone;
  bool get_or_head = method == "GET" || method == "HEAD";
  // Step 1-2: If-Match, else If-Unmodified-Since.
  if (hasField(req, "If-Match")) {
    bool match = false;
    forEachFieldMember(req, "If-Match", [&](std::string_view m) {
      if (m == "*" || strongEtagMatch(m, stored.etag)) match = true;
    });
    if (!match) return ClientConditional::kPreconditionFailed;
  } else if (hasField(req, "If-Unmodified-Since")) {
    auto since = parseHttpDate(findField(req, "If-Unmodified-Since"));
    if (since && stored.last_modified && *stored.last_modified > *since) {
      return ClientConditional::kPreconditionFailed;
    }
  }
  // Step 3-4: If-None-Match, else If-Modified-Since.
  if (hasField(req, "If-None-Match")) {
    std::string list;
    combinedField(req, "If-None-Match", list);
    if (noneMatchListMatches(list, stored.etag)) {
      return get_or_head ? ClientConditional::kNotModified : ClientConditional::kPreconditionFailed;
    }
    return ClientConditional::kNone;
  }
  if (get_or_head && hasField(req, "If-Modified-Since")) {
    auto since = parseHttpDate(findField(req, "If-Modified-Since"));
    int64_t modified =
        stored.last_modified.value_or(stored.times.date.value_or(stored.times.response_time));
    if (since && modified <= *since) return ClientConditional::kNotModified;
  }
  return ClientConditional::kNone;
}

std::string notModifiedHead(const CachedObject& stored) {
  static constexpr std::array<std::string_view, 7> kRepeated = {
      "Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary", "Last-Modified"};
  std::vector<OwnedField> fields;
  for (const OwnedField& f : stored.fields) {
    for (std::string_view name : kRepeated) {
      if (equalsIgnoreCase(f.name, name)) {
        fields.push_back(f);
        break;
      }
    }
  }
  return serialiseHead(304, "Not Modified", fields);
}

}  // namespace cirrus::cache
