// SPDX-License-Identifier: Apache-2.0
// The proven sizing of Uniswap V2 cycles (docs/sizing.md) against brute force over every input,
// on small random markets where that is possible: coarse tokens (reserves of a few hundred wei
// against tens of thousands), reserves of a few wei, flash fees.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "engine_scan.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/host/engine/coordinator.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/opportunity.hpp"
#include "macf/host/search/token_graph.hpp"
#include "test_markets.hpp"

namespace {

using macf::dex::U256;
namespace host = macf::host;

/// The gross profit (output − input − ⌈input·bps/10^4⌉) of `x` through `edges`, by the
/// contract's getAmountOut hop after hop; nullopt when a hop reverts.
std::optional<std::int64_t> brute_profit(const host::Market& m, const host::TokenGraph& g,
                                         std::span<const std::uint32_t> edges, std::uint64_t x,
                                         std::uint32_t bps) {
    U256 amount{x};
    for (const auto e : edges) {
        const auto& edge = g.edges()[e];
        const auto& s = std::get<host::UniswapV2State>(m.pools[edge.pool].state);
        const U256& r_in = edge.slot_in == 0 ? s.reserve0 : s.reserve1;
        const U256& r_out = edge.slot_in == 0 ? s.reserve1 : s.reserve0;
        U256 out;
        if (macf::dex::v2_get_amount_out(amount, r_in, r_out, macf::dex::v2_fee_from_bps(s.fee_bps),
                                         out) != macf::dex::V2Status::kOk ||
            out.is_zero()) {
            return std::nullopt;
        }
        amount = out;
    }
    const std::uint64_t fee = (x * bps + 9999) / 10000;
    return static_cast<std::int64_t>(amount.w[0]) - static_cast<std::int64_t>(x + fee);
}

/// The brute-force optimum of a cycle: (best gross profit, least input reaching it) over
/// every input up to the last pool's reserve out (no larger input can profit); (0, 0) when none.
std::pair<std::int64_t, std::uint64_t> brute_best(const host::Market& m, const host::TokenGraph& g,
                                                  std::span<const std::uint32_t> edges,
                                                  std::uint32_t bps) {
    const auto& last = g.edges()[edges.back()];
    const auto& s = std::get<host::UniswapV2State>(m.pools[last.pool].state);
    const std::uint64_t limit = (last.slot_in == 0 ? s.reserve1 : s.reserve0).w[0];
    std::int64_t best = 0;
    std::uint64_t best_x = 0;
    for (std::uint64_t x = 1; x <= limit; ++x) {
        const auto p = brute_profit(m, g, edges, x, bps);
        if (p && *p > best) {
            best = *p;
            best_x = x;
        }
    }
    return {best, best_x};
}

struct Checked {
    int cycles = 0;
    int profitable = 0;
    int proven = 0;
};

/// Every cycle of `m` from token 0 sized by resimulate (from `seed_scale` × the brute-force
/// optimum, so a bad seed is covered too) against brute force over [1, last pool's reserve].
void check_market(const host::Market& m, unsigned max_hops, std::uint32_t bps, double seed_scale,
                  Checked& checked) {
    const host::TokenGraph g(m, {});
    const auto cycles = host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, max_hops);
    std::vector<host::PoolState> states;
    for (const auto& p : m.pools) states.push_back(host::pool_state_of(p));
    host::CostModel costs;
    costs.gas_price_wei = 0;
    costs.flash_fee_bps = bps;
    const host::GasPrice gas{U256{}, U256{1}, U256{1}};
    for (std::uint32_t c = 0; c < cycles.size(); ++c) {
        const auto edges = cycles.cycle(c);
        const auto [best, best_x] = brute_best(m, g, edges, bps);
        const double seed = best_x == 0 ? 1.0 : static_cast<double>(best_x) * seed_scale;
        const host::Candidate cand{c, seed, 0.0};
        std::uint32_t evaluations = 0;
        const auto o =
            host::resimulate(m, cycles, g, states, cand, gas, costs, U256{}, &evaluations);
        ++checked.cycles;
        EXPECT_GT(evaluations, 0U);
        if (best <= 0) {
            EXPECT_FALSE(o.has_value()) << "cycle " << c << ": no input is profitable";
            continue;
        }
        ++checked.profitable;
        ASSERT_TRUE(o.has_value()) << "cycle " << c << " makes " << best << " wei at " << best_x;
        EXPECT_EQ(o->net_profit, U256{static_cast<std::uint64_t>(best)}) << "cycle " << c;
        EXPECT_EQ(o->input, U256{best_x}) << "cycle " << c << ": the least optimal input";
        ASSERT_TRUE(o->sizing_gap.has_value());
        if (o->sizing_proven) {
            ++checked.proven;
            EXPECT_TRUE(o->sizing_gap->is_zero());
        }
    }
}

