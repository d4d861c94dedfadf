// A stored response body: immutable bytes shared by every reader of a cached object. Large
// bodies live in a sealed memfd mapped read-only, so a plain-TCP hit can hand the pages to the
// socket with sendfile(2) instead of copying them into socket buffers: on 100 KiB hits that copy
// was a third of the edge's CPU (perf, bench/edge-cache). Small bodies stay on the heap (a
// copy of a few KiB costs less than the extra system call), and so do large ones once the
// descriptor/mapping budget is spent: a file-backed body holds one descriptor and one mapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::cache {

class Body;
using BodySharedPtr = std::shared_ptr<const Body>;

class Body {
 public:
  /// The bytes of `bytes`, in a memfd when large enough and the budget allows, else on the heap.
  static BodySharedPtr make(std::string bytes);
  /// The heap body, whatever its size.
  static BodySharedPtr onHeap(std::string bytes);
  static BodySharedPtr empty();

  /// Bodies of at least `min_bytes` (0: never) go to a memfd while fewer than `max_files`
  /// exist; without `max_files`, a quarter of the lower of RLIMIT_NOFILE and vm.max_map_count
  /// as they are now. The edge calls it at start (EDGE_SENDFILE_MIN), after raising its
  /// descriptor limit; the default is 16 KiB with the budget of the limits at first use.
  static void configure(size_t min_bytes, std::optional<size_t> max_files = std::nullopt);
  /// The budget in force.
  static size_t maxFiles();
  /// memfd bodies alive in this process.
  static size_t fileCount();

  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  ~Body();

  std::string_view view() const { return view_; }
  size_t size() const { return view_.size(); }
  /// A descriptor holding the same bytes at offset 0 (sealed: they cannot change), or -1.
  int fd() const { return fd_; }

 private:
  struct Private {};

 public:
  Body(Private, std::string heap);
  Body(Private, int fd, const char* map, size_t size);

 private:
  std::string heap_;
  int fd_ = -1;
  const char* map_ = nullptr;
  std::string_view view_;
};

}  // namespace cirrus::cache
