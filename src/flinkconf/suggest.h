// Did-you-mean for unknown Flink keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "flinkconf/catalog.h"

namespace sluice::flinkconf {

struct Suggestion {
  std::string key;   // the key to use in this catalog's version
  std::string note;  // why, when it is not a plain typo; may be empty
};

// Rules, first match wins:
//  1. a typo: an option or deprecated key within edit distance 1 (short keys) or 2;
//  2. a known key hidden behind a wrong prefix: dropping leading segments leaves an
//     option or a deprecated key (kubernetes.high-availability -> high-availability,
//     whose current key is high-availability.type);
//  3. the same last two segments as an option, preferring the same first segment
//     (jobmanager.process.size -> jobmanager.memory.process.size);
//  4. a key of a later catalog: its deprecated key that this version knows, or a note
//     that it needs a newer Flink;
//  5. the closest option by edit distance (common/strings.h ClosestMatch).
std::optional<Suggestion> Suggest(std::string_view unknown, const Catalog& catalog);

}  // namespace sluice::flinkconf
