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
                 bool exact_input, PoolQuote& q) {
    if (!exact_input) {
        q.error = "Curve plain pools offer no exact-output swap (use --amount-in)";
        return;
    }
    dex::CurveStableView view;
    view.n = static_cast<unsigned>(s.balances.size());
    for (unsigned k = 0; k < view.n; ++k) {
        view.balances[k] = s.balances[k];
        view.rates[k] = s.rates[k];
    }
    view.amp = s.amp;
    view.a_precision = s.a_precision;
    view.fee = s.fee;
    q.amount_in = amount;
    // What `exchange` transfers (the 3pool's get_dy can differ from it by rounding).
    q.error = curve_error(dex::curve_swap_out(
        view, static_cast<unsigned>(in), static_cast<unsigned>(out), amount, false, q.amount_out));
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

PoolQuote quote_pool(const Pool& pool, std::size_t in, std::size_t out, const U256& amount,
                     bool exact_input) {
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
            quote_curve(std::get<CurveStableState>(pool.state), in, out, amount, exact_input, q);
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
