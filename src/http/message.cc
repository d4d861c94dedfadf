#include "http/message.h"

#include "core/http_date.h"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

namespace cirrus::http {
namespace {

constexpr int kMaxJsonDepth = 64;

struct JsonTooDeep {};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string dumpJson(const nlohmann::json& body) {
  // Replace rather than throw: API bodies echo user input that may not be UTF-8.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Response makeResponse(status code, std::string body, std::string_view content_type) {
  Response res{code, 11};
  if (!content_type.empty()) res.set(field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

Response jsonResponse(status code, const nlohmann::json& body) {
  return makeResponse(code, dumpJson(body), kJsonContentType);
}

Response problemResponse(status code, std::string detail) {
  return jsonResponse(code, nlohmann::json{{"detail", std::move(detail)}});
}

Response validationProblem(const std::vector<ValidationIssue>& issues) {
  nlohmann::json detail = nlohmann::json::array();
  for (const auto& issue : issues) {
    detail.push_back(
        {{"loc", nlohmann::json(issue.loc)}, {"msg", issue.msg}, {"type", issue.type}});
  }
  return jsonResponse(status::unprocessable_entity, nlohmann::json{{"detail", std::move(detail)}});
}

void throw_exception_from_error(const Problem& p, const boost::source_location&) {
  throw std::runtime_error(fmt::format("{} {}", static_cast<unsigned>(p.code), p.detail));
}

bool isJsonContentType(std::string_view content_type) {
  std::string media(trim(content_type.substr(0, content_type.find(';'))));
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (media == "application/json") return true;
  // RFC 6839 §3.1: "+json" structured syntax suffix.
  return media.starts_with("application/") && media.ends_with("+json");
}

JsonBody parseJsonBody(const Request& request) {
  auto content_type = request[field::content_type];
  if (!content_type.empty() && !isJsonContentType(content_type)) {
    return Problem{status::unsupported_media_type, "Content-Type must be application/json"};
  }
  const std::string& body = request.body();
  if (trim(body).empty()) return Problem{status::bad_request, "request body is empty"};
  auto depth_guard = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      throw JsonTooDeep{};
    }
    return true;
  };
  try {
    // in_place: a json converts implicitly to almost anything, Problem included.
    return JsonBody(boost::system::in_place_value, nlohmann::json::parse(body, depth_guard));
  } catch (const JsonTooDeep&) {
    return Problem{status::bad_request,
                   fmt::format("JSON nests deeper than {} levels", kMaxJsonDepth)};
  } catch (const nlohmann::json::parse_error& e) {
    // The message names the position and token, which helps API users; the library's
    // "[json.exception.parse_error.101] " prefix does not.
    std::string_view what = e.what();
    if (auto prefix_end = what.find("] "); prefix_end != std::string_view::npos) {
      what.remove_prefix(prefix_end + 2);
    }
    return Problem{status::bad_request, fmt::format("malformed JSON body: {}", what)};
  }
}

std::string httpDate(std::chrono::system_clock::time_point when) {
  return formatHttpDate(std::chrono::system_clock::to_time_t(when));
}

}  // namespace cirrus::http
