// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/edge_table.hpp"

#include <cmath>

#include "macf/dex/uniswap_v2.hpp"
#include "macf/host/model/pool_quote.hpp"

namespace macf::host {
namespace {

constexpr double kTwo96 = 79228162514264337593543950336.0;

dex::HopCoeffs v2_coeffs(const Edge& e, const PoolState& s) noexcept {
    const dex::V2Fee fee = dex::v2_fee_from_bps(s.fee);
    const double gamma = static_cast<double>(fee.multiplier) / static_cast<double>(fee.denominator);
    const double r0 = dex::to_double(s.x);
    const double r1 = dex::to_double(s.y);
    return e.slot_in == 0 ? dex::constant_product_hop(r0, r1, gamma)
                          : dex::constant_product_hop(r1, r0, gamma);
}

dex::HopCoeffs v3_coeffs(const Edge& e, const PoolState& s) noexcept {
    const double sqrt_price = dex::to_double(s.x) / kTwo96;
    const double liquidity = dex::to_double(s.y);
    if (!(sqrt_price > 0.0) || !(liquidity > 0.0)) return {0.0, 0.0};
    const double gamma = 1.0 - static_cast<double>(s.fee) / 1e6;
    const double r0 = liquidity / sqrt_price;  // virtual token0 reserve, wei
    const double r1 = liquidity * sqrt_price;  // virtual token1 reserve, wei
    return e.slot_in == 0 ? dex::constant_product_hop(r0, r1, gamma)
                          : dex::constant_product_hop(r1, r0, gamma);
}

/// out = b_o·(1 − (b_i/(b_i + γx))^w), w = w_i/w_o: a = γ·w·b_o/b_i, c = (w + 1)·γ/(2·b_i);
/// exact (c = γ/b_i) for equal weights.
dex::HopCoeffs weighted_coeffs(const Edge& e, const BalancerWeightedState& s) noexcept {
    const double b_in = dex::to_double(s.balances[e.slot_in]);
    const double b_out = dex::to_double(s.balances[e.slot_out]);
    if (!(b_in > 0.0) || !(b_out > 0.0)) return {0.0, 0.0};
    const double gamma = 1.0 - dex::to_double(s.swap_fee) / 1e18;
    const double w = dex::to_double(s.weights[e.slot_in]) / dex::to_double(s.weights[e.slot_out]);
    return {gamma * w * b_out / b_in, (w + 1.0) * gamma / (2.0 * b_in)};
}

/// Fits out(x) = a·x/(1 + c·x) through two exact quotes: 1/out is linear in 1/x.
dex::HopCoeffs fitted_coeffs(const Edge& e, const Pool& pool, const dex::U256& balance_in) {
    const dex::U256 small = (balance_in >> 20) + dex::U256{1000};
    const dex::U256 large = (balance_in >> 7) + dex::U256{1000000};
    const PoolQuote q1 = quote_pool(pool, e.slot_in, e.slot_out, small, true);
    const PoolQuote q2 = quote_pool(pool, e.slot_in, e.slot_out, large, true);
    if (!q1.ok() || !q2.ok() || q1.amount_out.is_zero() || q2.amount_out.is_zero()) {
        return {0.0, 0.0};
    }
    const double u1 = 1.0 / dex::to_double(small);
    const double u2 = 1.0 / dex::to_double(large);
    const double v1 = 1.0 / dex::to_double(q1.amount_out);
    const double v2 = 1.0 / dex::to_double(q2.amount_out);
    const double slope = (v1 - v2) / (u1 - u2);
    if (!(slope > 0.0)) return {0.0, 0.0};
    const double a = 1.0 / slope;
    double c = a * v1 - u1;
    // A fit flatter than linear (rounding in the quotes) would size trades without bound;
    // fall back to the curvature of a constant-product pool of the same depth.
    if (!(c > 0.0)) c = a / dex::to_double(balance_in);
    return {a, c};
}

}  // namespace

dex::HopCoeffs edge_coeffs(const Edge& e, const Pool& pool, const PoolState& s) {
    switch (pool.kind) {
        case PoolKind::kUniswapV2:
            return s.valid ? v2_coeffs(e, s) : dex::HopCoeffs{0.0, 0.0};
        case PoolKind::kUniswapV3:
            return s.valid ? v3_coeffs(e, s) : dex::HopCoeffs{0.0, 0.0};
        case PoolKind::kBalancerWeighted:
            return weighted_coeffs(e, std::get<BalancerWeightedState>(pool.state));
        case PoolKind::kCurveStable:
            return fitted_coeffs(e, pool,
                                 std::get<CurveStableState>(pool.state).balances[e.slot_in]);
        case PoolKind::kBalancerStable:
            return fitted_coeffs(e, pool,
                                 std::get<BalancerStableState>(pool.state).balances[e.slot_in]);
        case PoolKind::kCurveMeta: {
            const auto& meta = std::get<CurveMetaState>(pool.state);
            return fitted_coeffs(
                e, pool,
                e.slot_in < 2 ? meta.balances[e.slot_in] : meta.base.balances[e.slot_in - 2U]);
        }
    }
    return {0.0, 0.0};
}

std::vector<dex::HopCoeffs> build_edge_table(const Market& market, const TokenGraph& graph,
                                             std::span<const PoolState> states) {
    std::vector<dex::HopCoeffs> table(graph.edges().size());
    for (std::size_t e = 0; e < table.size(); ++e) {
        const Edge& edge = graph.edges()[e];
        table[e] = edge_coeffs(edge, market.pools[edge.pool], states[edge.pool]);
    }
    return table;
}

}  // namespace macf::host
