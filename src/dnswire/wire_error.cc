#include "dnswire/wire_error.h"

#include <stdexcept>
#include <string>

namespace cirrus::dnswire {

std::string_view toString(WireError e) {
  switch (e) {
    case WireError::kTruncated:
      return "message truncated";
    case WireError::kBadLabelType:
      return "unsupported label type";
    case WireError::kBadPointer:
      return "compression pointer does not point backwards";
    case WireError::kLabelTooLong:
      return "label longer than 63 octets";
    case WireError::kNameTooLong:
      return "name longer than 255 octets";
    case WireError::kBadName:
      return "malformed name";
    case WireError::kBadRdata:
      return "malformed rdata";
    case WireError::kTrailingData:
      return "trailing data after the last record";
    case WireError::kBadOpt:
      return "misplaced or duplicate OPT record";
    case WireError::kBadTsig:
      return "misplaced or duplicate TSIG record";
    case WireError::kMessageTooLarge:
      return "message exceeds the size limit";
    case WireError::kRdataTooLong:
      return "rdata too long";
  }
  return "unknown wire error";
}

Error toError(WireError e) {
  return badRequest("dns: " + std::string(toString(e)));
}

void throw_exception_from_error(const WireError& e, const boost::source_location&) {
  throw std::runtime_error("dns: " + std::string(toString(e)));
}

}  // namespace cirrus::dnswire
