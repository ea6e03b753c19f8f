// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small JSON tree read with simdjson's on-demand parser. Numbers keep their raw text so
// integers of any size (uint112 reserves, uint256 amounts) are never rounded through a double.
// Used by the market reader, the importers and the JSON-RPC client.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace macf::chain::json {

/// One JSON value.
struct Value {
    enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
    Type type = Type::kNull;
    bool boolean = false;
    std::string text;          ///< a number's raw text, or a string's unescaped text
    std::vector<Value> items;  ///< array elements
    std::vector<std::pair<std::string, Value>> fields;  ///< object members, in order

    /// The member `key`, or nullptr (objects only).
    const Value* find(std::string_view key) const noexcept {
        for (const auto& [k, v] : fields) {
            if (k == key) return &v;
        }
        return nullptr;
    }
};

/// The name of a type ("null", "boolean", "number", "string", "array", "object").
std::string_view type_name(Value::Type type) noexcept;

/// Parses `text`; throws std::runtime_error with simdjson's message when it is not one valid
/// JSON document.
Value parse(std::string_view text);

}  // namespace macf::chain::json
