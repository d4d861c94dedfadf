#include "cache/body.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fstream>
#include <limits>

namespace cirrus::cache {

namespace {

constexpr size_t kDefaultMinBytes = 16 * 1024;
constexpr size_t kUnset = std::numeric_limits<size_t>::max();

std::atomic<size_t> g_min_bytes{kDefaultMinBytes};
std::atomic<size_t> g_max_files{kUnset};
std::atomic<size_t> g_files{0};

// A quarter of the descriptor limit and of the mapping limit: connections, origin pools, log
// and disk-tier files need the rest, and running out only sends bodies back to the heap.
size_t defaultMaxFiles() {
  size_t limit = 1024;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    limit = static_cast<size_t>(rl.rlim_cur);
  }
  size_t maps = 65530;
  std::ifstream in("/proc/sys/vm/max_map_count");
  if (size_t v = 0; in >> v) maps = v;
  return std::min(limit, maps) / 4;
}

size_t currentMaxFiles() {
  size_t v = g_max_files.load(std::memory_order_relaxed);
  if (v != kUnset) return v;
  size_t computed = defaultMaxFiles();
  g_max_files.compare_exchange_strong(v, computed, std::memory_order_relaxed);
  return g_max_files.load(std::memory_order_relaxed);
}

bool reserveFile() {
  size_t limit = currentMaxFiles();
  size_t n = g_files.load(std::memory_order_relaxed);
  do {
    if (n >= limit) return false;
  } while (!g_files.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
  return true;
}

void releaseFile() {
  g_files.fetch_sub(1, std::memory_order_relaxed);
}

bool writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Body::Body(Private, std::string heap) : heap_(std::move(heap)), view_(heap_) {}

Body::Body(Private, int fd, const char* map, size_t size) : fd_(fd), map_(map), view_(map, size) {}

Body::~Body() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), view_.size());
  if (fd_ >= 0) {
    ::close(fd_);
    releaseFile();
  }
}

void Body::configure(size_t min_bytes, std::optional<size_t> max_files) {
  g_min_bytes.store(min_bytes == 0 ? kUnset : min_bytes, std::memory_order_relaxed);
  g_max_files.store(min_bytes == 0 ? 0 : max_files.value_or(defaultMaxFiles()),
                    std::memory_order_relaxed);
}

size_t Body::maxFiles() {
  return currentMaxFiles();
}

size_t Body::fileCount() {
  return g_files.load(std::memory_order_relaxed);
}

BodySharedPtr Body::empty() {
  static const BodySharedPtr kEmpty = std::make_shared<const Body>(Private{}, std::string());
  return kEmpty;
}

BodySharedPtr Body::onHeap(std::string bytes) {
  if (bytes.empty()) return empty();
  return std::make_shared<const Body>(Private{}, std::move(bytes));
}

BodySharedPtr Body::make(std::string bytes) {
  if (bytes.size() < g_min_bytes.load(std::memory_order_relaxed) || !reserveFile()) {
    return onHeap(std::move(bytes));
  }
  int fd = ::memfd_create("cirrus-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) {
    releaseFile();
    return onHeap(std::move(bytes));
  }
  // Sealed before it is mapped or sent: the bytes a socket may still reference after a hit
  // can never change under it, and nobody can grow or shrink the file.
  void* map = MAP_FAILED;
  if (writeAll(fd, bytes) &&
      ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0) {
    map = ::mmap(nullptr, bytes.size(), PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  }
  if (map == MAP_FAILED) {
    ::close(fd);
    releaseFile();
    return onHeap(std::move(bytes));
  }
  return std::make_shared<const Body>(Private{}, fd, static_cast<const char*>(map), bytes.size());
}

}  // namespace cirrus::cache
