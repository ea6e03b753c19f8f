// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace macf::host {

/// `text` safe for a terminal or a plain-text log line (token symbols from a market file or a
/// token contract, node error bodies): control characters (U+0000–U+001F, U+007F and the
/// C1 controls U+0080–U+009F, ESC included) written as \n, \r, \t or \xNN / \u00NN, and
/// bytes that are not UTF-8 as \xNN, so a node's error body or a token symbol cannot start a
/// forged line or send a terminal escape. Printable text, UTF-8 included, is unchanged.
[[nodiscard]] std::string safe_text(std::string_view text);

}  // namespace macf::host
