// Checks a custom certificate upload (spec §10 PUT domains/{d}/certificate) with OpenSSL:
// the chain parses, the key parses and matches the leaf, the leaf covers the domain
// (RFC 6125 host matching, wildcards included) and has not expired. Pure; never logs the key.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/certificate_meta.h"
#include "model/field_error.h"

namespace cirrus::api {

/// The metadata of the upload's leaf certificate (source upload, updated_at = now), or every
/// problem as field errors at loc {"fullchain"} / {"key"}. Prereq: `domain` is normalised.
model::Validated<model::CertificateMeta> inspectCertificateUpload(
    std::string_view domain, const model::CertificateUpload& upload, int64_t now);

}  // namespace cirrus::api
