// SPDX-License-Identifier: Apache-2.0
// Cycle enumeration against a brute force over all pool sequences.

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>

#include "macf/host/io/market_gen.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "test_markets.hpp"

namespace {

using macf::dex::U256;
using macf::host::CycleSet;
using macf::host::Edge;
using macf::host::TokenGraph;

/// Every cycle as a sequence of (pool, token_in), found by trying all sequences of pools.
std::set<std::vector<std::pair<std::uint32_t, std::uint32_t>>> brute_force(
    const macf::host::Market& m, std::uint32_t base, unsigned max_hops) {
    std::set<std::vector<std::pair<std::uint32_t, std::uint32_t>>> out;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> path;
    std::function<void(std::uint32_t, std::set<std::uint32_t>&)> go =
        [&](std::uint32_t token, std::set<std::uint32_t>& seen) {
            for (std::uint32_t p = 0; p < m.pools.size(); ++p) {
                const auto& toks = m.pools[p].tokens;
                if (toks[0] != token && toks[1] != token) continue;
                bool used = false;
                for (const auto& [q, t] : path) used = used || q == p;
                if (used) continue;
                const std::uint32_t next = toks[0] == token ? toks[1] : toks[0];
                path.emplace_back(p, token);
                if (next == base && path.size() >= 2) out.insert(path);
                if (next != base && !seen.count(next) && path.size() < max_hops) {
                    seen.insert(next);
                    go(next, seen);
                    seen.erase(next);
                }
                path.pop_back();
            }
        };
    std::set<std::uint32_t> seen;
    go(base, seen);
    return out;
}

macf::host::Market random_market(std::uint64_t seed, std::uint32_t tokens, std::uint32_t pools) {
    std::mt19937_64 rng(seed);
    std::vector<macf::test::PoolSpec> specs;
    for (std::uint32_t i = 0; i < pools; ++i) {
        std::uint32_t a = static_cast<std::uint32_t>(rng() % tokens);
        std::uint32_t b = static_cast<std::uint32_t>(rng() % tokens);
        if (a == b) b = (a + 1) % tokens;
        specs.push_back({a, b, U256{1000 + rng() % 1000}, U256{1000 + rng() % 1000}});
    }
    return macf::test::v2_market(tokens, specs);
}

TEST(CycleSet, MatchesBruteForceOnRandomGraphs) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        const auto m = random_market(seed, 6 + static_cast<std::uint32_t>(seed % 5),
                                     10 + static_cast<std::uint32_t>(seed % 15));
        const TokenGraph g(m, {});
        for (unsigned max_hops = 2; max_hops <= 4; ++max_hops) {
            const std::uint32_t base = 0;
            const CycleSet set =
                macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{base}, max_hops);
            const auto expect = brute_force(m, base, max_hops);
            std::set<std::vector<std::pair<std::uint32_t, std::uint32_t>>> got;
            for (std::uint64_t c = 0; c < set.size(); ++c) {
                std::vector<std::pair<std::uint32_t, std::uint32_t>> path;
                for (const auto e : set.cycle(c))
                    path.emplace_back(g.edges()[e].pool, g.edges()[e].token_in);
                EXPECT_TRUE(got.insert(path).second) << "cycle listed twice";
            }
            ASSERT_EQ(got, expect) << "seed " << seed << " max_hops " << max_hops;
            std::uint64_t by_len = 0;
            for (unsigned k = 2; k <= max_hops; ++k) by_len += set.count_by_length[k];
            EXPECT_EQ(by_len, set.size());
        }
    }
}

