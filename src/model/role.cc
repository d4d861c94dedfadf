#include "model/role.h"

#include <array>

namespace cirrus::model {

namespace {

constexpr std::array<EnumName<Role>, 2> kRoles = {{
    {"admin", Role::kAdmin},
    {"viewer", Role::kViewer},
}};

}  // namespace

std::string_view toString(Role role) {
  return enumName<Role>(kRoles, role);
}

std::optional<Role> parseRole(std::string_view text) {
  return lookupEnum<Role>(kRoles, text);
}

std::span<const EnumName<Role>> roleNames() {
  return kRoles;
}

Role roleFromHash(const HashReader& h, std::string_view key) {
  if (auto role = parseRole(h.string(key))) return *role;
  h.errors().push_back(FieldError::enumeration({std::string(key)}, enumSpellings<Role>(kRoles)));
  return Role::kViewer;
}

}  // namespace cirrus::model
