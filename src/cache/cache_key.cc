#include "cache/cache_key.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <span>

#include <fmt/format.h>
#include <xxhash.h>

namespace cirrus::cache {

namespace {

uint64_t mix(uint64_t seed, std::string_view bytes) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

std::string_view paramName(std::string_view param) {
  return param.substr(0, param.find('='));
}

class VaryHasher {
 public:
  void add(std::string_view bytes) {
    while (!bytes.empty()) {
      size_t n = std::min(bytes.size(), buf_.size() - used_);
      std::memcpy(buf_.data() + used_, bytes.data(), n);
      used_ += n;
      bytes.remove_prefix(n);
      if (used_ == buf_.size()) flush();
    }
  }
  uint64_t finish() {
    flush();
    return seed_;
  }

 private:
  void flush() {
    seed_ = mix(seed_, std::string_view(buf_.data(), used_));
    used_ = 0;
  }
  std::array<char, 512> buf_;
  size_t used_ = 0;
  uint64_t seed_ = 0x9e3779b97f4a7c15ULL;
};

}  // namespace

CacheKey hashKeyText(std::string_view text) {
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return CacheKey{h.high64, h.low64};
}

std::string toHex(const CacheKey& key) {
  return fmt::format("{:016x}{:016x}", key.hi, key.lo);
}

std::string canonicalTarget(std::string_view target, model::QueryStringMode mode) {
  std::string out;
  appendCanonicalTarget(out, target, mode);
  return out;
}

void appendCanonicalTarget(std::string& out, std::string_view target, model::QueryStringMode mode) {
  target = target.substr(0, target.find('#'));
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  out.append(path);
  switch (mode) {
    case model::QueryStringMode::kIgnore:
      break;
    case model::QueryStringMode::kInclude:
      if (q != std::string_view::npos) {
        out += '?';
        out.append(query);
      }
      break;
    case model::QueryStringMode::kSorted: {
      // Up to 32 parameters sort in place on the stack; longer queries use the heap.
      std::array<std::string_view, 32> small;
      std::vector<std::string_view> large;
      size_t n = 0;
      auto add = [&](std::string_view p) {
        if (n < small.size()) {
          small[n] = p;
        } else {
          if (large.empty()) large.assign(small.begin(), small.end());
          large.push_back(p);
        }
        ++n;
      };
      size_t start = 0;
      while (start <= query.size()) {
        size_t amp = query.find('&', start);
        if (amp == std::string_view::npos) amp = query.size();
        if (amp > start) add(query.substr(start, amp - start));
        start = amp + 1;
      }
      std::span<std::string_view> params =
          large.empty() ? std::span<std::string_view>(small.data(), n) : std::span(large);
      auto by_name = [](std::string_view a, std::string_view b) {
        return paramName(a) < paramName(b);
      };
      if (large.empty()) {
        // Insertion sort: stable and, unlike std::stable_sort, free of a temporary buffer.
        for (size_t i = 1; i < params.size(); ++i) {
          for (size_t j = i; j > 0 && by_name(params[j], params[j - 1]); --j) {
            std::swap(params[j], params[j - 1]);
          }
        }
      } else {
        std::stable_sort(params.begin(), params.end(), by_name);
      }
      for (size_t i = 0; i < params.size(); ++i) {
        out += i == 0 ? '?' : '&';
        out.append(params[i]);
      }
      break;
    }
  }
}

PrimaryKey makePrimaryKey(std::string_view scheme, std::string_view host, std::string_view target,
                          model::QueryStringMode mode, std::optional<SliceBlock> block) {
  PrimaryKey key;
  makePrimaryKeyInto(key, scheme, host, target, mode, block);
  return key;
}

void makePrimaryKeyInto(PrimaryKey& key, std::string_view scheme, std::string_view host,
                        std::string_view target, model::QueryStringMode mode,
                        std::optional<SliceBlock> block) {
  key.text.clear();
  key.text.reserve(scheme.size() + 3 + host.size() + target.size() + 24);
  key.text.append(scheme);
  key.text += "://";
  key.text.append(host);
  appendCanonicalTarget(key.text, target, mode);
  if (block)
    fmt::format_to(std::back_inserter(key.text), "#slice={}:{}", block->size, block->index);
  key.id = hashKeyText(key.text);
}

VaryFields parseVary(HeaderSpan response_fields) {
  VaryFields v;
  forEachFieldMember(response_fields, "Vary", [&](std::string_view member) {
    if (member == "*") {
      v.star = true;
      return;
    }
    v.names.push_back(toLowerAscii(member));
  });
  std::sort(v.names.begin(), v.names.end());
  v.names.erase(std::unique(v.names.begin(), v.names.end()), v.names.end());
  return v;
}

uint64_t secondaryKey(const std::vector<std::string>& names, HeaderSpan request_fields) {
  if (names.empty()) return 0;
  // The normalised text ("name\x01member,member,\x02" per field) is hashed in stack-sized
  // chunks: one XXH3 call for typical requests, no allocation.
  VaryHasher hasher;
  for (const std::string& name : names) {
    hasher.add(name);
    bool present = false;
    for (const HeaderField& f : request_fields) {
      if (!equalsIgnoreCase(f.name, name)) continue;
      present = true;
      forEachListMember(f.value, [&](std::string_view member) {
        hasher.add(member);
        hasher.add(",");
      });
    }
    // Separators that no field value contains keep "absent" and "empty" apart, and keep one
    // field's value from impersonating the next field.
    hasher.add(present ? std::string_view("\x01", 1) : std::string_view("\x02", 1));
  }
  uint64_t h = hasher.finish();
  return h == 0 ? 1 : h;
}

}  // namespace cirrus::cache
