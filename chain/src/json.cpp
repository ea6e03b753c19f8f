// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/json.hpp"

#include <simdjson.h>

#include <stdexcept>

namespace macf::chain::json {

const Value* Value::find(std::string_view key) const noexcept {
    for (const auto& [k, v] : fields) {
        if (k == key) return &v;
    }
    return nullptr;
}
namespace {

namespace od = simdjson::ondemand;

[[noreturn]] void fail(simdjson::error_code err) {
    throw std::runtime_error(simdjson::error_message(err));
}

template <class T>
T check(simdjson::simdjson_result<T>&& r) {
    T v{};
    if (const auto err = std::move(r).get(v)) fail(err);
    return v;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

Value convert(od::value v, int depth);

Value convert_array(od::array arr, int depth) {
    Value out;
    out.type = Value::Type::kArray;
    for (auto element : arr) {
        out.items.push_back(convert(check(std::move(element)), depth + 1));
    }
    return out;
}

Value convert_object(od::object obj, int depth) {
    Value out;
    out.type = Value::Type::kObject;
    for (auto field : obj) {
        od::field f = check(std::move(field));
        std::string key(check(f.unescaped_key()));
        out.fields.emplace_back(std::move(key), convert(f.value(), depth + 1));
    }
    return out;
}

Value convert(od::value v, int depth) {
    if (depth > 64) throw std::runtime_error("nesting deeper than 64 levels");
    Value out;
    switch (check(v.type())) {
        case od::json_type::array:
            return convert_array(check(v.get_array()), depth);
        case od::json_type::object:
            return convert_object(check(v.get_object()), depth);
        case od::json_type::number:
            out.type = Value::Type::kNumber;
            out.text = trim(v.raw_json_token());
            return out;
        case od::json_type::string:
            out.type = Value::Type::kString;
            out.text = std::string(check(v.get_string()));
            return out;
        case od::json_type::boolean:
            out.type = Value::Type::kBool;
            out.boolean = check(v.get_bool());
            return out;
        case od::json_type::null:
            if (!v.is_null()) throw std::runtime_error("invalid literal");
            return out;
    }
    throw std::runtime_error("unknown JSON value type");
}

}  // namespace

std::string_view type_name(Value::Type type) noexcept {
    switch (type) {
        case Value::Type::kNull:
            return "null";
        case Value::Type::kBool:
            return "boolean";
        case Value::Type::kNumber:
            return "number";
        case Value::Type::kString:
            return "string";
        case Value::Type::kArray:
            return "array";
        case Value::Type::kObject:
            return "object";
    }
    return "unknown";
}

Value parse(std::string_view text) {
    od::parser parser;
    const simdjson::padded_string padded(text);
    od::document doc = check(parser.iterate(padded));
    Value out;
    switch (check(doc.type())) {
        case od::json_type::array:
            out = convert_array(check(doc.get_array()), 0);
            break;
        case od::json_type::object:
            out = convert_object(check(doc.get_object()), 0);
            break;
        default:
            throw std::runtime_error("the document is not a JSON object or array");
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) {
        throw std::runtime_error("trailing content after the JSON document");
    }
    return out;
}

}  // namespace macf::chain::json
