// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "engine_scan.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/host/engine/coordinator.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "test_markets.hpp"

namespace {

using macf::dex::U256;

const U256 kE18{1000000000000000000ULL};

/// Exact profit of the 2-hop cycle W→A (pool 0) → W (pool 1) for `x` wei, or −1.
long double exact_profit(const macf::host::Market& m, std::uint64_t x) {
    const auto& p0 = std::get<macf::host::UniswapV2State>(m.pools[0].state);
    const auto& p1 = std::get<macf::host::UniswapV2State>(m.pools[1].state);
    U256 mid;
    U256 out;
    if (macf::dex::v2_get_amount_out(U256{x}, p0.reserve0, p0.reserve1,
                                     macf::dex::v2_fee_from_bps(30),
                                     mid) != macf::dex::V2Status::kOk)
        return -1;
    if (macf::dex::v2_get_amount_out(mid, p1.reserve1, p1.reserve0, macf::dex::v2_fee_from_bps(30),
                                     out) != macf::dex::V2Status::kOk)
        return -1;
    return static_cast<long double>(macf::dex::to_double(out)) - static_cast<long double>(x);
}

TEST(Opportunity, ExactAmountsAndIntegerOptimum) {
    // Small reserves so the integer optimum can be checked by brute force over every input.
    const auto m = macf::test::v2_market(
        2, {{0, 1, U256{1'000'000}, U256{2'000'000}}, {0, 1, U256{1'100'000}, U256{2'000'000}}});
    const macf::host::TokenGraph g(m, {});
    const auto cycles = macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, 2);
    macf::host::CoordinatorConfig cfg;
    cfg.mode = macf::host::Mode::kSequential;
    macf::host::CostModel costs;
    costs.gas_price_wei = 0;
    const auto r = macf::test::full_round(m, g, cycles, cfg, costs, U256{});
    ASSERT_EQ(r.opportunities.size(), 1U);  // only the direction buying A cheap in pool 0
    const auto& o = r.opportunities[0];
    ASSERT_EQ(o.hops.size(), 2U);
    EXPECT_EQ(o.hops[0].pool, 0U);
    EXPECT_EQ(o.hops[0].amount_in, o.input);
    EXPECT_EQ(o.hops[1].amount_in, o.hops[0].amount_out);
    EXPECT_EQ(o.hops[1].amount_out, o.output);
    EXPECT_EQ(o.net_profit, o.output - o.input);
    // The reported input achieves the best exact profit of all inputs (brute force).
    long double best = -1;
    for (std::uint64_t x = 1; x < 200'000; ++x) best = std::max(best, exact_profit(m, x));
    EXPECT_EQ(static_cast<long double>(macf::dex::to_double(o.net_profit)), best);
}

TEST(Opportunity, GasAndFlashFeeAreNettedExactly) {
    const auto m = macf::test::v2_market(2, {{0, 1, U256{1000} * kE18, U256{2000} * kE18},
                                             {0, 1, U256{1100} * kE18, U256{2000} * kE18}});
    const macf::host::TokenGraph g(m, {});
    const auto cycles = macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, 2);
    const macf::host::CoordinatorConfig cfg{macf::host::Mode::kSequential, 1, 64, false};
    macf::host::CostModel costs;
    costs.gas_price_wei = 30'000'000'000;
    costs.flash_fee_bps = 5;
    const auto r = macf::test::full_round(m, g, cycles, cfg, costs, U256{});
    ASSERT_EQ(r.opportunities.size(), 1U);
    const auto& o = r.opportunities[0];
    EXPECT_EQ(o.gas_cost, U256{(costs.base_gas + 2 * costs.v2_hop_gas) * costs.gas_price_wei});
    EXPECT_EQ(o.flash_fee, (o.input * U256{5} + U256{9999}) / U256{10000});  // rounded up
    EXPECT_EQ(o.net_profit, o.output - o.input - o.flash_fee - o.gas_cost);
    // A minimum profit above it removes it.
    const auto none = macf::test::full_round(m, g, cycles, cfg, costs, o.net_profit);
    EXPECT_TRUE(none.opportunities.empty());
}

TEST(Opportunity, GasInAnotherBaseUsesDeepestNativePool) {
    // Two USDC/WETH pools; the deeper prices 1 WETH = 3000 USDC.
    auto m = macf::test::v2_market(3, {{0, 1, U256{10} * kE18, U256{20000} * kE18},
                                       {0, 1, U256{1000} * kE18, U256{3'000'000} * kE18}});
    macf::host::CostModel costs;
    costs.gas_price_wei = 10'000'000'000;
    const U256 weth_gas{(costs.base_gas + 3 * costs.v2_hop_gas) * costs.gas_price_wei};
    EXPECT_EQ(macf::host::gas_cost_in(m, costs, 0, 3), weth_gas);
    EXPECT_EQ(macf::host::gas_cost_in(m, costs, 1, 3), weth_gas * U256{3000});
    EXPECT_THROW((void)macf::host::gas_cost_in(m, costs, 2, 3), macf::host::MarketError);
    costs.gas_price_wei = 0;
    EXPECT_EQ(macf::host::gas_cost_in(m, costs, 2, 3), U256{});
}

}  // namespace