TEST(CycleSet, LayoutAndPoolIndex) {
    const auto m = random_market(99, 12, 40);
    const TokenGraph g(m, {});
    const std::vector<std::uint32_t> bases = {0, 1};
    const CycleSet set = macf::host::enumerate_cycles(g, bases, 4);
    ASSERT_GT(set.size(), 0U);
    // Segments tile the cycles in order, each with one base and one length.
    std::uint64_t next = 0;
    std::uint64_t hop_end = 0;  // where the previous segment's hops ended
    for (const auto& seg : set.segments) {
        EXPECT_EQ(seg.first, next);
        // Each segment starts 16-byte aligned, within three entries of the previous one's end.
        const std::uint64_t start = set.offsets[seg.first];
        EXPECT_EQ(start % macf::host::kSegmentAlignHops, 0U);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(set.hops.data() + start) % 16, 0U);
        EXPECT_LT(start - hop_end, macf::host::kSegmentAlignHops);
        hop_end = start + seg.count * seg.hops;
        for (std::uint64_t c = seg.first; c < seg.first + seg.count; ++c) {
            EXPECT_EQ(&set.segment_of(c), &seg);
            EXPECT_EQ(set.offsets[c], start + (c - seg.first) * seg.hops);
            const auto hops = set.cycle(c);
            ASSERT_EQ(hops.size(), seg.hops);
            EXPECT_EQ(g.edges()[hops.front()].token_in, seg.base_token);
            EXPECT_EQ(g.edges()[hops.back()].token_out, seg.base_token);
            for (std::size_t h = 1; h < hops.size(); ++h) {
                EXPECT_EQ(g.edges()[hops[h - 1]].token_out, g.edges()[hops[h]].token_in);
            }
        }
        next += seg.count;
    }
    EXPECT_EQ(next, set.size());
    EXPECT_EQ(set.offsets.back(), set.hops.size());
    // The pool index lists exactly the cycles through each pool, ascending.
    for (std::uint32_t p = 0; p < m.pools.size(); ++p) {
        std::vector<std::uint32_t> expect;
        for (std::uint64_t c = 0; c < set.size(); ++c) {
            for (const auto e : set.cycle(c)) {
                if (g.edges()[e].pool == p) {
                    expect.push_back(static_cast<std::uint32_t>(c));
                    break;
                }
            }
        }
        const auto got = set.cycles_of_pool(p);
        EXPECT_EQ(std::vector<std::uint32_t>(got.begin(), got.end()), expect);
    }
}

TEST(CycleSet, TwoHopNeedsTwoPoolsAndDirectionsCountSeparately) {
    // WETH–A through two pools: cycles W→A→W via (p0,p1) and via (p1,p0).
    const auto m =
        macf::test::v2_market(2, {{0, 1, U256{1000}, U256{1000}}, {0, 1, U256{1000}, U256{1000}}});
    const TokenGraph g(m, {});
    const auto set = macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, 4);
    EXPECT_EQ(set.size(), 2U);
    EXPECT_EQ(set.count_by_length[2], 2U);
}

TEST(TokenGraph, FiltersAreReported) {
    auto m =
        macf::test::v2_market(4, {{0, 1, U256{1000}, U256{1000}},
                                  {1, 2, U256{0}, U256{1000}},                          // empty
                                  {2, 3, U256{1'000'000'000'000'000'000ULL}, U256{5}},  // thin side
                                  {0, 3, U256{1000}, U256{1000}}});
    macf::host::GraphOptions opt;
    opt.excluded_tokens = {3};
    const TokenGraph g(m, opt);
    EXPECT_EQ(g.report().empty, 1U);
    EXPECT_EQ(g.report().excluded_token, 2U);
    EXPECT_EQ(g.report().included, 1U);
    macf::host::GraphOptions liq;
    liq.min_liquidity_units = 1.0;  // every non-empty pool here has < 1 unit on some side
    const TokenGraph g2(m, liq);
    EXPECT_EQ(g2.report().below_min_liquidity, 3U);
    EXPECT_EQ(g2.report().included, 0U);
    EXPECT_EQ(g2.report().empty, 1U);
}

TEST(TokenGraph, EveryPoolKindEntersTheGraphWithAnEdgePerTradedOrderedPair) {
    const auto m =
        macf::host::load_market(std::string(MACF_SOURCE_DIR) + "/docs/market-example.json");
    const TokenGraph g(m, {});
    EXPECT_EQ(g.report().included, 6U);
    EXPECT_EQ(g.report().unsupported_kind, 0U);
    // V2 2 + V3 2 + Curve 3-coin 6 + Balancer weighted 2-token 2 + stable 3-token 6, and the
    // metapool's own coin against the LP token and each of the three base coins, both ways: 8
    // (never the LP token against a base coin, or two base coins).
    EXPECT_EQ(g.edges().size(), 26U);
    const auto [first, last] = g.pool_edges(5);
    EXPECT_EQ(last - first, 8U);
    for (std::uint32_t e = first; e < last; ++e) {
        const auto& edge = g.edges()[e];
        EXPECT_TRUE(edge.slot_in == 0 || edge.slot_out == 0)
            << int{edge.slot_in} << "->" << int{edge.slot_out};
    }
}

}  // namespace

