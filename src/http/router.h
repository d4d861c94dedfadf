// Router: maps (method, path template) to a coroutine handler and runs a middleware chain
// around it. Matching reports the route *template* ("/api/v1/domains/{domain}"), which is what
// metrics and logs label a request with: a raw URL is never a label (spec §12).
//
// Templates: "/"-separated segments; "{name}" captures one non-empty segment, "{name...}" (last
// segment only) captures the rest of the path, possibly empty. Precedence at each segment:
// literal, then "{param}", then "{rest...}"; the most specific matching path wins and only then
// is the method checked (404 when no path matches, 405 + Allow when the method does not).
// Segments are percent-decoded before matching, so "%2F" inside a parameter stays in it.
// Trailing slash policy: one trailing slash is ignored ("/api/v1/domains/" matches
// "/api/v1/domains"); an empty segment elsewhere ("/a//b") matches nothing.
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/message.h"
#include "http/url.h"

namespace cirrus::http {

class RequestContext;
class Router;
struct RouteNode;

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;
using PathParams = std::vector<std::pair<std::string, std::string>>;

/// Everything a handler sees about one request. Built by the server; the router fills path,
/// query, params and route before the middleware chain runs.
class RequestContext {
 public:
  RequestContext() = default;
  explicit RequestContext(Request req) : request(std::move(req)) {}

  Request request;
  std::string path;   // the target's path, as received (not decoded)
  QueryParams query;  // parsed and form-decoded
  PathParams params;  // percent-decoded captures of the matched template
  std::string route;  // matched template; empty when no path matched (a 404)
  boost::asio::ip::tcp::endpoint remote;
  bool tls = false;
  uint64_t connection_id = 0;  // unique per server; equal ids mean one kept-alive connection
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  /// The value of a path parameter of the matched template; empty if there is none.
  std::string_view param(std::string_view name) const;

  /// A per-request slot for middleware results (the authenticated principal, a CSRF verdict).
  template <class T>
  void setAttribute(std::string key, T value) {
    attributes_[std::move(key)] = std::move(value);
  }
  /// The attribute stored under key if it holds a T, else nullptr.
  template <class T>
  const T* attribute(std::string_view key) const {
    auto it = attributes_.find(key);
    return it == attributes_.end() ? nullptr : std::any_cast<T>(&it->second);
  }

 private:
  friend class Router;
  std::map<std::string, std::any, std::less<>> attributes_;
  const Handler* handler_ = nullptr;  // chosen by the router; null for a 404/405
  std::string allow_;                 // the Allow header value for a 405
};

/// The rest of the chain after a middleware: calling it runs the next middleware or, at the
/// end, the route's handler (or the router's 404/405 answer).
class Next {
 public:
  Next(const Router* router, size_t index) : router_(router), index_(index) {}
  boost::asio::awaitable<Response> operator()(RequestContext& ctx) const;

 private:
  const Router* router_;
  size_t index_;
};

/// Wraps a request: may answer itself (short-circuit), or call next and adjust the response.
using Middleware = std::function<boost::asio::awaitable<Response>(RequestContext&, Next)>;
/// A "before" hook: a response short-circuits the chain, nullopt continues.
using BeforeHook = std::function<boost::asio::awaitable<std::optional<Response>>(RequestContext&)>;

struct RouteMatch {
  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
  Outcome outcome = Outcome::kNotFound;
  const Handler* handler = nullptr;  // set when kMatched
  std::string route;                 // template; set for kMatched and kMethodNotAllowed
  PathParams params;
  std::string allow;  // for kMethodNotAllowed: "GET, HEAD, POST"
};

/// Built at start-up, then shared read-only by every connection (thread-safe once built).
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  /// Registers a handler. Start-up only: throws std::invalid_argument on a malformed template,
  /// a duplicate (method, template), or a parameter renamed at a shared position.
  void add(verb method, std::string_view path_template, Handler handler);
  void get(std::string_view t, Handler h) { add(verb::get, t, std::move(h)); }
  void post(std::string_view t, Handler h) { add(verb::post, t, std::move(h)); }
  void put(std::string_view t, Handler h) { add(verb::put, t, std::move(h)); }
  void patch(std::string_view t, Handler h) { add(verb::patch, t, std::move(h)); }
  void del(std::string_view t, Handler h) { add(verb::delete_, t, std::move(h)); }

  /// Appends a middleware; the first added is the outermost. Middleware runs for every
  /// request, matched or not, after matching (so ctx.route and ctx.params are set): a CORS
  /// middleware can answer an OPTIONS preflight that would otherwise be a 405.
  void use(Middleware middleware);
  void before(BeforeHook hook);

  /// Pure matching; HEAD uses the GET handler when no HEAD route exists.
  RouteMatch match(verb method, std::string_view path) const;

  /// Parses ctx.request's target into ctx.path/query, matches, then runs the chain. Handler
  /// and middleware exceptions propagate (the server turns them into a 500).
  boost::asio::awaitable<Response> dispatch(RequestContext& ctx) const;

 private:
  friend class Next;
  boost::asio::awaitable<Response> runChain(RequestContext& ctx, size_t index) const;

  std::unique_ptr<RouteNode> root_;
  std::vector<Middleware> middleware_;
};

}  // namespace cirrus::http
