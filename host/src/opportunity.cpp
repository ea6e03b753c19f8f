// SPDX-License-Identifier: Apache-2.0
#include "macf/host/opportunity.hpp"

#include "macf/dex/uniswap_v2.hpp"

namespace macf::host {
namespace {

using dex::U256;

/// Profits are compared as unsigned numbers shifted by 2^255 (amounts stay far below 2^200).
const U256 kProfitBias = U256{1} << 255;

struct CycleView {
    const CycleSet& cycles;
    const TokenGraph& graph;
    std::span<const PoolState> states;
    std::span<const std::uint32_t> edges;
};

/// Output of the whole cycle for `input`, or nullopt when a hop reverts.
std::optional<U256> run_cycle(const CycleView& v, const U256& input, std::vector<HopFill>* fills) {
    U256 amount = input;
    for (const auto e : v.edges) {
        const Edge& edge = v.graph.edges()[e];
        const PoolState& s = v.states[edge.pool];
        if (!s.valid || s.kind != PoolKind::kUniswapV2) return std::nullopt;
        const U256& r_in = edge.slot_in == 0 ? s.x : s.y;
        const U256& r_out = edge.slot_in == 0 ? s.y : s.x;
        U256 out;
        if (dex::v2_get_amount_out(amount, r_in, r_out, dex::v2_fee_from_bps(s.fee), out) !=
                dex::V2Status::kOk ||
            out.is_zero()) {
            return std::nullopt;
        }
        if (fills) fills->push_back({edge.pool, edge.token_in, edge.token_out, amount, out});
        amount = out;
    }
    return amount;
}

U256 flash_fee_of(const U256& input, std::uint32_t bps) {
    if (bps == 0) return {};
    const U256 num = input * U256{bps};
    U256 q;
    U256 r;
    dex::divmod(num, U256{10000}, q, r);
    return r.is_zero() ? q : q + U256{1};
}

/// output − input − flash fee, biased by 2^255; the bias alone when a hop reverts.
U256 biased_profit(const CycleView& v, const U256& input, std::uint32_t bps) {
    const auto out = run_cycle(v, input, nullptr);
    if (!out) return kProfitBias - input;  // worse than any trade that returns something
    return kProfitBias + *out - input - flash_fee_of(input, bps);
}

}  // namespace

dex::U256 gas_cost_in(const Market& market, const CostModel& costs, std::uint32_t base,
                      unsigned hops) {
    const U256 gas_wei = U256{costs.base_gas + costs.v2_hop_gas * hops} * U256{costs.gas_price_wei};
    if (base == costs.native_token || gas_wei.is_zero()) return gas_wei;
    // Price from the deepest direct pool (largest native-token reserve).
    U256 best_native;
    U256 best_base;
    for (const Pool& p : market.pools) {
        const auto* s = std::get_if<UniswapV2State>(&p.state);
        if (s == nullptr) continue;
        const bool fwd = p.tokens[0] == costs.native_token && p.tokens[1] == base;
        const bool rev = p.tokens[1] == costs.native_token && p.tokens[0] == base;
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
    U256 q;
    U256 r;
    dex::divmod(gas_wei * best_base, best_native, q, r);
    return r.is_zero() ? q : q + U256{1};
}

std::optional<Opportunity> resimulate(const CycleSet& cycles, const TokenGraph& graph,
                                      std::span<const PoolState> states, const Candidate& cand,
                                      const U256& gas_cost, std::uint32_t flash_fee_bps,
                                      const U256& min_profit) {
    const CycleView v{cycles, graph, states, cycles.cycle(cand.cycle)};
    // Integer ternary search around the closed-form optimum. The exact profit is the concave
    // continuous profit floored at each hop, so within ±1/1024 of x* it is unimodal up to a few
    // wei; the best point seen wins, ties to the smaller input.
    U256 x0 = dex::from_double_floor(cand.input);
    if (x0.is_zero()) x0 = U256{1};
    const U256 span = (x0 >> 10) + U256{16};
    U256 lo = x0 > span ? x0 - span : U256{1};
    U256 hi = x0 + span;
    U256 best_x = x0;
    U256 best_p = biased_profit(v, x0, flash_fee_bps);
    const auto consider = [&](const U256& x, const U256& p) {
        if (p > best_p || (p == best_p && x < best_x)) {
            best_p = p;
            best_x = x;
        }
    };
    while (hi - lo > U256{2}) {
        const U256 third = (hi - lo) / U256{3};
        const U256 m1 = lo + third;
        const U256 m2 = hi - third;
        const U256 p1 = biased_profit(v, m1, flash_fee_bps);
        const U256 p2 = biased_profit(v, m2, flash_fee_bps);
        consider(m1, p1);
        consider(m2, p2);
        if (p1 < p2) {
            lo = m1 + U256{1};
        } else {
            hi = m2;
        }
    }
    for (U256 x = lo; x <= hi; x = x + U256{1}) consider(x, biased_profit(v, x, flash_fee_bps));

    Opportunity o;
    o.cycle = cand.cycle;
    o.approx_input = cand.input;
    o.approx_profit = cand.net_profit;
    const auto out = run_cycle(v, best_x, &o.hops);
    if (!out) return std::nullopt;
    o.base_token = o.hops.front().token_in;
    o.input = best_x;
    o.output = *out;
    o.flash_fee = flash_fee_of(best_x, flash_fee_bps);
    o.gas_cost = gas_cost;
    const U256 costs = o.input + o.flash_fee + o.gas_cost + min_profit;
    if (o.output <= costs) return std::nullopt;
    o.net_profit = o.output - o.input - o.flash_fee - o.gas_cost;
    return o;
}

bool ranks_before(const Opportunity& a, const Opportunity& b) noexcept {
    if (a.net_profit != b.net_profit) return a.net_profit > b.net_profit;
    return a.cycle < b.cycle;
}

}  // namespace macf::host
