// SPDX-License-Identifier: Apache-2.0
#pragma once

// The approximate scoring of a cycle: shared, unchanged, by the sequential, batch and parallel
// CPU modes and by the CUDA kernels. Plain arithmetic in double precision (no fused
// multiply-add: the build passes -ffp-contract=off / -fmad=false), so every mode computes the
// same bits for the same cycle.

#include <cmath>

#include "macf/dex/hd.hpp"

namespace macf::dex {

/// One hop in normalised fractional-linear form: out(x) = a·x / (1 + c·x) for an input x in
/// wei of the hop's input token. `a` is the marginal rate at zero input, fee included
/// (output wei per input wei); `c` is in 1/wei. Hops compose exactly (see `compose_hop`).
struct HopCoeffs {
    double a;  ///< marginal rate at x = 0, fee included
    double c;  ///< curvature, 1/wei of the input token
};

/// The coefficients of a constant-product hop with reserves in wei and the fee factor
/// γ = 1 − fee: a = γ·R_out/R_in, c = γ/R_in. An empty side gives {0, 0}: a hop that outputs
/// nothing, so any cycle through it scores as unprofitable without dividing by zero.
MACF_HD inline HopCoeffs constant_product_hop(double reserve_in, double reserve_out,
                                              double gamma) noexcept {
    if (!(reserve_in > 0.0) || !(reserve_out > 0.0)) return {0.0, 0.0};
    return {gamma * reserve_out / reserve_in, gamma / reserve_in};
}

/// Appends hop `h` to the composite (a, c) of the hops before it:
/// c ← c + a·c_h, then a ← a·a_h. Start from a = 1, c = 0.
MACF_HD inline void compose_hop(double& a, double& c, HopCoeffs h) noexcept {
    c = c + a * h.c;
    a = a * h.a;
}

/// Parameters of the net-profit score, per run of cycles with the same base token and length.
struct ScoreParams {
    double flash_factor;      ///< f = 1 + flash-loan fee as a fraction of the input
    double inv_flash_factor;  ///< 1 / f, precomputed (1.0 exactly when there is no flash fee)
    double gas_cost;          ///< gas cost of the whole cycle, in wei of the base token
};

/// The parameters for a flash-loan fee of `flash_fee` (a fraction: 0.0005 for 5 bps) and a gas
/// cost in wei of the base token.
MACF_HD inline ScoreParams make_score_params(double flash_fee, double gas_cost) noexcept {
    const double f = 1.0 + flash_fee;
    return {f, 1.0 / f, gas_cost};
}

/// The approximate optimum of a cycle with composite (a, c) after hops.
struct CycleScore {
    double input;       ///< optimal input, wei of the base token (0 when not profitable)
    double net_profit;  ///< output − input − flash fee − gas at that input, wei of base token
};

/// Optimal trade of a composite cycle: maximises a·x/(1+c·x) − f·x with f = 1 + flash fee.
/// With s = √(a/f): x* = (s − 1)/c and profit f·(s − 1)·x*, profitable only when a > f; the
/// gas cost is then subtracted. Unprofitable cycles return {0, −gas_cost}.
/// One division and one square root, no branch (selects only) so loops over many cycles
/// vectorise; every caller, scalar or vectorised, CPU or GPU, gets the same bits.
MACF_HD inline CycleScore optimal_trade(double a, double c, ScoreParams p) noexcept {
    const double ratio = a * p.inv_flash_factor;
    const bool ok = (ratio > 1.0) & (c > 0.0);
    const double d = sqrt(ok ? ratio : 1.0) - 1.0;
    const double input = d / (ok ? c : 1.0);  // computed unconditionally, then selected
    const double profit = p.flash_factor * d * input - p.gas_cost;
    return {ok ? input : 0.0, ok ? profit : -p.gas_cost};
}

/// Relative slack of `may_clear`: score_cycle's rounding, about 14 operations of 2^-53 each on
/// the input's scale (the profit's error is ~1.6·10^-15 of the optimal input), with margin.
inline constexpr double kScoreRelativeSlack = 1e-12;
/// Absolute slack of `may_clear`, wei: the rounding of the gas cost and threshold to doubles.
inline constexpr double kScoreAbsoluteSlack = 4.0;

/// The filter every mode applies: true when score `s` could clear `threshold` (wei) once its
/// rounding is allowed for: net + 10^-12·(input + gas + |threshold|) + 4 > threshold. The smooth
/// score bounds a Uniswap V2 cycle's exact integer profit from above (docs/sizing.md), so with
/// the slack no V2 cycle whose exact optimum clears the threshold is dropped. A cycle the score
/// finds unprofitable at the margin (input 0) gets no slack. The same bits on every mode.
MACF_HD inline bool may_clear(const CycleScore& s, const ScoreParams& p,
                              double threshold) noexcept {
    const double scale = s.input + p.gas_cost + (threshold < 0.0 ? -threshold : threshold);
    const double slack = s.input > 0.0 ? kScoreRelativeSlack * scale + kScoreAbsoluteSlack : 0.0;
    return s.net_profit + slack > threshold;
}

/// Scores one cycle whose hops are the edges `edge_ids[0 .. hops)` of the edge table `edges`.
MACF_HD inline CycleScore score_cycle(const unsigned* edge_ids, unsigned hops,
                                      const HopCoeffs* edges, ScoreParams p) noexcept {
    double a = 1.0;
    double c = 0.0;
    for (unsigned h = 0; h < hops; ++h) compose_hop(a, c, edges[edge_ids[h]]);
    return optimal_trade(a, c, p);
}

}  // namespace macf::dex
