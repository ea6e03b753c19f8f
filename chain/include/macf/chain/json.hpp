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
    struct Member;
    enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
    Type type = Type::kNull;
    bool boolean = false;
    std::string text;          ///< a number's raw text, or a string's unescaped text
    std::vector<Value> items;  ///< array elements
    std::vector<Member> fields;  ///< object members, in order

    /// The member `key`, or nullptr (objects only).
    [[nodiscard]] const Value* find(std::string_view key) const noexcept;
};

/// One member of an object: its key and value (binds as `auto& [key, value]`). A struct of its
/// own, not std::pair: a pair of an incomplete Value is not portable (clang rejects it).
struct Value::Member {
    Member(std::string key, Value value) : first(std::move(key)), second(std::move(value)) {}
    std::string first;
    Value second;
};

/// The name of a type ("null", "boolean", "number", "string", "array", "object").
std::string_view type_name(Value::Type type) noexcept;

/// Parses `text`; throws std::runtime_error with simdjson's message when it is not one valid
/// JSON document.
[[nodiscard]] Value parse(std::string_view text);

}  // namespace macf::chain::json
