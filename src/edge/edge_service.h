// `cirrus edge`: wires the data plane together — N workers (one io_context and SO_REUSEPORT
// listener each), the config watcher and TLS store on the control loop, the admin listener,
// the access log — and runs until SIGTERM, then drains (bounded) and returns the exit code.
#pragma once

#include "core/config.h"

namespace cirrus::edge {

/// Blocks until the edge has stopped. 0 after a graceful stop; 1 when start-up failed (a
/// listener could not bind, the access log could not be opened) or the drain was forced.
int runEdgeService(const config::CommonConfig& common, const config::EdgeConfig& edge);

}  // namespace cirrus::edge
