#include "cache/disk_store.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "cache/object_factory.h"
#include "cache/tiered_store.h"

namespace cirrus::cache {
namespace {

namespace fs = std::filesystem;

class DiskStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cirrus-disk-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<DiskStore> open(size_t capacity = 1 << 20) {
    auto r = DiskStore::open({dir_, capacity, capacity / 4});
    EXPECT_TRUE(r);
    return r ? std::move(*r) : nullptr;
  }
  LookupResult get(CacheStore& s, std::string_view target, std::vector<HeaderField> request = {}) {
    PrimaryKey k = test::keyOf(target);
    return s.lookup(k.id, k.text, request);
  }

  fs::path dir_;
};

TEST_F(DiskStoreTest, ObjectsSurviveARestart) {
  test::ObjectSpec spec;
  spec.response_fields = {{"Cache-Control", "max-age=600, stale-while-revalidate=30"},
                          {"ETag", "\"abc\""},
                          {"Vary", "Accept-Encoding"},
                          {"Surrogate-Key", "t1"}};
  spec.request_fields = {{"Accept-Encoding", "gzip"}};
  spec.body = std::string(5000, 'z');
  CachedObjectSharedPtr original = test::makeObject(spec);
  {
    auto first = open();
    ASSERT_TRUE(first->insert(original));
  }
  auto second = open();
  StoreStats st = second->stats();
  EXPECT_EQ(st.objects, 1u);
  LookupResult r = get(*second, "/a", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(r);
  const CachedObject& o = *r.object;
  EXPECT_EQ(o.body->view(), original->body->view());
  EXPECT_EQ(o.head, original->head);
  EXPECT_EQ(o.fields, original->fields);
  EXPECT_EQ(o.etag, "\"abc\"");
  EXPECT_EQ(o.policy, original->policy);
  EXPECT_EQ(o.times.response_time, original->times.response_time);
  EXPECT_EQ(o.vary, original->vary);
  EXPECT_EQ(o.variant, original->variant);
  EXPECT_EQ(o.tags, original->tags);
  // The purge index was rebuilt too.
  EXPECT_EQ(second->purge({"www.example.com", PurgeScope::kTag, "t1"}, 1), 1u);
  EXPECT_FALSE(get(*second, "/a", {{"Accept-Encoding", "gzip"}}));
}

TEST_F(DiskStoreTest, SoftPurgeSurvivesARestart) {
  {
    auto first = open();
    first->insert(test::makeObject({}));
    first->purge({"www.example.com", PurgeScope::kExactPath, "/a", true}, 4242);
  }
  auto second = open();
  LookupResult r = get(*second, "/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.invalidated_at, 4242);
}

TEST_F(DiskStoreTest, DropsTruncatedAndForeignFilesAtStart) {
  {
    auto first = open();
    first->insert(test::makeObject({}));
  }
  fs::path object_file;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.path().extension() == ".obj") object_file = e.path();
  }
  ASSERT_FALSE(object_file.empty());
  fs::resize_file(object_file, fs::file_size(object_file) - 1);
  std::ofstream(dir_ / "ab" / "junk.obj") << "not an object";
  std::ofstream(dir_ / "tmp" / "7.tmp") << "crashed writer";
  fs::last_write_time(dir_ / "tmp" / "7.tmp",
                      fs::file_time_type::clock::now() - std::chrono::hours(1));
  std::ofstream(dir_ / "tmp" / "8.tmp") << "another live process is writing";
  auto second = open();
  EXPECT_EQ(second->stats().objects, 0u);
  EXPECT_FALSE(fs::exists(object_file));
  EXPECT_FALSE(fs::exists(dir_ / "tmp" / "7.tmp"));
  EXPECT_TRUE(fs::exists(dir_ / "tmp" / "8.tmp"));
}

TEST_F(DiskStoreTest, FileRemovedBehindItsBackIsAMissAndLeavesTheCount) {
  auto store = open();
  store->insert(test::makeObject({}));
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.path().extension() == ".obj") fs::remove(e.path());
  }
  EXPECT_FALSE(get(*store, "/a"));
  EXPECT_EQ(store->stats().objects, 0u);
  EXPECT_EQ(store->stats().bytes, 0u);
}

TEST_F(DiskStoreTest, RestartWithASmallerBoundEvictsDownToIt) {
  size_t one = 0;
  {
    auto first = open(1 << 20);
    for (int i = 0; i < 20; ++i) {
      test::ObjectSpec s;
      s.target = "/f/" + std::to_string(i);
      s.body = std::string(10000, 'f');
      first->insert(test::makeObject(s));
    }
    one = first->stats().bytes / 20;
  }
  // Object sizes differ by a byte or two (path lengths): half an object of slack.
  auto second = open(5 * one + one / 2);
  EXPECT_LE(second->stats().bytes, 5 * one + one / 2);
  EXPECT_EQ(second->stats().objects, 5u);
}

TEST_F(DiskStoreTest, ReadObjectGetsASecondChance) {
  size_t one = 0;
  auto store = open(1 << 20);
  {
    test::ObjectSpec s;
    s.target = "/f/0";
    s.body = std::string(10000, 'f');
    store->insert(test::makeObject(s));
    one = store->stats().bytes;
  }
  store.reset();
  store = open(4 * one + one / 2);
  for (int i = 1; i < 4; ++i) {
    test::ObjectSpec s;
    s.target = "/f/" + std::to_string(i);
    s.body = std::string(10000, 'f');
    store->insert(test::makeObject(s));
  }
  EXPECT_TRUE(get(*store, "/f/0"));  // the oldest, but read
  test::ObjectSpec s;
  s.target = "/f/4";
  s.body = std::string(10000, 'f');
  store->insert(test::makeObject(s));
  EXPECT_TRUE(get(*store, "/f/0"));
  EXPECT_FALSE(get(*store, "/f/1"));  // the oldest unread one went instead
}

TEST_F(DiskStoreTest, FailsClearlyWhenTheDirectoryCannotBeCreated) {
  std::ofstream(dir_.string() + "-file") << "x";
  auto r = DiskStore::open({fs::path(dir_.string() + "-file") / "sub", 1 << 20});
  EXPECT_FALSE(r);
  fs::remove(dir_.string() + "-file");
}

TEST_F(DiskStoreTest, TieredStoreServesFromDiskAfterMemoryLostTheObject) {
  {
    auto disk = open();
    disk->insert(test::makeObject({}));
  }
  // A restarted edge: empty memory, the disk tier rebuilt from files.
  TieredStore tiered(std::make_unique<MemoryStore>(MemoryStore::Options{1 << 20, 1}), open());
  EXPECT_EQ(tiered.memory().stats().objects, 0u);
  ASSERT_TRUE(get(tiered, "/a"));
  EXPECT_EQ(tiered.memory().stats().objects, 1u);  // promoted
  EXPECT_EQ(tiered.stats().hits, 1u);
}

}  // namespace
}  // namespace cirrus::cache