/// A random market of `tokens` tokens: pools between random pairs, reserves drawn from
/// [lo, hi] per token so some tokens are coarse (small reserves), fees of 0.05–1 %.
host::Market random_market(std::mt19937_64& rng, std::uint32_t tokens, std::uint32_t pools) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> scale(tokens);
    for (auto& sc : scale) {
        const int kind = static_cast<int>(rng() % 3);
        sc = kind == 0   ? std::pair{2ULL, 40ULL}
             : kind == 1 ? std::pair{200ULL, 2000ULL}
                         : std::pair{5000ULL, 60000ULL};
    }
    std::vector<macf::test::PoolSpec> specs;
    const std::uint32_t fees[] = {5, 30, 25, 100};
    while (specs.size() < pools) {
        const auto a = static_cast<std::uint32_t>(rng() % tokens);
        const auto b = static_cast<std::uint32_t>(rng() % tokens);
        if (a == b) continue;
        const auto draw = [&rng](std::pair<std::uint64_t, std::uint64_t> r) {
            return U256{r.first + rng() % (r.second - r.first + 1)};
        };
        specs.push_back({a, b, draw(scale[a]), draw(scale[b]), fees[rng() % 4]});
    }
    return macf::test::v2_market(tokens, specs);
}

TEST(ProvenSizing, V2CyclesReachTheBruteForceOptimum) {
    std::mt19937_64 rng(20261202);
    Checked checked;
    for (int market = 0; market < 40; ++market) {
        const auto m = random_market(rng, 4, 7);
        const std::uint32_t bps = market % 3 == 0 ? 9 : 0;
        const double seed_scale = market % 4 == 0 ? 1e-3 : market % 4 == 1 ? 50.0 : 1.0;
        check_market(m, 3, bps, seed_scale, checked);
    }
    // The draw makes enough profitable cycles to mean something, and the windows fit.
    EXPECT_GT(checked.profitable, 100);
    EXPECT_EQ(checked.proven, checked.profitable);
}

TEST(ProvenSizing, EveryProfitableCycleIsReportedInEveryMode) {
    // Recall end to end: the approximate filter (dex::may_clear over the smooth score, an upper
    // bound for V2 hops) and the exact sizing together report exactly the cycles with a
    // profitable input, at the brute-force optimum, above a minimum profit too.
    std::mt19937_64 rng(4242);
    int profitable = 0;
    for (int market = 0; market < 40; ++market) {
        const auto m = random_market(rng, 4, 7);
        const host::TokenGraph g(m, {});
        const auto cycles = host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, 3);
        const std::int64_t min_profit = market % 2 == 0 ? 0 : 25;
        std::map<std::uint32_t, std::int64_t> expected;
        for (std::uint32_t c = 0; c < cycles.size(); ++c) {
            const std::int64_t best = brute_best(m, g, cycles.cycle(c), 0).first;
            if (best > min_profit) expected[c] = best;
        }
        profitable += static_cast<int>(expected.size());
        host::CostModel costs;
        costs.gas_price_wei = 0;
        for (const auto mode : {host::Mode::kSequential, host::Mode::kBatch, host::Mode::kParallel,
                                host::Mode::kUltra}) {
            const host::CoordinatorConfig cfg{mode, 2, 64, false};
            const auto r = macf::test::full_round(m, g, cycles, cfg, costs,
                                                  U256{static_cast<std::uint64_t>(min_profit)});
            std::map<std::uint32_t, std::int64_t> got;
            for (const auto& o : r.opportunities) {
                got[o.cycle] = static_cast<std::int64_t>(o.net_profit.w[0]);
            }
            EXPECT_EQ(got, expected) << "market " << market << " mode " << host::mode_name(mode);
        }
    }
    EXPECT_GT(profitable, 60);
}

