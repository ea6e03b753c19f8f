// SPDX-License-Identifier: Apache-2.0
// The engine: topologies shared between engines, full rounds equal to a plain coordinator
// scan, incremental rounds equal to the full round restricted to the cycles through the
// changed pools, and the fall-back to a full round when those touch too many cycles.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "macf/host/engine/engine.hpp"
#include "macf/host/io/market_gen.hpp"

namespace {

using macf::host::Engine;
using macf::host::Mode;

macf::host::Market market(std::uint64_t seed) {
    macf::host::GeneratorOptions o;
    o.seed = seed;
    o.tokens = 60;
    o.pools = 400;
    o.v3_pools = 30;
    o.curve_pools = 2;
    o.balancer_pools = 6;
    o.dislocations = 8;
    return macf::host::generate_market(o);
}

std::shared_ptr<const macf::host::Topology> topology_of(const macf::host::Market& m,
                                                        unsigned hops = 3) {
    macf::host::TopologySettings ts;
    ts.base_tokens = {m.resolve_token("WETH"), m.resolve_token("WETH")};  // duplicate dropped
    ts.max_hops = hops;
    return macf::host::build_topology(m, ts);
}

macf::host::RoundSettings round_settings(const macf::host::Market& m) {
    macf::host::RoundSettings rs;
    rs.costs.native_token = m.resolve_token("WETH");
    rs.costs.gas_price_wei = 0;
    return rs;
}

macf::host::CoordinatorConfig config(Mode mode) {
    macf::host::CoordinatorConfig c;
    c.mode = mode;
    c.max_workers = 2;
    c.batch_size = 64;
    return c;
}

TEST(Engine, FullRoundEqualsTheCoordinatorsScan) {
    const auto m = market(3);
    const auto topology = topology_of(m);
    EXPECT_EQ(topology->base_tokens.size(), 1U);
    EXPECT_EQ(topology->pools, m.pools.size());
    Engine engine(topology, config(Mode::kSequential), round_settings(m));
    const auto round = engine.score_all(m, nullptr);
    EXPECT_TRUE(round.full);
    EXPECT_EQ(round.cycles_scored, topology->cycles.size());
    macf::host::MacfCoordinator plain(config(Mode::kSequential));
    const auto direct = plain.scan({m, topology->graph, topology->cycles, nullptr,
                                    round_settings(m).costs, macf::dex::U256{}});
    ASSERT_GT(direct.opportunities.size(), 0U);
    EXPECT_TRUE(macf::host::same_opportunities(round.scan.opportunities, direct.opportunities));
}

TEST(Engine, IncrementalRoundIsTheFullRoundOfTheTouchedCycles) {
    const auto m = market(5);
    const auto topology = topology_of(m);
    for (const Mode mode : {Mode::kSequential, Mode::kBatch, Mode::kParallel}) {
        Engine engine(topology, config(mode), round_settings(m));
        engine.settings().full_round_fraction = 1.0;  // never fall back here
        const auto full = engine.score_all(m, nullptr);
        for (std::uint32_t first = 0; first < 40; first += 7) {
            const std::vector<std::uint32_t> changed = {first, first + 100, first + 230};
            const auto inc = engine.score_changed(m, changed, nullptr);
            ASSERT_FALSE(inc.full);
            std::set<std::uint32_t> touched;
            for (const auto p : changed)
                for (const auto c : topology->cycles.cycles_of_pool(p)) touched.insert(c);
            EXPECT_EQ(std::vector<std::uint32_t>(touched.begin(), touched.end()), inc.scored);
            EXPECT_EQ(inc.cycles_scored, touched.size());
            std::vector<macf::host::Opportunity> expected;
            for (const auto& o : full.scan.opportunities)
                if (touched.count(o.cycle) != 0) expected.push_back(o);
            EXPECT_TRUE(macf::host::same_opportunities(inc.scan.opportunities, expected))
                << macf::host::mode_name(mode) << " pools " << first;
        }
    }
}

TEST(Engine, FallsBackToAFullRoundWhenTheChangedPoolsTouchTooMuch) {
    const auto m = market(7);
    Engine engine(topology_of(m), config(Mode::kBatch), round_settings(m));
    std::vector<std::uint32_t> all(m.pools.size());
    for (std::uint32_t p = 0; p < all.size(); ++p) all[p] = p;
    const auto round = engine.score_changed(m, all, nullptr);
    EXPECT_TRUE(round.full);
    EXPECT_TRUE(round.scored.empty());
    EXPECT_EQ(round.cycles_scored, engine.topology().cycles.size());
    // No changed pool, or only pools without cycles: nothing is scored.
    const auto none = engine.score_changed(m, {}, nullptr);
    EXPECT_FALSE(none.full);
    EXPECT_EQ(none.cycles_scored, 0U);
    EXPECT_TRUE(none.scan.opportunities.empty());
    const std::vector<std::uint32_t> outside = {static_cast<std::uint32_t>(m.pools.size() + 5)};
    EXPECT_EQ(engine.score_changed(m, outside, nullptr).cycles_scored, 0U);
}

TEST(Engine, TopologiesAreSharedAndReplaced) {
    const auto m = market(9);
    const auto small = topology_of(m, 2);
    const auto large = topology_of(m, 3);
    ASSERT_LT(small->cycles.size(), large->cycles.size());
    Engine seq(small, config(Mode::kSequential), round_settings(m));
    Engine par(seq.shared_topology(), config(Mode::kParallel), round_settings(m));
    EXPECT_EQ(&seq.topology(), &par.topology());
    EXPECT_TRUE(macf::host::same_opportunities(seq.score_all(m, nullptr).scan.opportunities,
                                               par.score_all(m, nullptr).scan.opportunities));
    seq.set_topology(large);
    EXPECT_EQ(seq.score_all(m, nullptr).cycles_scored, large->cycles.size());
    Engine bare(config(Mode::kSequential));
    EXPECT_FALSE(bare.has_topology());
    EXPECT_THROW((void)bare.score_all(m, nullptr), std::logic_error);
    macf::host::TopologySettings bad;
    bad.base_tokens = {static_cast<std::uint32_t>(m.tokens.size())};
    EXPECT_THROW((void)macf::host::build_topology(m, bad), std::invalid_argument);
}

}  // namespace
