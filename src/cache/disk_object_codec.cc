#include "cache/disk_object_codec.h"

#include <cstring>

namespace cirrus::cache {

namespace {

constexpr uint32_t kMaxMetaBytes = 16 << 20;  // a sanity bound against corrupt files

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void optI64(const std::optional<int64_t>& v) {
    u8(v ? 1 : 0);
    i64(v.value_or(0));
  }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint64_t u64() {
    if (!need(8)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
    pos_ += 8;
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  std::optional<int64_t> optI64() {
    bool has = u8() != 0;
    int64_t v = i64();
    return has ? std::optional<int64_t>(v) : std::nullopt;
  }
  std::string str() {
    uint64_t n = u64();
    if (!need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of following records, bounded by the bytes left so corrupt input cannot make us
  // reserve gigabytes.
  uint64_t count() {
    uint64_t n = u64();
    if (n > in_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  bool need(uint64_t n) {
    if (!ok_ || n > in_.size() - pos_) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string encodeObjectPrelude(const CachedObject& o) {
  Writer w;
  w.str(o.key_text);
  w.u64(o.key.hi);
  w.u64(o.key.lo);
  w.u64(o.variant);
  w.u64(o.vary.names.size());
  for (const std::string& n : o.vary.names) w.str(n);
  w.str(o.domain);
  w.str(o.path);
  w.u64(o.tags.size());
  for (const std::string& t : o.tags) w.str(t);
  w.u64(o.status);
  w.str(o.reason);
  w.u64(o.fields.size());
  for (const OwnedField& f : o.fields) {
    w.str(f.name);
    w.str(f.value);
  }
  w.i64(o.times.request_time);
  w.i64(o.times.response_time);
  w.optI64(o.times.date);
  w.i64(o.times.age_value);
  w.i64(o.policy.lifetime);
  w.i64(o.policy.stale_while_revalidate);
  w.i64(o.policy.stale_if_error);
  w.u8(static_cast<uint8_t>((o.policy.no_cache ? 1 : 0) | (o.policy.must_revalidate ? 2 : 0) |
                            (o.policy.shared_max_age ? 4 : 0) | (o.policy.immutable ? 8 : 0)));
  w.str(o.etag);
  w.optI64(o.last_modified);
  w.i64(o.range_first);
  w.optI64(o.complete_length);
  w.u64(o.bodySize());

  std::string out(kDiskMagic);
  auto meta_len = static_cast<uint32_t>(w.out().size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((meta_len >> (8 * i)) & 0xff));
  out += w.out();
  return out;
}

std::optional<CachedObject> decodeObjectPrelude(std::string_view bytes, size_t& body_offset,
                                                uint64_t& body_size) {
  if (bytes.size() < kDiskMagic.size() + 4 || !bytes.starts_with(kDiskMagic)) return std::nullopt;
  uint32_t meta_len = 0;
  for (int i = 0; i < 4; ++i) {
    meta_len |= uint32_t{static_cast<uint8_t>(bytes[kDiskMagic.size() + i])} << (8 * i);
  }
  size_t meta_start = kDiskMagic.size() + 4;
  if (meta_len > kMaxMetaBytes || bytes.size() - meta_start < meta_len) return std::nullopt;
  Reader r(bytes.substr(meta_start, meta_len));
  CachedObject o;
  o.key_text = r.str();
  o.key.hi = r.u64();
  o.key.lo = r.u64();
  o.variant = r.u64();
  for (uint64_t n = r.count(); n > 0; --n) o.vary.names.push_back(r.str());
  o.domain = r.str();
  o.path = r.str();
  for (uint64_t n = r.count(); n > 0; --n) o.tags.push_back(r.str());
  o.status = static_cast<unsigned>(r.u64());
  o.reason = r.str();
  for (uint64_t n = r.count(); n > 0; --n) {
    OwnedField f;
    f.name = r.str();
    f.value = r.str();
    o.fields.push_back(std::move(f));
  }
  o.times.request_time = r.i64();
  o.times.response_time = r.i64();
  o.times.date = r.optI64();
  o.times.age_value = r.i64();
  o.policy.lifetime = r.i64();
  o.policy.stale_while_revalidate = r.i64();
  o.policy.stale_if_error = r.i64();
  uint8_t flags = r.u8();
  o.policy.no_cache = flags & 1;
  o.policy.must_revalidate = flags & 2;
  o.policy.shared_max_age = flags & 4;
  o.policy.immutable = flags & 8;
  o.etag = r.str();
  o.last_modified = r.optI64();
  o.range_first = r.i64();
  o.complete_length = r.optI64();
  body_size = r.u64();
  if (!r.ok() || hashKeyText(o.key_text) != o.key) return std::nullopt;
  o.head = serialiseHead(o.status, o.reason, o.fields);
  o.body = Body::empty();
  body_offset = meta_start + meta_len;
  return o;
}

}  // namespace cirrus::cache
