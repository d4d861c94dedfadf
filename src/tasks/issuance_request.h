// Requests certificate issuance for a domain (spec §8 `acme.issue_certificate`) at most once at
// a time: a domain whose issuance task is still queued, running or retrying gets that task's id
// back instead of a second task. Used by the API (POST domains/{d}/acme) and by the renewal
// scan, so both follow one rule.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::tasks {

inline constexpr std::string_view kAcmeQueue = "acme";
inline constexpr std::string_view kIssueCertificateTask = "acme.issue_certificate";
inline constexpr std::string_view kScanAndRenewTask = "acme.scan_and_renew";

struct IssuanceRequest {
  std::string task_id;
  bool already_in_flight = false;  // true: task_id names the task that was there before
};

/// Store errors only. Two concurrent requests may both enqueue (the pointer is not taken
/// atomically); the issuance lock makes the second task a no-op, so this only saves work.
boost::asio::awaitable<Result<IssuanceRequest>> requestIssuance(redis::Client& redis,
                                                                std::string_view domain,
                                                                int64_t now);

}  // namespace cirrus::tasks
