// SPDX-License-Identifier: Apache-2.0
#pragma once

// Uniswap V3 `SqrtPriceMath`: prices after an amount and amounts between two prices, with the
// contract's rounding direction in every function. Prices are Q64.96 (< 2^160), liquidity is
// uint128, amounts are wei. Every function returns false where the contract reverts.

#include "macf/dex/full_math.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// 2^96, the Q64.96 unit (a function: device code cannot read host constants).
MACF_HD constexpr U256 q96() noexcept { return U256{0, 1ULL << 32, 0, 0}; }
/// q96() for host code.
inline constexpr U256 kQ96 = q96();

/// `getNextSqrtPriceFromAmount0RoundingUp`: the price after adding (`add`) or removing
/// `amount` wei of token0 at liquidity L, rounded up: L·2^96·√P / (L·2^96 ± amount·√P).
MACF_HD constexpr bool next_sqrt_price_from_amount0_rounding_up(const U256& sqrt_price,
                                                                const U256& liquidity,
                                                                const U256& amount, bool add,
                                                                U256& out) noexcept {
    if (amount.is_zero()) {
        out = sqrt_price;
        return true;
    }
    const U256 numerator1 = liquidity << 96;
    U256 product;
    const bool product_overflows = mul_overflow(amount, sqrt_price, product);
    if (add) {
        if (!product_overflows) {
            U256 denominator;
            if (!add_overflow(numerator1, product, denominator)) {
                return mul_div_rounding_up(numerator1, sqrt_price, denominator, out) &&
                       out.fits_bits(160);
            }
        }
        U256 denominator;
        if (sqrt_price.is_zero() || add_overflow(numerator1 / sqrt_price, amount, denominator)) {
            return false;
        }
        out = div_rounding_up(numerator1, denominator);
        return out.fits_bits(160);
    }
    if (product_overflows || !(numerator1 > product)) return false;
    return mul_div_rounding_up(numerator1, sqrt_price, numerator1 - product, out) &&
           out.fits_bits(160);
}

/// `getNextSqrtPriceFromAmount1RoundingDown`: the price after adding or removing `amount` wei
/// of token1: √P ± amount·2^96/L, the quotient rounded down when adding and up when removing.
MACF_HD constexpr bool next_sqrt_price_from_amount1_rounding_down(const U256& sqrt_price,
                                                                  const U256& liquidity,
                                                                  const U256& amount, bool add,
                                                                  U256& out) noexcept {
    const bool small = amount.fits_bits(160);
    U256 quotient;
    if (add) {
        if (small) {
            if (liquidity.is_zero()) return false;
            quotient = (amount << 96) / liquidity;
        } else if (!mul_div(amount, q96(), liquidity, quotient)) {
            return false;
        }
        return !add_overflow(sqrt_price, quotient, out) && out.fits_bits(160);
    }
    if (small) {
        if (liquidity.is_zero()) return false;
        quotient = div_rounding_up(amount << 96, liquidity);
    } else if (!mul_div_rounding_up(amount, q96(), liquidity, quotient)) {
        return false;
    }
    if (!(sqrt_price > quotient)) return false;
    out = sqrt_price - quotient;
    return true;
}

/// `getNextSqrtPriceFromInput`: the price after `amount_in` wei (fee already removed) of
/// token0 (`zero_for_one`) or token1. Requires √P > 0 and L > 0.
MACF_HD constexpr bool next_sqrt_price_from_input(const U256& sqrt_price, const U256& liquidity,
                                                  const U256& amount_in, bool zero_for_one,
                                                  U256& out) noexcept {
    if (sqrt_price.is_zero() || liquidity.is_zero()) return false;
    return zero_for_one ? next_sqrt_price_from_amount0_rounding_up(sqrt_price, liquidity, amount_in,
                                                                   true, out)
                        : next_sqrt_price_from_amount1_rounding_down(sqrt_price, liquidity,
                                                                     amount_in, true, out);
}

/// `getNextSqrtPriceFromOutput`: the price after taking `amount_out` wei of token1
/// (`zero_for_one`) or token0 out of the pool. Requires √P > 0 and L > 0.
MACF_HD constexpr bool next_sqrt_price_from_output(const U256& sqrt_price, const U256& liquidity,
                                                   const U256& amount_out, bool zero_for_one,
                                                   U256& out) noexcept {
    if (sqrt_price.is_zero() || liquidity.is_zero()) return false;
    return zero_for_one ? next_sqrt_price_from_amount1_rounding_down(sqrt_price, liquidity,
                                                                     amount_out, false, out)
                        : next_sqrt_price_from_amount0_rounding_up(sqrt_price, liquidity,
                                                                   amount_out, false, out);
}

/// `getAmount0Delta`: token0 wei between two prices at liquidity L,
/// L·2^96·(√P_b − √P_a)/√P_b/√P_a, rounded up or down as asked. Requires both prices > 0.
MACF_HD constexpr bool amount0_delta(U256 sqrt_a, U256 sqrt_b, const U256& liquidity, bool round_up,
                                     U256& out) noexcept {
    if (sqrt_a > sqrt_b) {
        const U256 t = sqrt_a;
        sqrt_a = sqrt_b;
        sqrt_b = t;
    }
    out = U256{};
    if (sqrt_a.is_zero()) return false;
    const U256 numerator1 = liquidity << 96;
    const U256 numerator2 = sqrt_b - sqrt_a;
    U256 t;
    if (round_up) {
        if (!mul_div_rounding_up(numerator1, numerator2, sqrt_b, t)) return false;
        out = div_rounding_up(t, sqrt_a);
        return true;
    }
    if (!mul_div(numerator1, numerator2, sqrt_b, t)) return false;
    out = t / sqrt_a;
    return true;
}

/// `getAmount1Delta`: token1 wei between two prices at liquidity L, L·(√P_b − √P_a)/2^96,
/// rounded up or down as asked.
MACF_HD constexpr bool amount1_delta(U256 sqrt_a, U256 sqrt_b, const U256& liquidity, bool round_up,
                                     U256& out) noexcept {
    if (sqrt_a > sqrt_b) {
        const U256 t = sqrt_a;
        sqrt_a = sqrt_b;
        sqrt_b = t;
    }
    return round_up ? mul_div_rounding_up(liquidity, sqrt_b - sqrt_a, q96(), out)
                    : mul_div(liquidity, sqrt_b - sqrt_a, q96(), out);
}

}  // namespace macf::dex
