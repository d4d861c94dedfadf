#include "api/responses.h"

#include <fmt/format.h>

#include "core/log.h"

namespace cirrus::api {

http::status statusFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kBadRequest:
      return http::status::bad_request;
    case ErrorCode::kNotFound:
      return http::status::not_found;
    case ErrorCode::kConflict:
      return http::status::conflict;
    case ErrorCode::kUnavailable:
      return http::status::service_unavailable;
    case ErrorCode::kTimeout:
      return http::status::gateway_timeout;
    case ErrorCode::kProtocol:
    case ErrorCode::kRedisReply:
      // Redis answered something we cannot use: the store is not usable right now.
      return error.source() == ErrorSource::kStore ? http::status::service_unavailable
                                                   : http::status::bad_gateway;
    case ErrorCode::kInternal:
      break;
  }
  return http::status::internal_server_error;
}

http::Response errorResponse(const Error& error, std::string_view what) {
  auto code = statusFor(error);
  std::string detail;
  switch (code) {
    case http::status::not_found:
      detail = what.empty() ? std::string("not found") : fmt::format("{} not found", what);
      break;
    case http::status::conflict:
      detail = what.empty() ? std::string("conflict") : fmt::format("{} already exists", what);
      break;
    case http::status::bad_request:
      detail = error.context();
      break;
    case http::status::service_unavailable:
    case http::status::gateway_timeout:
      log::warn("store unavailable", {{"error", error.message()}});
      detail = isTimeout(error) ? "store timeout" : "store unavailable";
      break;
    default:
      log::error("request failed", {{"error", error.message()}});
      detail = "internal error";
      break;
  }
  return http::problemResponse(code, std::move(detail));
}

http::Response validationResponse(const model::FieldErrors& errors, std::string_view loc_prefix) {
  model::Loc prefix{std::string(loc_prefix)};
  return http::jsonResponse(http::status::unprocessable_entity,
                            nlohmann::json{{"detail", model::toJson(errors, prefix)}});
}

http::Response noContent() {
  http::Response res{http::status::no_content, 11};
  return res;
}

}  // namespace cirrus::api
