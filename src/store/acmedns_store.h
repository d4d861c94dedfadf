// AcmeDnsStore: the accounts and TXT values of `cirrus acme-dns` (docs/acme-dns.md). An account
// hash holds a salted hash of its key, never the key. Each subdomain has an owner key (so the
// DNS side tells NODATA from NXDOMAIN) and a list of its two newest TXT values: a wildcard plus
// apex certificate needs two challenges live at once, which is what acme-dns keeps too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::store {

/// How many TXT values a subdomain keeps (the newest ones).
inline constexpr size_t kAcmeDnsTxtValues = 2;

struct AcmeDnsAccount {
  std::string username;                // UUID, lower-case
  std::string password_hash;           // lower-case hex SHA-256 of (salt bytes + key)
  std::string salt;                    // lower-case hex
  std::string subdomain;               // UUID, lower-case
  std::vector<std::string> allowfrom;  // CIDRs as registered; empty = any source
  int64_t created_at = 0;              // unix seconds

  friend bool operator==(const AcmeDnsAccount&, const AcmeDnsAccount&) = default;
};

/// What the DNS side needs about one subdomain.
struct AcmeDnsRecords {
  bool registered = false;       // the subdomain has an owner
  std::vector<std::string> txt;  // newest first, at most kAcmeDnsTxtValues
};

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, redisReplyError).
class AcmeDnsStore {
 public:
  explicit AcmeDnsStore(redis::Client& client) : client_(client) {}

  /// Writes the account hash and the subdomain's owner key in one script. conflict() when the
  /// username or the subdomain is taken (nothing written; random UUIDs make it a bug).
  boost::asio::awaitable<Result<void>> create(const AcmeDnsAccount& account);

  /// The account of `username`; nullopt when there is none. storeProtocol when the stored
  /// allowfrom is not a JSON array of strings.
  boost::asio::awaitable<Result<std::optional<AcmeDnsAccount>>> findUser(std::string_view username);

  /// Makes `value` the newest TXT value of `subdomain` and drops all but the newest
  /// kAcmeDnsTxtValues (LPUSH + LTRIM in one MULTI/EXEC). The caller has checked ownership.
  boost::asio::awaitable<Result<void>> pushTxt(std::string_view subdomain, std::string_view value);

  /// Owner existence and TXT values of `subdomain`, in one pipeline.
  boost::asio::awaitable<Result<AcmeDnsRecords>> records(std::string_view subdomain);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
