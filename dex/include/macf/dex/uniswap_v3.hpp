// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Uniswap V3 swap loop (`UniswapV3Pool.swap`) on a pool's state, step for step as the
// contract runs it: it walks the tick bitmap one 256·tickSpacing word at a time, as
// `TickBitmap.nextInitializedTickWithinOneWord` does, so results match to the wei.

#include <cstddef>
#include <cstdint>

#include "macf/dex/full_math.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/swap_math.hpp"
#include "macf/dex/tick_math.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Signed 128-bit integer (Solidity int128), a GCC/Clang/NVCC extension on 64-bit targets.
__extension__ typedef __int128 Int128;

/// One initialized tick of a V3 pool.
struct V3Tick {
    std::int32_t tick;     ///< a multiple of the pool's tick spacing
    Int128 liquidity_net;  ///< liquidity added when the price crosses the tick upward
};

/// The swap-relevant state of a V3 pool (slot0, liquidity and the initialized ticks).
struct V3PoolView {
    U256 sqrt_price_x96;            ///< √(token1/token0) in Q64.96
    U256 liquidity;                 ///< in-range liquidity (uint128)
    std::int32_t tick;              ///< current tick (slot0.tick)
    std::uint32_t fee_pips;         ///< fee in 10^−6 (3000 = 0.30 %)
    std::int32_t tick_spacing;      ///< > 0
    const V3Tick* ticks = nullptr;  ///< initialized ticks, strictly ascending
    std::size_t tick_count = 0;     ///< number of entries in `ticks`
};

/// Why a V3 swap reverted.
enum class V3Status : std::uint8_t {
    kOk = 0,
    kZeroAmount,          ///< amountSpecified == 0 ('AS')
    kPriceLimit,          ///< price limit on the wrong side or out of range ('SPL')
    kLiquidityUnderflow,  ///< crossing a tick would make liquidity negative ('LS')
    kLiquidityOverflow,   ///< crossing a tick would overflow uint128 ('LA')
    kMathError,           ///< a FullMath/SqrtPriceMath/TickMath revert (overflow, bounds)
    kAmountTooLarge,      ///< |amountSpecified| ≥ 2^255 (not an int256)
};

/// The outcome of a swap, from the pool's side. Amounts in wei.
struct V3SwapResult {
    V3Status status = V3Status::kOk;
    U256 amount_in;         ///< paid into the pool, fee included (amount0 or amount1 > 0)
    U256 amount_out;        ///< paid out of the pool (the magnitude of the negative amount)
    U256 sqrt_price_x96;    ///< slot0.sqrtPriceX96 after the swap
    U256 liquidity;         ///< in-range liquidity after the swap
    std::int32_t tick = 0;  ///< slot0.tick after the swap
    U256 fee_growth_x128;   ///< feeGrowthGlobal delta of the input token, Q128.128
                            ///< (no protocol fee)
    std::uint32_t ticks_crossed = 0;  ///< initialized ticks crossed
    std::uint32_t steps = 0;          ///< iterations of the swap loop
};

