// Checks a certificate before it is stored (a custom upload, spec §10 PUT
// domains/{d}/certificate, or a chain the ACME worker was issued) with OpenSSL: the chain
// parses, the key parses and matches the leaf, the leaf covers the domain (RFC 6125 host
// matching, wildcards included) and has not expired. Pure; never logs the key.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/certificate_meta.h"
#include "model/field_error.h"

namespace cirrus::model {

/// The metadata of the leaf certificate (with `source`, updated_at = now), or every problem as
/// field errors at loc {"fullchain"} / {"key"}. Prereq: `domain` is normalised.
Validated<CertificateMeta> inspectCertificate(std::string_view domain,
                                              const CertificateUpload& pems, int64_t now,
                                              CertSource source = CertSource::kUpload);

}  // namespace cirrus::model
