// Conformance suite of the CacheStore seam (style anchor rule 12): every tier runs these.
// A new tier joins by adding one INSTANTIATE line at the bottom.
#include "cache/cache_store.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "cache/disk_store.h"
#include "cache/memory_store.h"
#include "cache/object_factory.h"
#include "cache/tiered_store.h"

namespace cirrus::cache {
namespace {

namespace fs = std::filesystem;

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<CacheStore>(const fs::path& dir, size_t capacity)> make;
};

std::ostream& operator<<(std::ostream& os, const StoreFactory& f) {
  return os << f.name;
}

fs::path uniqueDir() {
  static std::atomic<int> counter{0};
  return fs::temp_directory_path() /
         ("cirrus-cache-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
}

class CacheStoreTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    dir_ = uniqueDir();
    store_ = GetParam().make(dir_, 1 << 20);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  CachedObjectSharedPtr put(test::ObjectSpec spec) {
    CachedObjectSharedPtr o = test::makeObject(spec);
    EXPECT_TRUE(store_->insert(o));
    return o;
  }
  LookupResult get(std::string_view target, std::vector<HeaderField> request = {},
                   std::string_view domain = "www.example.com") {
    PrimaryKey k = test::keyOf(target, domain);
    return store_->lookup(k.id, k.text, request);
  }

  fs::path dir_;
  std::unique_ptr<CacheStore> store_;
};

TEST_P(CacheStoreTest, FindsWhatItStored) {
  test::ObjectSpec spec;
  spec.body = "payload";
  put(spec);
  LookupResult r = get("/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.object->body->view(), "payload");
  EXPECT_EQ(r.object->head, test::makeObject(spec)->head);
  EXPECT_EQ(r.invalidated_at, 0);
  EXPECT_FALSE(get("/b"));
  StoreStats st = store_->stats();
  EXPECT_EQ(st.hits, 1u);
  EXPECT_EQ(st.misses, 1u);
  EXPECT_EQ(st.objects, 1u);
  EXPECT_GT(st.bytes, 7u);
}

TEST_P(CacheStoreTest, SelectsTheVaryVariantOfTheRequest) {
  test::ObjectSpec gz;
  gz.response_fields = {{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Encoding"}};
  gz.request_fields = {{"Accept-Encoding", "gzip"}};
  gz.body = "gzip-body";
  test::ObjectSpec br = gz;
  br.request_fields = {{"Accept-Encoding", "br"}};
  br.body = "br-body";
  put(gz);
  put(br);
  EXPECT_EQ(get("/a", {{"accept-encoding", "gzip"}}).object->body->view(), "gzip-body");
  EXPECT_EQ(get("/a", {{"Accept-Encoding", "br"}}).object->body->view(), "br-body");
  LookupResult none = get("/a", {{"Accept-Encoding", "zstd"}});
  EXPECT_FALSE(none);
  EXPECT_TRUE(none.variant_miss);
  EXPECT_EQ(store_->stats().objects, 2u);
}

TEST_P(CacheStoreTest, ReplacesTheSameVariant) {
  test::ObjectSpec spec;
  spec.body = "v1";
  put(spec);
  spec.body = "v2";
  put(spec);
  EXPECT_EQ(get("/a").object->body->view(), "v2");
  EXPECT_EQ(store_->stats().objects, 1u);
}

TEST_P(CacheStoreTest, DropsOldVariantsWhenTheVaryListChanges) {
  test::ObjectSpec gz;
  gz.response_fields = {{"Vary", "Accept-Encoding"}};
  gz.request_fields = {{"Accept-Encoding", "gzip"}};
  put(gz);
  test::ObjectSpec lang;
  lang.response_fields = {{"Vary", "Accept-Language"}};
  lang.request_fields = {{"Accept-Language", "fr"}};
  lang.body = "fr";
  put(lang);
  EXPECT_EQ(store_->stats().objects, 1u);
  EXPECT_EQ(
      get("/a", {{"Accept-Language", "fr"}, {"Accept-Encoding", "gzip"}}).object->body->view(),
      "fr");
}

TEST_P(CacheStoreTest, EraseRemovesEveryVariant) {
  test::ObjectSpec a;
  a.response_fields = {{"Vary", "X-V"}};
  a.request_fields = {{"X-V", "1"}};
  put(a);
  a.request_fields = {{"X-V", "2"}};
  put(a);
  EXPECT_EQ(store_->erase(test::keyOf("/a").id), 2u);
  EXPECT_FALSE(get("/a", {{"X-V", "1"}}));
  EXPECT_EQ(store_->stats().objects, 0u);
  EXPECT_EQ(store_->stats().bytes, 0u);
}

TEST_P(CacheStoreTest, ExactPurgeRemovesAllVariantsOfThePathOnly) {
  test::ObjectSpec a;
  a.target = "/img/a.png";
  a.response_fields = {{"Vary", "X-V"}};
  a.request_fields = {{"X-V", "1"}};
  put(a);
  a.request_fields = {{"X-V", "2"}};
  put(a);
  test::ObjectSpec q;
  q.target = "/img/a.png?v=2";
  put(q);
  EXPECT_EQ(store_->purge({"www.example.com", PurgeScope::kExactPath, "/img/a.png"}, 5), 2u);
  EXPECT_FALSE(get("/img/a.png", {{"X-V", "1"}}));
  EXPECT_FALSE(get("/img/a.png", {{"X-V", "2"}}));
  EXPECT_TRUE(get("/img/a.png?v=2"));
  EXPECT_EQ(store_->stats().purged, 2u);
}

TEST_P(CacheStoreTest, PrefixAndDomainPurges) {
  for (const char* t : {"/img/1", "/img/2", "/css/1"}) {
    test::ObjectSpec s;
    s.target = t;
    put(s);
  }
  test::ObjectSpec other;
  other.domain = "other.example";
  other.target = "/img/1";
  put(other);
  EXPECT_EQ(store_->purge({"www.example.com", PurgeScope::kPrefix, "/img/"}, 5), 2u);
  EXPECT_TRUE(get("/css/1"));
  EXPECT_TRUE(get("/img/1", {}, "other.example"));
  EXPECT_EQ(store_->purge({"www.example.com", PurgeScope::kDomain, ""}, 5), 1u);
  EXPECT_FALSE(get("/css/1"));
  EXPECT_TRUE(get("/img/1", {}, "other.example"));
}

TEST_P(CacheStoreTest, TagPurgeRemovesTaggedObjects) {
  test::ObjectSpec a;
  a.target = "/p/1";
  a.response_fields = {{"Surrogate-Key", "product-1 catalog"}};
  put(a);
  test::ObjectSpec b;
  b.target = "/p/2";
  b.response_fields = {{"Cache-Tag", "catalog"}};
  put(b);
  EXPECT_EQ(store_->purge({"www.example.com", PurgeScope::kTag, "product-1"}, 5), 1u);
  EXPECT_FALSE(get("/p/1"));
  EXPECT_TRUE(get("/p/2"));
  EXPECT_EQ(store_->purge({"www.example.com", PurgeScope::kTag, "catalog"}, 5), 1u);
  EXPECT_FALSE(get("/p/2"));
}

TEST_P(CacheStoreTest, SoftPurgeKeepsTheObjectButMarksItStale) {
  put({});
  PurgeSelector soft{"www.example.com", PurgeScope::kExactPath, "/a", true};
  EXPECT_EQ(store_->purge(soft, 1'000'500), 1u);
  LookupResult r = get("/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.invalidated_at, 1'000'500);
  // A later soft purge keeps the first time; a replacement clears the mark.
  store_->purge(soft, 1'000'900);
  EXPECT_EQ(get("/a").invalidated_at, 1'000'500);
  put({});
  EXPECT_EQ(get("/a").invalidated_at, 0);
}

TEST_P(CacheStoreTest, RefusesObjectsTooLargeForIt) {
  test::ObjectSpec big;
  big.body = std::string(2 << 20, 'x');
  EXPECT_FALSE(store_->insert(test::makeObject(big)));
  EXPECT_EQ(store_->stats().rejected, 1u);
  EXPECT_FALSE(get("/a"));
}

TEST_P(CacheStoreTest, RefusedNewVersionRemovesTheOlderCopy) {
  put({});
  test::ObjectSpec big;
  big.body = std::string(2 << 20, 'x');
  EXPECT_FALSE(store_->insert(test::makeObject(big)));
  EXPECT_FALSE(get("/a"));
  EXPECT_EQ(store_->stats().objects, 0u);
}

TEST_P(CacheStoreTest, StaysWithinItsCapacity) {
  for (int i = 0; i < 400; ++i) {
    test::ObjectSpec s;
    s.target = "/obj/" + std::to_string(i);
    s.body = std::string(8 << 10, 'o');
    store_->insert(test::makeObject(s));
    ASSERT_LE(store_->stats().bytes, 1u << 20) << i;
  }
  EXPECT_GT(store_->stats().evictions, 0u);
  EXPECT_TRUE(get("/obj/399"));
}

TEST_P(CacheStoreTest, KeyIdCollisionIsAMissNotAWrongAnswer) {
  put({});
  PrimaryKey k = test::keyOf("/a");
  EXPECT_FALSE(store_->lookup(k.id, "https://www.example.com/not-a", {}));
}

INSTANTIATE_TEST_SUITE_P(
    Tiers, CacheStoreTest,
    ::testing::Values(
        StoreFactory{
            "Memory",
            [](const fs::path&, size_t capacity) -> std::unique_ptr<CacheStore> {
              // One shard: every object fits the tier's per-object limit exactly as
              // for the disk tier (16 shards would cap objects at capacity / 32).
              return std::make_unique<MemoryStore>(MemoryStore::Options{capacity, 1, capacity / 8});
            }},
        StoreFactory{"Disk",
                     [](const fs::path& dir, size_t capacity) -> std::unique_ptr<CacheStore> {
                       auto r = DiskStore::open({dir, capacity, capacity / 8});
                       EXPECT_TRUE(r);
                       return r ? std::move(*r) : nullptr;
                     }},
        StoreFactory{"Tiered",
                     [](const fs::path& dir, size_t capacity) -> std::unique_ptr<CacheStore> {
                       auto disk = DiskStore::open({dir, capacity, capacity / 8});
                       EXPECT_TRUE(disk);
                       return std::make_unique<TieredStore>(
                           std::make_unique<MemoryStore>(
                               MemoryStore::Options{capacity, 1, capacity / 8}),
                           std::move(*disk));
                     }}),
    [](const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.name; });

}  // namespace
}  // namespace cirrus::cache
