// The API's answers to failures, in one place: a cirrus::Error becomes a status and
// {"detail"} (store outage 503, timeout 504, not found 404, conflict 409 ...), model field
// errors become the 422 list of spec §10. Handlers never pick error statuses themselves.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "http/message.h"
#include "model/field_error.h"

namespace cirrus::api {

/// The status an Error maps to: kNotFound 404, kConflict 409, kBadRequest 400, store
/// unavailable 503, timeouts 504, anything else 500 (logged; the detail stays generic).
http::status statusFor(const Error& error);

/// {"detail": ...} with statusFor(error). `what` names the thing for 404/409 details
/// ("domain 'a.test'"); internal details of 5xx errors are logged, not returned.
http::Response errorResponse(const Error& error, std::string_view what = {});

/// 422 {"detail": [{loc: ["body", ...], msg, type}, ...]}; loc_prefix "body", "path", "query".
http::Response validationResponse(const model::FieldErrors& errors,
                                  std::string_view loc_prefix = "body");

/// 204 without a body.
http::Response noContent();

}  // namespace cirrus::api
