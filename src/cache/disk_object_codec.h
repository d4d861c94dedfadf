// The on-disk form of a CachedObject: a magic and version, a length-prefixed metadata record
// (identity, fields, times, policy, validators, tags), then the body bytes. Metadata can be
// read without the body, which is what the start-up scan does. Little-endian, fixed widths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cache/cached_object.h"

namespace cirrus::cache {

inline constexpr std::string_view kDiskMagic = "CIRRUSC1";

/// Magic + u32 metadata length + metadata (the body follows in the file).
std::string encodeObjectPrelude(const CachedObject& object);

/// Parses the prelude at the start of `bytes` (which may hold the whole file or only its
/// start). Returns the object without its body (body is empty) and sets `body_offset` to where
/// the body starts and `body_size` to its recorded size; nullopt when the bytes are not a
/// complete, valid prelude of this version.
std::optional<CachedObject> decodeObjectPrelude(std::string_view bytes, size_t& body_offset,
                                                uint64_t& body_size);

}  // namespace cirrus::cache