namespace detail {

/// ⌊a / b⌋ for b > 0, as `tick / tickSpacing` followed by the contract's decrement for
/// negative ticks that are not multiples.
MACF_HD constexpr std::int32_t floor_div(std::int32_t a, std::int32_t b) noexcept {
    std::int32_t q = a / b;
    if (a < 0 && a % b != 0) --q;
    return q;
}

/// `TickBitmap.nextInitializedTickWithinOneWord` over a sorted tick list: the next initialized
/// tick at or left of `tick` (lte) or right of it, searching only the 256-tick word the search
/// starts in; when none is there, the word's edge, not initialized.
MACF_HD constexpr std::int32_t next_tick_within_word(const V3PoolView& pool, std::int32_t tick,
                                                     bool lte, bool& initialized) noexcept {
    const std::int32_t spacing = pool.tick_spacing;
    const std::int32_t compressed = floor_div(tick, spacing);
    initialized = false;
    if (lte) {
        const std::int32_t word_start = floor_div(compressed, 256) * 256;
        // Greatest tick ≤ compressed·spacing: first index with tick > bound, minus one.
        const std::int64_t bound = static_cast<std::int64_t>(compressed) * spacing;
        std::size_t lo = 0;
        std::size_t hi = pool.tick_count;
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (pool.ticks[mid].tick <= bound)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0) {
            const std::int32_t t = pool.ticks[lo - 1].tick;
            if (static_cast<std::int64_t>(t) >= static_cast<std::int64_t>(word_start) * spacing) {
                initialized = true;
                return t;
            }
        }
        return word_start * spacing;
    }
    const std::int32_t start = compressed + 1;
    const std::int32_t word_end = floor_div(start, 256) * 256 + 255;
    const std::int64_t bound = static_cast<std::int64_t>(start) * spacing;
    std::size_t lo = 0;
    std::size_t hi = pool.tick_count;
    while (lo < hi) {  // first tick ≥ bound
        const std::size_t mid = lo + (hi - lo) / 2;
        if (pool.ticks[mid].tick < bound)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < pool.tick_count && static_cast<std::int64_t>(pool.ticks[lo].tick) <=
                                    static_cast<std::int64_t>(word_end) * spacing) {
        initialized = true;
        return pool.ticks[lo].tick;
    }
    return word_end * spacing;
}

/// liquidityNet of the initialized tick `tick` (binary search; 0 when absent).
MACF_HD constexpr Int128 liquidity_net_at(const V3PoolView& pool, std::int32_t tick) noexcept {
    std::size_t lo = 0;
    std::size_t hi = pool.tick_count;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (pool.ticks[mid].tick < tick)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pool.tick_count && pool.ticks[lo].tick == tick ? pool.ticks[lo].liquidity_net : 0;
}

/// `LiquidityMath.addDelta` on a uint128 liquidity held in a U256.
MACF_HD constexpr V3Status add_liquidity_delta(U256& liquidity, Int128 delta) noexcept {
    __extension__ typedef unsigned __int128 UInt128;
    const UInt128 x = (static_cast<UInt128>(liquidity.w[1]) << 64) | liquidity.w[0];
    UInt128 z = 0;
    if (delta < 0) {
        const UInt128 d = static_cast<UInt128>(-(delta + 1)) + 1;
        if (d > x) return V3Status::kLiquidityUnderflow;
        z = x - d;
    } else {
        z = x + static_cast<UInt128>(delta);
        if (z < x) return V3Status::kLiquidityOverflow;
    }
    liquidity = U256{static_cast<std::uint64_t>(z), static_cast<std::uint64_t>(z >> 64), 0, 0};
    return V3Status::kOk;
}

}  // namespace detail

