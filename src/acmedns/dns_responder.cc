#include "acmedns/dns_responder.h"

#include <utility>

#include "acmedns/wire_codec.h"
#include "core/log.h"

namespace cirrus::acmedns {

boost::asio::awaitable<std::optional<std::vector<uint8_t>>> DnsResponder::handle(
    std::vector<uint8_t> message, bool over_tcp) {
  Query query;
  ParseStatus status = parseQuery(message, query);
  if (status == ParseStatus::kDrop) {
    metrics_.countDropped();
    co_return std::nullopt;
  }
  if (status == ParseStatus::kFormErr) {
    // Header only: nothing after the header is trusted.
    Query header_only;
    header_only.id = query.id;
    header_only.opcode = query.opcode;
    header_only.rd = query.rd;
    Response formerr;
    formerr.rcode = kRcodeFormErr;
    formerr.echo_question = false;
    metrics_.countQuery(kRcodeFormErr);
    co_return encodeResponse(header_only, formerr, 512);
  }
  Placement placement = classify(zone_, query);
  std::optional<store::AcmeDnsRecords> records;
  if (needsRecords(query, placement)) {
    auto read = co_await store_.records(placement.subdomain);
    if (read) {
      records = std::move(*read);
    } else {
      log::warn("acme-dns dns: store read failed", {{"error", read.error().message()}});
    }
  }
  Response response = answer(zone_, query, placement, records);
  metrics_.countQuery(response.rcode);
  co_return encodeResponse(query, response, responseSizeLimit(query, over_tcp));
}

}  // namespace cirrus::acmedns
