#include "dns/query_handler.h"

#include "core/log.h"
#include "dns/answer.h"
#include "dnswire/message_parser.h"
#include "dnswire/message_writer.h"
#include "dnswire/rdata.h"

namespace cirrus::dns {
namespace {

// A response that carries only the question (and OPT when the query had EDNS): errors,
// refusals and TSIG failures.
dnswire::Message errorReply(const dnswire::Message& q, dnswire::Rcode rcode) {
  dnswire::Message r;
  r.header.id = q.header.id;
  r.header.qr = true;
  r.header.opcode = q.header.opcode;
  r.header.rd = q.header.rd;
  if (q.questions.size() == 1) r.questions.push_back(q.questions.front());
  if (q.edns) {
    r.edns = dnswire::Edns{};
    r.edns->udp_payload_size = kServerUdpPayload;
  }
  dnswire::setResponseCode(r, rcode);
  return r;
}

// Never fails: a message that cannot be written in `limit` becomes its header alone.
std::vector<uint8_t> encode(const dnswire::Message& r, size_t limit) {
  auto wire = dnswire::writeMessage(r, limit);
  if (wire) return std::move(*wire);
  dnswire::MessageWriter w(dnswire::kMinUdpPayload);
  dnswire::Header h = r.header;
  h.rcode = static_cast<uint8_t>(dnswire::Rcode::kServFail);
  w.begin(h);
  return w.finish();
}

}  // namespace

TransferJob::TransferJob(dnswire::Message query, ZoneSharedPtr zone, IxfrPlan plan,
                         const TsigKey* key, std::string request_mac, std::string_view type,
                         std::string_view result)
    : query_(std::move(query)),
      zone_(std::move(zone)),
      plan_(std::move(plan)),
      stream_(query_, plan_.records, kTransferMessageSize - (key ? tsigRecordSize(*key) : 0)),
      type_(type),
      result_(result) {
  if (key != nullptr) signer_.emplace(*key, std::move(request_mac));
}

dnswire::WireResult<std::vector<uint8_t>> TransferJob::next(uint64_t unix_now) {
  auto message = stream_.next();
  // RFC 8945 §5.3.1: the first message digests the request MAC, each later one the prior MAC.
  if (message && signer_) signer_->sign(*message, unix_now);
  return message;
}

QueryHandler::QueryHandler(const ZoneHolder& holder, DnsMetrics& metrics, HandlerOptions options)
    : holder_(holder), metrics_(metrics), options_(std::move(options)) {
  if (options_.tsig) keys_.push_back(*options_.tsig);
}

bool QueryHandler::transferAllowed(const boost::asio::ip::address& remote) const {
  auto addr = remote;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
  }
  for (const auto& allowed : options_.transfer_allow) {
    if (allowed == addr) return true;
  }
  return false;
}

Reply QueryHandler::handle(std::span<const uint8_t> wire, const boost::asio::ip::address& remote,
                           bool over_tcp, uint64_t unix_now) {
  Reply reply;
  auto parsed = dnswire::parseMessage(wire);
  if (!parsed) {
    // Garbage: a header-only FORMERR when the header is readable and not a response.
    reply.message = formErrForUnparsable(wire);
    if (reply.message) {
      metrics_.countQuery(dnswire::RRType{0}, dnswire::Rcode::kFormErr);
    } else {
      metrics_.countDropped();
    }
    return reply;
  }
  dnswire::Message& q = *parsed;
  if (q.header.qr) {  // never answer a response: that is how reflection loops start
    metrics_.countDropped();
    return reply;
  }
  const dnswire::RRType qtype =
      q.questions.size() == 1 ? q.questions.front().type : dnswire::RRType{0};

  TsigVerification tsig;
  if (q.tsig) {
    tsig = verifyRequest(wire, q, keys_, unix_now);
    if (tsig.status != TsigStatus::kVerified) {
      if (tsig.status == TsigStatus::kFormErr) {
        reply.message = encode(errorReply(q, dnswire::Rcode::kFormErr), dnswire::kMinUdpPayload);
        metrics_.countQuery(qtype, dnswire::Rcode::kFormErr);
        return reply;
      }
      // RFC 8945 §5.2: NOTAUTH; BADTIME answers are signed, the others carry an unsigned TSIG.
      auto bytes = encode(errorReply(q, dnswire::Rcode::kNotAuth), dnswire::kMinUdpPayload);
      if (tsig.status == TsigStatus::kBadTime && tsig.key != nullptr) {
        TsigSigner signer(*tsig.key, tsig.request_mac);
        signer.setError(TsigError::kBadTime, badTimeOtherData(unix_now));
        signer.sign(bytes, unix_now);
      } else {
        appendUnsignedTsigError(bytes, *q.tsig, toTsigError(tsig.status), unix_now);
      }
      log::info("tsig verification failed",
                {{"client", remote.to_string()}, {"status", static_cast<int>(tsig.status)}});
      metrics_.countQuery(qtype, dnswire::Rcode::kNotAuth);
      reply.message = std::move(bytes);
      return reply;
    }
  }
  const bool signed_reply = tsig.status == TsigStatus::kVerified;
  auto sign = [&](std::vector<uint8_t>& bytes) {
    if (!signed_reply) return;
    TsigSigner signer(*tsig.key, tsig.request_mac);
    signer.sign(bytes, unix_now);
  };

  ZoneSharedPtr steering = holder_.current();
  ZoneSharedPtr zone = selectZone(q, steering);
  if (!zone) {  // nothing built yet (Redis unreachable since start): no data to be sure of
    auto bytes = encode(errorReply(q, dnswire::Rcode::kServFail), dnswire::kMinUdpPayload);
    sign(bytes);
    metrics_.countQuery(qtype, dnswire::Rcode::kServFail);
    reply.message = std::move(bytes);
    return reply;
  }
  const bool is_transfer = qtype == dnswire::RRType::kAxfr || qtype == dnswire::RRType::kIxfr;
  const bool edns_ok = !q.edns || q.edns->version == 0;
  if (over_tcp && is_transfer && q.header.opcode == dnswire::Opcode::kQuery && edns_ok) {
    return transfer(std::move(q), tsig, remote, zone, zone == steering, unix_now);
  }

  size_t limit = responseSizeLimit(q, over_tcp);
  if (signed_reply) limit -= tsigRecordSize(*tsig.key);
  dnswire::Message r = answerQuery(*zone, q, limit);
  metrics_.countQuery(qtype, dnswire::responseCode(r));
  auto bytes = encode(r, limit);
  sign(bytes);
  reply.message = std::move(bytes);
  return reply;
}

