// SPDX-License-Identifier: Apache-2.0
#pragma once

// Ethereum JSON-RPC values: hex quantities and data, log entries and block headers, each read
// with a check of every field (MalformedResponse naming the field, never a partial value).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "macf/chain/address.hpp"
#include "macf/chain/json.hpp"
#include "macf/chain/keccak.hpp"
#include "macf/dex/u256.hpp"

namespace macf::chain {

/// A hex quantity ("0x1a") as an unsigned 256-bit integer; MalformedResponse otherwise.
dex::U256 parse_quantity(std::string_view text);
/// A hex quantity that must fit in 64 bits.
std::uint64_t parse_quantity_u64(std::string_view text);
/// `v` as a hex quantity ("0x0", "0x1a").
std::string quantity(std::uint64_t v);
/// `v` as a hex quantity, up to 256 bits.
std::string quantity(const dex::U256& v);
/// A 32-byte hash ("0x" + 64 hex digits).
Hash32 parse_hash(std::string_view text);
/// `h` as "0x…" hex.
std::string hash_hex(const Hash32& h);

/// One log entry, as eth_getLogs and log subscriptions return it.
struct LogEntry {
    Address address;             ///< the emitting contract
    std::vector<Hash32> topics;  ///< topic0 = the event signature's hash
    std::vector<std::uint8_t> data;
    std::uint64_t block_number = 0;
    Hash32 block_hash{};
    std::uint64_t transaction_index = 0;
    std::uint64_t log_index = 0;
    bool removed = false;  ///< true when a reorg dropped it (some nodes send those)
};

/// Reads a log object; MalformedResponse naming the field when one is missing or malformed.
LogEntry parse_log(const json::Value& v);

/// The fields of a block header macf follows the chain with.
struct BlockHeader {
    std::uint64_t number = 0;
    Hash32 hash{};
    Hash32 parent_hash{};
    std::uint64_t timestamp = 0;
};

/// Reads a block object (from eth_getBlockByNumber or a newHeads notification).
BlockHeader parse_block_header(const json::Value& v);

/// What the service reads of the latest block: its number and its base fee in wei
/// (std::nullopt before London, or when the node leaves the field out).
struct HeadBlock {
    std::uint64_t number = 0;
    std::optional<dex::U256> base_fee_per_gas;
};

/// Reads eth_getBlockByNumber("latest", false)'s answer; MalformedResponse naming the field for
/// anything but a block object whose number is a quantity below 2^64 and whose baseFeePerGas,
/// when present, is a quantity.
HeadBlock parse_head_block(const json::Value& v);

/// eth_getLogs params for blocks [from, to], logs of `addresses` (all when empty) whose topic0
/// is one of `topic0s` (any when empty).
std::string logs_filter_params(std::uint64_t from, std::uint64_t to,
                               std::span<const Address> addresses, std::span<const Hash32> topic0s);

}  // namespace macf::chain
