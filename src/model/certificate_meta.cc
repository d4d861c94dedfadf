#include "model/certificate_meta.h"

#include <array>

#include "model/object_reader.h"

namespace cirrus::model {

namespace {

using nlohmann::json;

constexpr std::array<EnumName<CertSource>, 2> kSources = {{
    {"acme", CertSource::kAcme},
    {"upload", CertSource::kUpload},
}};

void readPem(ObjectReader& r, std::string_view key, std::string_view marker, std::string_view what,
             std::string& out) {
  auto pem = r.string(key, Presence::kRequired, 1, kMaxPemLength);
  if (!pem) return;
  if (pem->find(marker) == std::string::npos) {
    r.errors().push_back(FieldError::valueError(r.at(key), std::string(what)));
    return;
  }
  out = *pem;
}

}  // namespace

std::string_view toString(CertSource source) {
  return enumName<CertSource>(kSources, source);
}

Validated<CertificateUpload> parseCertificateUpload(const json& body) {
  Validated<CertificateUpload> result;
  ObjectReader r(body, {}, result.errors);
  if (!r.valid()) return result;
  readPem(r, "fullchain", "-----BEGIN CERTIFICATE-----",
          "fullchain must be PEM text with at least one CERTIFICATE block", result.value.fullchain);
  readPem(r, "key", "PRIVATE KEY-----", "key must be a PEM PRIVATE KEY block", result.value.key);
  r.finish();
  return result;
}

json toJson(const CertificateMeta& meta) {
  return {
      {"domain", meta.domain}, {"not_before", meta.not_before},   {"not_after", meta.not_after},
      {"issuer", meta.issuer}, {"source", toString(meta.source)}, {"updated_at", meta.updated_at},
      {"names", meta.names}};
}

HashFields toHash(const CertificateMeta& meta) {
  std::string names;
  for (const std::string& n : meta.names) {
    if (!names.empty()) names.push_back(' ');
    names.append(n);
  }
  return {{"not_before", std::to_string(meta.not_before)},
          {"not_after", std::to_string(meta.not_after)},
          {"issuer", meta.issuer},
          {"source", std::string(toString(meta.source))},
          {"updated_at", std::to_string(meta.updated_at)},
          {"names", std::move(names)}};
}

Validated<CertificateMeta> certificateMetaFromHash(std::string_view domain, const HashMap& fields) {
  Validated<CertificateMeta> result;
  CertificateMeta& meta = result.value;
  HashReader h(fields, result.errors);
  meta.domain = std::string(domain);
  meta.not_before = h.time("not_before");
  meta.not_after = h.time("not_after");
  meta.issuer = h.string("issuer");
  // The seed wrote only fullchain and key, and it only ever issued through ACME.
  std::string source = h.string("source");
  if (source.empty()) source = "acme";
  if (auto parsed = lookupEnum<CertSource>(kSources, source)) {
    meta.source = *parsed;
  } else {
    meta.source = CertSource::kUpload;
    result.errors.push_back(
        FieldError::enumeration({"source"}, enumSpellings<CertSource>(kSources)));
  }
  meta.updated_at = h.time("updated_at");
  std::string_view names = h.find("names") ? std::string_view(*h.find("names")) : "";
  while (!names.empty()) {
    size_t space = names.find(' ');
    std::string_view name = names.substr(0, space);
    if (!name.empty()) meta.names.emplace_back(name);
    names = space == std::string_view::npos ? std::string_view() : names.substr(space + 1);
  }
  return result;
}

}  // namespace cirrus::model
