// Matchers for model tests: an error is identified by its path ("origins.0.port") and type.
#pragma once

#include <string>
#include <vector>

#include <gmock/gmock.h>

#include "model/field_error.h"

namespace cirrus::model {

MATCHER_P2(ErrorAt, loc, type, std::string("error of type ") + type + " at " + loc) {
  if (formatLoc(arg.loc) == loc && arg.type == type) return true;
  *result_listener << "is " << arg.type << " at " << formatLoc(arg.loc) << " (" << arg.msg << ")";
  return false;
}

inline std::vector<std::string> locsOf(const FieldErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(formatLoc(e.loc));
  return out;
}

}  // namespace cirrus::model
