// SPDX-License-Identifier: Apache-2.0
#pragma once

// Curve StableSwap plain pools (2 to 4 coins): get_D, get_y, get_dy and the amount `exchange`
// pays, in the two families of deployed code:
//  - a_precision = 1: the 3pool era (StableSwap3Pool.vy): raw A, loops that `break` after 255
//    iterations, and a get_dy that takes the fee after converting to coin units;
//  - a_precision = 100: the pool templates (SwapTemplateBase.vy and the plain factory pools):
//    A·100 internally, loops that `return` on convergence and revert after 255, the fee taken
//    before converting.
// Balances are coin wei; rates are Curve's RATES (10^18 · 10^(18 − decimals) for plain coins).
// Every operation is checked as Vyper checks it.

#include <cstdint>

#include "macf/dex/checked_math.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Most coins a plain pool modelled here can have.
inline constexpr unsigned kCurveMaxCoins = 4;
/// Curve's fixed-point unit (PRECISION) and fee denominator (10^10 = 100 %).
inline constexpr U256 kCurvePrecision{1000000000000000000ULL};
inline constexpr U256 kCurveFeeDenominator{10000000000ULL};

/// The state of a plain StableSwap pool.
struct CurveStableView {
    unsigned n = 0;                 ///< coins, 2..kCurveMaxCoins
    U256 balances[kCurveMaxCoins];  ///< wei per coin
    U256 rates[kCurveMaxCoins];     ///< RATES per coin (10^36 / 10^decimals for plain coins)
    U256 amp;                       ///< A · a_precision (the value `_A()` returns)
    std::uint32_t a_precision = 1;  ///< 1 (3pool era) or 100 (templates)
    U256 fee;                       ///< 10^10 = 100 %
};

/// Why a Curve computation reverted.
enum class CurveStatus : std::uint8_t {
    kOk = 0,
    kBadCoin,       ///< i = j or an index out of range
    kMathRevert,    ///< overflow, underflow or division by zero (Vyper reverts)
    kNotConverged,  ///< a template pool's Newton loop did not converge in 255 steps
};

namespace detail {

/// |a − b| ≤ 1.
MACF_HD constexpr bool within_one(const U256& a, const U256& b) noexcept {
    return a > b ? a - b <= U256{1} : b - a <= U256{1};
}

}  // namespace detail

/// `_xp`: balances in the pool's common 18-decimal unit, rates[i]·balances[i] / 10^18.
MACF_HD constexpr bool curve_xp(const CurveStableView& pool, U256 (&xp)[kCurveMaxCoins]) noexcept {
    CheckedMath m;
    for (unsigned i = 0; i < pool.n; ++i)
        xp[i] = m.div(m.mul(pool.rates[i], pool.balances[i]), kCurvePrecision);
    return !m.failed;
}

/// `get_D`: the StableSwap invariant of `xp` (18-decimal units) for amp = A · a_precision.
MACF_HD constexpr CurveStatus curve_get_d(const U256 (&xp)[kCurveMaxCoins], unsigned n,
                                          const U256& amp, std::uint32_t a_precision,
                                          U256& d) noexcept {
    CheckedMath m;
    const U256 coins{n};
    U256 s;
    for (unsigned i = 0; i < n; ++i) s = m.add(s, xp[i]);
    d = U256{};
    if (m.failed) return CurveStatus::kMathRevert;
    if (s.is_zero()) return CurveStatus::kOk;
    d = s;
    const U256 ann = m.mul(amp, coins);
    const U256 precision{a_precision};
    for (int iteration = 0; iteration < 255; ++iteration) {
        U256 d_p = d;
        for (unsigned i = 0; i < n; ++i) d_p = m.div(m.mul(d_p, d), m.mul(xp[i], coins));
        const U256 d_prev = d;
        if (a_precision == 1) {
            d = m.div(m.mul(m.add(m.mul(ann, s), m.mul(d_p, coins)), d),
                      m.add(m.mul(m.sub(ann, U256{1}), d), m.mul(coins + U256{1}, d_p)));
        } else {
            d = m.div(m.mul(m.add(m.div(m.mul(ann, s), precision), m.mul(d_p, coins)), d),
                      m.add(m.div(m.mul(m.sub(ann, precision), d), precision),
                            m.mul(coins + U256{1}, d_p)));
        }
        if (m.failed) return CurveStatus::kMathRevert;
        if (detail::within_one(d, d_prev)) return CurveStatus::kOk;
    }
    return a_precision == 1 ? CurveStatus::kOk : CurveStatus::kNotConverged;
}

