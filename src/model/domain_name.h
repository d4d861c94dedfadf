// Domain and host names: every customer domain is stored, keyed and compared in one form,
// lower-case A-label without a trailing dot (spec §4 `cdn:domains`). Unicode input goes
// through UTS #46 non-transitional processing (libidn2), then RFC 1123 LDH rules are applied
// to the result; the Unicode form is for display only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cirrus::model {

inline constexpr size_t kMaxDomainLength = 253;  // RFC 1035 §2.3.4, without the root dot
inline constexpr size_t kMaxLabelLength = 63;

struct HostNameRules {
  /// Customer domains are LDH only; origin hosts may be internal names like "my_service".
  bool allow_underscore = false;
  /// Customer domains need two labels ("com" alone cannot be onboarded); origins may be
  /// single-label ("origin" in a compose network).
  size_t min_labels = 2;
};

/// A customer domain's canonical form: "Bücher.Example." -> "xn--bcher-kva.example".
/// Rules: non-empty; no whitespace or control characters; one trailing dot stripped; at most
/// 253 characters after conversion; labels 1-63 of letters, digits and hyphens, not starting or
/// ending with a hyphen; at least two labels; not an IP literal; the last label not all digits;
/// "xn--" labels must be valid A-labels. Names containing non-ASCII go through libidn2
/// (IDNA2008 + UTS #46 non-transitional: "faß.de" -> "xn--fa-hia.de", emoji are disallowed);
/// pure-ASCII names are only lower-cased, so RFC 1123 names such as "r3---sn.example" stay
/// valid. Returns badRequest(reason) with a human reason on failure; never throws.
Result<std::string> normalizeDomain(std::string_view input);

/// The same pipeline with adjustable rules (origin hosts, SNI names).
Result<std::string> normalizeHostName(std::string_view input, HostNameRules rules);

/// An origin host: an IPv4 literal, an IPv6 literal (bare or in brackets, no zone id) in its
/// canonical text form, or a host name with underscores allowed and one label enough.
Result<std::string> normalizeOriginHost(std::string_view input);

/// "127.0.0.1" / "2001:db8::1" / "[2001:DB8::1]" -> canonical textual address; nullopt when
/// text is not an IP literal (zone ids such as "fe80::1%eth0" are not accepted).
std::optional<std::string> canonicalIpLiteral(std::string_view text);

/// The Unicode form for display ("xn--bcher-kva.example" -> "bücher.example"); the input
/// unchanged when it does not decode.
std::string toUnicode(std::string_view a_label);

}  // namespace cirrus::model
