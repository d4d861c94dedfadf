#include "tasks/issuance_request.h"

#include <nlohmann/json.hpp>

#include "store/acme_store.h"
#include "store/task_store.h"

namespace cirrus::tasks {

namespace asio = boost::asio;

asio::awaitable<Result<IssuanceRequest>> requestIssuance(redis::Client& redis,
                                                         std::string_view domain, int64_t now) {
  store::AcmeStore acme(redis);
  store::TaskStore tasks(redis);
  auto current = co_await acme.getTask(domain);
  if (!current) co_return current.error();
  if (*current) {
    auto record = co_await tasks.get(**current);
    if (!record) co_return record.error();
    if (*record && ((*record)->status == store::TaskStatus::kQueued ||
                    (*record)->status == store::TaskStatus::kRunning ||
                    (*record)->status == store::TaskStatus::kRetrying)) {
      co_return IssuanceRequest{**current, true};
    }
  }
  nlohmann::json args = {{"domain", std::string(domain)}};
  auto id = co_await tasks.enqueue(kAcmeQueue, kIssueCertificateTask, args, now);
  if (!id) co_return id.error();
  auto pointed = co_await acme.setTask(domain, *id);
  if (!pointed) co_return pointed.error();
  co_return IssuanceRequest{*id, false};
}

}  // namespace cirrus::tasks
