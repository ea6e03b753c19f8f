// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace macf::chain {

/// Lower-case hex of `bytes` with a "0x" prefix ("0x" for no bytes).
std::string to_hex(std::span<const std::uint8_t> bytes);

/// Bytes of hex data with an optional "0x" prefix; std::nullopt for an odd length or a
/// character that is not a hex digit.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace macf::chain
