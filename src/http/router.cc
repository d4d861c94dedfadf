#include "http/router.h"

#include <algorithm>
#include <stdexcept>

#include <boost/beast/http/verb.hpp>

namespace cirrus::http {

// One segment position of the template tree. A node is a route when it has handlers.
struct RouteNode {
  std::map<std::string, std::unique_ptr<RouteNode>, std::less<>> literals;
  std::unique_ptr<RouteNode> param;  // "{name}"
  std::string param_name;
  std::unique_ptr<RouteNode> rest;  // "{name...}", always a leaf
  std::string rest_name;
  std::map<verb, Handler> handlers;
  std::string route;  // the template, for reporting
};

namespace {

// "/a/b/" -> {"a", "b"}; "/" -> {}. Applies the one-trailing-slash policy of router.h.
std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path.empty() || path == "/") return out;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string_view captureName(std::string_view segment, bool* is_rest) {
  if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}') return {};
  std::string_view name = segment.substr(1, segment.size() - 2);
  *is_rest = name.ends_with("...");
  if (*is_rest) name.remove_suffix(3);
  return name;
}

struct Search {
  const std::vector<std::string>& segments;
  PathParams& params;
};

// Depth-first in precedence order (literal, param, rest); the first node with any handler
// at the end of the path wins.
const RouteNode* findNode(const RouteNode& node, const Search& s, size_t i) {
  if (i == s.segments.size() && !node.handlers.empty()) return &node;
  if (i < s.segments.size()) {
    if (auto it = node.literals.find(s.segments[i]); it != node.literals.end()) {
      if (const RouteNode* found = findNode(*it->second, s, i + 1)) return found;
    }
    if (node.param && !s.segments[i].empty()) {
      s.params.emplace_back(node.param_name, s.segments[i]);
      if (const RouteNode* found = findNode(*node.param, s, i + 1)) return found;
      s.params.pop_back();
    }
  }
  if (node.rest && !node.rest->handlers.empty()) {
    std::string joined;
    for (size_t k = i; k < s.segments.size(); ++k) {
      if (k > i) joined.push_back('/');
      joined += s.segments[k];
    }
    s.params.emplace_back(node.rest_name, std::move(joined));
    return node.rest.get();
  }
  return nullptr;
}

std::string allowHeader(const RouteNode& node) {
  std::vector<std::string_view> names;
  for (const auto& [method, handler] : node.handlers) names.push_back(to_string(method));
  if (node.handlers.contains(verb::get) && !node.handlers.contains(verb::head)) {
    names.push_back(to_string(verb::head));
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view RequestContext::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

boost::asio::awaitable<Response> Next::operator()(RequestContext& ctx) const {
  return router_->runChain(ctx, index_);
}

Router::Router() : root_(std::make_unique<RouteNode>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(verb method, std::string_view path_template, Handler handler) {
  auto fail = [&](std::string_view why) {
    throw std::invalid_argument("route " + std::string(path_template) + ": " + std::string(why));
  };
  if (!path_template.starts_with('/')) fail("must start with '/'");
  if (!handler) fail("empty handler");
  auto segments = splitPath(path_template);
  RouteNode* node = root_.get();
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view seg = segments[i];
    if (seg.empty()) fail("empty segment");
    bool is_rest = false;
    std::string_view name = captureName(seg, &is_rest);
    if (name.empty()) {
      if (seg.find_first_of("{}") != std::string_view::npos) fail("malformed parameter");
      auto& child = node->literals[std::string(seg)];
      if (!child) child = std::make_unique<RouteNode>();
      node = child.get();
    } else if (is_rest) {
      if (i + 1 != segments.size()) fail("{name...} must be the last segment");
      if (node->rest && node->rest_name != name) fail("parameter renamed");
      if (!node->rest) node->rest = std::make_unique<RouteNode>();
      node->rest_name = std::string(name);
      node = node->rest.get();
    } else {
      if (node->param && node->param_name != name) fail("parameter renamed");
      if (!node->param) node->param = std::make_unique<RouteNode>();
      node->param_name = std::string(name);
      node = node->param.get();
    }
  }
  if (node->handlers.contains(method)) fail("duplicate route");
  node->handlers.emplace(method, std::move(handler));
  if (node->route.empty()) {
    std::string_view t = path_template;
    if (t.size() > 1 && t.back() == '/') t.remove_suffix(1);
    node->route = std::string(t);
  }
}

void Router::use(Middleware middleware) {
  middleware_.push_back(std::move(middleware));
}

void Router::before(BeforeHook hook) {
  use([hook = std::move(hook)](RequestContext& ctx, Next next) -> boost::asio::awaitable<Response> {
    std::optional<Response> early = co_await hook(ctx);
    if (early) co_return std::move(*early);
    co_return co_await next(ctx);
  });
}

RouteMatch Router::match(verb method, std::string_view path) const {
  RouteMatch result;
  std::vector<std::string> segments;
  for (auto seg : splitPath(path)) segments.push_back(percentDecode(seg));
  const RouteNode* node = findNode(*root_, Search{segments, result.params}, 0);
  if (node == nullptr) {
    result.params.clear();
    return result;
  }
  result.route = node->route;
  auto it = node->handlers.find(method);
  if (it == node->handlers.end() && method == verb::head) it = node->handlers.find(verb::get);
  if (it == node->handlers.end()) {
    result.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    result.allow = allowHeader(*node);
    result.params.clear();
    return result;
  }
  result.outcome = RouteMatch::Outcome::kMatched;
  result.handler = &it->second;
  return result;
}

boost::asio::awaitable<Response> Router::dispatch(RequestContext& ctx) const {
  auto [path, query] = splitTarget(ctx.request.target());
  ctx.path = std::string(path);
  ctx.query = parseQuery(query);
  RouteMatch m = match(ctx.request.method(), ctx.path);
  ctx.route = std::move(m.route);
  ctx.params = std::move(m.params);
  ctx.handler_ = m.handler;
  ctx.allow_ = std::move(m.allow);
  co_return co_await runChain(ctx, 0);
}

boost::asio::awaitable<Response> Router::runChain(RequestContext& ctx, size_t index) const {
  if (index < middleware_.size()) co_return co_await middleware_[index](ctx, Next(this, index + 1));
  if (ctx.handler_ != nullptr) co_return co_await (*ctx.handler_)(ctx);
  if (!ctx.allow_.empty()) {
    Response res = problemResponse(status::method_not_allowed, "Method Not Allowed");
    res.set(field::allow, ctx.allow_);
    co_return res;
  }
  co_return problemResponse(status::not_found, "Not Found");
}

}  // namespace cirrus::http
