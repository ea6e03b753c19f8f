// SPDX-License-Identifier: Apache-2.0
#pragma once

// Recursive Length Prefix (the Ethereum yellow paper, appendix B): encoding, and a strict
// decoder that refuses every non-canonical form (a single byte below 0x80 in a string header, a
// long header for a short payload, length bytes with leading zeros, lengths past the end,
// trailing bytes), as clients must.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "macf/dex/u256.hpp"

namespace macf::chain {

/// An RLP item: a byte string or a list of items.
struct RlpItem {
    bool is_list = false;
    std::vector<std::uint8_t> bytes;  ///< a string's bytes
    std::vector<RlpItem> items;       ///< a list's items

    bool operator==(const RlpItem&) const = default;
};

/// A byte-string item.
RlpItem rlp_bytes(std::span<const std::uint8_t> bytes);
/// An unsigned integer as a string item: big-endian, no leading zeros (0 is the empty string).
RlpItem rlp_uint(const dex::U256& v);
/// A list item.
RlpItem rlp_list(std::vector<RlpItem> items);

/// The encoding of `item`.
std::vector<std::uint8_t> rlp_encode(const RlpItem& item);

/// Decodes exactly one item filling all of `data`; std::nullopt with the reason in `error`
/// (when given) for anything malformed or non-canonical.
std::optional<RlpItem> rlp_decode(std::span<const std::uint8_t> data, std::string* error = nullptr);

/// A string item read as an unsigned integer: at most 32 bytes, no leading zero byte;
/// std::nullopt otherwise (or for a list).
std::optional<dex::U256> rlp_to_uint(const RlpItem& item);

}  // namespace macf::chain
