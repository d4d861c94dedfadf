#include "support/redis_monitor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace cirrus::test {
namespace {

std::string resp(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

void sendAll(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0)
      throw std::runtime_error("RedisMonitor: send: " + std::string(std::strerror(errno)));
    off += static_cast<size_t>(n);
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// One argument as written by Redis's sdscatrepr: "..." with \\ \" \n \r \t \a \b \xHH.
std::optional<std::string> parseQuoted(std::string_view s, size_t& i) {
  if (i >= s.size() || s[i] != '"') return std::nullopt;
  ++i;
  std::string out;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '"') return out;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i >= s.size()) return std::nullopt;
    char e = s[i++];
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'x': {
        if (i + 1 >= s.size()) return std::nullopt;
        int hi = hexValue(s[i]), lo = hexValue(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        break;
      }
      default:
        out.push_back(e);  // \\ and \"
    }
  }
  return std::nullopt;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace

RedisMonitor::RedisMonitor(const RedisServer& server, std::set<std::string> ignored)
    : ignored_(std::move(ignored)) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    throw std::runtime_error("RedisMonitor: socket: " + std::string(std::strerror(errno)));
  timeval tv{5, 0};  // bounds the handshake below
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("RedisMonitor: connect: " + std::string(std::strerror(errno)));
  }
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len);
  own_address_ = "127.0.0.1:" + std::to_string(ntohs(local.sin_port));

  size_t expected_ok = 1;
  std::string hello;
  if (auto password = server.options().password; !password.empty()) {
    hello += resp({"AUTH", password});
    ++expected_ok;
  }
  hello += resp({"MONITOR"});
  sendAll(fd_, hello);

  // Read the +OK replies; anything after them is already monitor output.
  std::string buf;
  while (expected_ok > 0) {
    auto eol = buf.find("\r\n");
    if (eol == std::string::npos) {
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        ::close(fd_);
        throw std::runtime_error("RedisMonitor: no answer to MONITOR");
      }
      buf.append(chunk, static_cast<size_t>(n));
      continue;
    }
    std::string line = buf.substr(0, eol);
    buf.erase(0, eol + 2);
    if (line != "+OK") {
      ::close(fd_);
      throw std::runtime_error("RedisMonitor: MONITOR refused: " + line);
    }
    --expected_ok;
  }
  pending_ = std::move(buf);
  timeval forever{0, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof forever);
  reader_ = std::thread([this] { readLoop(); });
}

RedisMonitor::~RedisMonitor() {
  ::shutdown(fd_, SHUT_RDWR);  // wakes the blocked recv()
  if (reader_.joinable()) reader_.join();
  ::close(fd_);
}

void RedisMonitor::readLoop() {
  std::string buf = std::move(pending_);
  for (;;) {
    size_t eol;
    while ((eol = buf.find("\r\n")) != std::string::npos) {
      auto entry = parseLine(std::string_view(buf).substr(0, eol));
      buf.erase(0, eol + 2);
      if (!entry || entry->argv.empty() || entry->client == own_address_ ||
          ignored_.count(upper(entry->argv[0])) > 0) {
        continue;
      }
      std::lock_guard lock(mutex_);
      entries_.push_back(std::move(*entry));
      changed_.notify_all();
    }
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return;  // shutdown by the destructor, or the server went away
    buf.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<RedisMonitor::Entry> RedisMonitor::parseLine(std::string_view line) {
  if (line.starts_with('+')) line.remove_prefix(1);
  auto open = line.find(" [");
  auto close = line.find("] ", open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  std::string_view inside = line.substr(open + 2, close - open - 2);  // "0 127.0.0.1:5000"
  auto space = inside.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  Entry entry;
  auto [ptr, ec] = std::from_chars(inside.data(), inside.data() + space, entry.db);
  if (ec != std::errc() || ptr != inside.data() + space) return std::nullopt;
  entry.client = std::string(inside.substr(space + 1));
  size_t i = close + 2;
  while (i < line.size()) {
    auto arg = parseQuoted(line, i);
    if (!arg) return std::nullopt;
    entry.argv.push_back(std::move(*arg));
    if (i < line.size() && line[i] == ' ') ++i;
  }
  if (entry.argv.empty()) return std::nullopt;
  return entry;
}

std::vector<RedisMonitor::Argv> RedisMonitor::commands() const {
  std::lock_guard lock(mutex_);
  std::vector<Argv> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.argv);
  return out;
}

std::vector<RedisMonitor::Entry> RedisMonitor::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

void RedisMonitor::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

bool RedisMonitor::waitForCount(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return entries_.size() >= count; });
}

bool RedisMonitor::waitFor(const std::function<bool(const std::vector<Argv>&)>& done,
                           std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    std::vector<Argv> snapshot;
    snapshot.reserve(entries_.size());
    for (const auto& e : entries_) snapshot.push_back(e.argv);
    if (done(snapshot)) return true;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      snapshot.clear();
      for (const auto& e : entries_) snapshot.push_back(e.argv);
      return done(snapshot);
    }
  }
}

}  // namespace cirrus::test
