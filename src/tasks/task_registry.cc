#include "tasks/task_registry.h"

#include <algorithm>

namespace cirrus::tasks {

std::chrono::milliseconds RetryPolicy::delayAfter(int64_t failed_attempt) const {
  auto delay = base_delay;
  // Doubling stops at the cap, so a large attempt count never overflows.
  for (int64_t n = 1; n < failed_attempt && delay < max_delay; ++n) delay *= 2;
  return std::min(delay, max_delay);
}

}  // namespace cirrus::tasks
