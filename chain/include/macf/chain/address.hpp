// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace macf::chain {

/// A 20-byte Ethereum account or contract address.
struct Address {
    std::array<std::uint8_t, 20> bytes{};  ///< big-endian, as in the EVM

    /// Parses "0x" followed by exactly 40 hex digits, any case (the EIP-55 checksum is not
    /// checked); std::nullopt otherwise.
    [[nodiscard]] static std::optional<Address> parse(std::string_view text) noexcept;
    /// `text` as an address; throws std::runtime_error "WHAT 'TEXT': not an address" (`what`
    /// names the option or field) when it is not one.
    [[nodiscard]] static Address parse_or_throw(std::string_view text, std::string_view what);

    /// "0x" and 40 lower-case hex digits.
    std::string to_hex() const;

    auto operator<=>(const Address&) const = default;
};

/// Hash of an address for unordered containers (its first eight bytes: addresses are uniform).
struct AddressHash {
    std::size_t operator()(const Address& a) const noexcept {
        std::size_t h = 0;
        for (int i = 0; i < 8; ++i) h = (h << 8) | a.bytes[static_cast<std::size_t>(i) + 12];
        return h;
    }
};

}  // namespace macf::chain
