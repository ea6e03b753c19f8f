// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the files of ChainSync (chain_sync.cpp: the follower; pool_reader.cpp:
// state reads at a block; log_apply.cpp: events applied and journaled), with the names they
// all use. Private to host/sync: only its three sources include it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace macf::host {

using chain::AbiReader;
using chain::Hash32;
using chain::Word;
using dex::U256;

inline std::string eth_call_params(const Address& to, const std::string& data,
                                   std::uint64_t block) {
    return "[{\"to\":\"" + to.to_hex() + "\",\"data\":\"" + data + "\"},\"" +
           chain::quantity(block) + "\"]";
}

/// A V3 pool's tick-bitmap words to read: positions first_word..last_word.
struct BitmapRange {
    Address pool;
    std::int32_t first_word = 0;
    std::int32_t last_word = 0;
};

/// A non-zero tick-bitmap word: the range's index, its position, its bits.
struct BitmapWord {
    std::size_t range = 0;
    std::int32_t word = 0;
    U256 bits;
};

/// The non-zero words of `ranges` at `block`, read in the EVM by eth_call of the
/// TickBitmapReader creation code (tick_bitmap_reader.cpp), a call per chunk of ~4,000 words;
/// `eth_calls` counts them. std::nullopt when the node refuses the call (an RPC error: a gas
/// cap, no creation calls); SyncError for an answer that is not what the reader returns.
std::optional<std::vector<BitmapWord>> read_bitmaps_in_evm(chain::RpcClient& rpc,
                                                           std::span<const BitmapRange> ranges,
                                                           std::uint64_t block,
                                                           std::uint64_t& eth_calls);

inline std::vector<std::uint8_t> result_bytes(const chain::RpcResult& r, const std::string& what) {
    if (r.error) throw SyncError(what + ": " + r.error->what());
    if (r.result.type != chain::json::Value::Type::kString) {
        throw SyncError(what + ": the result is not hex data");
    }
    const auto bytes = chain::from_hex(r.result.text);
    if (!bytes) throw SyncError(what + ": the result is not hex data");
    return *bytes;
}

__extension__ typedef unsigned __int128 UInt128;

inline Int128 int128_of(const dex::I256& v) {
    const U256 mag = dex::magnitude(v);
    const auto m = static_cast<Int128>((static_cast<UInt128>(mag.w[1]) << 64) | mag.w[0]);
    return v.negative() ? -m : m;
}

inline std::int32_t floor_div(std::int32_t a, std::int32_t b) {
    std::int32_t q = a / b;
    if (a % b != 0 && (a < 0) != (b < 0)) --q;
    return q;
}

}  // namespace macf::host
