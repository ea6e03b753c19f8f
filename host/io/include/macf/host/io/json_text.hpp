// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace macf::host {

/// A JSON string literal of `s` (quotes added; '"', '\\' and control characters escaped).
std::string json_quote(std::string_view s);
/// A finite double as JSON (shortest round-trip form); "null" for NaN or infinity.
std::string json_number(double v);

}  // namespace macf::host
