// WireError: why a DNS message, name or RDATA could not be parsed or written. The codec never
// throws and never reads out of bounds; each failure is one of these values, converted to a
// cirrus::Error (or a FORMERR response) once, at the server boundary.
#pragma once

#include <string_view>

#include <boost/system/result.hpp>

#include "core/error.h"

namespace cirrus::dnswire {

enum class WireError {
  kTruncated,        // the input ends inside a header, name, record or RDATA
  kBadLabelType,     // label type 0b01/0b10 (RFC 6891 §5 extended labels are not supported)
  kBadPointer,       // a compression pointer that does not point strictly backwards
  kLabelTooLong,     // a label longer than 63 octets (RFC 1035 §2.3.4)
  kNameTooLong,      // a name longer than 255 octets in wire form (RFC 1035 §2.3.4)
  kBadName,          // presentation-format name that cannot be parsed (empty label, bad escape)
  kBadRdata,         // RDATA whose length or structure does not match its type
  kTrailingData,     // bytes after the last record
  kBadOpt,           // OPT not in the additional section, not at the root, or more than one
  kBadTsig,          // TSIG not last in the additional section, or more than one
  kMessageTooLarge,  // the header and question alone exceed the size limit
  kRdataTooLong,     // RDATA (or a TXT string) longer than its length field can express
};

template <class T>
using WireResult = boost::system::result<T, WireError>;

std::string_view toString(WireError e);

/// "dns: compression pointer does not point backwards" as a downstream badRequest Error.
Error toError(WireError e);

/// Found by ADL from WireResult<T>::value(); only tests call value() on a WireResult.
[[noreturn]] void throw_exception_from_error(const WireError& e, const boost::source_location&);

}  // namespace cirrus::dnswire
