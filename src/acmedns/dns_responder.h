// DnsResponder: one DNS message in, the bytes to send back out, for the acme-dns zone. Parses
// (silence for garbage without a header or for responses, FORMERR for the rest), reads the
// TXT values of a subdomain from the store when the answer depends on them, answers through
// authority.h and counts the response code.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "acmedns/acmedns_metrics.h"
#include "acmedns/authority.h"
#include "store/acmedns_store.h"

namespace cirrus::acmedns {

/// The store and metrics must outlive it; the store's client binds it to one executor.
class DnsResponder {
 public:
  DnsResponder(AuthorityZone zone, store::AcmeDnsStore& store, AcmeDnsMetrics& metrics)
      : zone_(std::move(zone)), store_(store), metrics_(metrics) {}

  /// Never throws on any input. A store failure answers SERVFAIL (resolvers retry).
  boost::asio::awaitable<std::optional<std::vector<uint8_t>>> handle(std::vector<uint8_t> message,
                                                                     bool over_tcp);

 private:
  AuthorityZone zone_;
  store::AcmeDnsStore& store_;
  AcmeDnsMetrics& metrics_;
};

}  // namespace cirrus::acmedns
