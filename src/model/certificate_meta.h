// Certificate metadata: what the API shows about a domain's certificate (spec §4 cert hash,
// §10). There is deliberately no key field: the private key and chain are written and read
// by the store beside these fields and never pass through a type that is rendered.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/field_error.h"
#include "model/hash_fields.h"

namespace cirrus::model {

inline constexpr size_t kMaxPemLength = 64 * 1024;

enum class CertSource { kAcme, kUpload };

std::string_view toString(CertSource source);  // "acme" / "upload"

struct CertificateMeta {
  std::string domain;
  int64_t not_before = 0;  // unix seconds
  int64_t not_after = 0;
  std::string issuer;  // issuer DN, one line
  CertSource source = CertSource::kAcme;
  int64_t updated_at = 0;
  std::vector<std::string> names;  // subjectAltName DNS names

  bool operator==(const CertificateMeta&) const = default;
};

/// PUT domains/{domain}/certificate body {fullchain, key}: PEM text, both required, at most
/// 64 KiB each. Only the PEM armour is checked here; parsing, chain order and key match are
/// the caller's job (OpenSSL), reported as a value_error at the same locs.
struct CertificateUpload {
  std::string fullchain;
  std::string key;
};

Validated<CertificateUpload> parseCertificateUpload(const nlohmann::json& body);

/// API rendering {domain, not_before, not_after, issuer, source, updated_at, names}.
nlohmann::json toJson(const CertificateMeta& meta);

/// HSET fields: not_before, not_after, issuer, source, updated_at, names. `names` (space
/// separated) extends spec §4 so listings need not parse PEM; readers treat it as optional.
/// `fullchain` and `key` are the store's to add.
HashFields toHash(const CertificateMeta& meta);
/// Reads the metadata fields of a stored cert hash (fullchain and key are ignored); domain
/// comes from the key. A missing source reads as "acme" (seed hashes have none); an unknown
/// one reads as "upload" and records an "enum" error.
Validated<CertificateMeta> certificateMetaFromHash(std::string_view domain, const HashMap& fields);

}  // namespace cirrus::model
