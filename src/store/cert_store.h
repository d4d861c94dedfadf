// CertStore: each domain's TLS certificate (spec §4 `cdn:cert:{domain}`): the PEM chain and
// private key beside metadata fields. getMeta() never fetches the key; getFull() is for the
// edge's TLS contexts and the ACME worker only. Changes publish `cdn:certs` (payload: domain).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/certificate_meta.h"
#include "store/audit_log.h"

namespace cirrus::store {

/// A certificate with its private key. Callers must never log it, render it or write it to
/// disk (spec §11: private keys stay in memory).
struct StoredCertificate {
  model::CertificateMeta meta;
  std::string fullchain;  // PEM, leaf first
  std::string key;        // PEM private key
};

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...).
class CertStore {
 public:
  explicit CertStore(redis::Client& client) : client_(client) {}

  /// The metadata fields only (HMGET, so the key never crosses the wire); nullopt when the
  /// domain has no certificate. Unreadable fields are logged and read as defaults.
  boost::asio::awaitable<Result<std::optional<model::CertificateMeta>>> getMeta(
      std::string_view domain);

  /// Chain, key and metadata; nullopt when there is none or the chain or key is missing.
  boost::asio::awaitable<Result<std::optional<StoredCertificate>>> getFull(std::string_view domain);

  /// Replaces the domain's certificate (every field: no stale metadata survives) with
  /// `fullchain`, `key` and meta's fields. notFound() when the domain does not exist, so an
  /// issuance that finishes after the domain was deleted leaves nothing behind. With an
  /// audit context (an upload through the API) the entry "certificate.update" is part of the
  /// same atomic unit; the ACME worker passes none.
  boost::asio::awaitable<Result<void>> put(std::string_view domain, std::string_view fullchain,
                                           std::string_view key, const model::CertificateMeta& meta,
                                           const std::optional<AuditContext>& audit);

  /// Deletes the certificate. notFound() when there is none. Audit "certificate.delete".
  boost::asio::awaitable<Result<void>> remove(std::string_view domain, const AuditContext& audit);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
