// Credentials and the POST /update decision: salted key hashes, UUIDs and keys as acme-dns
// mints them, and the order of checks (401 for anything about who may write, then 400).
#include "acmedns/update_check.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "acmedns/credentials.h"

namespace cirrus::acmedns {
namespace {

using boost::asio::ip::make_address;

const std::string kTxt = "LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM";

struct Fixture {
  std::string key = newKey();
  store::AcmeDnsAccount account;
  Fixture() {
    account.username = newUuid();
    account.subdomain = newUuid();
    account.salt = newSalt();
    account.password_hash = hashKey(account.salt, key);
  }
};

TEST(CredentialsTest, UuidsAreVersion4InCanonicalLowerCaseForm) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string id = newUuid();
    ASSERT_TRUE(validSubdomain(id)) << id;
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(CredentialsTest, KeysAre40CharactersOfTheAcmeDnsAlphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string key = newKey();
    EXPECT_TRUE(validKey(key)) << key;
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(CredentialsTest, HashDependsOnSaltAndKeyAndMatchesOnlyTheKey) {
  std::string salt = newSalt();
  EXPECT_EQ(salt.size(), 32u);
  std::string key = newKey();
  std::string hash = hashKey(salt, key);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find(key), std::string::npos);
  EXPECT_NE(hash, hashKey(newSalt(), key));
  EXPECT_TRUE(keyMatches(salt, hash, key));
  std::string other = key;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(keyMatches(salt, hash, other));
  EXPECT_FALSE(keyMatches(salt, hash.substr(1), key));
}

TEST(CredentialsTest, HashIsSha256OfSaltTextThenKey) {
  // echo -n "00ffkey" | sha256sum
  EXPECT_EQ(hashKey("00ff", "key"),
            "9e7c9eb52807f8f64c7e63b4de197f82cbcdbfd9fd07498a01712166f617e7e1");
}

TEST(UpdateCheckTest, CorrectKeyOwnSubdomainAndValidTxtIsOk) {
  Fixture f;
  EXPECT_EQ(checkUpdate(f.account, f.key, make_address("127.0.0.1"), {f.account.subdomain, kTxt}),
            UpdateOutcome::kOk);
}

TEST(UpdateCheckTest, WrongKeyMissingAccountOrMalformedKeyIsForbidden) {
  Fixture f;
  auto remote = make_address("127.0.0.1");
  UpdateRequest request{f.account.subdomain, kTxt};
  EXPECT_EQ(checkUpdate(f.account, newKey(), remote, request), UpdateOutcome::kForbidden);
  EXPECT_EQ(checkUpdate(std::nullopt, f.key, remote, request), UpdateOutcome::kForbidden);
  EXPECT_EQ(checkUpdate(f.account, f.key.substr(1), remote, request), UpdateOutcome::kForbidden);
}

TEST(UpdateCheckTest, AnotherAccountsSubdomainIsForbiddenNotBadRequest) {
  Fixture f;
  EXPECT_EQ(checkUpdate(f.account, f.key, make_address("127.0.0.1"), {newUuid(), kTxt}),
            UpdateOutcome::kForbidden);
  // Ownership is checked before validation, as in acme-dns.
  EXPECT_EQ(checkUpdate(f.account, f.key, make_address("127.0.0.1"), {"bad", "bad"}),
            UpdateOutcome::kForbidden);
}

TEST(UpdateCheckTest, SourceOutsideAllowFromIsForbidden) {
  Fixture f;
  f.account.allowfrom = {"192.0.2.0/24"};
  UpdateRequest request{f.account.subdomain, kTxt};
  EXPECT_EQ(checkUpdate(f.account, f.key, make_address("127.0.0.1"), request),
            UpdateOutcome::kForbidden);
  EXPECT_EQ(checkUpdate(f.account, f.key, make_address("192.0.2.10"), request), UpdateOutcome::kOk);
}

TEST(UpdateCheckTest, MalformedTxtIsBadTxt) {
  Fixture f;
  EXPECT_EQ(checkUpdate(f.account, f.key, make_address("127.0.0.1"),
                        {f.account.subdomain, kTxt.substr(2)}),
            UpdateOutcome::kBadTxt);
  EXPECT_EQ(outcomeStatus(UpdateOutcome::kBadTxt), 400u);
  EXPECT_EQ(outcomeName(UpdateOutcome::kBadTxt), "bad_txt");
  EXPECT_EQ(outcomeStatus(UpdateOutcome::kForbidden), 401u);
  EXPECT_EQ(outcomeName(UpdateOutcome::kForbidden), "forbidden");
}

}  // namespace
}  // namespace cirrus::acmedns
