// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "macf/dex/u256.hpp"
#include "macf/host/model/market.hpp"

namespace macf::host {

/// The hot state of a pool as the reserve cache holds it: a fixed-size, trivially copyable
/// record, stored contiguously (pinned memory when CUDA is available) so that changed records
/// can be copied to the GPU as they are.
///  - Uniswap V2: `x` = reserve0, `y` = reserve1 (wei), `fee` = input fee in basis points.
///  - Uniswap V3: `x` = sqrtPriceX96 (Q64.96), `y` = in-range liquidity, `tick`, `fee` in ppm.
/// Pools with more than two balances (Curve, Balancer) keep their state in the Market.
struct alignas(16) PoolState {
    dex::U256 x;
    dex::U256 y;
    std::int32_t tick = 0;
    std::uint32_t fee = 0;
    PoolKind kind = PoolKind::kUniswapV2;
    bool valid = false;  ///< false: no state (unknown, or a kind the record cannot hold)
};

/// The record of `pool`'s current state (valid only for V2 and V3 pools).
[[nodiscard]] PoolState pool_state_of(const Pool& pool) noexcept;

/// The valid records of every pool of `market` by address, in pool order: what a reserve
/// cache is warmed with after an initial sync or a snapshot load.
[[nodiscard]] std::vector<std::pair<Address, PoolState>> market_states(const Market& market);

}  // namespace macf::host
