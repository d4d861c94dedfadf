// PKCS#10 certificate signing requests (RFC 2986) for the ACME finalize request (RFC 8555
// §7.4): the DNS names go into a subjectAltName extension, the first one is also the CN.
#pragma once

#include <string>
#include <vector>

#include "acme/key_pair.h"
#include "core/result.h"

namespace cirrus::acme {

/// DER of a CSR signed (SHA-256) with the domain key. `dns_names` must be non-empty A-labels
/// (letters, digits, '-', '.', a leading "*." for wildcards); duplicates are kept as given.
/// CN = dns_names[0] unless it exceeds the 64-character X.520 limit, in which case the subject
/// is left empty (RFC 8555 §7.4 puts the names in the SAN; CAs ignore the CN).
Result<std::string> csrDer(const KeyPair& domain_key, const std::vector<std::string>& dns_names);

/// base64url (no padding) of csrDer(): the "csr" member of the finalize payload.
Result<std::string> csrBase64Url(const KeyPair& domain_key,
                                 const std::vector<std::string>& dns_names);

}  // namespace cirrus::acme
