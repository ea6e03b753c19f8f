// SPDX-License-Identifier: Apache-2.0
#pragma once

// The DEX events macf follows, decoded from log entries: Uniswap V2 PairCreated, Sync, Swap,
// Mint, Burn; Uniswap V3 PoolCreated, Initialize, Swap, Mint, Burn. Every decoder checks the
// topic count, the data length and each value's range (AbiError otherwise).

#include <cstdint>

#include "macf/chain/abi.hpp"
#include "macf/chain/eth.hpp"
#include "macf/dex/i256.hpp"
#include "macf/dex/u256.hpp"

namespace macf::chain {

/// The topic0 of each event.
struct DexTopics {
    Hash32 v2_pair_created, v2_sync, v2_swap, v2_mint, v2_burn;
    Hash32 v3_pool_created, v3_initialize, v3_swap, v3_mint, v3_burn;
};
/// The topics, computed once.
const DexTopics& dex_topics();

/// V2 factory: PairCreated(address indexed token0, address indexed token1, address pair, uint).
struct V2PairCreated {
    Address token0, token1, pair;
};
/// V2 pair: Sync(uint112 reserve0, uint112 reserve1): the reserves after every change.
struct V2Sync {
    dex::U256 reserve0, reserve1;
};
/// V2 pair: Swap(sender, amount0In, amount1In, amount0Out, amount1Out, to), in wei.
struct V2Swap {
    dex::U256 amount0_in, amount1_in, amount0_out, amount1_out;
};
/// V2 pair: Mint(sender, amount0, amount1) and Burn(sender, amount0, amount1, to), in wei.
struct V2LiquidityChange {
    dex::U256 amount0, amount1;
};
/// V3 factory: PoolCreated(token0, token1, uint24 indexed fee, int24 tickSpacing, pool).
struct V3PoolCreated {
    Address token0, token1;
    std::uint32_t fee = 0;  ///< 10^−6
    std::int32_t tick_spacing = 0;
    Address pool;
};
/// V3 pool: Initialize(uint160 sqrtPriceX96, int24 tick).
struct V3Initialize {
    dex::U256 sqrt_price_x96;
    std::int32_t tick = 0;
};
/// V3 pool: Swap(sender, recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96,
/// uint128 liquidity, int24 tick): the pool's slot0 and liquidity after the swap.
struct V3Swap {
    dex::I256 amount0, amount1;
    dex::U256 sqrt_price_x96;
    dex::U256 liquidity;
    std::int32_t tick = 0;
};
/// V3 pool: Mint(…, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, …) and
/// Burn(…): liquidity added to (Mint) or removed from (Burn) a position.
struct V3PositionChange {
    std::int32_t tick_lower = 0;
    std::int32_t tick_upper = 0;
    dex::U256 amount;  ///< liquidity, uint128
};

V2PairCreated decode_v2_pair_created(const LogEntry& log);  ///< throws AbiError
V2Sync decode_v2_sync(const LogEntry& log);                 ///< throws AbiError
V2Swap decode_v2_swap(const LogEntry& log);                 ///< throws AbiError
V2LiquidityChange decode_v2_mint(const LogEntry& log);      ///< throws AbiError
V2LiquidityChange decode_v2_burn(const LogEntry& log);      ///< throws AbiError
/// Throws AbiError, also for a fee ≥ 10^6 or a tick spacing outside 1..16383 (the factory's
/// bounds).
V3PoolCreated decode_v3_pool_created(const LogEntry& log);
V3Initialize decode_v3_initialize(const LogEntry& log);     ///< throws AbiError
V3Swap decode_v3_swap(const LogEntry& log);                 ///< throws AbiError
V3PositionChange decode_v3_mint(const LogEntry& log);       ///< throws AbiError
V3PositionChange decode_v3_burn(const LogEntry& log);       ///< throws AbiError

}  // namespace macf::chain
