// Options of Flink's built-in connectors, to catch misspelt keys with a did-you-mean.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::sql {

// True for kafka, upsert-kafka, filesystem, jdbc, datagen, print and blackhole.
bool IsBuiltinConnector(std::string_view connector);

// Checks one option key of a built-in connector. `formats` are the table's format
// option values (format, key.format, value.format), whose own options ("json.*",
// "key.json.*") are accepted. Returns "" when the key is known, else a message that
// names the key and, when one is close, the option that was probably meant.
std::string CheckConnectorOption(std::string_view connector, std::string_view key,
                                 const std::vector<std::string>& formats);

}  // namespace sluice::sql
