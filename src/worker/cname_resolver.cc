#include "worker/cname_resolver.h"

#include <utility>

#include "core/error.h"
#include "dnswire/message.h"
#include "dnswire/name.h"
#include "dnswire/resolv_conf.h"
#include "dnswire/stub_query.h"

namespace cirrus::worker {

namespace asio = boost::asio;

CnameLookup makeCnameLookup(asio::any_io_executor executor, std::optional<Endpoint> resolver,
                            std::chrono::milliseconds timeout) {
  return [executor, resolver,
          timeout](const std::string& name) -> asio::awaitable<Result<std::optional<std::string>>> {
    Endpoint server;
    if (resolver) {
      server = *resolver;
    } else {
      auto system = dnswire::systemResolver();
      if (!system) co_return system.error();
      server = *system;
    }
    auto owner = dnswire::Name::fromText(name);
    if (!owner) co_return badRequest("'" + name + "' is not a domain name");
    auto answer = co_await dnswire::query(executor, server, name, dnswire::RRType::kCname, timeout);
    if (!answer)
      co_return answer.error().because("CNAME of " + name + " from " + server.toString());
    auto rcode = dnswire::responseCode(*answer);
    if (rcode == dnswire::Rcode::kNxDomain) co_return std::optional<std::string>();
    if (rcode != dnswire::Rcode::kNoError) {
      co_return upstreamUnavailable("resolver " + server.toString() + " answered rcode " +
                                    std::to_string(static_cast<int>(rcode)) + " for " + name);
    }
    auto target = dnswire::cnameTarget(*answer, *owner);
    if (!target) co_return std::optional<std::string>();
    std::string text = target->toText();
    if (!text.empty() && text.back() == '.') text.pop_back();
    co_return std::optional<std::string>(std::move(text));
  };
}

}  // namespace cirrus::worker