TEST(ProvenSizing, MinAmountInIsTheLeastInputPayingTheOutput) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20000; ++i) {
        const U256 r_in{1 + rng() % 100000};
        const U256 r_out{2 + rng() % 100000};
        const U256 out{1 + rng() % (r_out.w[0] - 1)};
        const auto fee = macf::dex::v2_fee_from_bps(static_cast<std::uint32_t>(rng() % 100));
        U256 x;
        ASSERT_EQ(macf::dex::v2_min_amount_in(out, r_in, r_out, fee, x), macf::dex::V2Status::kOk);
        U256 got;
        ASSERT_EQ(macf::dex::v2_get_amount_out(x, r_in, r_out, fee, got), macf::dex::V2Status::kOk);
        EXPECT_GE(got, out);
        if (x > U256{1}) {
            ASSERT_EQ(macf::dex::v2_get_amount_out(x - U256{1}, r_in, r_out, fee, got),
                      macf::dex::V2Status::kOk);
            EXPECT_LT(got, out);
        }
    }
    U256 x;
    EXPECT_EQ(
        macf::dex::v2_min_amount_in(U256{10}, U256{5}, U256{10}, macf::dex::v2_fee_from_bps(30), x),
        macf::dex::V2Status::kInsufficientLiquidity);
}

TEST(ProvenSizing, LargePoolsGetAProvenBoundOfAFewWei) {
    // Reserves of thousands of ether: the window holds ~10^10 inputs, so the search bounds
    // what it does not enumerate. The bound must be small and the result seed-independent.
    const U256 e18{1000000000000000000ULL};
    const auto m = macf::test::v2_market(3, {{0, 1, U256{1000} * e18, U256{2000} * e18},
                                             {1, 2, U256{3000} * e18, U256{900} * e18},
                                             {2, 0, U256{500} * e18, U256{1000} * e18}});
    const host::TokenGraph g(m, {});
    const auto cycles = host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, 3);
    std::vector<host::PoolState> states;
    for (const auto& p : m.pools) states.push_back(host::pool_state_of(p));
    host::CostModel costs;
    costs.gas_price_wei = 0;
    const host::GasPrice gas{U256{}, U256{1}, U256{1}};
    int found = 0;
    for (std::uint32_t c = 0; c < cycles.size(); ++c) {
        const auto a = host::resimulate(m, cycles, g, states, {c, 1e19, 0.0}, gas, costs, U256{});
        const auto b = host::resimulate(m, cycles, g, states, {c, 3e16, 0.0}, gas, costs, U256{});
        ASSERT_EQ(a.has_value(), b.has_value());
        if (!a) continue;
        ++found;
        ASSERT_TRUE(a->sizing_gap.has_value());
        ASSERT_TRUE(b->sizing_gap.has_value());
        EXPECT_LE(*a->sizing_gap, U256{64});
        // Both results lie within the other's proven bound.
        EXPECT_LE(b->net_profit, a->net_profit + *a->sizing_gap);
        EXPECT_LE(a->net_profit, b->net_profit + *b->sizing_gap);
    }
    EXPECT_EQ(found, 1);
}

}  // namespace