/// The balance of coin `target` (18-decimal units) that gives invariant `d` with the other
/// coins' balances at `xs` (`xs[target]` is ignored): the Newton loop get_y and get_y_D share.
MACF_HD constexpr CurveStatus curve_solve_balance(const U256 (&xs)[kCurveMaxCoins], unsigned n,
                                                  unsigned target, const U256& amp,
                                                  std::uint32_t a_precision, const U256& d,
                                                  U256& y) noexcept {
    y = U256{};
    if (target >= n) return CurveStatus::kBadCoin;
    CheckedMath m;
    const U256 coins{n};
    const U256 ann = m.mul(amp, coins);
    U256 c = d;
    U256 s;
    for (unsigned k = 0; k < n; ++k) {
        if (k == target) continue;
        s = m.add(s, xs[k]);
        c = m.div(m.mul(c, d), m.mul(xs[k], coins));
    }
    U256 b;
    if (a_precision == 1) {
        c = m.div(m.mul(c, d), m.mul(ann, coins));
        b = m.add(s, m.div(d, ann));
    } else {
        const U256 precision{a_precision};
        c = m.div(m.mul(m.mul(c, d), precision), m.mul(ann, coins));
        b = m.add(s, m.div(m.mul(d, precision), ann));
    }
    y = d;
    for (int iteration = 0; iteration < 255; ++iteration) {
        const U256 y_prev = y;
        y = m.div(m.add(m.mul(y, y), c), m.sub(m.add(m.mul(U256{2}, y), b), d));
        if (m.failed) return CurveStatus::kMathRevert;
        if (detail::within_one(y, y_prev)) return CurveStatus::kOk;
    }
    return a_precision == 1 ? CurveStatus::kOk : CurveStatus::kNotConverged;
}

/// `get_y`: the balance of coin j (18-decimal units) that keeps the invariant when coin i's
/// balance becomes x.
MACF_HD constexpr CurveStatus curve_get_y(unsigned i, unsigned j, const U256& x,
                                          const U256 (&xp)[kCurveMaxCoins], unsigned n,
                                          const U256& amp, std::uint32_t a_precision,
                                          U256& y) noexcept {
    y = U256{};
    if (i == j || i >= n || j >= n) return CurveStatus::kBadCoin;
    U256 d;
    const CurveStatus sd = curve_get_d(xp, n, amp, a_precision, d);
    if (sd != CurveStatus::kOk) return sd;
    U256 xs[kCurveMaxCoins] = {};
    for (unsigned k = 0; k < n; ++k) xs[k] = xp[k];
    xs[i] = x;
    return curve_solve_balance(xs, n, j, amp, a_precision, d, y);
}

/// Output of swapping `dx` wei of coin i for coin j. `view_quote` selects what the pool's
/// `get_dy` returns; otherwise what `exchange` transfers (they differ by rounding in the 3pool
/// family, where get_dy takes the fee after converting to coin units). Rounded down.
MACF_HD constexpr CurveStatus curve_swap_out(const CurveStableView& pool, unsigned i, unsigned j,
                                             const U256& dx, bool view_quote, U256& dy) noexcept {
    dy = U256{};
    if (i == j || i >= pool.n || j >= pool.n) return CurveStatus::kBadCoin;
    U256 xp[kCurveMaxCoins] = {};
    if (!curve_xp(pool, xp)) return CurveStatus::kMathRevert;
    CheckedMath m;
    const U256 x = m.add(xp[i], m.div(m.mul(dx, pool.rates[i]), kCurvePrecision));
    if (m.failed) return CurveStatus::kMathRevert;
    U256 y;
    const CurveStatus sy = curve_get_y(i, j, x, xp, pool.n, pool.amp, pool.a_precision, y);
    if (sy != CurveStatus::kOk) return sy;
    const U256 raw = m.sub(m.sub(xp[j], y), U256{1});
    if (pool.a_precision == 1 && view_quote) {
        const U256 coin_units = m.div(m.mul(raw, kCurvePrecision), pool.rates[j]);
        const U256 fee = m.div(m.mul(pool.fee, coin_units), kCurveFeeDenominator);
        dy = m.sub(coin_units, fee);
    } else {
        const U256 fee = m.div(m.mul(raw, pool.fee), kCurveFeeDenominator);
        dy = m.div(m.mul(m.sub(raw, fee), kCurvePrecision), pool.rates[j]);
    }
    return m.failed ? CurveStatus::kMathRevert : CurveStatus::kOk;
}

