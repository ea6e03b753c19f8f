// SPDX-License-Identifier: Apache-2.0
#pragma once

// Uniswap V3 `SwapMath.computeSwapStep`: one step of the swap loop within a price range.

#include <cstdint>

#include "macf/dex/full_math.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/sqrt_price_math.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// V3 fees are in hundredths of a basis point: 10^6 = 100 %.
inline constexpr std::uint32_t kV3FeeDenominator = 1000000;

/// The result of one swap step. Amounts in wei.
struct SwapStep {
    U256 sqrt_price_next;  ///< price after the step, Q64.96
    U256 amount_in;        ///< input without fee, rounded up
    U256 amount_out;       ///< output, rounded down
    U256 fee_amount;       ///< fee on the input, rounded up
};

/// `SwapMath.computeSwapStep`: swaps from `sqrt_current` toward `sqrt_target` at liquidity L.
/// `exact_input` with `amount_remaining` wei still to spend (fee included), or exact output with
/// `amount_remaining` wei still to receive. `fee_pips` in 10^−6. Returns false where the
/// contract reverts (an overflow, or a step needing a price move at zero liquidity).
MACF_HD constexpr bool compute_swap_step(const U256& sqrt_current, const U256& sqrt_target,
                                         const U256& liquidity, const U256& amount_remaining,
                                         bool exact_input, std::uint32_t fee_pips,
                                         SwapStep& step) noexcept {
    const bool zero_for_one = sqrt_current >= sqrt_target;
    step = SwapStep{};
    U256 amount_in;
    U256 amount_out;
    if (exact_input) {
        U256 remaining_less_fee;
        if (!mul_div(amount_remaining, U256{kV3FeeDenominator - fee_pips}, U256{kV3FeeDenominator},
                     remaining_less_fee)) {
            return false;
        }
        const bool ok = zero_for_one
                            ? amount0_delta(sqrt_target, sqrt_current, liquidity, true, amount_in)
                            : amount1_delta(sqrt_current, sqrt_target, liquidity, true, amount_in);
        if (!ok) return false;
        if (remaining_less_fee >= amount_in) {
            step.sqrt_price_next = sqrt_target;
        } else if (!next_sqrt_price_from_input(sqrt_current, liquidity, remaining_less_fee,
                                               zero_for_one, step.sqrt_price_next)) {
            return false;
        }
    } else {
        const bool ok =
            zero_for_one ? amount1_delta(sqrt_target, sqrt_current, liquidity, false, amount_out)
                         : amount0_delta(sqrt_current, sqrt_target, liquidity, false, amount_out);
        if (!ok) return false;
        if (amount_remaining >= amount_out) {
            step.sqrt_price_next = sqrt_target;
        } else if (!next_sqrt_price_from_output(sqrt_current, liquidity, amount_remaining,
                                                zero_for_one, step.sqrt_price_next)) {
            return false;
        }
    }
    const bool reached = sqrt_target == step.sqrt_price_next;
    const U256& next = step.sqrt_price_next;
    bool ok = true;
    if (zero_for_one) {
        if (!(reached && exact_input))
            ok = ok && amount0_delta(next, sqrt_current, liquidity, true, amount_in);
        if (!(reached && !exact_input))
            ok = ok && amount1_delta(next, sqrt_current, liquidity, false, amount_out);
    } else {
        if (!(reached && exact_input))
            ok = ok && amount1_delta(sqrt_current, next, liquidity, true, amount_in);
        if (!(reached && !exact_input))
            ok = ok && amount0_delta(sqrt_current, next, liquidity, false, amount_out);
    }
    if (!ok) return false;
    if (!exact_input && amount_out > amount_remaining) amount_out = amount_remaining;
    if (exact_input && !reached) {
        step.fee_amount = amount_remaining - amount_in;
    } else if (!mul_div_rounding_up(amount_in, U256{fee_pips}, U256{kV3FeeDenominator - fee_pips},
                                    step.fee_amount)) {
        return false;
    }
    step.amount_in = amount_in;
    step.amount_out = amount_out;
    return true;
}

}  // namespace macf::dex
