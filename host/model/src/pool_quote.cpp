// SPDX-License-Identifier: Apache-2.0
#include "macf/host/model/pool_quote.hpp"

#include "macf/dex/balancer_stable.hpp"
#include "macf/dex/balancer_weighted.hpp"
#include "macf/dex/curve_stable.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/dex/uniswap_v3.hpp"

namespace macf::host {
namespace {

std::string v2_error(dex::V2Status s) {
    switch (s) {
        case dex::V2Status::kOk:
            return {};
        case dex::V2Status::kInsufficientInputAmount:
            return "UniswapV2Library: INSUFFICIENT_INPUT_AMOUNT";
        case dex::V2Status::kInsufficientOutputAmount:
            return "UniswapV2Library: INSUFFICIENT_OUTPUT_AMOUNT";
        case dex::V2Status::kInsufficientLiquidity:
            return "UniswapV2Library: INSUFFICIENT_LIQUIDITY";
        case dex::V2Status::kOverflow:
            return "ds-math-mul-overflow (an amount past uint256)";
    }
    return "unknown";
}

std::string v3_error(dex::V3Status s) {
    switch (s) {
        case dex::V3Status::kOk:
            return {};
        case dex::V3Status::kZeroAmount:
            return "AS (zero amount)";
        case dex::V3Status::kPriceLimit:
            return "SPL (price limit)";
        case dex::V3Status::kLiquidityUnderflow:
            return "LS (liquidity underflow)";
        case dex::V3Status::kLiquidityOverflow:
            return "LA (liquidity overflow)";
        case dex::V3Status::kMathError:
            return "a FullMath/SqrtPriceMath revert (amount too large)";
        case dex::V3Status::kAmountTooLarge:
            return "amount is not an int256";
    }
    return "unknown";
}

std::string curve_error(dex::CurveStatus s) {
    switch (s) {
        case dex::CurveStatus::kOk:
            return {};
        case dex::CurveStatus::kBadCoin:
            return "bad coin index";
        case dex::CurveStatus::kMathRevert:
            return "reverts (overflow, underflow or division by zero)";
        case dex::CurveStatus::kNotConverged:
            return "reverts (get_D/get_y did not converge)";
    }
    return "unknown";
}

std::string balancer_error(dex::BalancerStatus s) {
    switch (s) {
        case dex::BalancerStatus::kOk:
            return {};
        case dex::BalancerStatus::kBadToken:
            return "bad token index";
        case dex::BalancerStatus::kMaxInRatio:
            return "BAL#304 (input above 30 % of the balance)";
        case dex::BalancerStatus::kMaxOutRatio:
            return "BAL#305 (output above 30 % of the balance)";
        case dex::BalancerStatus::kMathRevert:
            return "reverts (overflow, underflow or a LogExpMath bound)";
        case dex::BalancerStatus::kNotConverged:
            return "BAL#321/322 (StableMath did not converge)";
    }
    return "unknown";
}

void quote_v2(const UniswapV2State& s, std::size_t in, const U256& amount, bool exact_input,
              PoolQuote& q) {
    const U256& r_in = in == 0 ? s.reserve0 : s.reserve1;
    const U256& r_out = in == 0 ? s.reserve1 : s.reserve0;
    const auto fee = dex::v2_fee_from_bps(s.fee_bps);
    if (exact_input) {
        q.amount_in = amount;
        q.error = v2_error(dex::v2_get_amount_out(amount, r_in, r_out, fee, q.amount_out));
        if (q.ok() && q.amount_out.is_zero()) q.error = "UniswapV2: INSUFFICIENT_OUTPUT_AMOUNT";
    } else {
        q.amount_out = amount;
        q.error = v2_error(dex::v2_get_amount_in(amount, r_in, r_out, fee, q.amount_in));
    }
}

void quote_v3(const UniswapV3State& s, std::size_t in, const U256& amount, bool exact_input,
              PoolQuote& q) {
    dex::V3PoolView view;
    view.sqrt_price_x96 = s.sqrt_price_x96;
    view.liquidity = s.liquidity;
    view.tick = s.tick;
    view.fee_pips = s.fee_ppm;
    view.tick_spacing = s.tick_spacing;
    view.ticks = s.ticks.data();
    view.tick_count = s.ticks.size();
    const bool zero_for_one = in == 0;
    const auto r = dex::v3_swap(view, zero_for_one, exact_input, amount,
                                dex::v3_default_price_limit(zero_for_one));
    q.error = v3_error(r.status);
    if (!q.ok()) return;
    q.amount_in = r.amount_in;
    q.amount_out = r.amount_out;
    q.v3_after = V3StateAfter{r.sqrt_price_x96, r.liquidity, r.tick, r.ticks_crossed};
}

void quote_curve(const CurveStableState& s, std::size_t in, std::size_t out, const U256& amount,
                 bool exact_input, CurveRounding rounding, PoolQuote& q) {
    if (!exact_input) {
        q.error = "Curve plain pools offer no exact-output swap (use --amount-in)";
        return;
    }
    q.amount_in = amount;
    q.error = curve_error(dex::curve_swap_out(curve_stable_view(s), static_cast<unsigned>(in),
                                              static_cast<unsigned>(out), amount,
                                              rounding == CurveRounding::kView, q.amount_out));
}

void quote_curve_meta(const CurveMetaState& s, std::size_t in, std::size_t out, const U256& amount,
                      bool exact_input, CurveRounding rounding, PoolQuote& q) {
    if (!exact_input) {
        q.error = "Curve metapools offer no exact-output swap (use --amount-in)";
        return;
    }
    const auto view = curve_meta_view(s);
    if (!view) {
        q.error = "the base pool's get_virtual_price reverts (an empty base pool)";
        return;
    }
    q.amount_in = amount;
    const auto status = curve_meta_swap(*view, in, out, amount, rounding, q.amount_out);
    q.error = status == dex::CurveStatus::kBadCoin
                  ? "a metapool does not swap its base LP token for a base coin (that is a "
                    "deposit into the base pool or a withdrawal from it)"
                  : curve_error(status);
}

void quote_weighted(const BalancerWeightedState& s, std::size_t in, std::size_t out,
                    const U256& amount, bool exact_input, PoolQuote& q) {
    dex::BalancerWeightedView view;
    view.n = static_cast<unsigned>(s.balances.size());
    for (unsigned k = 0; k < view.n; ++k) {
        view.balances[k] = s.balances[k];
        view.weights[k] = s.weights[k];
        view.scaling_factors[k] = s.scaling_factors[k];
    }
    view.swap_fee = s.swap_fee;
    view.pow_version = s.pow_version;
    const auto i = static_cast<unsigned>(in);
    const auto j = static_cast<unsigned>(out);
    if (exact_input) {
        q.amount_in = amount;
        q.error =
            balancer_error(dex::balancer_weighted_out_given_in(view, i, j, amount, q.amount_out));
    } else {
        q.amount_out = amount;
        q.error =
            balancer_error(dex::balancer_weighted_in_given_out(view, i, j, amount, q.amount_in));
    }
}

void quote_stable(const BalancerStableState& s, std::size_t in, std::size_t out, const U256& amount,
                  bool exact_input, PoolQuote& q) {
    dex::BalancerStableView view;
    view.n = static_cast<unsigned>(s.balances.size());
    for (unsigned k = 0; k < view.n; ++k) {
        view.balances[k] = s.balances[k];
        view.scaling_factors[k] = s.scaling_factors[k];
    }
    view.amp = s.amp;
    view.swap_fee = s.swap_fee;
    view.math = s.math;
    const auto i = static_cast<unsigned>(in);
    const auto j = static_cast<unsigned>(out);
    if (exact_input) {
        q.amount_in = amount;
        q.error =
            balancer_error(dex::balancer_stable_out_given_in(view, i, j, amount, q.amount_out));
    } else {
        q.amount_out = amount;
        q.error =
            balancer_error(dex::balancer_stable_in_given_out(view, i, j, amount, q.amount_in));
    }
}

}  // namespace

dex::CurveStableView curve_stable_view(const CurveStableState& s) noexcept {
    dex::CurveStableView view;
    view.n = static_cast<unsigned>(s.balances.size());
    for (unsigned k = 0; k < view.n; ++k) {
        view.balances[k] = s.balances[k];
        view.rates[k] = s.rates[k];
    }
    view.amp = s.amp;
    view.a_precision = s.a_precision;
    view.fee = s.fee;
    return view;
}

std::optional<dex::CurveMetaView> curve_meta_view(const CurveMetaState& s) {
    dex::CurveMetaView view;
    view.meta.n = 2;
    view.meta.balances[0] = s.balances[0];
    view.meta.balances[1] = s.balances[1];
    view.meta.rates[0] = s.rate;
    view.meta.amp = s.amp;
    view.meta.a_precision = s.a_precision;
    view.meta.fee = s.fee;
    view.base = curve_stable_view(s.base);
    view.base_lp_supply = s.base.lp_supply;
    if (s.base_virtual_price) {
        view.meta.rates[1] = *s.base_virtual_price;
    } else if (dex::curve_get_virtual_price(view.base, view.base_lp_supply, view.meta.rates[1]) !=
                   dex::CurveStatus::kOk ||
               view.meta.rates[1].is_zero()) {
        return std::nullopt;
    }
    return view;
}

dex::CurveStatus curve_meta_swap(const dex::CurveMetaView& view, std::size_t in, std::size_t out,
                                 const U256& dx, CurveRounding rounding, U256& dy) noexcept {
    dy = U256{};
    const std::size_t count = 2 + view.base.n;
    if (in == out || in >= count || out >= count || (in == 1 && out >= 2) ||
        (in >= 2 && out == 1)) {
        return dex::CurveStatus::kBadCoin;
    }
    if (in >= 2 && out >= 2) {  // exchange_underlying between base coins: the base pool's swap
        return dex::curve_swap_out(view.base, static_cast<unsigned>(in - 2),
                                   static_cast<unsigned>(out - 2), dx,
                                   rounding == CurveRounding::kView, dy);
    }
    if (in <= 1 && out <= 1) {
        return dex::curve_swap_out(view.meta, static_cast<unsigned>(in), static_cast<unsigned>(out),
                                   dx, rounding == CurveRounding::kView, dy);
    }
    // Underlying indices: 0 the own coin, 1.. the base coins (positions 2.. here).
    const auto underlying = [](std::size_t position) {
        return position == 0 ? 0U : static_cast<unsigned>(position - 1);
    };
    return dex::curve_meta_get_dy_underlying(view, underlying(in), underlying(out), dx, dy);
}

bool pool_trades_pair(const Pool& pool, std::size_t in, std::size_t out) noexcept {
    if (in == out || in >= pool.tokens.size() || out >= pool.tokens.size()) return false;
    return pool.kind != PoolKind::kCurveMeta || in == 0 || out == 0;
}

PoolQuote quote_pool(const Pool& pool, std::size_t in, std::size_t out, const U256& amount,
                     bool exact_input, CurveRounding rounding) {
    PoolQuote q;
    if (in >= pool.tokens.size() || out >= pool.tokens.size() || in == out) {
        q.error = "the pool does not trade that pair of tokens";
        return q;
    }
    if (amount.is_zero()) {
        q.error = "the amount must be positive";
        return q;
    }
    switch (pool.kind) {
        case PoolKind::kUniswapV2:
            quote_v2(std::get<UniswapV2State>(pool.state), in, amount, exact_input, q);
            break;
        case PoolKind::kUniswapV3:
            quote_v3(std::get<UniswapV3State>(pool.state), in, amount, exact_input, q);
            break;
        case PoolKind::kCurveStable:
            quote_curve(std::get<CurveStableState>(pool.state), in, out, amount, exact_input,
                        rounding, q);
            break;
        case PoolKind::kCurveMeta:
            quote_curve_meta(std::get<CurveMetaState>(pool.state), in, out, amount, exact_input,
                             rounding, q);
            break;
        case PoolKind::kBalancerWeighted:
            quote_weighted(std::get<BalancerWeightedState>(pool.state), in, out, amount,
                           exact_input, q);
            break;
        case PoolKind::kBalancerStable:
            quote_stable(std::get<BalancerStableState>(pool.state), in, out, amount, exact_input,
                         q);
            break;
    }
    return q;
}

std::optional<std::size_t> token_position(const Pool& pool, std::uint32_t token) noexcept {
    for (std::size_t k = 0; k < pool.tokens.size(); ++k)
        if (pool.tokens[k] == token) return k;
    return std::nullopt;
}

}  // namespace macf::host
