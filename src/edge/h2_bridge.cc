#include "edge/h2_bridge.h"

#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "cache/header_field.h"
#include "edge/http1_syntax.h"

namespace cirrus::edge {

namespace {

// Drops the fields RFC 9113 §8.2.2 forbids on an h2 stream: the hop-by-hop ones and those the
// Connection field names.
bool dropped(const HeaderField& f, std::span<const HeaderField> fields) {
  if (syntax::isHopByHop(f.name)) return true;
  for (const auto& c : fields) {
    if (syntax::iequals(c.name, "connection") && syntax::listedIn(c.value, f.name)) return true;
  }
  return false;
}

}  // namespace

void H2Request::add(std::string_view name, std::string_view value) {
  bytes_ += name.size() + value.size();
  auto unsafe = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  std::string_view bare = name.starts_with(':') ? name.substr(1) : name;
  if (name.empty() || std::any_of(value.begin(), value.end(), unsafe) ||
      std::any_of(bare.begin(), bare.end(),
                  [&](char c) { return unsafe(c) || c == ':' || c == ' ' || c == '\t'; })) {
    valid_ = false;
    return;
  }
  if (name.starts_with(':')) {
    if (name == ":method") method_.assign(value);
    if (name == ":path") path_.assign(value);
    if (name == ":authority") authority_.assign(value);
    // :scheme is the transport's (the edge keys the cache by TLS or not); :protocol (extended
    // CONNECT) is not enabled in SETTINGS, so nghttp2 refuses it.
    return;
  }
  if (name == "host") {
    host_.assign(value);
  } else if (name == "cookie") {
    if (!cookie_.empty()) cookie_.append("; ");
    cookie_.append(value);
  } else if (name != "te") {  // only "te: trailers" is allowed in h2 and means nothing to h1
    if (name == "content-length") has_content_length_ = true;
    fields_.append(name).append(": ").append(value).append("\r\n");
  }
}

std::string H2Request::http1Head(bool chunked) const {
  std::string out;
  out.reserve(64 + authority_.size() + path_.size() + cookie_.size() + fields_.size());
  // CONNECT has no :path; its target is the authority (the request path refuses it).
  out.append(method_).append(" ").append(method_ == "CONNECT" ? authority_ : path_);
  out.append(" HTTP/1.1\r\n");
  // §8.3.1: :authority wins over a host field; one of them is required downstream.
  const std::string& host = authority_.empty() ? host_ : authority_;
  if (!host.empty()) out.append("host: ").append(host).append("\r\n");
  if (!cookie_.empty()) out.append("cookie: ").append(cookie_).append("\r\n");
  out.append(fields_);
  if (chunked) out.append("transfer-encoding: chunked\r\n");
  out.append("\r\n");
  return out;
}

void appendChunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  fmt::format_to(std::back_inserter(out), "{:x}\r\n", data.size());
  out.append(data).append("\r\n");
}

Http1ResponseReader::State Http1ResponseReader::feed(std::string_view in, std::string& body) {
  if (state_ == State::kHead) {
    head_buf_.append(in);
    return takeHead(body);
  }
  if (state_ == State::kBody) takeBody(in, body);
  return state_;
}

Http1ResponseReader::State Http1ResponseReader::takeHead(std::string& body) {
  while (true) {
    ResponseHead head;
    auto st = parser_.parse(head_buf_, head_request_, head);
    if (st == ResponseHeadParser::Status::kIncomplete) return state_;
    if (st == ResponseHeadParser::Status::kError) return state_ = State::kError;
    if (head.status < 200) {  // 100 Continue and friends: h2 needs none of them
      head_buf_.erase(0, head.head_bytes);
      parser_.reset();
      continue;
    }
    status_ = head.status;
    fields_.clear();
    for (const auto& f : head.fields) {
      if (dropped(f, head.fields)) continue;
      fields_.push_back({cache::toLowerAscii(f.name), std::string(f.value)});
    }
    framing_ = head.framing;
    remaining_ = head.content_length;
    has_body_ = framing_ != BodyFraming::kNone;
    state_ = has_body_ ? State::kBody : State::kDone;
    std::string rest = head_buf_.substr(head.head_bytes);
    head_buf_.clear();
    head_buf_.shrink_to_fit();
    if (state_ == State::kBody && !rest.empty()) takeBody(rest, body);
    return state_;
  }
}

void Http1ResponseReader::takeBody(std::string_view in, std::string& body) {
  switch (framing_) {
    case BodyFraming::kContentLength: {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size()));
      body.append(in.substr(0, n));
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kDone;
      return;
    }
    case BodyFraming::kChunked:
      while (!in.empty()) {
        auto step = chunked_.decode(in);
        in.remove_prefix(step.consumed);
        switch (step.status) {
          case ChunkedDecoder::Status::kData:
            body.append(step.data);
            break;
          case ChunkedDecoder::Status::kNeedMore:
            return;
          case ChunkedDecoder::Status::kDone:
            state_ = State::kDone;
            return;
          case ChunkedDecoder::Status::kError:
            state_ = State::kError;
            return;
        }
      }
      return;
    case BodyFraming::kUntilClose:
      body.append(in);
      return;
    case BodyFraming::kNone:
      state_ = State::kDone;
      return;
  }
}

bool Http1ResponseReader::finish() {
  if (state_ == State::kBody && framing_ == BodyFraming::kUntilClose) state_ = State::kDone;
  if (state_ != State::kDone) state_ = State::kError;
  return state_ == State::kDone;
}

}  // namespace cirrus::edge
