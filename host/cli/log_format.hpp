// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace macf::cli {

/// Sets the default logger's line format: "plain" (time, level, the message with control
/// characters escaped by host::safe_text) or "json" (one object per line, the message a JSON
/// string). Anything else is taken as plain.
void use_log_format(std::string_view format);

}  // namespace macf::cli
