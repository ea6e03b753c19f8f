// SPDX-License-Identifier: Apache-2.0
// Cycles through Uniswap V3, Curve (plain and metapools) and Balancer pools: every mode finds the
// same opportunities, every hop is what the pool's exact math pays, and the input is the integer
// optimum (no neighbour, near or far, does better).

#include <gtest/gtest.h>

#include <set>

#include "engine_scan.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/engine/coordinator.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/model/pool_quote.hpp"
#include "macf/host/search/cycle_set.hpp"

namespace {

using macf::dex::U256;
using macf::host::Mode;
using macf::host::PoolKind;

macf::host::Market mixed_market(std::uint64_t seed) {
    macf::host::GeneratorOptions o;
    o.seed = seed;
    o.tokens = 40;
    o.pools = 150;
    o.dislocations = 2;
    o.v3_pools = 40;
    o.curve_pools = 3;
    o.balancer_pools = 24;
    o.curve_meta_pools = 6;
    return macf::host::generate_market(o);
}

std::vector<macf::host::Opportunity> scan(const macf::host::Market& m,
                                          const macf::host::TokenGraph& g,
                                          const macf::host::CycleSet& cycles, Mode mode,
                                          std::size_t batch) {
    macf::host::CoordinatorConfig cfg;
    cfg.mode = mode;
    cfg.batch_size = batch;
    cfg.max_workers = 3;
    macf::host::ReserveCache cache;
    macf::host::CostModel costs;
    costs.native_token = m.resolve_token("WETH");
    return macf::test::full_round(m, g, cycles, cfg, costs, U256{}, &cache).opportunities;
}

std::size_t position(const macf::host::Pool& p, std::uint32_t token) {
    for (std::size_t k = 0; k < p.tokens.size(); ++k) {
        if (p.tokens[k] == token) return k;
    }
    return p.tokens.size();
}

/// The cycle's exact output for `input`, hop by hop through quote_pool; nullopt on a revert or
/// a partial V3 fill.
std::optional<U256> cycle_output(const macf::host::Market& m, const macf::host::Opportunity& o,
                                 const U256& input, std::uint32_t* crossed = nullptr) {
    U256 amount = input;
    for (const auto& h : o.hops) {
        const auto& pool = m.pools[h.pool];
        const auto q = macf::host::quote_pool(pool, position(pool, h.token_in),
                                              position(pool, h.token_out), amount, true);
        if (!q.ok() || q.amount_in != amount || q.amount_out.is_zero()) return std::nullopt;
        if (crossed != nullptr && q.v3_after) *crossed += q.v3_after->ticks_crossed;
        amount = q.amount_out;
    }
    return amount;
}

/// The kinds of the cycle's pools, in hop order ("uniswap_v2 > curve_meta > ...").
std::string route_kinds(const macf::host::Market& m, const macf::host::Opportunity& o) {
    std::string out;
    for (const auto& h : o.hops)
        out += (out.empty() ? "" : " > ") + std::string(pool_kind_name(m.pools[h.pool].kind));
    return out;
}

TEST(MixedCycles, ModesAgreeAndEveryOpportunityIsExactAndOptimal) {
    std::set<PoolKind> kinds_seen;
    std::uint32_t most_ticks_crossed = 0;
    std::size_t total = 0;
    std::size_t through_metapools = 0;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const auto m = mixed_market(seed);
        const macf::host::TokenGraph g(m, {});
        const auto cycles =
            macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{m.resolve_token("WETH")}, 3);
        const auto reference = scan(m, g, cycles, Mode::kSequential, 1);
        for (const Mode mode : {Mode::kBatch, Mode::kParallel, Mode::kUltra}) {
            const auto other = scan(m, g, cycles, mode, 7);
            ASSERT_EQ(other.size(), reference.size()) << macf::host::mode_name(mode);
            for (std::size_t i = 0; i < other.size(); ++i) {
                EXPECT_EQ(other[i].cycle, reference[i].cycle);
                EXPECT_EQ(other[i].input, reference[i].input);
                EXPECT_EQ(other[i].net_profit, reference[i].net_profit);
            }
        }
        for (const auto& o : reference) {
            bool mixed = false;
            for (const auto& h : o.hops) {
                kinds_seen.insert(m.pools[h.pool].kind);
                mixed = mixed || m.pools[h.pool].kind != PoolKind::kUniswapV2;
            }
            if (!mixed) continue;
            ++total;
            for (const auto& h : o.hops) {
                if (m.pools[h.pool].kind == PoolKind::kCurveMeta) {
                    ++through_metapools;
                    // The least input paying its output (a metapool hop is inverted by
                    // bisection): one wei less pays less.
                    const auto less = cycle_output(m, o, o.input - U256{1});
                    EXPECT_TRUE(!less || *less < o.output) << route_kinds(m, o);
                    break;
                }
            }
            // Every hop is the pool's exact answer.
            std::uint32_t crossed = 0;
            const auto out = cycle_output(m, o, o.input, &crossed);
            ASSERT_TRUE(out.has_value());
            EXPECT_EQ(*out, o.output);
            most_ticks_crossed = std::max(most_ticks_crossed, crossed);
            // No input next to it, 0.1 % or 1 % away does better (the profit is concave), up
            // to the floors: each hop's output is rounded down to a wei of its token, so a
            // neighbouring step of the staircase may do better by the value of one wei of each
            // hop's output (about output / amount_out in base-token wei).
            const auto profit = [&](const U256& x) -> std::optional<U256> {
                const auto y = cycle_output(m, o, x);
                if (!y || *y <= x) return std::nullopt;
                return *y - x;
            };
            U256 tolerance{o.hops.size()};
            for (const auto& h : o.hops) tolerance = tolerance + o.output / h.amount_out + U256{1};
            const U256 best = o.output - o.input + tolerance;
            for (const U256& x : {o.input - U256{1}, o.input + U256{1},
                                  o.input - o.input / U256{1000}, o.input + o.input / U256{1000},
                                  o.input - o.input / U256{100}, o.input + o.input / U256{100}}) {
                const auto p = profit(x);
                if (p) {
                    EXPECT_LE(*p, best)
                        << "input " << macf::dex::to_string(x) << " instead of "
                        << macf::dex::to_string(o.input) << " through " << route_kinds(m, o);
                }
            }
        }
    }
    EXPECT_GT(total, 10U);
    EXPECT_TRUE(kinds_seen.count(PoolKind::kUniswapV3));
    EXPECT_TRUE(kinds_seen.count(PoolKind::kBalancerWeighted));
    EXPECT_TRUE(kinds_seen.count(PoolKind::kCurveStable) ||
                kinds_seen.count(PoolKind::kBalancerStable));
    EXPECT_GT(through_metapools, 0U);
    EXPECT_GT(most_ticks_crossed, 0U) << "no opportunity crossed an initialized V3 tick";
    std::printf(
        "[ mixed    ] %zu opportunities through V3/Curve/Balancer pools (%zu through Curve "
        "metapools); up to %u initialized V3 ticks crossed in one cycle\n",
        total, through_metapools, most_ticks_crossed);
}

}  // namespace