ZoneSharedPtr QueryHandler::selectZone(const dnswire::Message& q,
                                       const ZoneSharedPtr& steering) const {
  if (options_.static_zones.empty() || q.questions.size() != 1) return steering;
  const dnswire::Name& qname = q.questions.front().name;
  ZoneSharedPtr best;
  size_t best_labels = 0;
  auto consider = [&](const ZoneSharedPtr& z) {
    if (!z || !qname.isSubdomainOf(z->apex())) return;
    size_t labels = z->apex().labelCount();
    if (!best || labels > best_labels) {
      best = z;
      best_labels = labels;
    }
  };
  consider(steering);
  for (const auto& z : options_.static_zones) consider(z);
  return best ? best : steering;
}

Reply QueryHandler::transfer(dnswire::Message q, const TsigVerification& tsig,
                             const boost::asio::ip::address& remote, const ZoneSharedPtr& zone,
                             bool steering, uint64_t unix_now) {
  const dnswire::Question question = q.questions.front();
  const bool axfr = question.type == dnswire::RRType::kAxfr;
  const std::string_view type = axfr ? "axfr" : "ixfr";
  const bool signed_reply = tsig.status == TsigStatus::kVerified;
  auto answer = [&](dnswire::Rcode rcode, std::string_view result, std::string_view why) {
    log::info("transfer refused",
              {{"type", type}, {"client", remote.to_string()}, {"reason", why}});
    metrics_.countTransfer(type, result);
    metrics_.countQuery(question.type, rcode);
    Reply reply;
    auto bytes = encode(errorReply(q, rcode), dnswire::kMinUdpPayload);
    if (signed_reply) TsigSigner(*tsig.key, tsig.request_mac).sign(bytes, unix_now);
    reply.message = std::move(bytes);
    return reply;
  };
  if (question.rclass != dnswire::RRClass::kIn || !(question.name == zone->apex())) {
    return answer(dnswire::Rcode::kRefused, "refused", "not this zone");
  }
  if (!transferAllowed(remote))
    return answer(dnswire::Rcode::kRefused, "refused", "not in CNAME_DNS_SLAVES");
  if (options_.tsig && !signed_reply)
    return answer(dnswire::Rcode::kRefused, "refused", "unsigned");

  const TsigKey* key = signed_reply ? tsig.key : nullptr;
  std::string mac = signed_reply ? tsig.request_mac : std::string();
  std::unique_ptr<TransferJob> job;
  if (axfr) {
    IxfrPlan plan;
    plan.kind = IxfrKind::kFullZone;
    plan.records = axfrRecords(*zone);
    job = std::make_unique<TransferJob>(std::move(q), zone, std::move(plan), key, std::move(mac),
                                        "axfr", "ok");
  } else {
    // RFC 1995 §3: the client's version is the SOA in the authority section.
    std::optional<uint32_t> client_serial;
    for (const auto& rr : q.authority) {
      if (rr.type != dnswire::RRType::kSoa) continue;
      if (auto soa = dnswire::decodeSoa(rr.rdata)) client_serial = soa->serial;
      break;
    }
    if (!client_serial) return answer(dnswire::Rcode::kFormErr, "refused", "no SOA in authority");
    ZoneHolder::Ixfr ixfr;
    if (steering) {
      ixfr = holder_.ixfr(*client_serial);
    } else {  // a static zone has no history: current, or the whole zone
      ixfr.zone = zone;
      ixfr.plan = Journal(1, 1).ixfrResponse(*client_serial, *zone);
    }
    std::string_view result = ixfr.plan.kind == IxfrKind::kFullZone ? "full" : "ok";
    job = std::make_unique<TransferJob>(std::move(q), std::move(ixfr.zone), std::move(ixfr.plan),
                                        key, std::move(mac), "ixfr", result);
  }
  metrics_.countQuery(question.type, dnswire::Rcode::kNoError);
  log::info("transfer", {{"type", type},
                         {"client", remote.to_string()},
                         {"serial", job->serial()},
                         {"records", job->recordCount()},
                         {"result", job->result()}});
  Reply reply;
  reply.transfer = std::move(job);
  return reply;
}

}  // namespace cirrus::dns
