// SPDX-License-Identifier: Apache-2.0
// The MACF contract: all four modes return the same opportunities (same cycles, same exact
// amounts) on any market, and the same candidate bits from the approximate score.

#include <gtest/gtest.h>

#include "engine_scan.hpp"
#include "macf/host/engine/coordinator.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/search/cycle_set.hpp"

namespace {

using macf::host::Mode;

struct Scanned {
    std::vector<macf::host::Opportunity> opportunities;
    macf::host::Metrics metrics;
};

Scanned scan(const macf::host::Market& m, const macf::host::TokenGraph& g,
             const macf::host::CycleSet& cycles, Mode mode, std::size_t batch, unsigned workers,
             std::uint32_t flash_bps) {
    macf::host::CoordinatorConfig cfg;
    cfg.mode = mode;
    cfg.batch_size = batch;
    cfg.max_workers = workers;
    macf::host::ReserveCache cache;
    macf::host::CostModel costs;
    costs.native_token = m.resolve_token("WETH");
    costs.flash_fee_bps = flash_bps;
    auto r = macf::test::full_round(m, g, cycles, cfg, costs, {}, &cache);
    return {std::move(r.opportunities), r.metrics};
}

void expect_same(const Scanned& a, const Scanned& b, Mode mode) {
    ASSERT_EQ(a.opportunities.size(), b.opportunities.size()) << macf::host::mode_name(mode);
    EXPECT_EQ(a.metrics.candidates, b.metrics.candidates);
    for (std::size_t i = 0; i < a.opportunities.size(); ++i) {
        const auto& x = a.opportunities[i];
        const auto& y = b.opportunities[i];
        ASSERT_EQ(x.cycle, y.cycle);
        EXPECT_EQ(x.input, y.input);
        EXPECT_EQ(x.output, y.output);
        EXPECT_EQ(x.net_profit, y.net_profit);
        EXPECT_EQ(x.approx_input, y.approx_input);  // bitwise: same function, no FMA
        EXPECT_EQ(x.approx_profit, y.approx_profit);
        ASSERT_EQ(x.hops.size(), y.hops.size());
        for (std::size_t h = 0; h < x.hops.size(); ++h) {
            EXPECT_EQ(x.hops[h].amount_in, y.hops[h].amount_in);
            EXPECT_EQ(x.hops[h].amount_out, y.hops[h].amount_out);
        }
    }
}

TEST(ModesAgree, OnRandomGeneratedMarkets) {
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        macf::host::GeneratorOptions o;
        o.seed = seed;
        o.tokens = 40 + static_cast<std::uint32_t>(seed * 7);
        o.pools = 150 + static_cast<std::uint32_t>(seed * 40);
        o.dislocations = 3 + static_cast<std::uint32_t>(seed % 4);
        o.price_noise = 0.01 * static_cast<double>(seed % 3);
        const auto m = macf::host::generate_market(o);
        const macf::host::TokenGraph g(m, {});
        std::vector<std::uint32_t> bases = {m.resolve_token("WETH")};
        if (seed % 2 == 0) bases.push_back(m.resolve_token("USDC"));
        const auto cycles =
            macf::host::enumerate_cycles(g, bases, 2 + static_cast<unsigned>(seed % 3));
        const std::uint32_t flash = seed % 3 == 0 ? 9 : 0;
        const auto reference = scan(m, g, cycles, Mode::kSequential, 1, 1, flash);
        EXPECT_GT(reference.opportunities.size(), 0U) << "seed " << seed << ": nothing to compare";
        // Odd batch sizes cut segments mid-way; several worker counts reorder the work.
        for (const Mode mode : {Mode::kBatch, Mode::kParallel, Mode::kUltra}) {
            for (const std::size_t batch : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
                expect_same(reference, scan(m, g, cycles, mode, batch, 3, flash), mode);
            }
        }
    }
}

}  // namespace
