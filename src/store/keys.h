// The Redis key schema of spec §4: the one place where a "cdn:" string is spelled.
// Every repository builds its keys and channel names here; nothing outside store/ may.
// docs/redis-schema.md describes each key, its type, its writer and its lifetime.
#pragma once

#include <string>
#include <string_view>

namespace cirrus::store::keys {

inline constexpr std::string_view kPrefix = "cdn:";

// One line per key, so the schema reads as a table.
// clang-format off

// Sets and per-entity keys (spec §4).
inline std::string domains() { return "cdn:domains"; }
inline std::string domain(std::string_view d) { return "cdn:dom:" + std::string(d); }
inline std::string nodes() { return "cdn:nodes"; }
inline std::string node(std::string_view id) { return "cdn:node:" + std::string(id); }
inline std::string cert(std::string_view d) { return "cdn:cert:" + std::string(d); }
inline std::string acme(std::string_view d) { return "cdn:acme:" + std::string(d); }
inline std::string acmeLock(std::string_view d) { return "cdn:acme:lock:" + std::string(d); }
inline std::string acmeTask(std::string_view d) { return "cdn:acme:task:" + std::string(d); }
inline std::string acmeAccount() { return "cdn:acmeacct:global"; }
inline std::string acmeCertKey(std::string_view d) { return "cdn:acmecertkey:" + std::string(d); }
inline std::string users() { return "cdn:users"; }
inline std::string user(std::string_view name) { return "cdn:user:" + std::string(name); }
inline std::string tokens() { return "cdn:tokens"; }
inline std::string token(std::string_view id) { return "cdn:token:" + std::string(id); }
inline std::string tokenHash(std::string_view sha256hex) { return "cdn:token_hash:" + std::string(sha256hex); }
inline std::string session(std::string_view sha256hex) { return "cdn:session:" + std::string(sha256hex); }
inline std::string dnsSerial() { return "cdn:dns:serial"; }
inline std::string purgeLog() { return "cdn:purge:log"; }
inline std::string audit() { return "cdn:audit"; }
inline std::string taskQueue(std::string_view queue) { return "cdn:tasks:" + std::string(queue); }
inline std::string task(std::string_view id) { return "cdn:task:" + std::string(id); }

// Cirrus extensions beyond spec §4.
// The SHA-256 of every live session of one user, so deleting a user ends all its sessions.
inline std::string userSessions(std::string_view username) { return "cdn:user_sessions:" + std::string(username); }
// Tasks that failed every retry (spec §8).
inline std::string taskDeadLetter(std::string_view queue) { return "cdn:tasks:" + std::string(queue) + ":dead"; }
// Periodic scheduler leader lease and its fencing counter (spec §8).
inline std::string schedulerLease() { return "cdn:scheduler:lease"; }
inline std::string schedulerFence() { return "cdn:scheduler:fence"; }
// Retries waiting for their backoff: zset of "{task id} {task name}" scored by due time (ms).
inline std::string taskDelayed(std::string_view queue) { return "cdn:tasks:" + std::string(queue) + ":delayed"; }
// Last period (unix s of its start) a periodic job was enqueued for: at most once per period.
inline std::string schedulerFired(std::string_view job) { return "cdn:scheduler:fired:" + std::string(job); }
// Failed-login counter per scope ("ip", "user") and subject (spec §9 rate limit).
inline std::string loginFailures(std::string_view scope, std::string_view who) {
  return "cdn:loginfail:" + std::string(scope) + ":" + std::string(who);
}

// acme-dns authority (docs/acme-dns.md): account hash (salted key hash, never the key), the
// owner of a subdomain, and the two newest TXT values of a subdomain (newest first).
inline std::string acmeDnsUser(std::string_view username) { return "cdn:acmedns:user:" + std::string(username); }
inline std::string acmeDnsSubdomain(std::string_view subdomain) { return "cdn:acmedns:subdomain:" + std::string(subdomain); }
inline std::string acmeDnsTxt(std::string_view subdomain) { return "cdn:acmedns:txt:" + std::string(subdomain); }

// Pub/sub channels (spec §4).
inline std::string cnameDirtyChannel() { return "cdn:cname:dirty"; }
inline std::string purgeChannel() { return "cdn:purge"; }
inline std::string confChannel() { return "cdn:conf"; }
inline std::string certsChannel() { return "cdn:certs"; }

// clang-format on

}  // namespace cirrus::store::keys
