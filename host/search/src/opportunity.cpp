// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/opportunity.hpp"

#include <algorithm>

#include "cycle_eval.hpp"
#include "macf/dex/full_math.hpp"
#include "sizing.hpp"

namespace macf::host {
using dex::U256;

std::uint64_t hop_gas(const CostModel& costs, PoolKind kind) noexcept {
    switch (kind) {
        case PoolKind::kUniswapV2:
            return costs.v2_hop_gas;
        case PoolKind::kUniswapV3:
            return costs.v3_hop_gas;
        case PoolKind::kCurveStable:
            return costs.curve_hop_gas;
        case PoolKind::kCurveMeta:
            // An underlying swap is the metapool's exchange plus a deposit into or a withdrawal
            // from its base pool: two Curve hops (an estimate; a swap for the LP token is one).
            return 2 * costs.curve_hop_gas;
        case PoolKind::kBalancerWeighted:
        case PoolKind::kBalancerStable:
            return costs.balancer_hop_gas;
    }
    return costs.v2_hop_gas;
}

std::uint64_t min_hop_gas(const CostModel& costs) noexcept {
    return std::min(
        {costs.v2_hop_gas, costs.v3_hop_gas, costs.curve_hop_gas, costs.balancer_hop_gas});
}

U256 GasPrice::cost(std::uint64_t units) const {
    const U256 wei = U256{units} * wei_per_gas;
    if (wei.is_zero()) return {};
    return dex::div_rounding_up(wei * num, den);
}

std::vector<std::uint32_t> gas_price_pools(const Market& market, std::uint32_t native,
                                           std::uint32_t base) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t p = 0; p < market.pools.size(); ++p) {
        const Pool& pool = market.pools[p];
        if (!std::holds_alternative<UniswapV2State>(pool.state)) continue;
        if ((pool.tokens[0] == native && pool.tokens[1] == base) ||
            (pool.tokens[1] == native && pool.tokens[0] == base))
            out.push_back(p);
    }
    return out;
}

GasPrice gas_price_over(const Market& market, const CostModel& costs, std::uint32_t base,
                        std::span<const std::uint32_t> pools) {
    GasPrice price;
    price.wei_per_gas = U256{costs.gas_price_wei};
    if (base == costs.native_token || price.wei_per_gas.is_zero()) return price;
    // Price from the deepest direct pool (largest native-token reserve).
    U256 best_native;
    U256 best_base;
    for (const auto p : pools) {
        const Pool& pool = market.pools.at(p);
        const auto* s = std::get_if<UniswapV2State>(&pool.state);
        if (s == nullptr) continue;
        const bool fwd = pool.tokens[0] == costs.native_token && pool.tokens[1] == base;
        const bool rev = pool.tokens[1] == costs.native_token && pool.tokens[0] == base;
        if (!fwd && !rev) continue;
        const U256& native = fwd ? s->reserve0 : s->reserve1;
        const U256& other = fwd ? s->reserve1 : s->reserve0;
        if (native > best_native && !other.is_zero()) {
            best_native = native;
            best_base = other;
        }
    }
    if (best_native.is_zero()) {
        throw MarketError("cannot price gas in " + market.tokens[base].symbol + " (" +
                          market.tokens[base].address.to_hex() +
                          "): no Uniswap V2 pool pairs it "
                          "with the native token " +
                          market.tokens[costs.native_token].symbol +
                          "; use it with --gas-price-gwei 0 or choose another base");
    }
    price.num = best_base;
    price.den = best_native;
    return price;
}

GasPrice gas_price_in(const Market& market, const CostModel& costs, std::uint32_t base) {
    if (base == costs.native_token || costs.gas_price_wei == 0)
        return gas_price_over(market, costs, base, {});
    return gas_price_over(market, costs, base, gas_price_pools(market, costs.native_token, base));
}

dex::U256 gas_cost_in(const Market& market, const CostModel& costs, std::uint32_t base,
                      unsigned hops) {
    return gas_price_in(market, costs, base).cost(costs.base_gas + costs.v2_hop_gas * hops);
}

std::optional<Opportunity> resimulate(const Market& market, const CycleSet& cycles,
                                      const TokenGraph& graph, std::span<const PoolState> states,
                                      const Candidate& cand, const GasPrice& gas,
                                      const CostModel& costs, const U256& min_profit,
                                      std::uint32_t* evaluations) {
    detail::CycleEvaluator evaluator(market, graph, states, cycles.cycle(cand.cycle),
                                     costs.flash_fee_bps);
    std::uint64_t gas_units = costs.base_gas;
    for (const auto& hop : evaluator.hops()) {
        gas_units += hop_gas(costs, market.pools[hop.pool].kind);
    }
    U256 seed = dex::from_double_floor(cand.input);
    if (seed.is_zero()) seed = U256{1};
    const detail::SizedInput sized = evaluator.v2_only() ? detail::size_v2_cycle(evaluator, seed)
                                                         : detail::size_any_cycle(evaluator, seed);
    if (evaluations) *evaluations = evaluator.evaluations();
    if (sized.input.is_zero()) return std::nullopt;

    Opportunity o;
    o.cycle = cand.cycle;
    o.approx_input = cand.input;
    o.approx_profit = cand.net_profit;
    const auto out = evaluator.fill(sized.input, o.hops);
    if (!out) return std::nullopt;
    o.base_token = o.hops.front().token_in;
    o.input = sized.input;
    o.output = *out;
    o.flash_fee = evaluator.flash_fee(sized.input);
    o.gas_cost = gas.cost(gas_units);
    o.sizing_evaluations = evaluator.evaluations();
    o.sizing_proven = sized.proven;
    if (sized.gap_known) o.sizing_gap = sized.gap;
    const U256 total = o.input + o.flash_fee + o.gas_cost + min_profit;
    if (o.output <= total) return std::nullopt;
    o.net_profit = o.output - o.input - o.flash_fee - o.gas_cost;
    return o;
}

bool ranks_before(const Opportunity& a, const Opportunity& b) noexcept {
    if (a.net_profit != b.net_profit) return a.net_profit > b.net_profit;
    return a.cycle < b.cycle;
}

bool same_opportunities(const std::vector<Opportunity>& a, const std::vector<Opportunity>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].cycle != b[i].cycle || a[i].input != b[i].input || a[i].output != b[i].output ||
            a[i].net_profit != b[i].net_profit || a[i].hops.size() != b[i].hops.size()) {
            return false;
        }
        for (std::size_t h = 0; h < a[i].hops.size(); ++h) {
            if (a[i].hops[h].amount_out != b[i].hops[h].amount_out) return false;
        }
    }
    return true;
}

}  // namespace macf::host
