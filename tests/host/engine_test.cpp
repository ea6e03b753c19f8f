// SPDX-License-Identifier: Apache-2.0
// The engine: topologies shared between engines, full rounds equal to a reference round built
// from the public pieces, incremental rounds equal to the full round restricted to the cycles
// through the changed pools (also after those pools' states moved, every kind), and the
// fall-back to a full round when those touch too many cycles.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <type_traits>
#include <variant>

#include "macf/host/engine/engine.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/search/edge_table.hpp"

namespace {

using macf::host::Engine;
using macf::host::Mode;

macf::host::Market market(std::uint64_t seed, std::uint32_t balancer_pools = 6) {
    macf::host::GeneratorOptions o;
    o.seed = seed;
    o.tokens = 60;
    o.pools = 400;
    o.v3_pools = 30;
    o.curve_pools = 2;
    o.balancer_pools = balancer_pools;  // a quarter of them stable, on average
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

/// The round computed from the public pieces, one cycle at a time: the reference the engine's
/// pipeline (backend, costs, exact sizing, ranking) must reproduce.
std::vector<macf::host::Opportunity> reference_round(const macf::host::Market& m,
                                                     const macf::host::Topology& t,
                                                     const macf::host::RoundSettings& rs) {
    std::vector<macf::host::PoolState> states;
    for (const auto& pool : m.pools) states.push_back(macf::host::pool_state_of(pool));
    const auto edges = macf::host::build_edge_table(m, t.graph, states);
    std::vector<macf::host::Opportunity> out;
    for (const auto& seg : t.cycles.segments) {
        const auto gas = macf::host::gas_price_in(m, rs.costs, seg.base_token);
        const auto screen =
            gas.cost(rs.costs.base_gas + macf::host::min_hop_gas(rs.costs) * seg.hops);
        const auto params = macf::dex::make_score_params(
            static_cast<double>(rs.costs.flash_fee_bps) / 10000.0, macf::dex::to_double(screen));
        for (std::uint64_t c = seg.first; c < seg.first + seg.count; ++c) {
            const auto hops = t.cycles.cycle(c);
            const auto r = macf::dex::score_cycle(hops.data(), seg.hops, edges.data(), params);
            if (!(r.net_profit > macf::dex::to_double(rs.min_profit))) continue;
            const macf::host::Candidate cand{static_cast<std::uint32_t>(c), r.input, r.net_profit};
            if (auto o = macf::host::resimulate(m, t.cycles, t.graph, states, cand, gas, rs.costs,
                                                rs.min_profit))
                out.push_back(std::move(*o));
        }
    }
    std::sort(out.begin(), out.end(), macf::host::ranks_before);
    return out;
}

TEST(Engine, FullRoundEqualsTheReferenceRound) {
    const auto m = market(3);
    const auto topology = topology_of(m);
    EXPECT_EQ(topology->base_tokens.size(), 1U);
    EXPECT_EQ(topology->pools, m.pools.size());
    for (const Mode mode : {Mode::kSequential, Mode::kBatch, Mode::kParallel}) {
        Engine engine(topology, config(mode), round_settings(m));
        const auto round = engine.score_all(m, nullptr);
        EXPECT_TRUE(round.full);
        EXPECT_EQ(round.cycles_scored, topology->cycles.size());
        const auto expected = reference_round(m, *topology, round_settings(m));
        ASSERT_GT(expected.size(), 0U);
        EXPECT_TRUE(macf::host::same_opportunities(round.scan.opportunities, expected))
            << macf::host::mode_name(mode);
    }
}

/// Moves the state of pool `p` (every kind): a third more of its first balance (V3: of its
/// liquidity).
void perturb(macf::host::Pool& pool) {
    using macf::dex::U256;
    const auto more = [](U256& v) { v = v + v / U256{3}; };
    std::visit(
        [&](auto& s) {
            using S = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<S, macf::host::UniswapV2State>) {
                more(s.reserve0);
            } else if constexpr (std::is_same_v<S, macf::host::UniswapV3State>) {
                more(s.liquidity);
            } else {
                more(s.balances[0]);
            }
        },
        pool.state);
}

TEST(Engine, ResidentStatesFollowTheChangedPools) {
    const auto before = market(11, 24);
    const auto topology = topology_of(before);
    auto after = before;
    std::vector<std::uint32_t> kinds_changed(5, 0);
    std::vector<std::uint32_t> changed;
    for (std::uint32_t p = 0; p < after.pools.size(); ++p) {
        const auto kind = static_cast<std::size_t>(after.pools[p].kind);
        if (p % 9 != 0 && kinds_changed[kind] != 0) continue;  // every 9th, and one of each kind
        perturb(after.pools[p]);
        changed.push_back(p);
        ++kinds_changed[kind];
    }
    for (const auto n : kinds_changed) EXPECT_GT(n, 0U);  // every kind moved
    const auto fresh = reference_round(after, *topology, round_settings(after));
    std::set<std::uint32_t> touched;
    for (const auto p : changed)
        for (const auto c : topology->cycles.cycles_of_pool(p)) touched.insert(c);
    for (const Mode mode : {Mode::kSequential, Mode::kBatch, Mode::kParallel}) {
        Engine engine(topology, config(mode), round_settings(before));
        engine.settings().full_round_fraction = 1.0;
        (void)engine.score_all(before, nullptr);
        // Only the changed pools are read and handed over; the touched cycles see the new states.
        const auto inc = engine.score_changed(after, changed, nullptr);
        ASSERT_FALSE(inc.full);
        std::vector<macf::host::Opportunity> expected;
        for (const auto& o : fresh)
            if (touched.count(o.cycle) != 0) expected.push_back(o);
        EXPECT_TRUE(macf::host::same_opportunities(inc.scan.opportunities, expected))
            << macf::host::mode_name(mode);
        // A full round from the resident states, nothing read again, equals a fresh one.
        engine.settings().full_round_fraction = 0.0;
        const auto full =
            engine.score_changed(after, std::vector<std::uint32_t>{changed[0]}, nullptr);
        ASSERT_TRUE(full.full);
        EXPECT_TRUE(macf::host::same_opportunities(full.scan.opportunities, fresh))
            << macf::host::mode_name(mode);
    }
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
    // The first round of a topology reads every pool, whatever changed.
    const auto first = engine.score_changed(m, {}, nullptr);
    EXPECT_TRUE(first.full);
    EXPECT_EQ(first.cycles_scored, engine.topology().cycles.size());
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