/// `calc_token_amount`: the LP tokens minted for depositing (or burned for withdrawing)
/// `amounts` (wei per coin), ignoring fees as the view does: total_supply·|D1 − D0|/D0.
MACF_HD constexpr CurveStatus curve_calc_token_amount(const CurveStableView& pool,
                                                      const U256 (&amounts)[kCurveMaxCoins],
                                                      bool deposit, const U256& total_supply,
                                                      U256& tokens) noexcept {
    tokens = U256{};
    CurveStableView after = pool;
    CheckedMath m;
    for (unsigned i = 0; i < pool.n; ++i) {
        after.balances[i] =
            deposit ? m.add(pool.balances[i], amounts[i]) : m.sub(pool.balances[i], amounts[i]);
    }
    U256 xp0[kCurveMaxCoins] = {};
    U256 xp1[kCurveMaxCoins] = {};
    if (m.failed || !curve_xp(pool, xp0) || !curve_xp(after, xp1)) return CurveStatus::kMathRevert;
    U256 d0;
    U256 d1;
    CurveStatus s = curve_get_d(xp0, pool.n, pool.amp, pool.a_precision, d0);
    if (s != CurveStatus::kOk) return s;
    s = curve_get_d(xp1, pool.n, pool.amp, pool.a_precision, d1);
    if (s != CurveStatus::kOk) return s;
    const U256 diff = deposit ? m.sub(d1, d0) : m.sub(d0, d1);
    tokens = m.div(m.mul(diff, total_supply), d0);
    return m.failed ? CurveStatus::kMathRevert : CurveStatus::kOk;
}

/// `get_y_D`: coin i's balance (18-decimal units) that gives invariant `d` with the others fixed.
MACF_HD constexpr CurveStatus curve_get_y_d(unsigned i, const U256 (&xp)[kCurveMaxCoins],
                                            unsigned n, const U256& amp, std::uint32_t a_precision,
                                            const U256& d, U256& y) noexcept {
    return curve_solve_balance(xp, n, i, amp, a_precision, d, y);
}

/// `calc_withdraw_one_coin`: wei of coin i paid for burning `token_amount` LP tokens, with the
/// imbalance fee fee·n/(4(n−1)) and the "−1" the pools subtract, rounded down.
MACF_HD constexpr CurveStatus curve_calc_withdraw_one_coin(const CurveStableView& pool,
                                                           const U256& token_amount, unsigned i,
                                                           const U256& total_supply,
                                                           U256& dy) noexcept {
    dy = U256{};
    if (i >= pool.n) return CurveStatus::kBadCoin;
    U256 xp[kCurveMaxCoins] = {};
    if (!curve_xp(pool, xp)) return CurveStatus::kMathRevert;
    CheckedMath m;
    U256 d0;
    CurveStatus s = curve_get_d(xp, pool.n, pool.amp, pool.a_precision, d0);
    if (s != CurveStatus::kOk) return s;
    const U256 d1 = m.sub(d0, m.div(m.mul(token_amount, d0), total_supply));
    if (m.failed) return CurveStatus::kMathRevert;
    U256 new_y;
    s = curve_get_y_d(i, xp, pool.n, pool.amp, pool.a_precision, d1, new_y);
    if (s != CurveStatus::kOk) return s;
    const U256 coins{pool.n};
    const U256 fee = m.div(m.mul(pool.fee, coins), m.mul(U256{4}, coins - U256{1}));
    U256 reduced[kCurveMaxCoins] = {};
    for (unsigned k = 0; k < pool.n; ++k) {
        const U256 scaled = m.div(m.mul(xp[k], d1), d0);
        const U256 expected = k == i ? m.sub(scaled, new_y) : m.sub(xp[k], scaled);
        reduced[k] = m.sub(xp[k], m.div(m.mul(fee, expected), kCurveFeeDenominator));
    }
    if (m.failed) return CurveStatus::kMathRevert;
    U256 y_reduced;
    s = curve_get_y_d(i, reduced, pool.n, pool.amp, pool.a_precision, d1, y_reduced);
    if (s != CurveStatus::kOk) return s;
    const U256 raw = m.sub(m.sub(reduced[i], y_reduced), U256{1});
    // 3pool: (dy − 1) / PRECISION_MUL[i]; templates: (dy − 1)·PRECISION / rates[i] (equal).
    dy = m.div(m.mul(raw, kCurvePrecision), pool.rates[i]);
    return m.failed ? CurveStatus::kMathRevert : CurveStatus::kOk;
}

