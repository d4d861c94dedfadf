// Builds CachedObjects for the cache tests from a few readable parameters.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_key.h"
#include "cache/cached_object.h"
#include "cache/header_field.h"

namespace cirrus::cache::test {

struct ObjectSpec {
  std::string domain = "www.example.com";
  std::string target = "/a";
  std::vector<HeaderField> response_fields = {{"Cache-Control", "max-age=60"}};
  std::vector<HeaderField> request_fields;  // for the Vary secondary key
  std::string body = "hello";
  unsigned status = 200;
  int64_t now = 1'000'000;
};

inline CachedObjectSharedPtr makeObject(const ObjectSpec& spec) {
  const std::string path = canonicalTarget(spec.target, model::QueryStringMode::kInclude);
  ObjectInput in;
  in.key = makePrimaryKey("https", spec.domain, spec.target, model::QueryStringMode::kInclude);
  in.vary = parseVary(spec.response_fields);
  in.variant = secondaryKey(in.vary.names, spec.request_fields);
  in.domain = spec.domain;
  in.path = path;
  in.status = spec.status;
  in.reason = spec.status == 200 ? "OK" : "Other";
  in.response_fields = spec.response_fields;
  in.body = Body::make(spec.body);
  in.request_time = spec.now;
  in.response_time = spec.now;
  return buildCachedObject(std::move(in));
}

inline PrimaryKey keyOf(std::string_view target, std::string_view domain = "www.example.com") {
  return makePrimaryKey("https", domain, target, model::QueryStringMode::kInclude);
}

}  // namespace cirrus::cache::test
