// RESP2 on the wire: commands are encoded with hiredis's redisFormatCommandArgv and replies
// decoded with hiredis's reader into redis::Reply. No I/O here: the connection feeds bytes in
// and takes replies out, so the codec is tested without a socket.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/redis_reply.h"
#include "core/result.h"

struct redisReader;

namespace cirrus::redis {

using Command = std::vector<std::string>;

/// Appends `argv` as one RESP multi-bulk command to `out`. Binary-safe. Precondition:
/// argv is not empty.
void appendCommand(std::string& out, const Command& argv);

/// Incremental decoder: feed() any split of the byte stream, then call next() until it yields
/// nullopt (needs more bytes). After a protocol error the stream is unusable and every call
/// returns the same error; the connection must be closed.
class ReplyReader {
 public:
  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  Result<void> feed(std::string_view bytes);
  Result<std::optional<Reply>> next();

 private:
  struct ReaderFree {
    void operator()(redisReader* r) const;
  };
  std::unique_ptr<redisReader, ReaderFree> reader_;
};

}  // namespace cirrus::redis
