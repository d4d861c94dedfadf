// QueryHandler: one DNS message in, the bytes to send back out; the policy between the socket
// and the pure answering code. Parses (FORMERR or silence for garbage), checks TSIG (RFC 8945),
// answers queries from the served zone (dns/answer.h), and turns AXFR/IXFR over TCP into a
// TransferJob after the allow list (CNAME_DNS_SLAVES) and the TSIG requirement (DNS_TSIG_KEY).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "dns/dns_metrics.h"
#include "dns/journal.h"
#include "dns/transfer.h"
#include "dns/tsig.h"
#include "dns/zone_holder.h"
#include "dnswire/message.h"

namespace cirrus::dns {

/// The messages of one AXFR or IXFR answer (RFC 5936 §2.2, RFC 1995 §4), produced one at a
/// time and, with a key, each signed (RFC 8945 §5.3.1). Owns the query and pins the zone and
/// journal diffs it reads, so a zone swap during a slow transfer changes nothing. Not movable:
/// the stream points into the job itself.
class TransferJob {
 public:
  TransferJob(dnswire::Message query, ZoneSharedPtr zone, IxfrPlan plan, const TsigKey* key,
              std::string request_mac, std::string_view type, std::string_view result);
  TransferJob(const TransferJob&) = delete;
  TransferJob& operator=(const TransferJob&) = delete;

  bool done() const { return stream_.done(); }
  /// The next message, signed when a key is set; an error when a record cannot fit.
  dnswire::WireResult<std::vector<uint8_t>> next(uint64_t unix_now);

  std::string_view type() const { return type_; }      // "axfr" | "ixfr"
  std::string_view result() const { return result_; }  // "ok" | "full" (IXFR as whole zone)
  uint32_t serial() const { return zone_->serial(); }
  size_t recordCount() const { return plan_.records.size(); }

 private:
  dnswire::Message query_;
  ZoneSharedPtr zone_;
  IxfrPlan plan_;
  std::optional<TsigSigner> signer_;
  TransferStream stream_;
  std::string type_;
  std::string result_;
};

struct HandlerOptions {
  /// Addresses allowed to transfer (CNAME_DNS_SLAVES hosts).
  std::vector<boost::asio::ip::address> transfer_allow;
  /// When set, AXFR/IXFR must be signed with it; signed queries of any kind are verified.
  std::optional<TsigKey> tsig;
  /// DNS_STATIC_ZONES, served beside the steering zone; a name belongs to the zone with the
  /// longest matching apex. They never change, so IXFR of one is up to date or the whole zone.
  std::vector<ZoneSharedPtr> static_zones;
};

/// What to send back: nothing, one message, or a transfer (TCP only).
struct Reply {
  std::optional<std::vector<uint8_t>> message;
  std::unique_ptr<TransferJob> transfer;
};

/// Stateless between messages; the holder, metrics and options must outlive it and every
/// TransferJob it made (jobs sign with the handler's key). countQuery() makes handle()
/// single-threaded (the DNS io_context's thread).
class QueryHandler {
 public:
  QueryHandler(const ZoneHolder& holder, DnsMetrics& metrics, HandlerOptions options);

  /// `wire` is one DNS message (a datagram, or a TCP message without its length prefix).
  /// Never throws on any input. Over UDP, transfer is always null.
  Reply handle(std::span<const uint8_t> wire, const boost::asio::ip::address& remote, bool over_tcp,
               uint64_t unix_now);

  bool transferAllowed(const boost::asio::ip::address& remote) const;

 private:
  Reply transfer(dnswire::Message query, const TsigVerification& tsig,
                 const boost::asio::ip::address& remote, const ZoneSharedPtr& zone, bool steering,
                 uint64_t unix_now);
  /// The zone that answers for `qname`: the one with the longest apex above it, else the
  /// steering zone (null before its first build).
  ZoneSharedPtr selectZone(const dnswire::Message& query, const ZoneSharedPtr& steering) const;

  const ZoneHolder& holder_;
  DnsMetrics& metrics_;
  HandlerOptions options_;
  std::vector<TsigKey> keys_;  // zero or one: what verifyRequest() may match
};

}  // namespace cirrus::dns
