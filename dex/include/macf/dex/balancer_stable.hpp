// SPDX-License-Identifier: Apache-2.0
#pragma once

// Balancer V2 stable pools (StablePool, MetaStablePool; ComposableStablePool swaps between its
// main tokens once the BPT is left out): `StableMath` in its two deployed versions. The legacy
// one (`_calculateInvariant(amp, balances, roundUp)`: StablePool and MetaStablePool) rounds the
// invariant up for swaps; the current one (ComposableStablePool and later) has one invariant
// formula that rounds down. Amounts are upscaled by the scaling
// factors (rate providers included) with mulDown, as `BaseGeneralPool.onSwap` does.

#include <cstdint>

#include "macf/dex/balancer_math.hpp"
#include "macf/dex/balancer_weighted.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Which StableMath a pool was deployed with.
enum class BalancerStableMath : std::uint8_t {
    kLegacy,   ///< `_calculateInvariant(amp, balances, roundUp)`, invariant rounded up for swaps
    kCurrent,  ///< `_calculateInvariant(amp, balances)`, rounded down
};

/// StableMath's amplification precision: amp values are A · 1000.
inline constexpr U256 kBalancerAmpPrecision{1000};

/// The state of a stable pool (BPT excluded).
struct BalancerStableView {
    unsigned n = 0;                            ///< tokens, 2..kBalancerMaxTokens
    U256 balances[kBalancerMaxTokens];         ///< wei per token
    U256 scaling_factors[kBalancerMaxTokens];  ///< 10^18 · 10^(18 − decimals) · rate
    U256 amp;                                  ///< A · 1000
    U256 swap_fee;                             ///< 10^18 = 100 %
    BalancerStableMath math = BalancerStableMath::kCurrent;  ///< the pool's StableMath
};

namespace detail {

/// StableMath `_calculateInvariant` (both versions) on upscaled balances.
MACF_HD constexpr BalancerStatus stable_invariant(const U256* balances, unsigned n, const U256& amp,
                                                  BalancerStableMath math,
                                                  U256& invariant) noexcept {
    CheckedMath m;
    const U256 count{n};
    U256 sum;
    for (unsigned i = 0; i < n; ++i) sum = m.add(sum, balances[i]);
    invariant = U256{};
    if (m.failed) return BalancerStatus::kMathRevert;
    if (sum.is_zero()) return BalancerStatus::kOk;
    invariant = sum;
    const U256 amp_times_total = amp * count;
    for (int iteration = 0; iteration < 255; ++iteration) {
        const U256 previous = invariant;
        if (math == BalancerStableMath::kLegacy) {
            const bool round_up = true;  // swaps ask for the invariant rounded up
            U256 p_d = balances[0] * count;
            for (unsigned j = 1; j < n; ++j) {
                p_d = m.div(m.mul(m.mul(p_d, balances[j]), count), invariant, round_up);
            }
            invariant = m.div(m.add(m.mul(m.mul(count, invariant), invariant),
                                    m.div(m.mul(m.mul(amp_times_total, sum), p_d),
                                          kBalancerAmpPrecision, round_up)),
                              m.add(m.mul(count + U256{1}, invariant),
                                    m.div(m.mul(amp_times_total - kBalancerAmpPrecision, p_d),
                                          kBalancerAmpPrecision, !round_up)),
                              round_up);
        } else {
            U256 d_p = invariant;
            for (unsigned j = 0; j < n; ++j) {
                d_p = m.div(m.mul(d_p, invariant), m.mul(balances[j], count));
            }
            invariant = m.div(m.mul(m.add(m.div(m.mul(amp_times_total, sum), kBalancerAmpPrecision),
                                          m.mul(d_p, count)),
                                    invariant),
                              m.add(m.div(m.mul(amp_times_total - kBalancerAmpPrecision, invariant),
                                          kBalancerAmpPrecision),
                                    m.mul(count + U256{1}, d_p)));
        }
        if (m.failed) return BalancerStatus::kMathRevert;
        const bool converged = invariant > previous ? invariant - previous <= U256{1}
                                                    : previous - invariant <= U256{1};
        if (converged) return BalancerStatus::kOk;
    }
    return BalancerStatus::kNotConverged;
}

/// StableMath `_getTokenBalanceGivenInvariantAndAllOtherBalances` (same in both versions).
MACF_HD constexpr BalancerStatus stable_balance_given_invariant(const U256* balances, unsigned n,
                                                                const U256& amp,
                                                                const U256& invariant,
                                                                unsigned index,
                                                                U256& balance) noexcept {
    CheckedMath m;
    const U256 count{n};
    const U256 amp_times_total = amp * count;
    U256 sum = balances[0];
    U256 p_d = balances[0] * count;
    for (unsigned j = 1; j < n; ++j) {
        p_d = m.div(m.mul(m.mul(p_d, balances[j]), count), invariant);
        sum = m.add(sum, balances[j]);
    }
    sum = sum - balances[index];
    const U256 inv2 = m.mul(invariant, invariant);
    const U256 c = m.mul(m.mul(m.div_up(inv2, m.mul(amp_times_total, p_d)), kBalancerAmpPrecision),
                         balances[index]);
    const U256 b = m.add(sum, m.mul(m.div(invariant, amp_times_total), kBalancerAmpPrecision));
    balance = m.div_up(m.add(inv2, c), m.add(invariant, b));
    for (int iteration = 0; iteration < 255; ++iteration) {
        const U256 previous = balance;
        balance = m.div_up(m.add(m.mul(balance, balance), c),
                           m.sub(m.add(m.mul(balance, U256{2}), b), invariant));
        if (m.failed) return BalancerStatus::kMathRevert;
        const bool converged =
            balance > previous ? balance - previous <= U256{1} : previous - balance <= U256{1};
        if (converged) return BalancerStatus::kOk;
    }
    return BalancerStatus::kNotConverged;
}

}  // namespace detail

