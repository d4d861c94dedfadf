#include "support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cirrus::test {
namespace {

constexpr const char* kRedisServerPath = "/usr/bin/redis-server";
constexpr auto kStartLimit = std::chrono::seconds(10);

// A blocking loopback socket with send/receive timeouts, or -1.
int connectLoopback(uint16_t port, std::chrono::milliseconds io_timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{};
  tv.tv_sec = io_timeout.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((io_timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

uint16_t freeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind 127.0.0.1:0: " + std::string(std::strerror(errno)));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

RedisServer::RedisServer(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  for (size_t i = 0; i + 1 < extra_args_.size(); ++i) {
    if (extra_args_[i] == "--requirepass") password_ = extra_args_[i + 1];
  }
  char tmpl[] = "/tmp/cirrus-redis-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
  }
  dir_ = tmpl;
  log_path_ = dir_ + "/redis.log";
  port_ = freeLoopbackPort();
  start();
}

RedisServer::~RedisServer() {
  if (running()) kill();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

config::RedisOptions RedisServer::options() const {
  config::RedisOptions o;
  o.host = "127.0.0.1";
  o.port = port_;
  o.password = password_;
  o.db = 0;
  o.command_timeout = std::chrono::seconds(2);
  return o;
}

void RedisServer::start() {
  if (running()) return;
  // Everything the child needs is built before fork(): after it only async-signal-safe calls.
  std::vector<std::string> args = {kRedisServerPath,
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--dir",
                                   dir_,
                                   "--logfile",
                                   ""};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    // Own process group (signals go to the whole group), and die with the test process even
    // when it crashes, so no redis-server outlives a test run.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execv(kRedisServerPath, argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so kill(-pid) works before the child ran
  pid_ = pid;

  auto deadline = std::chrono::steady_clock::now() + kStartLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited during start-up; its log:\n" +
                               readFile(log_path_));
    }
    if (answersPing()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill();
  throw std::runtime_error("redis-server did not answer PING within 10 s; its log:\n" +
                           readFile(log_path_));
}

bool RedisServer::answersPing() const {
  int fd = connectLoopback(port_, std::chrono::milliseconds(500));
  if (fd < 0) return false;
  const char ping[] = "PING\r\n";
  bool ok =
      ::send(fd, ping, sizeof ping - 1, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof ping - 1);
  char buf[64] = {};
  ssize_t n = ok ? ::recv(fd, buf, sizeof buf - 1, 0) : -1;
  ::close(fd);
  if (n <= 0) return false;
  std::string_view reply(buf, static_cast<size_t>(n));
  // With --requirepass an unauthenticated PING is refused, which still proves it is serving.
  return reply.starts_with("+PONG") || reply.starts_with("-NOAUTH");
}

void RedisServer::stop() {
  signalAndWait(SIGTERM, std::chrono::seconds(5));
}

void RedisServer::kill() {
  signalAndWait(SIGKILL, std::chrono::seconds(5));
}

void RedisServer::signalAndWait(int signal, std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(-pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(-pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace cirrus::test
