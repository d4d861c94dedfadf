#include "acmedns/dns_responder.h"

#include <utility>

#include "acmedns/query.h"
#include "core/log.h"
#include "dnswire/message_writer.h"

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
    header_only.header.id = query.header.id;
    header_only.header.opcode = query.header.opcode;
    header_only.header.rd = query.header.rd;
    Response formerr;
    formerr.rcode = dnswire::Rcode::kFormErr;
    formerr.echo_question = false;
    metrics_.countQuery(formerr.rcode);
    co_return encodeResponse(header_only, formerr, dnswire::kMinUdpPayload);
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
