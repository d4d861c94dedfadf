// The worker's side of an acme-dns server (joohoi/acme-dns API, spec §2 `cirrus acme-dns` or a
// real one at ACMEDNS_BASE_URL): /register creates the per-domain account whose fulldomain the
// customer's `_acme-challenge` CNAME points at; /update publishes a DNS-01 TXT value.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/result.h"
#include "http/client.h"

namespace cirrus::worker {

struct AcmeDnsAccount {
  std::string username;
  std::string password;  // secret: never logged
  std::string subdomain;
  std::string fulldomain;
};

/// Holds a reference: `http` must outlive it.
class AcmeDnsClient {
 public:
  AcmeDnsClient(http::Client& http, std::string base_url, http::RequestOptions options = {});

  /// POST /register. upstreamProtocol when the answer lacks a field.
  boost::asio::awaitable<Result<AcmeDnsAccount>> registerAccount();
  /// POST /update {subdomain, txt} as the account. A 401 (credentials lost on the acme-dns
  /// side) is a badRequest naming it, so the caller can register again.
  boost::asio::awaitable<Result<void>> update(const AcmeDnsAccount& account,
                                              const std::string& txt);

 private:
  http::Client& http_;
  std::string base_url_;
  http::RequestOptions options_;
};

}  // namespace cirrus::worker
