// Router matching and dispatch, and the JSON message helpers handlers answer with (one
// translation unit for both to keep the Beast-heavy test build small). No sockets here.
#include "http/router.h"

#include <gtest/gtest.h>

#include "http/http_test_support.h"
#include "http/message.h"

namespace cirrus::http {
namespace {

using testing::runSync;

Handler answer(std::string text) {
  return [text](RequestContext&) -> boost::asio::awaitable<Response> {
    co_return makeResponse(status::ok, text);
  };
}

Request makeRequest(verb method, std::string target) {
  Request req{method, target, 11};
  req.set(field::host, "test");
  return req;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.get("/api/v1/domains", answer("list"));
    router_.post("/api/v1/domains", answer("create"));
    router_.get("/api/v1/domains/{domain}", answer("get"));
    router_.put("/api/v1/domains/{domain}", answer("put"));
    router_.del("/api/v1/domains/{domain}", answer("delete"));
    router_.post("/api/v1/domains/{domain}/purge", answer("purge"));
    router_.get("/api/v1/domains/special", answer("special"));
    router_.get("/static/{path...}", answer("static"));
    router_.get("/", answer("root"));
  }

  Response dispatch(verb method, std::string target, RequestContext* out = nullptr) {
    RequestContext ctx(makeRequest(method, std::move(target)));
    Response res = runSync(ioc_, router_.dispatch(ctx));
    if (out) *out = std::move(ctx);
    return res;
  }