/// GIVEN_IN: the output in wei of token j for `amount_in` wei of token i (fee included).
MACF_HD constexpr BalancerStatus balancer_stable_out_given_in(const BalancerStableView& pool,
                                                              unsigned i, unsigned j,
                                                              const U256& amount_in,
                                                              U256& amount_out) noexcept {
    amount_out = U256{};
    if (i == j || i >= pool.n || j >= pool.n) return BalancerStatus::kBadToken;
    BalancerFixedPoint fp;
    const U256 net_in = fp.subtract_swap_fee(amount_in, pool.swap_fee);
    U256 balances[kBalancerMaxTokens] = {};
    for (unsigned k = 0; k < pool.n; ++k)
        balances[k] = fp.mul_down(pool.balances[k], pool.scaling_factors[k]);
    const U256 scaled_in = fp.mul_down(net_in, pool.scaling_factors[i]);
    if (fp.m.failed) return BalancerStatus::kMathRevert;
    U256 invariant;
    BalancerStatus s = detail::stable_invariant(balances, pool.n, pool.amp, pool.math, invariant);
    if (s != BalancerStatus::kOk) return s;
    balances[i] = fp.m.add(balances[i], scaled_in);
    U256 final_out;
    s = detail::stable_balance_given_invariant(balances, pool.n, pool.amp, invariant, j, final_out);
    if (s != BalancerStatus::kOk) return s;
    const U256 scaled_out = fp.m.sub(fp.m.sub(balances[j], final_out), U256{1});
    amount_out = fp.div_down(scaled_out, pool.scaling_factors[j]);
    return fp.m.failed ? BalancerStatus::kMathRevert : BalancerStatus::kOk;
}

/// GIVEN_OUT: the input in wei of token i (fee included) that buys `amount_out` wei of token j.
MACF_HD constexpr BalancerStatus balancer_stable_in_given_out(const BalancerStableView& pool,
                                                              unsigned i, unsigned j,
                                                              const U256& amount_out,
                                                              U256& amount_in) noexcept {
    amount_in = U256{};
    if (i == j || i >= pool.n || j >= pool.n) return BalancerStatus::kBadToken;
    BalancerFixedPoint fp;
    U256 balances[kBalancerMaxTokens] = {};
    for (unsigned k = 0; k < pool.n; ++k)
        balances[k] = fp.mul_down(pool.balances[k], pool.scaling_factors[k]);
    const U256 scaled_out = fp.mul_down(amount_out, pool.scaling_factors[j]);
    if (fp.m.failed) return BalancerStatus::kMathRevert;
    U256 invariant;
    BalancerStatus s = detail::stable_invariant(balances, pool.n, pool.amp, pool.math, invariant);
    if (s != BalancerStatus::kOk) return s;
    balances[j] = fp.m.sub(balances[j], scaled_out);
    if (fp.m.failed) return BalancerStatus::kMathRevert;
    U256 final_in;
    s = detail::stable_balance_given_invariant(balances, pool.n, pool.amp, invariant, i, final_in);
    if (s != BalancerStatus::kOk) return s;
    const U256 scaled_in = fp.m.add(fp.m.sub(final_in, balances[i]), U256{1});
    const U256 net_in = fp.div_up(scaled_in, pool.scaling_factors[i]);
    amount_in = fp.add_swap_fee(net_in, pool.swap_fee);
    return fp.m.failed ? BalancerStatus::kMathRevert : BalancerStatus::kOk;
}

}  // namespace macf::dex
