// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "macf/dex/full_math.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Largest reserve a Uniswap V2 pair can hold: the pair stores reserves as uint112.
inline constexpr unsigned kUniswapV2ReserveBits = 112;

/// The input fee of a Uniswap V2 style pair as the contract applies it: the input is multiplied
/// by `multiplier` and the reserve by `denominator` (Uniswap V2 and SushiSwap: 997/1000;
/// PancakeSwap V2: 9975/10000). Built from a fee in basis points by `v2_fee_from_bps`.
struct V2Fee {
    std::uint32_t multiplier;   ///< denominator − fee, e.g. 997
    std::uint32_t denominator;  ///< 1000 or 10000
};

/// The fee of `fee_bps` basis points (0 ≤ fee_bps < 10000) in the form the forks' libraries use:
/// per-mille (x/1000) when the fee is a whole number of tenths of a percent, as Uniswap V2 and
/// SushiSwap write 997/1000, else per-ten-thousand (PancakeSwap's 9975/10000). Both give the
/// same quotient; the smaller denominator also reproduces where the contract's SafeMath reverts.
MACF_HD constexpr V2Fee v2_fee_from_bps(std::uint32_t fee_bps) noexcept {
    if (fee_bps % 10 == 0) return {1000U - fee_bps / 10, 1000U};
    return {10000U - fee_bps, 10000U};
}

/// Why a V2 quote failed; each mirrors a revert of `UniswapV2Library` or of SafeMath.
enum class V2Status : std::uint8_t {
    kOk = 0,
    kInsufficientInputAmount,   ///< amountIn == 0
    kInsufficientOutputAmount,  ///< amountOut == 0
    kInsufficientLiquidity,     ///< a reserve is 0, or amountOut ≥ reserveOut
    kOverflow,                  ///< an intermediate product exceeds 2^256 − 1 (SafeMath revert)
};

/// `UniswapV2Library.getAmountOut`: the output in wei of token out for `amount_in` wei of token
/// in, rounded down exactly as the contract does:
/// out = ⌊in·m·R_out / (R_in·d + in·m)⌋ with the fee m/d.
MACF_HD constexpr V2Status v2_get_amount_out(const U256& amount_in, const U256& reserve_in,
                                             const U256& reserve_out, V2Fee fee,
                                             U256& amount_out) noexcept {
    amount_out = U256{};
    if (amount_in.is_zero()) return V2Status::kInsufficientInputAmount;
    if (reserve_in.is_zero() || reserve_out.is_zero()) return V2Status::kInsufficientLiquidity;
    U256 in_with_fee;
    if (mul_overflow(amount_in, U256{fee.multiplier}, in_with_fee)) return V2Status::kOverflow;
    U256 numerator;
    if (mul_overflow(in_with_fee, reserve_out, numerator)) return V2Status::kOverflow;
    U256 scaled_reserve;
    if (mul_overflow(reserve_in, U256{fee.denominator}, scaled_reserve)) return V2Status::kOverflow;
    U256 denominator;
    if (add_overflow(scaled_reserve, in_with_fee, denominator)) return V2Status::kOverflow;
    amount_out = numerator / denominator;
    return V2Status::kOk;
}

/// `UniswapV2Library.getAmountIn`: the input in wei needed for `amount_out` wei of output,
/// in = ⌊R_in·out·d / ((R_out − out)·m)⌋ + 1 (the contract's +1 rounds up).
MACF_HD constexpr V2Status v2_get_amount_in(const U256& amount_out, const U256& reserve_in,
                                            const U256& reserve_out, V2Fee fee,
                                            U256& amount_in) noexcept {
    amount_in = U256{};
    if (amount_out.is_zero()) return V2Status::kInsufficientOutputAmount;
    if (reserve_in.is_zero() || reserve_out.is_zero() || amount_out >= reserve_out) {
        return V2Status::kInsufficientLiquidity;
    }
    U256 t;
    if (mul_overflow(reserve_in, amount_out, t)) return V2Status::kOverflow;
    U256 numerator;
    if (mul_overflow(t, U256{fee.denominator}, numerator)) return V2Status::kOverflow;
    U256 denominator;
    if (mul_overflow(reserve_out - amount_out, U256{fee.multiplier}, denominator)) {
        return V2Status::kOverflow;
    }
    amount_in = numerator / denominator + U256{1};
    return V2Status::kOk;
}

/// The least input in wei for which getAmountOut pays at least `amount_out` wei:
/// ⌈out·R_in·d / ((R_out − out)·m)⌉ (getAmountIn adds 1 to the floor instead, one wei more
/// when the division is exact). 0 for an output of 0. kInsufficientLiquidity when
/// out ≥ R_out or a reserve is 0; kOverflow when the product passes 2^512 or the input 2^256.
MACF_HD constexpr V2Status v2_min_amount_in(const U256& amount_out, const U256& reserve_in,
                                            const U256& reserve_out, V2Fee fee,
                                            U256& amount_in) noexcept {
    amount_in = U256{};
    if (amount_out.is_zero()) return V2Status::kOk;
    if (reserve_in.is_zero() || reserve_out.is_zero() || amount_out >= reserve_out) {
        return V2Status::kInsufficientLiquidity;
    }
    U256 scaled_out;
    if (mul_overflow(amount_out, U256{fee.denominator}, scaled_out)) return V2Status::kOverflow;
    U256 denominator;
    if (mul_overflow(reserve_out - amount_out, U256{fee.multiplier}, denominator)) {
        return V2Status::kOverflow;
    }
    if (!mul_div_rounding_up(scaled_out, reserve_in, denominator, amount_in)) {
        return V2Status::kOverflow;
    }
    return V2Status::kOk;
}

}  // namespace macf::dex
