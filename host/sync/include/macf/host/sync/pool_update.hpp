// SPDX-License-Identifier: Apache-2.0
#pragma once

// A log decoded into the change it makes to one pool, as a value. Decoding changes nothing
// and is where every malformed log is caught; applying an update to the follower's state
// cannot fail (its undo goes to the reorg journal). The one (kind, topic) dispatch.

#include <cstdint>
#include <optional>
#include <variant>

#include "macf/chain/dex_events.hpp"
#include "macf/chain/eth.hpp"
#include "macf/host/model/market.hpp"

namespace macf::host {

/// Liquidity added (V3 Mint) or removed (Burn) between two ticks; `change.amount` ≠ 0.
struct V3LiquidityUpdate {
    chain::V3PositionChange change;
    bool added = true;  ///< Mint; false for Burn
};

/// A whole state read again from the chain (watched Curve and Balancer pools, whose balances
/// are not in their events).
struct StateReplaced {
    decltype(Pool::state) state;
};

/// One change to one pool: V2 Sync (the reserves after the change), V3 Swap (price, in-range
/// liquidity, tick after it), V3 Initialize (first price and tick), V3 Mint/Burn, or a whole
/// state read again.
struct PoolUpdate {
    std::uint32_t pool = 0;  ///< index into Market::pools
    std::variant<chain::V2Sync, chain::V3Swap, chain::V3Initialize, V3LiquidityUpdate,
                 StateReplaced>
        change;
};

/// The update a log of pool `pool` (of `kind`) makes, or std::nullopt for a log that changes
/// nothing: V2 Swap/Mint/Burn (the Sync that follows carries the reserves), a zero-amount V3
/// Mint/Burn (a poke to collect fees), other topics, and every log of Curve and Balancer pools
/// (read again instead). Throws chain::AbiError for a malformed log of a known topic.
[[nodiscard]] std::optional<PoolUpdate> decode_pool_log(const chain::LogEntry& log,
                                                        std::uint32_t pool, PoolKind kind);

}  // namespace macf::host