TEST(CycleSet, CyclesThroughChangedPoolsAreExactlyThoseUsingThem) {
    macf::host::GeneratorOptions o;  // sparse enough that a pool is in a few % of the cycles
    o.seed = 7;
    o.tokens = 60;
    o.pools = 400;
    const auto m = macf::host::generate_market(o);
    const TokenGraph g(m, {});
    const std::vector<std::uint32_t> bases = {0, 1, 2};
    const CycleSet all = macf::host::enumerate_cycles(g, bases, 3);
    std::mt19937 rng(3);
    bool bitmap_path = false;  // many: marked in a bitmap
    for (int round = 0; round < 40; ++round) {
        std::vector<std::uint32_t> changed;
        const int count = round < 20 ? round % 3 : round;  // pools outside the market included
        for (int k = 0; k < count; ++k)
            changed.push_back(static_cast<std::uint32_t>(rng() % (g.pool_count() + 2)));
        std::uint64_t entries = 0;
        for (const auto p : changed)
            if (p < g.pool_count()) entries += all.cycles_of_pool(p).size();
        if (entries * macf::host::kMergeSelectionRatio >= all.size())
            bitmap_path = true;  // else the lists were merged
        const auto ids = macf::host::cycle_ids_through(all, changed);
        std::vector<std::uint32_t> expect;
        for (std::uint32_t c = 0; c < all.size(); ++c) {
            bool uses = false;
            for (const auto e : all.cycle(c))
                for (const auto p : changed) uses = uses || g.edges()[e].pool == p;
            if (uses) expect.push_back(c);
        }
        ASSERT_EQ(ids, expect) << "round " << round;
    }
    EXPECT_TRUE(bitmap_path);
    // The merge path on purpose: the three pools with the fewest cycles (but some).
    std::vector<std::pair<std::size_t, std::uint32_t>> by_count;
    for (std::uint32_t p = 0; p < g.pool_count(); ++p)
        if (!all.cycles_of_pool(p).empty()) by_count.emplace_back(all.cycles_of_pool(p).size(), p);
    std::sort(by_count.begin(), by_count.end());
    ASSERT_GE(by_count.size(), 3U);
    const std::vector<std::uint32_t> few = {by_count[2].second, by_count[0].second,
                                            by_count[1].second};
    ASSERT_LT((by_count[0].first + by_count[1].first + by_count[2].first) *
                  macf::host::kMergeSelectionRatio,
              all.size());
    std::set<std::uint32_t> expect;
    for (const auto p : few)
        for (const auto c : all.cycles_of_pool(p)) expect.insert(c);
    EXPECT_EQ(macf::host::cycle_ids_through(all, few),
              std::vector<std::uint32_t>(expect.begin(), expect.end()));
}

TEST(CycleSet, SelectionAcrossBitmapBlocksMatchesAScanOfEveryCycle) {
    macf::host::GeneratorOptions o;  // enough cycles for several of the bitmap's blocks
    o.seed = 11;
    o.tokens = 280;
    o.pools = 2100;
    const auto m = macf::host::generate_market(o);
    const TokenGraph g(m, {});
    const std::vector<std::uint32_t> bases = {0};
    const CycleSet all = macf::host::enumerate_cycles(g, bases, 4);
    ASSERT_GT(all.size(), 2 * macf::host::kSelectionBlockCycles);
    std::vector<std::uint32_t> pool_of_edge(g.edges().size());
    for (std::size_t e = 0; e < g.edges().size(); ++e) pool_of_edge[e] = g.edges()[e].pool;
    std::mt19937 rng(5);
    for (const int count : {40, 200, 800}) {
        std::vector<std::uint32_t> changed;
        for (int k = 0; k < count; ++k)
            changed.push_back(static_cast<std::uint32_t>(rng() % g.pool_count()));
        std::uint64_t entries = 0;
        for (const auto p : changed) entries += all.cycles_of_pool(p).size();
        ASSERT_GE(entries * macf::host::kMergeSelectionRatio, all.size()) << count;
        std::vector<bool> is_changed(g.pool_count(), false);
        for (const auto p : changed) is_changed[p] = true;
        std::vector<std::uint32_t> expect;
        for (std::uint32_t c = 0; c < all.size(); ++c) {
            bool uses = false;
            for (const auto e : all.cycle(c)) uses = uses || is_changed[pool_of_edge[e]];
            if (uses) expect.push_back(c);
        }
        EXPECT_EQ(macf::host::cycle_ids_through(all, changed), expect) << count << " pools";
    }
}