/// `UniswapV3Pool.swap`: swaps `amount` wei (`exact_input`: spent, fee included; else:
/// received) of token0 for token1 (`zero_for_one`) or the reverse, stopping at
/// `sqrt_price_limit_x96`. Every amount is rounded as the contract rounds it; the result's
/// status names the contract's revert when it would revert. `amounts_only` skips what only the
/// pool's next state needs (the fee growth's 512-bit division per step and the final
/// getTickAtSqrtRatio): the amounts, the status and the final price and liquidity are the same,
/// `tick` and `fee_growth_x128` are then left unset. Sizing searches use it.
MACF_HD constexpr V3SwapResult v3_swap(const V3PoolView& pool, bool zero_for_one, bool exact_input,
                                       const U256& amount, const U256& sqrt_price_limit_x96,
                                       bool amounts_only = false) noexcept {
    V3SwapResult result;
    result.sqrt_price_x96 = pool.sqrt_price_x96;
    result.liquidity = pool.liquidity;
    result.tick = pool.tick;
    if (amount.is_zero()) {
        result.status = V3Status::kZeroAmount;
        return result;
    }
    if (amount.bit_width() > 255) {
        result.status = V3Status::kAmountTooLarge;
        return result;
    }
    const bool limit_ok =
        zero_for_one
            ? sqrt_price_limit_x96 < pool.sqrt_price_x96 && sqrt_price_limit_x96 > min_sqrt_ratio()
            : sqrt_price_limit_x96 > pool.sqrt_price_x96 && sqrt_price_limit_x96 < max_sqrt_ratio();
    if (!limit_ok) {
        result.status = V3Status::kPriceLimit;
        return result;
    }
    U256 remaining = amount;
    U256 calculated;
    U256 sqrt_price = pool.sqrt_price_x96;
    U256 liquidity = pool.liquidity;
    std::int32_t tick = pool.tick;
    U256 fee_growth;
    constexpr U256 kQ128{0, 0, 1, 0};
    while (!remaining.is_zero() && sqrt_price != sqrt_price_limit_x96) {
        ++result.steps;
        const U256 sqrt_start = sqrt_price;
        bool initialized = false;
        std::int32_t tick_next =
            detail::next_tick_within_word(pool, tick, zero_for_one, initialized);
        if (tick_next < kMinTick)
            tick_next = kMinTick;
        else if (tick_next > kMaxTick)
            tick_next = kMaxTick;
        U256 sqrt_next;
        get_sqrt_ratio_at_tick(tick_next, sqrt_next);
        const bool use_limit =
            zero_for_one ? sqrt_next < sqrt_price_limit_x96 : sqrt_next > sqrt_price_limit_x96;
        SwapStep step;
        if (!compute_swap_step(sqrt_price, use_limit ? sqrt_price_limit_x96 : sqrt_next, liquidity,
                               remaining, exact_input, pool.fee_pips, step)) {
            result.status = V3Status::kMathError;
            return result;
        }
        sqrt_price = step.sqrt_price_next;
        if (exact_input) {
            remaining = remaining - (step.amount_in + step.fee_amount);
            if (add_overflow(calculated, step.amount_out, calculated)) {
                result.status = V3Status::kMathError;
                return result;
            }
        } else {
            remaining = remaining - step.amount_out;
            if (add_overflow(calculated, step.amount_in + step.fee_amount, calculated)) {
                result.status = V3Status::kMathError;
                return result;
            }
        }
        if (!amounts_only && !liquidity.is_zero()) {
            U256 growth;
            mul_div(step.fee_amount, kQ128, liquidity, growth);
            fee_growth = fee_growth + growth;
        }
        if (sqrt_price == sqrt_next) {
            if (initialized) {
                Int128 net = detail::liquidity_net_at(pool, tick_next);
                // Solidity 0.7 negates int128 without a check: −min wraps to min.
                if (zero_for_one &&
                    net != static_cast<Int128>(static_cast<__uint128_t>(1) << 127)) {
                    net = -net;
                }
                const V3Status s = detail::add_liquidity_delta(liquidity, net);
                if (s != V3Status::kOk) {
                    result.status = s;
                    return result;
                }
                ++result.ticks_crossed;
            }
            tick = zero_for_one ? tick_next - 1 : tick_next;
        } else if (!amounts_only && sqrt_price != sqrt_start) {
            if (!get_tick_at_sqrt_ratio(sqrt_price, tick)) {
                result.status = V3Status::kMathError;
                return result;
            }
        }
    }
    if (exact_input) {
        result.amount_in = amount - remaining;
        result.amount_out = calculated;
    } else {
        result.amount_in = calculated;
        result.amount_out = amount - remaining;
    }
    result.sqrt_price_x96 = sqrt_price;
    result.liquidity = liquidity;
    result.tick = tick;
    result.fee_growth_x128 = fee_growth;
    return result;
}

/// The default price limit of a swap: MIN_SQRT_RATIO + 1 for token0 in, MAX_SQRT_RATIO − 1 for
/// token1 in (what routers and quoters pass when the caller sets none).
MACF_HD constexpr U256 v3_default_price_limit(bool zero_for_one) noexcept {
    return zero_for_one ? min_sqrt_ratio() + U256{1} : max_sqrt_ratio() - U256{1};
}

}  // namespace macf::dex
