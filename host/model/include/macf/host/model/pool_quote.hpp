// SPDX-License-Identifier: Apache-2.0
#pragma once

// The exact result of one swap on one pool of a market, for every pool kind: what the deployed
// contract would pay (to the wei) or why it would revert.

#include <cstdint>
#include <optional>
#include <string>

#include "macf/dex/curve_stable.hpp"
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

/// Which of a Curve pool's two answers a quote gives: what `exchange` transfers, or what the
/// `get_dy` view returns. They differ by a wei on some 3pool-era pools (the view takes the fee
/// after converting to coin units); the templates (A_PRECISION = 100) round alike.
enum class CurveRounding : std::uint8_t {
    kExchange,  ///< the amount `exchange` transfers (what a trade receives)
    kView,      ///< the `get_dy` view
};

/// The dex view of a plain Curve pool's state (balances, rates, A, a_precision, fee).
[[nodiscard]] dex::CurveStableView curve_stable_view(const CurveStableState& s) noexcept;

/// The dex view of a metapool: its own coin at `rate`, the LP token at the cached base virtual
/// price when the state has one, else at the base pool's get_virtual_price now. std::nullopt
/// when that computation reverts (an empty base pool).
[[nodiscard]] std::optional<dex::CurveMetaView> curve_meta_view(const CurveMetaState& s);

/// A metapool swap between positions `in` and `out` of its tokens (0: own coin, 1: base LP
/// token, 2..: base coins): between its two coins `exchange`/`get_dy` (`rounding`); between its
/// own coin and a base coin `get_dy_underlying`, for either rounding (exchange_underlying's
/// deposit into the base pool is not modelled apart from the view's estimate); between two
/// base coins the base pool's `exchange`/`get_dy`. The LP token against a base coin is a
/// deposit or a withdrawal, not a swap: kBadCoin.
[[nodiscard]] dex::CurveStatus curve_meta_swap(const dex::CurveMetaView& view, std::size_t in,
                                               std::size_t out, const U256& dx,
                                               CurveRounding rounding, U256& dy) noexcept;

/// True when a pool's position `in` for position `out` is an edge of the token graph: every
/// pair, except on a metapool, whose edges are its own coin against each other token (the
/// base coins against each other are the base pool's own edges).
[[nodiscard]] bool pool_trades_pair(const Pool& pool, std::size_t in, std::size_t out) noexcept;

/// Swaps `amount` wei on `pool` from its token at position `in` to the one at position `out`
/// (positions in `pool.tokens`): `exact_input` spends `amount` (fee included) and reports the
/// output; otherwise receives `amount` and reports the input. V3 swaps run to the default price
/// limit (MIN_SQRT_RATIO + 1 or MAX_SQRT_RATIO − 1), so a swap larger than the liquidity fills
/// partially, as the pool does. Curve pools offer no exact-output swap; `rounding` picks their
/// answer (the other kinds ignore it).
[[nodiscard]] PoolQuote quote_pool(const Pool& pool, std::size_t in, std::size_t out,
                                   const U256& amount, bool exact_input,
                                   CurveRounding rounding = CurveRounding::kExchange);

}  // namespace macf::host
