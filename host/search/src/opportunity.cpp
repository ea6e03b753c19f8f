// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/opportunity.hpp"

#include <algorithm>

#include "macf/dex/full_math.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/host/model/pool_quote.hpp"

namespace macf::host {
namespace {

using dex::U256;

/// Profits are compared as unsigned numbers shifted by 2^255 (amounts stay far below 2^200).
const U256 kProfitBias = U256{1} << 255;

struct CycleView {
    const Market& market;
    const TokenGraph& graph;
    std::span<const PoolState> states;
    std::span<const std::uint32_t> edges;
};

/// The exact output of one hop for `amount` in, or nullopt when the pool reverts (or a V3
/// swap would stop at the price limit with input left over).
std::optional<U256> run_hop(const CycleView& v, const Edge& edge, const U256& amount) {
    const Pool& pool = v.market.pools[edge.pool];
    if (pool.kind == PoolKind::kUniswapV2) {
        const PoolState& s = v.states[edge.pool];
        if (!s.valid) return std::nullopt;
        const U256& r_in = edge.slot_in == 0 ? s.x : s.y;
        const U256& r_out = edge.slot_in == 0 ? s.y : s.x;
        U256 out;
        if (dex::v2_get_amount_out(amount, r_in, r_out, dex::v2_fee_from_bps(s.fee), out) !=
                dex::V2Status::kOk ||
            out.is_zero()) {
            return std::nullopt;
        }
        return out;
    }
    const PoolQuote q = quote_pool(pool, edge.slot_in, edge.slot_out, amount, true);
    if (!q.ok() || q.amount_out.is_zero() || q.amount_in != amount) return std::nullopt;
    return q.amount_out;
}

/// Output of the whole cycle for `input`, or nullopt when a hop reverts.
std::optional<U256> run_cycle(const CycleView& v, const U256& input, std::vector<HopFill>* fills) {
    U256 amount = input;
    for (const auto e : v.edges) {
        const Edge& edge = v.graph.edges()[e];
        const auto out = run_hop(v, edge, amount);
        if (!out) return std::nullopt;
        if (fills) fills->push_back({edge.pool, edge.token_in, edge.token_out, amount, *out});
        amount = *out;
    }
    return amount;
}

/// ⌈input · bps / 10^4⌉: the cost model's flash fee (an input below 2^256 / 10^4 cannot
/// overflow; the 512-bit mulDiv covers the rest).
U256 flash_fee_of(const U256& input, std::uint32_t bps) {
    if (bps == 0) return {};
    U256 fee;
    if (!dex::mul_div_rounding_up(input, U256{bps}, U256{10000}, fee)) return U256::max();
    return fee;
}

/// output − input − flash fee, biased by 2^255; the bias alone when a hop reverts.
U256 biased_profit(const CycleView& v, const U256& input, std::uint32_t bps) {
    const auto out = run_cycle(v, input, nullptr);
    if (!out) return kProfitBias - input;  // worse than any trade that returns something
    return kProfitBias + *out - input - flash_fee_of(input, bps);
}

}  // namespace

std::uint64_t hop_gas(const CostModel& costs, PoolKind kind) noexcept {
    switch (kind) {
        case PoolKind::kUniswapV2:
            return costs.v2_hop_gas;
        case PoolKind::kUniswapV3:
            return costs.v3_hop_gas;
        case PoolKind::kCurveStable:
            return costs.curve_hop_gas;
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

namespace {

/// Integer ternary search for the best input in [lo, hi]; updates best_x/best_p.
void ternary_search(const CycleView& v, U256 lo, U256 hi, std::uint32_t bps, U256& best_x,
                    U256& best_p) {
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
        const U256 p1 = biased_profit(v, m1, bps);
        const U256 p2 = biased_profit(v, m2, bps);
        consider(m1, p1);
        consider(m2, p2);
        if (p1 < p2) {
            lo = m1 + U256{1};
        } else {
            hi = m2;
        }
    }
    for (U256 x = lo; x <= hi; x = x + U256{1}) consider(x, biased_profit(v, x, bps));
}

/// Golden-section search for the best input in [lo, hi], down to a width of hi/2^40 (a
/// relative 10^-12 of the input: the profit there is flat far below a wei); one evaluation per
/// step. Updates best_x/best_p.
void golden_search(const CycleView& v, U256 lo, U256 hi, std::uint32_t bps, U256& best_x,
                   U256& best_p) {
    const auto consider = [&](const U256& x, const U256& p) {
        if (p > best_p || (p == best_p && x < best_x)) {
            best_p = p;
            best_x = x;
        }
    };
    const U256 tolerance = (hi >> 40) + U256{4};
    const U256 k_num{381966};  // 1 − 1/φ, in millionths
    const U256 k_den{1000000};
    U256 c = lo + (hi - lo) * k_num / k_den;
    U256 d = hi - (hi - lo) * k_num / k_den;
    if (!(c < d)) d = c + U256{1};
    U256 fc = biased_profit(v, c, bps);
    U256 fd = biased_profit(v, d, bps);
    consider(c, fc);
    consider(d, fd);
    for (int step = 0; step < 256 && hi - lo > tolerance; ++step) {
        if (fc < fd) {  // the maximum is right of c
            lo = c;
            c = d;
            fc = fd;
            d = hi - (hi - lo) * k_num / k_den;
            if (!(c < d)) d = c + U256{1};
            if (d > hi) break;
            fd = biased_profit(v, d, bps);
            consider(d, fd);
        } else {  // the maximum is left of d
            hi = d;
            d = c;
            fd = fc;
            c = lo + (hi - lo) * k_num / k_den;
            if (!(c < d)) {
                if (d <= lo + U256{1}) break;
                c = d - U256{1};
            }
            fc = biased_profit(v, c, bps);
            consider(c, fc);
        }
    }
}

/// The window ±x/1024 + 16 around x (at least 1).
void narrow_window(const U256& x, U256& lo, U256& hi) {
    const U256 span = (x >> 10) + U256{16};
    lo = x > span ? x - span : U256{1};
    hi = x + span;
}

}  // namespace

std::optional<Opportunity> resimulate(const Market& market, const CycleSet& cycles,
                                      const TokenGraph& graph, std::span<const PoolState> states,
                                      const Candidate& cand, const GasPrice& gas,
                                      const CostModel& costs, const U256& min_profit) {
    const CycleView v{market, graph, states, cycles.cycle(cand.cycle)};
    const std::uint32_t bps = costs.flash_fee_bps;
    std::uint64_t gas_units = costs.base_gas;
    bool v2_only = true;
    for (const auto e : v.edges) {
        const PoolKind kind = market.pools[graph.edges()[e].pool].kind;
        gas_units += hop_gas(costs, kind);
        v2_only = v2_only && kind == PoolKind::kUniswapV2;
    }
    // Integer search around the approximate optimum. The exact profit is the concave
    // continuous profit floored at each hop, so it is unimodal up to a few wei; the best point
    // seen wins, ties to the smaller input. The closed form is exact for V2 hops, so a ternary
    // search within ±x*/1024 suffices there. Other kinds were scored approximately (V3 within
    // its current range, fitted stable curves), which can miss the optimum by orders of
    // magnitude: a doubling scan over x*·2^k brackets it first, then a golden-section search
    // narrows the two doublings around the best point.
    U256 x0 = dex::from_double_floor(cand.input);
    if (x0.is_zero()) x0 = U256{1};
    U256 best_x = x0;
    U256 best_p = biased_profit(v, x0, bps);
    U256 lo;
    U256 hi;
    if (v2_only) {
        narrow_window(x0, lo, hi);
        ternary_search(v, lo, hi, bps, best_x, best_p);
    } else {
        // Doubling scan down from 64·x*, stopped two doublings after the profit starts to fall
        // (it is concave), then golden-section search over the doublings around the best.
        U256 x = x0.bit_width() < 200 ? x0 << 6 : x0;
        U256 best_k_x = best_x;
        U256 previous = U256{};
        int falling = 0;
        while (!x.is_zero() && falling < 2) {
            const U256 p = biased_profit(v, x, bps);
            if (p > best_p || (p == best_p && x < best_x)) {
                best_p = p;
                best_x = x;
                best_k_x = x;
            }
            falling = p < previous && best_k_x > x ? falling + 1 : 0;
            previous = p;
            x = x >> 1;
        }
        lo = (best_k_x >> 1) + U256{1};
        hi = best_k_x.bit_width() < 250 ? best_k_x << 1 : best_k_x;
        golden_search(v, lo, hi, bps, best_x, best_p);
    }
    // Outputs are floored, so the output is a staircase in the input: within the step of
    // best_x the smallest input pays the least for the same output. Binary search for it
    // (outputs never decrease with the input), within ±best_x/1024.
    if (const auto best_out = run_cycle(v, best_x, nullptr)) {
        U256 step_lo = best_x > (best_x >> 10) + U256{1} ? best_x - (best_x >> 10) : U256{1};
        U256 step_hi = best_x;
        while (step_lo < step_hi) {
            const U256 mid = step_lo + (step_hi - step_lo) / U256{2};
            const auto out = run_cycle(v, mid, nullptr);
            if (out && *out == *best_out) {
                step_hi = mid;
            } else {
                step_lo = mid + U256{1};
            }
        }
        const U256 p = biased_profit(v, step_hi, bps);
        if (p >= best_p) {
            best_x = step_hi;
            best_p = p;
        }
    }

    Opportunity o;
    o.cycle = cand.cycle;
    o.approx_input = cand.input;
    o.approx_profit = cand.net_profit;
    const auto out = run_cycle(v, best_x, &o.hops);
    if (!out) return std::nullopt;
    o.base_token = o.hops.front().token_in;
    o.input = best_x;
    o.output = *out;
    o.flash_fee = flash_fee_of(best_x, bps);
    o.gas_cost = gas.cost(gas_units);
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
