// Stub DNS queries: one question to one server and its checked answer, the way a stub resolver
// asks its recursive resolver (RFC 1035 §7, RFC 7766 §5). UDP first, TCP when the answer comes
// back truncated. An answer counts only when its id and question match the query (RFC 5452
// §9.1); anything else on the socket is ignored until the deadline.
#pragma once

#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/endpoint.h"
#include "core/result.h"
#include "dnswire/message.h"
#include "dnswire/rr_type.h"

namespace cirrus::dnswire {

/// Asks `server` (an IP address literal and port) for `name`/`type`/IN with RD set, EDNS0
/// (1232-octet payload) and a random id. The whole exchange, TCP retry included, ends within
/// `timeout`. The answer may carry any response code (NXDOMAIN is an answer, not an error).
/// Errors: badRequest when `name` is not a domain name; upstreamUnavailable when the server is
/// not an address or the sockets fail (e.g. ICMP port unreachable); upstreamTimeout when no
/// matching answer came in time; upstreamProtocol when the only matching answers were
/// malformed or the TCP answer could not be read.
boost::asio::awaitable<Result<Message>> query(boost::asio::any_io_executor executor,
                                              const Endpoint& server, std::string_view name,
                                              RRType type, std::chrono::milliseconds timeout);

/// True when `answer` answers `question` under `id`: QR set, the same id, exactly one question
/// with the same name (ASCII case ignored), type and class.
bool answersQuestion(const Message& answer, uint16_t id, const Question& question);

}  // namespace cirrus::dnswire
