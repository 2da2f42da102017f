#include "cli/commands.h"

namespace sluice::cli {

std::vector<Registration>& Registrations() {
  static std::vector<Registration> all;
  return all;
}

}  // namespace sluice::cli
