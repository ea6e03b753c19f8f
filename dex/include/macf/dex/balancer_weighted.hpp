// SPDX-License-Identifier: Apache-2.0
#pragma once

// Balancer V2 weighted pools: a swap as the Vault's `querySwap`/`swap` computes it through
// `BaseMinimalSwapInfoPool.onSwap` and `WeightedMath`: the fee taken from the input first
// (mulUp) or added to it last (divUp by 1 − fee), amounts upscaled to 18 decimals (mulDown),
// the power rounded up, the result downscaled down (GIVEN_IN) or up (GIVEN_OUT).

#include <cstdint>

#include "macf/dex/balancer_math.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Most tokens in a Balancer V2 pool modelled here.
inline constexpr unsigned kBalancerMaxTokens = 8;
/// WeightedMath's _MAX_IN_RATIO and _MAX_OUT_RATIO: 30 % of the balance.
inline constexpr U256 kBalancerMaxSwapRatio{300000000000000000ULL};

/// Why a Balancer computation reverted.
enum class BalancerStatus : std::uint8_t {
    kOk = 0,
    kBadToken,      ///< i = j or an index out of range
    kMaxInRatio,    ///< input above 30 % of the balance in (BAL#304)
    kMaxOutRatio,   ///< output above 30 % of the balance out (BAL#305)
    kMathRevert,    ///< overflow, underflow, division by zero or a LogExpMath bound
    kNotConverged,  ///< StableMath's Newton iteration did not converge (BAL#321/322)
};

/// The state of a weighted pool.
struct BalancerWeightedView {
    unsigned n = 0;                            ///< tokens, 2..kBalancerMaxTokens
    U256 balances[kBalancerMaxTokens];         ///< wei per token
    U256 weights[kBalancerMaxTokens];          ///< normalised, 10^18 = 100 %
    U256 scaling_factors[kBalancerMaxTokens];  ///< 10^18 · 10^(18 − decimals)
    U256 swap_fee;                             ///< 10^18 = 100 %
    BalancerPowVersion pow_version = BalancerPowVersion::kV1;
};

/// GIVEN_IN: the output in wei of token j for `amount_in` wei of token i (fee included).
MACF_HD constexpr BalancerStatus balancer_weighted_out_given_in(const BalancerWeightedView& pool,
                                                                unsigned i, unsigned j,
                                                                const U256& amount_in,
                                                                U256& amount_out) noexcept {
    amount_out = U256{};
    if (i == j || i >= pool.n || j >= pool.n) return BalancerStatus::kBadToken;
    BalancerFixedPoint fp;
    const U256 net_in = fp.subtract_swap_fee(amount_in, pool.swap_fee);
    const U256 balance_in = fp.mul_down(pool.balances[i], pool.scaling_factors[i]);
    const U256 balance_out = fp.mul_down(pool.balances[j], pool.scaling_factors[j]);
    const U256 scaled_in = fp.mul_down(net_in, pool.scaling_factors[i]);
    if (fp.m.failed) return BalancerStatus::kMathRevert;
    if (scaled_in > fp.mul_down(balance_in, kBalancerMaxSwapRatio))
        return BalancerStatus::kMaxInRatio;
    const U256 base = fp.div_up(balance_in, fp.m.add(balance_in, scaled_in));
    const U256 exponent = fp.div_down(pool.weights[i], pool.weights[j]);
    const U256 power = fp.pow_up(base, exponent, pool.pow_version);
    const U256 scaled_out = fp.mul_down(balance_out, BalancerFixedPoint::complement(power));
    amount_out = fp.div_down(scaled_out, pool.scaling_factors[j]);
    return fp.m.failed ? BalancerStatus::kMathRevert : BalancerStatus::kOk;
}

/// GIVEN_OUT: the input in wei of token i (fee included) that buys `amount_out` wei of token j.
MACF_HD constexpr BalancerStatus balancer_weighted_in_given_out(const BalancerWeightedView& pool,
                                                                unsigned i, unsigned j,
                                                                const U256& amount_out,
                                                                U256& amount_in) noexcept {
    amount_in = U256{};
    if (i == j || i >= pool.n || j >= pool.n) return BalancerStatus::kBadToken;
    BalancerFixedPoint fp;
    const U256 balance_in = fp.mul_down(pool.balances[i], pool.scaling_factors[i]);
    const U256 balance_out = fp.mul_down(pool.balances[j], pool.scaling_factors[j]);
    const U256 scaled_out = fp.mul_down(amount_out, pool.scaling_factors[j]);
    if (fp.m.failed) return BalancerStatus::kMathRevert;
    if (scaled_out > fp.mul_down(balance_out, kBalancerMaxSwapRatio))
        return BalancerStatus::kMaxOutRatio;
    const U256 base = fp.div_up(balance_out, fp.m.sub(balance_out, scaled_out));
    const U256 exponent = fp.div_up(pool.weights[j], pool.weights[i]);
    const U256 power = fp.pow_up(base, exponent, pool.pow_version);
    const U256 scaled_in = fp.mul_up(balance_in, fp.m.sub(power, kBalancerOne));
    const U256 net_in = fp.div_up(scaled_in, pool.scaling_factors[i]);
    amount_in = fp.add_swap_fee(net_in, pool.swap_fee);
    return fp.m.failed ? BalancerStatus::kMathRevert : BalancerStatus::kOk;
}

}  // namespace macf::dex
