#include "cache/purge_index.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "cache/object_factory.h"

namespace cirrus::cache {
namespace {

using model::QueryStringMode;

model::PurgeMessage message(std::string path, std::string tag = "", bool soft = false) {
  return model::PurgeMessage{"www.example.com", std::move(path), std::move(tag), soft};
}

TEST(PurgeSelectorTest, FollowsSpecSection6) {
  PurgeSelector exact = makePurgeSelector(message("/img/a.png"), QueryStringMode::kInclude);
  EXPECT_EQ(exact.scope, PurgeScope::kExactPath);
  EXPECT_EQ(exact.value, "/img/a.png");
  PurgeSelector prefix = makePurgeSelector(message("/img/*"), QueryStringMode::kInclude);
  EXPECT_EQ(prefix.scope, PurgeScope::kPrefix);
  EXPECT_EQ(prefix.value, "/img/");
  PurgeSelector all = makePurgeSelector(message("*"), QueryStringMode::kInclude);
  EXPECT_EQ(all.scope, PurgeScope::kDomain);
  PurgeSelector tag = makePurgeSelector(message("", "t1", true), QueryStringMode::kInclude);
  EXPECT_EQ(tag.scope, PurgeScope::kTag);
  EXPECT_EQ(tag.value, "t1");
  EXPECT_TRUE(tag.soft);
}

TEST(PurgeSelectorTest, ExactPathTakesTheDomainsQueryForm) {
  EXPECT_EQ(makePurgeSelector(message("/a?b=1&a=2"), QueryStringMode::kSorted).value, "/a?a=2&b=1");
  EXPECT_EQ(makePurgeSelector(message("/a?b=1"), QueryStringMode::kIgnore).value, "/a");
}

class PurgeIndexTest : public ::testing::Test {
 protected:
  CachedObjectSharedPtr add(std::string target, std::string domain = "www.example.com",
                            std::vector<HeaderField> fields = {}) {
    test::ObjectSpec spec;
    spec.target = std::move(target);
    spec.domain = std::move(domain);
    if (!fields.empty()) spec.response_fields = std::move(fields);
    CachedObjectSharedPtr o = test::makeObject(spec);
    index_.add(*o);
    objects_.push_back(o);
    return o;
  }
  size_t count(const PurgeSelector& s) {
    std::vector<EntryRef> refs;
    index_.collect(s, refs);
    return refs.size();
  }

  PurgeIndex index_;
  std::vector<CachedObjectSharedPtr> objects_;
};

TEST_F(PurgeIndexTest, ExactPathMatchesOnlyThatPathAndQuery) {
  add("/img/a.png");
  add("/img/a.png?v=2");
  add("/img/a.png.bak");
  EXPECT_EQ(count({"www.example.com", PurgeScope::kExactPath, "/img/a.png"}), 1u);
}

TEST_F(PurgeIndexTest, PrefixMatchesEverythingBelow) {
  add("/img/a.png");
  add("/img/b/c.png?x=1");
  add("/im");
  add("/other");
  EXPECT_EQ(count({"www.example.com", PurgeScope::kPrefix, "/img/"}), 2u);
  EXPECT_EQ(count({"www.example.com", PurgeScope::kPrefix, "/"}), 4u);
}

TEST_F(PurgeIndexTest, DomainScopeStaysWithinTheDomain) {
  add("/a");
  add("/b");
  add("/a", "other.example");
  EXPECT_EQ(count({"www.example.com", PurgeScope::kDomain, ""}), 2u);
  EXPECT_EQ(count({"nothing.example", PurgeScope::kDomain, ""}), 0u);
}

TEST_F(PurgeIndexTest, TagFindsObjectsCarryingIt) {
  add("/a", "www.example.com", {{"Surrogate-Key", "t1 t2"}});
  add("/b", "www.example.com", {{"Cache-Tag", "t2"}});
  add("/c");
  EXPECT_EQ(count({"www.example.com", PurgeScope::kTag, "t1"}), 1u);
  EXPECT_EQ(count({"www.example.com", PurgeScope::kTag, "t2"}), 2u);
}

TEST_F(PurgeIndexTest, RemoveForgetsPathAndTags) {
  CachedObjectSharedPtr a = add("/a", "www.example.com", {{"Surrogate-Key", "t1"}});
  EXPECT_EQ(index_.size(), 1u);
  index_.remove(*a);
  EXPECT_EQ(index_.size(), 0u);
  EXPECT_EQ(count({"www.example.com", PurgeScope::kTag, "t1"}), 0u);
  EXPECT_EQ(count({"www.example.com", PurgeScope::kDomain, ""}), 0u);
}

}  // namespace
}  // namespace cirrus::cache
