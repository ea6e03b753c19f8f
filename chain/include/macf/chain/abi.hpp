// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Solidity ABI for what macf reads and sends: static call arguments, 32-byte result words,
// log topics and data. Only the static types macf needs (uint/int up to 256 bits, address,
// bool) and the dynamic `string`/`bytes32` a token's symbol comes as.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "macf/chain/address.hpp"
#include "macf/chain/keccak.hpp"
#include "macf/dex/i256.hpp"
#include "macf/dex/u256.hpp"

namespace macf::chain {

/// One 32-byte ABI word, big-endian.
using Word = std::array<std::uint8_t, 32>;

/// The 4-byte selector of a function signature such as "getReserves()".
std::array<std::uint8_t, 4> selector(std::string_view signature);
/// The topic0 of an event signature such as "Sync(uint112,uint112)".
Hash32 event_topic(std::string_view signature);

/// An unsigned integer as a word.
Word word_of(const dex::U256& v) noexcept;
/// A signed integer as a word (two's complement, sign-extended).
Word word_of(const dex::I256& v) noexcept;
/// An address as a word (left-padded).
Word word_of(const Address& a) noexcept;
/// A bool as a word.
Word word_of(bool b) noexcept;

/// Call data: the selector of `signature` followed by the argument words, as "0x…" hex.
std::string encode_call(std::string_view signature, std::span<const Word> args);

/// Reads ABI words from returned data or log data. Every getter checks the length and the
/// type's range and throws AbiError instead of reading past the end or truncating.
class AbiReader {
  public:
    explicit AbiReader(std::span<const std::uint8_t> data) : data_(data) {}
    /// Number of whole words.
    std::size_t words() const noexcept { return data_.size() / 32; }
    /// Word `i` as an unsigned integer that must fit in `bits` bits.
    dex::U256 uint(std::size_t i, unsigned bits = 256) const;
    /// Word `i` as a signed integer that must fit in `bits` bits (two's complement).
    dex::I256 sint(std::size_t i, unsigned bits = 256) const;
    /// Word `i` as an address (the high 12 bytes must be zero).
    Address address(std::size_t i) const;
    /// Word `i` as a bool (0 or 1).
    bool boolean(std::size_t i) const;
    /// A dynamic `uint256[]` whose offset is in word `i`.
    std::vector<dex::U256> uint_array(std::size_t i) const;
    /// A dynamic `string` whose offset is in word `i`, or, when the data is a single word, a
    /// `bytes32` string padded with zeros (old tokens such as MKR return those).
    std::string string(std::size_t i) const;

  private:
    const std::uint8_t* word(std::size_t i) const;
    std::span<const std::uint8_t> data_;
};

/// Data that does not decode as the expected ABI type.
class AbiError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A word as an unsigned integer.
dex::U256 u256_of(std::span<const std::uint8_t, 32> word) noexcept;

}  // namespace macf::chain
