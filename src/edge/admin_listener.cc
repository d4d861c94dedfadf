#include "edge/admin_listener.h"

namespace cirrus::edge {

std::unique_ptr<http::Server> makeAdminListener(boost::asio::io_context& ioc, Endpoint bind,
                                                std::vector<Cidr> allow,
                                                const metrics::Registry& registry,
                                                std::function<bool()> healthy) {
  http::Router router;
  router.use([allow = std::move(allow)](http::RequestContext& ctx,
                                        http::Next next) -> boost::asio::awaitable<http::Response> {
    if (!cidrListContains(allow, ctx.remote.address())) {
      co_return http::makeResponse(http::status::forbidden, "forbidden\n");
    }
    co_return co_await next(ctx);
  });
  router.get("/healthz",
             [healthy = std::move(healthy)](
                 http::RequestContext&) -> boost::asio::awaitable<http::Response> {
               if (!healthy())
                 co_return http::makeResponse(http::status::service_unavailable, "draining\n");
               co_return http::makeResponse(http::status::ok, "ok\n");
             });
  router.get(
      "/metrics", [&registry](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
        co_return http::makeResponse(http::status::ok, registry.render(), metrics::kContentType);
      });
  http::ServerOptions options;
  options.listen = std::move(bind);
  options.name = "edge-admin";
  // A restarting edge binds the admin port while the old process drains, like the data ports.
  options.reuse_port = true;
  options.shutdown_grace = std::chrono::milliseconds(2000);
  return std::make_unique<http::Server>(ioc, std::move(options), std::move(router));
}

}  // namespace cirrus::edge
