// The renewal rule of acme.scan_and_renew: a certificate is due once fewer than
// ACME_RENEW_BEFORE_DAYS days are left (the boundary day included), and an expired one is due.
#include "worker/certificate_issuer.h"

#include <gtest/gtest.h>

namespace cirrus::worker {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kNow = 1'800'000'000;

TEST(RenewalDueTest, DueWithinTheWindowAndAtItsEdge) {
  EXPECT_TRUE(renewalDue(kNow + 10 * kDay, kNow, 30));
  EXPECT_TRUE(renewalDue(kNow + 30 * kDay, kNow, 30));
  EXPECT_FALSE(renewalDue(kNow + 30 * kDay + 1, kNow, 30));
  EXPECT_FALSE(renewalDue(kNow + 90 * kDay, kNow, 30));
}

TEST(RenewalDueTest, ExpiredCertificatesAreDue) {
  EXPECT_TRUE(renewalDue(kNow - kDay, kNow, 1));
  EXPECT_TRUE(renewalDue(0, kNow, 1));
}

}  // namespace
}  // namespace cirrus::worker
