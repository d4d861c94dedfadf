#include "dns/tsig.h"

#include <algorithm>
#include <memory>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace cirrus::dns {
namespace {

constexpr uint16_t kTsigClass = 255;    // ANY (RFC 8945 §4.2)
constexpr size_t kMaxUnsignedRun = 99;  // RFC 8945 §5.3.1: sign at least every 100th message

void putU16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}

void putU48(std::string& out, uint64_t v) {
  for (int shift = 40; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void putU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v & 0xff));
}

// HMAC-SHA256 through OpenSSL 3's EVP_MAC, fed piece by piece.
class Hmac {
 public:
  explicit Hmac(std::string_view key) {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return;
    ctx_.reset(EVP_MAC_CTX_new(mac));
    if (!ctx_) return;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx_.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     params) != 1) {
      ctx_.reset();
    }
  }

  bool ok() const { return ctx_ != nullptr; }

  void update(const void* data, size_t size) {
    if (ctx_ && size > 0) EVP_MAC_update(ctx_.get(), static_cast<const unsigned char*>(data), size);
  }
  void update(std::string_view s) { update(s.data(), s.size()); }

  /// Length-prefixed MAC (request or prior MAC input, RFC 8945 §4.3.1/§5.3.1).
  void updateMac(std::string_view mac) {
    std::string len;
    putU16(len, static_cast<uint16_t>(mac.size()));
    update(len);
    update(mac);
  }

  /// The message as covered by the MAC: `wire[0, end)` with `id` as its id and ARCOUNT minus
  /// `arcount_drop` (the TSIG record itself).
  void updateMessage(std::span<const uint8_t> wire, size_t end, uint16_t id, int arcount_drop) {
    uint8_t head[12];
    std::copy_n(wire.data(), 12, head);
    head[0] = static_cast<uint8_t>(id >> 8);
    head[1] = static_cast<uint8_t>(id & 0xff);
    uint16_t arcount = static_cast<uint16_t>(((head[10] << 8) | head[11]) - arcount_drop);
    head[10] = static_cast<uint8_t>(arcount >> 8);
    head[11] = static_cast<uint8_t>(arcount & 0xff);
    update(head, 12);
    update(wire.data() + 12, end - 12);
  }

  std::string finish() {
    std::string out(EVP_MAX_MD_SIZE, '\0');
    size_t len = 0;
    if (!ctx_ || EVP_MAC_final(ctx_.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                               out.size()) != 1) {
      return {};
    }
    out.resize(len);
    return out;
  }

 private:
  struct Free {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  };
  std::unique_ptr<EVP_MAC_CTX, Free> ctx_;
};

// RFC 8945 §4.3.3 TSIG variables: the full set for a request or the first response message.
std::string fullVariables(const dnswire::Name& key_name, const dnswire::Name& algorithm,
                          uint64_t time_signed, uint16_t fudge, uint16_t error,
                          std::string_view other) {
  std::string v(key_name.lowered().wire());
  putU16(v, kTsigClass);
  v.append(4, '\0');  // TTL 0
  v.append(algorithm.lowered().wire());
  putU48(v, time_signed);
  putU16(v, fudge);
  putU16(v, error);
  putU16(v, static_cast<uint16_t>(other.size()));
  v.append(other);
  return v;
}

// Timers only: the variables of later messages of a multi-message response (§5.3.1).
std::string timerVariables(uint64_t time_signed, uint16_t fudge) {
  std::string v;
  putU48(v, time_signed);
  putU16(v, fudge);
  return v;
}

void appendTsigRecord(std::vector<uint8_t>& wire, const dnswire::Name& key_name,
                      const dnswire::Name& algorithm, uint64_t time_signed, uint16_t fudge,
                      std::string_view mac, uint16_t original_id, uint16_t error,
                      std::string_view other) {
  std::string rdata(algorithm.wire());
  putU48(rdata, time_signed);
  putU16(rdata, fudge);
  putU16(rdata, static_cast<uint16_t>(mac.size()));
  rdata.append(mac);
  putU16(rdata, original_id);
  putU16(rdata, error);
  putU16(rdata, static_cast<uint16_t>(other.size()));
  rdata.append(other);

  wire.insert(wire.end(), key_name.wire().begin(), key_name.wire().end());
  putU16(wire, static_cast<uint16_t>(dnswire::RRType::kTsig));
  putU16(wire, kTsigClass);
  wire.insert(wire.end(), 4, 0);  // TTL 0
  putU16(wire, static_cast<uint16_t>(rdata.size()));
  wire.insert(wire.end(), rdata.begin(), rdata.end());
  uint16_t arcount = static_cast<uint16_t>(((wire[10] << 8) | wire[11]) + 1);
  wire[10] = static_cast<uint8_t>(arcount >> 8);
  wire[11] = static_cast<uint8_t>(arcount & 0xff);
}

