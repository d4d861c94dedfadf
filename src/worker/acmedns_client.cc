#include "worker/acmedns_client.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace cirrus::worker {

namespace asio = boost::asio;

namespace {

std::string joinUrl(const std::string& base, std::string_view path) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + std::string(path);
}

}  // namespace

AcmeDnsClient::AcmeDnsClient(http::Client& http, std::string base_url, http::RequestOptions options)
    : http_(http), base_url_(std::move(base_url)), options_(std::move(options)) {}

asio::awaitable<Result<AcmeDnsAccount>> AcmeDnsClient::registerAccount() {
  http::Headers headers{{"Content-Type", "application/json"}};
  auto r = co_await http_.request(http::verb::post, joinUrl(base_url_, "/register"),
                                  std::move(headers), "{}", options_);
  if (!r) co_return r.error().because("acme-dns register");
  if (r->result_int() != 201 && r->result_int() != 200) {
    co_return upstreamUnavailable("acme-dns register answered " + std::to_string(r->result_int()));
  }
  auto json = nlohmann::json::parse(r->body(), nullptr, false);
  AcmeDnsAccount account;
  const std::pair<const char*, std::string*> fields[] = {{"username", &account.username},
                                                         {"password", &account.password},
                                                         {"subdomain", &account.subdomain},
                                                         {"fulldomain", &account.fulldomain}};
  for (const auto& [name, field] : fields) {
    if (!json.is_object() || !json.contains(name) || !json[name].is_string() ||
        json[name].get<std::string>().empty()) {
      co_return upstreamProtocol(std::string("acme-dns register answer has no ") + name);
    }
    *field = json[name].get<std::string>();
  }
  co_return account;
}

asio::awaitable<Result<void>> AcmeDnsClient::update(const AcmeDnsAccount& account,
                                                    const std::string& txt) {
  http::Headers headers{{"Content-Type", "application/json"},
                        {"X-Api-User", account.username},
                        {"X-Api-Key", account.password}};
  nlohmann::json body{{"subdomain", account.subdomain}, {"txt", txt}};
  auto r = co_await http_.request(http::verb::post, joinUrl(base_url_, "/update"),
                                  std::move(headers), body.dump(), options_);
  if (!r) co_return r.error().because("acme-dns update");
  if (r->result_int() == 401) {
    co_return badRequest("acme-dns refused the domain's credentials (401)");
  }
  if (r->result_int() != 200) {
    co_return upstreamUnavailable("acme-dns update answered " + std::to_string(r->result_int()));
  }
  co_return ok();
}

}  // namespace cirrus::worker