/// `get_virtual_price`: the value of one LP token in the pool's 18-decimal unit,
/// D · 10^18 / total_supply (rounded down), D the invariant at the current balances and A.
MACF_HD constexpr CurveStatus curve_get_virtual_price(const CurveStableView& pool,
                                                      const U256& total_supply,
                                                      U256& price) noexcept {
    price = U256{};
    U256 xp[kCurveMaxCoins] = {};
    if (!curve_xp(pool, xp)) return CurveStatus::kMathRevert;
    U256 d;
    const CurveStatus s = curve_get_d(xp, pool.n, pool.amp, pool.a_precision, d);
    if (s != CurveStatus::kOk) return s;
    CheckedMath m;
    price = m.div(m.mul(d, kCurvePrecision), total_supply);
    return m.failed ? CurveStatus::kMathRevert : CurveStatus::kOk;
}

/// A metapool: a 2-coin pool of a coin and a base pool's LP token (rates[1] is the base
/// pool's virtual price as the metapool caches it), A_PRECISION family, over its base pool.
struct CurveMetaView {
    CurveStableView meta;  ///< coin 0: the pool's own coin, coin 1: the base LP token
    CurveStableView base;  ///< the base pool (3pool for most metapools)
    U256 base_lp_supply;   ///< totalSupply of the base pool's LP token
};

/// `get_dy_underlying(i, j, dx)` of a metapool: underlying index 0 is the metapool's own coin,
/// 1.. are the base pool's coins. Through the base pool's `calc_token_amount` (minus half its
/// fee) when the input is a base coin, `calc_withdraw_one_coin` when the output is; the base
/// pool's own get_dy when both are base coins.
MACF_HD constexpr CurveStatus curve_meta_get_dy_underlying(const CurveMetaView& pool, unsigned i,
                                                           unsigned j, const U256& dx,
                                                           U256& dy) noexcept {
    dy = U256{};
    const unsigned count = 1 + pool.base.n;
    if (i == j || i >= count || j >= count || pool.meta.n != 2) return CurveStatus::kBadCoin;
    if (i >= 1 && j >= 1) return curve_swap_out(pool.base, i - 1, j - 1, dx, true, dy);
    U256 xp[kCurveMaxCoins] = {};
    if (!curve_xp(pool.meta, xp)) return CurveStatus::kMathRevert;
    CheckedMath m;
    const U256& vp_rate = pool.meta.rates[1];
    U256 x;
    if (i == 0) {
        x = m.add(xp[0], m.div(m.mul(dx, pool.meta.rates[0]), kCurvePrecision));
    } else {
        U256 inputs[kCurveMaxCoins] = {};
        inputs[i - 1] = dx;
        U256 minted;
        const CurveStatus s =
            curve_calc_token_amount(pool.base, inputs, true, pool.base_lp_supply, minted);
        if (s != CurveStatus::kOk) return s;
        x = m.div(m.mul(minted, vp_rate), kCurvePrecision);
        x = m.sub(x, m.div(m.mul(x, pool.base.fee), m.mul(U256{2}, kCurveFeeDenominator)));
        x = m.add(x, xp[1]);
    }
    if (m.failed) return CurveStatus::kMathRevert;
    const unsigned meta_i = i == 0 ? 0 : 1;
    const unsigned meta_j = j == 0 ? 0 : 1;
    U256 y;
    const CurveStatus sy =
        curve_get_y(meta_i, meta_j, x, xp, 2, pool.meta.amp, pool.meta.a_precision, y);
    if (sy != CurveStatus::kOk) return sy;
    U256 out = m.sub(m.sub(xp[meta_j], y), U256{1});
    out = m.sub(out, m.div(m.mul(pool.meta.fee, out), kCurveFeeDenominator));
    if (j == 0) {
        dy = m.div(m.mul(out, kCurvePrecision), pool.meta.rates[0]);
        return m.failed ? CurveStatus::kMathRevert : CurveStatus::kOk;
    }
    if (m.failed) return CurveStatus::kMathRevert;
    return curve_calc_withdraw_one_coin(pool.base, m.div(m.mul(out, kCurvePrecision), vp_rate),
                                        j - 1, pool.base_lp_supply, dy);
}

}  // namespace macf::dex