bool macEquals(std::string_view computed, std::string_view received) {
  return received.size() <= computed.size() &&
         CRYPTO_memcmp(computed.data(), received.data(), received.size()) == 0;
}

bool timeOk(uint64_t time_signed, uint16_t fudge, uint64_t now) {
  uint64_t skew = now > time_signed ? now - time_signed : time_signed - now;
  return skew <= fudge;
}

// RFC 8945 §5.2.2.1: a MAC shorter than max(10, hash/2) or longer than the hash is malformed.
bool macSizeValid(size_t size) {
  return size <= kHmacSha256Size && size >= std::max<size_t>(10, kHmacSha256Size / 2);
}

}  // namespace

const dnswire::Name& TsigKey::algorithm() {
  static const dnswire::Name kAlgorithm = *dnswire::Name::fromText("hmac-sha256.");
  return kAlgorithm;
}

Result<TsigKey> TsigKey::fromConfig(const config::TsigKey& key) {
  std::string alg = key.algorithm;
  std::transform(alg.begin(), alg.end(), alg.begin(),
                 [](char c) { return dnswire::lowerAscii(c); });
  if (alg != "hmac-sha256" && alg != "hmac-sha256.") {
    return badRequest("DNS_TSIG_KEY: algorithm '" + key.algorithm + "' is not hmac-sha256");
  }
  auto name = dnswire::Name::fromText(key.name);
  if (!name) return badRequest("DNS_TSIG_KEY: key name '" + key.name + "' is not a DNS name");
  if (key.secret.empty()) return badRequest("DNS_TSIG_KEY: empty secret");
  return TsigKey{name->lowered(), key.secret};
}

TsigError toTsigError(TsigStatus status) {
  switch (status) {
    case TsigStatus::kBadKey:
      return TsigError::kBadKey;
    case TsigStatus::kBadSig:
      return TsigError::kBadSig;
    case TsigStatus::kBadTime:
      return TsigError::kBadTime;
    case TsigStatus::kBadTrunc:
      return TsigError::kBadTrunc;
    default:
      return TsigError::kNoError;
  }
}

TsigVerification verifyRequest(std::span<const uint8_t> wire, const dnswire::Message& msg,
                               std::span<const TsigKey> keys, uint64_t now) {
  TsigVerification out;
  if (!msg.tsig || msg.tsig_offset < 12 || msg.tsig_offset > wire.size()) return out;
  const dnswire::TsigRecord& t = *msg.tsig;
  out.time_signed = t.time_signed;
  auto key = std::find_if(keys.begin(), keys.end(),
                          [&](const TsigKey& k) { return k.name == t.key_name; });
  if (key == keys.end() || !(t.algorithm == TsigKey::algorithm())) {
    out.status = TsigStatus::kBadKey;
    return out;
  }
  out.key = &*key;
  if (!macSizeValid(t.mac.size())) {
    out.status = TsigStatus::kFormErr;
    return out;
  }
  Hmac h(key->secret);
  h.updateMessage(wire, msg.tsig_offset, t.original_id, 1);
  h.update(fullVariables(t.key_name, t.algorithm, t.time_signed, t.fudge, t.error, t.other_data));
  std::string computed = h.finish();
  if (!h.ok() || !macEquals(computed, t.mac)) {
    out.status = TsigStatus::kBadSig;
    return out;
  }
  out.request_mac = t.mac;
  if (t.mac.size() < kHmacSha256Size) {
    out.status = TsigStatus::kBadTrunc;
    return out;
  }
  out.status = timeOk(t.time_signed, t.fudge, now) ? TsigStatus::kVerified : TsigStatus::kBadTime;
  return out;
}

std::string badTimeOtherData(uint64_t now) {
  std::string out;
  putU48(out, now);
  return out;
}

