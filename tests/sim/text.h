// Text helpers the simulator's parsers share.
#pragma once

#include <string>
#include <string_view>

#include "common/strings.h"

namespace sluice::sim {

// `s` without leading and trailing white space, as a string of its own.
inline std::string Trim(std::string_view s) {
  return std::string(sluice::Trim(s));
}

}  // namespace sluice::sim