  boost::asio::io_context ioc_;
  Router router_;
};

TEST_F(RouterTest, MatchesTemplateAndReportsItWithParams) {
  auto m = router_.match(verb::get, "/api/v1/domains/www.example.com");
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(m.route, "/api/v1/domains/{domain}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "domain");
  EXPECT_EQ(m.params[0].second, "www.example.com");

  auto purge = router_.match(verb::post, "/api/v1/domains/a.test/purge");
  ASSERT_EQ(purge.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(purge.route, "/api/v1/domains/{domain}/purge");
}

TEST_F(RouterTest, PercentDecodesParamsButKeepsEncodedSlashInsideOne) {
  RequestContext ctx;
  Response res = dispatch(verb::get, "/api/v1/domains/a%2Fb%20c?x=1", &ctx);
  EXPECT_EQ(res.body(), "get");
  EXPECT_EQ(ctx.param("domain"), "a/b c");
  EXPECT_EQ(ctx.path, "/api/v1/domains/a%2Fb%20c");
  EXPECT_EQ(ctx.query.get("x"), "1");
  EXPECT_EQ(ctx.param("missing"), "");
}

TEST_F(RouterTest, LiteralSegmentWinsOverParam) {
  EXPECT_EQ(dispatch(verb::get, "/api/v1/domains/special").body(), "special");
  EXPECT_EQ(dispatch(verb::get, "/api/v1/domains/other").body(), "get");
}

TEST_F(RouterTest, MostSpecificPathDecidesBeforeMethod) {
  // "special" exists only for GET; the literal path still wins, so PUT is a 405, not the
  // {domain} route's PUT.
  auto m = router_.match(verb::put, "/api/v1/domains/special");
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD");
}

TEST_F(RouterTest, UnknownPathIs404WithDetail) {
  RequestContext ctx;
  Response res = dispatch(verb::get, "/nope", &ctx);
  EXPECT_EQ(res.result(), status::not_found);
  EXPECT_EQ(nlohmann::json::parse(res.body()), (nlohmann::json{{"detail", "Not Found"}}));
  EXPECT_EQ(ctx.route, "");
}

TEST_F(RouterTest, WrongMethodIs405WithAllowHeader) {
  RequestContext ctx;
  Response res = dispatch(verb::patch, "/api/v1/domains/x", &ctx);
  EXPECT_EQ(res.result(), status::method_not_allowed);
  EXPECT_EQ(res[field::allow], "DELETE, GET, HEAD, PUT");
  EXPECT_EQ(ctx.route, "/api/v1/domains/{domain}");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  auto m = router_.match(verb::head, "/api/v1/domains");
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(dispatch(verb::head, "/api/v1/domains").body(), "list");
  // No GET there: HEAD is not allowed either.
  EXPECT_EQ(router_.match(verb::head, "/api/v1/domains/x/purge").outcome,
            RouteMatch::Outcome::kMethodNotAllowed);
}

TEST_F(RouterTest, IgnoresOneTrailingSlashOnly) {
  EXPECT_EQ(dispatch(verb::get, "/api/v1/domains/").body(), "list");
  EXPECT_EQ(dispatch(verb::get, "/api/v1/domains//").result(), status::not_found);
  EXPECT_EQ(dispatch(verb::get, "/api//v1/domains").result(), status::not_found);
  EXPECT_EQ(dispatch(verb::get, "/").body(), "root");
}

TEST_F(RouterTest, EmptySegmentNeverMatchesAParam) {
  EXPECT_EQ(router_.match(verb::post, "/api/v1/domains//purge").outcome,
            RouteMatch::Outcome::kNotFound);
}

TEST_F(RouterTest, RestParamCapturesRemainingPath) {
  RequestContext ctx;
  EXPECT_EQ(dispatch(verb::get, "/static/js/app%20x.js", &ctx).body(), "static");
  EXPECT_EQ(ctx.param("path"), "js/app x.js");
  EXPECT_EQ(ctx.route, "/static/{path...}");
  EXPECT_EQ(dispatch(verb::get, "/static/", &ctx).body(), "static");
  EXPECT_EQ(ctx.param("path"), "");
}

TEST_F(RouterTest, AbsoluteFormTargetRoutesByPath) {
  EXPECT_EQ(dispatch(verb::get, "http://api.test:8000/api/v1/domains?x=1").body(), "list");
}

TEST(RouterRegistrationTest, RejectsMalformedAndDuplicateTemplates) {
  Router r;
  r.get("/a/{id}", answer("a"));
  EXPECT_THROW(r.get("/a/{id}", answer("dup")), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{other}/x", answer("renamed")), std::invalid_argument);
  EXPECT_THROW(r.get("no-slash", answer("x")), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{rest...}/x", answer("x")), std::invalid_argument);
  EXPECT_THROW(r.get("/a/b{c}", answer("x")), std::invalid_argument);
  EXPECT_THROW(r.get("/a//b", answer("x")), std::invalid_argument);
  EXPECT_NO_THROW(r.post("/a/{id}", answer("post")));
}

TEST(RouterMiddlewareTest, RunsOutermostFirstAndCanShortCircuit) {
  boost::asio::io_context ioc;
  Router r;
  std::vector<std::string> order;
  r.get("/private", [&](RequestContext& ctx) -> boost::asio::awaitable<Response> {
    order.push_back("handler");
    const std::string* who = ctx.attribute<std::string>("principal");
    co_return makeResponse(status::ok, who ? *who : "nobody");
  });
  r.use([&](RequestContext& ctx, Next next) -> boost::asio::awaitable<Response> {
    order.push_back("outer:" + ctx.route);
    Response res = co_await next(ctx);
    res.set("X-Outer", "1");
    co_return res;
  });
  r.before([&](RequestContext& ctx) -> boost::asio::awaitable<std::optional<Response>> {
    order.push_back("auth");
    if (ctx.request[field::authorization] != "Bearer t") {
      co_return problemResponse(status::unauthorized, "not authenticated");
    }
    ctx.setAttribute("principal", std::string("alice"));
    co_return std::nullopt;
  });

  RequestContext denied(makeRequest(verb::get, "/private"));
  Response res = runSync(ioc, r.dispatch(denied));
  EXPECT_EQ(res.result(), status::unauthorized);
  EXPECT_EQ(res["X-Outer"], "1");
  EXPECT_EQ(order, (std::vector<std::string>{"outer:/private", "auth"}));

  order.clear();
  Request req = makeRequest(verb::get, "/private");
  req.set(field::authorization, "Bearer t");
  RequestContext allowed(std::move(req));
  res = runSync(ioc, r.dispatch(allowed));
  EXPECT_EQ(res.body(), "alice");
  EXPECT_EQ(order, (std::vector<std::string>{"outer:/private", "auth", "handler"}));
}

TEST(RouterMiddlewareTest, SeesUnmatchedRequestsSoPreflightCanBeAnswered) {
  boost::asio::io_context ioc;
  Router r;
  r.post("/api/v1/purge", answer("purged"));
  r.before([](RequestContext& ctx) -> boost::asio::awaitable<std::optional<Response>> {
    if (ctx.request.method() == verb::options) co_return makeResponse(status::no_content);
    co_return std::nullopt;
  });
  RequestContext ctx(makeRequest(verb::options, "/api/v1/purge"));
  EXPECT_EQ(runSync(ioc, r.dispatch(ctx)).result(), status::no_content);
  EXPECT_EQ(ctx.route, "/api/v1/purge");
}

TEST(MessageTest, ProblemResponseHasDetailShape) {
  Response res = problemResponse(status::conflict, "domain exists");
  EXPECT_EQ(res.result(), status::conflict);
  EXPECT_EQ(res[field::content_type], "application/json");
  EXPECT_EQ(nlohmann::json::parse(res.body()), (nlohmann::json{{"detail", "domain exists"}}));
}

TEST(MessageTest, ValidationProblemListsLocMsgType) {
  Response res = validationProblem({{{"body", "origins", 0, "host"}, "field required", "missing"},
                                    {{"body", "domain"}, "bad name", "value_error"}});
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  auto body = nlohmann::json::parse(res.body());
  ASSERT_EQ(body["detail"].size(), 2u);
  EXPECT_EQ(body["detail"][0]["loc"], (nlohmann::json{"body", "origins", 0, "host"}));
  EXPECT_EQ(body["detail"][0]["msg"], "field required");
  EXPECT_EQ(body["detail"][1]["type"], "value_error");
}

TEST(MessageTest, JsonResponseReplacesInvalidUtf8InsteadOfThrowing) {
  Response res = jsonResponse(status::ok, nlohmann::json{{"name", std::string("a\xff")}});
  EXPECT_EQ(res.result(), status::ok);
  EXPECT_NE(res.body().find("\xEF\xBF\xBD"), std::string::npos);
}

Request jsonRequest(std::string content_type, std::string body) {
  Request req = makeRequest(verb::post, "/");
  if (!content_type.empty()) req.set(field::content_type, content_type);
  req.body() = std::move(body);
  return req;
}

TEST(MessageTest, ParseJsonBodyAcceptsJsonTypesAndMissingType) {
  for (const char* type : {"application/json", "Application/JSON; charset=utf-8",
                           "application/merge-patch+json", ""}) {
    auto body = parseJsonBody(jsonRequest(type, R"({"a": 1})"));
    ASSERT_TRUE(body) << type;
    EXPECT_EQ((*body)["a"], 1);
  }
}

TEST(MessageTest, ParseJsonBodyRejectsOtherTypesWith415) {
  auto body = parseJsonBody(jsonRequest("application/x-www-form-urlencoded", R"({"a": 1})"));
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, status::unsupported_media_type);
  EXPECT_EQ(body.error().toResponse().result(), status::unsupported_media_type);
}

TEST(MessageTest, ParseJsonBodyRejectsMalformedEmptyAndTooDeepWith400) {
  for (const std::string& text : {std::string("{\"a\": "), std::string("  "),
                                  std::string(100, '[') + std::string(100, ']')}) {
    auto body = parseJsonBody(jsonRequest("application/json", text));
    ASSERT_FALSE(body) << text;
    EXPECT_EQ(body.error().code, status::bad_request) << text;
    EXPECT_FALSE(body.error().detail.empty());
  }
  std::string ok_depth = std::string(60, '[') + std::string(60, ']');
  EXPECT_TRUE(parseJsonBody(jsonRequest("application/json", ok_depth)));
}

TEST(MessageTest, HttpDateIsImfFixdate) {
  auto t = std::chrono::system_clock::from_time_t(784111777);  // RFC 9110 §5.6.7 example
  EXPECT_EQ(httpDate(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

}  // namespace
}  // namespace cirrus::http
