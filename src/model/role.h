// Role of a user or service token (spec §9): admin may change everything, viewer may only
// read. The master token is not a role; it is a separate principal decided by the API.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "model/hash_fields.h"
#include "model/object_reader.h"

namespace cirrus::model {

enum class Role { kAdmin, kViewer };

std::string_view toString(Role role);  // "admin" / "viewer"
/// Exact spelling only ("Admin" is not a role).
std::optional<Role> parseRole(std::string_view text);
/// The accepted spellings, for ObjectReader::enumeration.
std::span<const EnumName<Role>> roleNames();
/// A stored role field; a missing or unknown one reads as viewer (least privilege) and records
/// an "enum" error at {key}.
Role roleFromHash(const HashReader& h, std::string_view key = "role");

}  // namespace cirrus::model
