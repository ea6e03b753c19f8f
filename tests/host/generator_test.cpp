// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "engine_scan.hpp"
#include "macf/host/engine/coordinator.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/search/cycle_set.hpp"

namespace {

std::string text_of(const macf::host::Market& m) {
    std::ostringstream out;
    macf::host::write_market(m, out);
    return out.str();
}

TEST(Generator, DeterministicPerSeed) {
    macf::host::GeneratorOptions o;
    o.tokens = 100;
    o.pools = 400;
    const auto a = text_of(macf::host::generate_market(o));
    EXPECT_EQ(a, text_of(macf::host::generate_market(o)));
    o.seed = 2;
    EXPECT_NE(a, text_of(macf::host::generate_market(o)));
}

TEST(Generator, ShapeOfTheMarket) {
    macf::host::GeneratorOptions o;
    o.tokens = 500;
    o.pools = 3000;
    const auto m = macf::host::generate_market(o);
    ASSERT_EQ(m.tokens.size(), 500U);
    ASSERT_EQ(m.pools.size(), 3000U);
    // Power-law degrees: the hubs carry far more pools than the median token.
    std::vector<std::uint32_t> degree(m.tokens.size(), 0);
    for (const auto& p : m.pools) {
        for (const auto t : p.tokens) ++degree[t];
        const auto& s = std::get<macf::host::UniswapV2State>(p.state);
        EXPECT_TRUE(s.reserve0.fits_bits(112) && s.reserve1.fits_bits(112));
        EXPECT_LT(m.tokens[p.tokens[0]].address, m.tokens[p.tokens[1]].address);  // factory order
    }
    const std::uint32_t weth = degree[m.resolve_token("WETH")];
    std::vector<std::uint32_t> sorted = degree;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_GT(weth, 20 * std::max(1U, sorted[sorted.size() / 2]));
    EXPECT_EQ(m.tokens[m.resolve_token("USDC")].decimals, 6);
    // The file it writes reads back.
    EXPECT_NO_THROW((void)macf::host::parse_market(text_of(m)));
}

TEST(Generator, PlantedDislocationsAreFound) {
    macf::host::GeneratorOptions o;
    o.tokens = 60;
    o.pools = 300;
    o.price_noise = 0.0;
    for (const std::uint32_t planted : {0U, 6U}) {
        o.dislocations = planted;
        const auto m = macf::host::generate_market(o);
        const macf::host::TokenGraph g(m, {});
        const auto cycles = macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, 3);
        macf::host::CostModel costs;
        const auto r = macf::test::full_round(
            m, g, cycles, {macf::host::Mode::kSequential, 1, 64, false}, costs, {});
        if (planted == 0) {
            EXPECT_TRUE(r.opportunities.empty());  // a noiseless market has no arbitrage
        } else {
            EXPECT_FALSE(r.opportunities.empty());
        }
    }
}

TEST(Generator, RejectsImpossibleSizes) {
    macf::host::GeneratorOptions o;
    o.tokens = 3;
    EXPECT_THROW((void)macf::host::generate_market(o), std::invalid_argument);
    o.tokens = 10;
    o.pools = 1000;
    EXPECT_THROW((void)macf::host::generate_market(o), std::invalid_argument);
}

}  // namespace
