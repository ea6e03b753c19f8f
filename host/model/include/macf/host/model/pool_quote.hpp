// SPDX-License-Identifier: Apache-2.0
#pragma once

// The exact result of one swap on one pool of a market, for every pool kind: what the deployed
// contract would pay (to the wei) or why it would revert.

#include <cstdint>
#include <optional>
#include <string>

#include "macf/dex/u256.hpp"
#include "macf/host/model/market.hpp"

namespace macf::host {

/// A V3 pool's state after a swap.
struct V3StateAfter {
    U256 sqrt_price_x96;          ///< slot0.sqrtPriceX96, Q64.96
    U256 liquidity;               ///< in-range liquidity
    std::int32_t tick = 0;        ///< slot0.tick
    std::uint32_t ticks_crossed;  ///< initialized ticks crossed
};

/// The outcome of a swap on one pool. Amounts in wei of the tokens swapped.
struct PoolQuote {
    std::string error;  ///< empty on success, else the contract's revert in words
    U256 amount_in;     ///< paid into the pool, fees included
    U256 amount_out;    ///< paid out of the pool
    std::optional<V3StateAfter> v3_after;  ///< for Uniswap V3 pools

    /// True when the swap would succeed.
    bool ok() const noexcept { return error.empty(); }
};

/// The position of token `token` (an index into Market::tokens) in `pool.tokens`, or
/// std::nullopt when the pool does not trade it.
[[nodiscard]] std::optional<std::size_t> token_position(const Pool& pool,
                                                        std::uint32_t token) noexcept;

/// Swaps `amount` wei on `pool` from its token at position `in` to the one at position `out`
/// (positions in `pool.tokens`): `exact_input` spends `amount` (fee included) and reports the
/// output; otherwise receives `amount` and reports the input. V3 swaps run to the default price
/// limit (MIN_SQRT_RATIO + 1 or MAX_SQRT_RATIO − 1), so a swap larger than the liquidity fills
/// partially, as the pool does. Curve plain pools offer no exact-output swap.
[[nodiscard]] PoolQuote quote_pool(const Pool& pool, std::size_t in, std::size_t out,
                                   const U256& amount, bool exact_input);

}  // namespace macf::host
