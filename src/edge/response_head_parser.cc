#include "edge/response_head_parser.h"

namespace cirrus::edge {

using syntax::iequals;

std::string_view ResponseHead::field(std::string_view name) const {
  for (const auto& f : fields) {
    if (iequals(f.name, name)) return f.value;
  }
  return {};
}

ResponseHeadParser::Status ResponseHeadParser::parse(std::string_view buf, bool request_method_head,
                                                     ResponseHead& head) {
  if (error_ != HeadError::kNone) return Status::kError;
  size_t end = syntax::findHeadEnd(buf, scanned_);
  if (end == 0) {
    scanned_ = buf.size();
    if (buf.size() > max_head_bytes_) return fail(HeadError::kHeadersTooLarge);
    return Status::kIncomplete;
  }
  if (end > max_head_bytes_) return fail(HeadError::kHeadersTooLarge);
  std::string_view text = buf.substr(0, end);
  head = ResponseHead{};
  head.head_bytes = end;

  // status-line = HTTP-version SP status-code SP [ reason-phrase ]
  size_t nl = text.find('\n');
  if (nl == 0 || text[nl - 1] != '\r') return fail(HeadError::kBareLf);
  std::string_view line = text.substr(0, nl - 1);
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || line[6] != '.' || line[8] != ' ' ||
      (line.size() > 12 && line[12] != ' ')) {
    return fail(HeadError::kBadStartLine);
  }
  if (line[5] != '1' || (line[7] != '0' && line[7] != '1')) {
    return fail(HeadError::kUnsupportedVersion);
  }
  head.version_minor = line[7] - '0';
  unsigned status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return fail(HeadError::kBadStartLine);
    status = status * 10 + static_cast<unsigned>(line[i] - '0');
  }
  if (status < 100) return fail(HeadError::kBadStartLine);
  head.status = status;
  head.reason = line.size() > 13 ? line.substr(13) : std::string_view{};
  for (char c : head.reason) {
    if (!syntax::isFieldValueChar(static_cast<unsigned char>(c))) {
      return fail(HeadError::kBadStartLine);
    }
  }

  auto fields = syntax::parseFields(text.substr(nl + 1), fields_);
  if (fields.error != HeadError::kNone) return fail(fields.error);
  head.fields = std::span<const HeaderField>(fields_.data(), fields.count);

  bool has_cl = false;
  bool has_te = false;
  bool chunked_last = false;
  bool conn_close = false;
  bool conn_keep_alive = false;
  for (const auto& f : head.fields) {
    if (f.name.size() == 14 && iequals(f.name, "content-length")) {
      auto v = syntax::parseDecimal(f.value);
      if (!v) return fail(HeadError::kBadContentLength);
      if (has_cl && *v != head.content_length) return fail(HeadError::kDuplicateContentLength);
      has_cl = true;
      head.content_length = *v;
    } else if (f.name.size() == 17 && iequals(f.name, "transfer-encoding")) {
      // Codings before the final "chunked" (e.g. gzip) are the origin's business; the edge
      // only needs to know that chunked delimits the message (RFC 9112 §6.3 item 4).
      std::string_view v = f.value;
      size_t comma = v.rfind(',');
      std::string_view last =
          syntax::trimOws(comma == std::string_view::npos ? v : v.substr(comma + 1));
      has_te = true;
      chunked_last = iequals(last, "chunked");
    } else if (f.name.size() == 10 && iequals(f.name, "connection")) {
      std::string_view v = f.value;
      while (!v.empty()) {
        size_t comma = v.find(',');
        std::string_view e = syntax::trimOws(v.substr(0, comma));
        if (iequals(e, "close")) conn_close = true;
        if (iequals(e, "keep-alive")) conn_keep_alive = true;
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    }
  }
  // An origin sending both is either broken or an attack relay; refuse it (502).
  if (has_cl && has_te) return fail(HeadError::kContentLengthWithTransfer);
  head.keep_alive = head.version_minor == 1 ? !conn_close : (conn_keep_alive && !conn_close);
  if (request_method_head || status < 200 || status == 204 || status == 304) {
    head.framing = BodyFraming::kNone;
  } else if (has_te) {
    if (chunked_last) {
      head.framing = BodyFraming::kChunked;
    } else {
      head.framing = BodyFraming::kUntilClose;
      head.keep_alive = false;
    }
  } else if (has_cl) {
    head.framing = head.content_length == 0 ? BodyFraming::kNone : BodyFraming::kContentLength;
  } else {
    head.framing = BodyFraming::kUntilClose;
    head.keep_alive = false;
  }
  return Status::kComplete;
}

}  // namespace cirrus::edge