size_t tsigRecordSize(const TsigKey& key, size_t other_data_size) {
  // owner + type/class/TTL/RDLENGTH + algorithm + time(6) fudge(2) MAC size(2) MAC
  // original id(2) error(2) other length(2) other data
  return key.name.wireSize() + 10 + TsigKey::algorithm().wireSize() + 16 + kHmacSha256Size +
         other_data_size;
}

TsigSigner::TsigSigner(const TsigKey& key, std::string request_mac, uint16_t fudge)
    : key_(key), request_mac_(std::move(request_mac)), fudge_(fudge) {}

void TsigSigner::setError(TsigError error, std::string other_data) {
  error_ = error;
  other_data_ = std::move(other_data);
}

void TsigSigner::sign(std::vector<uint8_t>& wire, uint64_t now) {
  const uint16_t id = static_cast<uint16_t>((wire[0] << 8) | wire[1]);
  Hmac h(key_.secret);
  if (first_) {
    if (!request_mac_.empty()) h.updateMac(request_mac_);
    h.updateMessage(wire, wire.size(), id, 0);
    h.update(fullVariables(key_.name, TsigKey::algorithm(), now, fudge_,
                           static_cast<uint16_t>(error_), other_data_));
  } else {
    h.updateMac(prior_mac_);
    h.updateMessage(wire, wire.size(), id, 0);
    h.update(timerVariables(now, fudge_));
  }
  prior_mac_ = h.finish();
  const std::string_view other = first_ ? std::string_view(other_data_) : std::string_view();
  const uint16_t error = first_ ? static_cast<uint16_t>(error_) : 0;
  appendTsigRecord(wire, key_.name, TsigKey::algorithm(), now, fudge_, prior_mac_, id, error,
                   other);
  first_ = false;
}

void appendUnsignedTsigError(std::vector<uint8_t>& wire, const dnswire::TsigRecord& request_tsig,
                             TsigError error, uint64_t now) {
  const uint16_t id = static_cast<uint16_t>((wire[0] << 8) | wire[1]);
  appendTsigRecord(wire, request_tsig.key_name, request_tsig.algorithm, now, request_tsig.fudge, {},
                   id, static_cast<uint16_t>(error), {});
}

struct TsigVerifier::State {
  explicit State(std::string_view secret) : hmac(secret) {}
  Hmac hmac;  // the digest in progress since the last signed message
  std::string prior_mac;
  bool first = true;
  size_t unsigned_run = 0;
};

TsigVerifier::TsigVerifier(const TsigKey& key, std::string request_mac)
    : key_(key), state_(std::make_unique<State>(key.secret)) {
  if (!request_mac.empty()) state_->hmac.updateMac(request_mac);
}

TsigVerifier::~TsigVerifier() = default;

TsigStatus TsigVerifier::verify(std::span<const uint8_t> wire, const dnswire::Message& msg,
                                uint64_t now) {
  State& s = *state_;
  if (!msg.tsig) {
    // §5.3.1: unsigned messages after the first are digested whole into the next MAC.
    if (s.first || ++s.unsigned_run > kMaxUnsignedRun) return TsigStatus::kUnsigned;
    s.hmac.update(wire.data(), wire.size());
    return TsigStatus::kVerified;
  }
  const dnswire::TsigRecord& t = *msg.tsig;
  if (!(t.key_name == key_.name) || !(t.algorithm == TsigKey::algorithm())) {
    return TsigStatus::kBadKey;
  }
  if (t.error != 0) return TsigStatus::kPeerError;
  if (!macSizeValid(t.mac.size())) return TsigStatus::kFormErr;
  s.hmac.updateMessage(wire, msg.tsig_offset, t.original_id, 1);
  if (s.first) {
    s.hmac.update(
        fullVariables(t.key_name, t.algorithm, t.time_signed, t.fudge, t.error, t.other_data));
  } else {
    s.hmac.update(timerVariables(t.time_signed, t.fudge));
  }
  std::string computed = s.hmac.finish();
  if (!macEquals(computed, t.mac)) return TsigStatus::kBadSig;
  if (t.mac.size() < kHmacSha256Size) return TsigStatus::kBadTrunc;
  if (!timeOk(t.time_signed, t.fudge, now)) return TsigStatus::kBadTime;
  s.first = false;
  s.unsigned_run = 0;
  s.prior_mac = t.mac;
  s.hmac = Hmac(key_.secret);
  s.hmac.updateMac(s.prior_mac);
  return TsigStatus::kVerified;
}

}  // namespace cirrus::dns
