// HTTP messages of the shared stack: Request/Response are Boost.Beast string-body messages,
// plus the JSON helpers that give every Cirrus API one error shape (spec §10: `{"detail": ...}`,
// 422 with `[{loc, msg, type}]`). Beast is the control-plane choice; whether the edge's hot path
// gets its own strict parser is measured in a later issue.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

namespace cirrus::http {

using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

inline constexpr std::string_view kJsonContentType = "application/json";

/// A response with a body and its Content-Type; Content-Length is set by the server.
Response makeResponse(status code, std::string body = {},
                      std::string_view content_type = "text/plain; charset=utf-8");

/// `body` serialised as application/json. Invalid UTF-8 in strings is replaced, never thrown.
Response jsonResponse(status code, const nlohmann::json& body);

/// The API's error shape: `{"detail": "<detail>"}`.
Response problemResponse(status code, std::string detail);

/// One field error of a 422 answer. loc is the path to the field, FastAPI style:
/// {"body", "origins", 0, "host"}. type is a machine-readable kind ("value_error.missing").
struct ValidationIssue {
  std::vector<nlohmann::json> loc;
  std::string msg;
  std::string type;
};

/// 422 `{"detail": [{"loc": [...], "msg": ..., "type": ...}, ...]}`.
Response validationProblem(const std::vector<ValidationIssue>& issues);

/// A request the handler refuses before doing anything: the status and `detail` to answer.
struct Problem {
  status code = status::bad_request;
  std::string detail;

  Response toResponse() const { return problemResponse(code, detail); }
};

// Found by ADL from JsonBody::value(); handlers that check the result never reach it.
[[noreturn]] void throw_exception_from_error(const Problem& p, const boost::source_location&);

using JsonBody = boost::system::result<nlohmann::json, Problem>;

/// The request body as JSON. Errors (as a Problem to answer):
/// - 415 when a Content-Type is present and is not application/json or application/*+json.
///   A missing Content-Type is accepted (RFC 9110 §8.3 lets the recipient examine the data);
///   the API's CSRF guard, not this function, decides whether a cookie request may omit it.
/// - 400 when the body is empty, is not valid JSON, or nests deeper than 64 levels (deep
///   nesting would make later recursive walks of the value overflow the stack).
JsonBody parseJsonBody(const Request& request);

/// True for "application/json", "application/problem+json; charset=utf-8" and the like.
bool isJsonContentType(std::string_view content_type);

/// RFC 9110 §5.6.7 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string httpDate(std::chrono::system_clock::time_point when);

}  // namespace cirrus::http
