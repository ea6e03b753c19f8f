// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace macf::chain {

/// A 32-byte hash (Keccak-256 output, block and transaction hashes, log topics).
using Hash32 = std::array<std::uint8_t, 32>;

/// Keccak-256 as Ethereum uses it (the original Keccak padding, not NIST SHA3-256), through
/// Crypto++'s `Keccak_256`.
Hash32 keccak256(std::span<const std::uint8_t> data);
/// Keccak-256 of the bytes of `text` (function and event signatures).
Hash32 keccak256(std::string_view text);

}  // namespace macf::chain
