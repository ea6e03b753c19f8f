// SPDX-License-Identifier: Apache-2.0
#pragma once

// The device pipeline against the sequential backend, for either device system: the OpenMP
// build in host_tests (every CI run), the CUDA build in gpu_tests (where a GPU is lent).

#include <gtest/gtest.h>

#include <random>

#include "macf/host/engine/engine.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/search/backends/cpu_scorers.hpp"
#include "macf/host/search/backends/device_scorer.hpp"
#include "macf/host/search/edge_table.hpp"

namespace macf::test {

/// A generated market of every pool kind with planted dislocations.
inline host::Market pipeline_market(std::uint64_t seed) {
    host::GeneratorOptions o;
    o.seed = seed;
    o.tokens = 50;
    o.pools = 300;
    o.v3_pools = 30;
    o.curve_pools = 3;
    o.balancer_pools = 12;
    o.dislocations = 10;
    return host::generate_market(o);
}

/// Candidates equal to the bit.
inline void expect_same_candidates(const std::vector<host::Candidate>& a,
                                   const std::vector<host::Candidate>& b, const char* what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].cycle, b[i].cycle) << what << " #" << i;
        EXPECT_EQ(a[i].input, b[i].input) << what << " #" << i;  // bit for bit
        EXPECT_EQ(a[i].net_profit, b[i].net_profit) << what << " #" << i;
    }
}

/// The edge table of `m`'s pools for topology `t` (every pool's current state).
inline std::vector<dex::HopCoeffs> current_edges(const host::Market& m, const host::Topology& t) {
    std::vector<host::PoolState> states;
    for (const auto& p : m.pools) states.push_back(host::pool_state_of(p));
    return host::build_edge_table(m, t.graph, states);
}

/// The pipeline of `system` bound, updated and asked for all and listed cycles on three
/// markets, against the sequential backend given the same data.
inline void check_pipeline_scores_like_sequential(kernels::DeviceSystem system) {
    using host::Mode;
    for (const std::uint64_t seed : {1U, 2U, 3U}) {
        const auto m = pipeline_market(seed);
        host::TopologySettings ts;
        ts.base_tokens = {m.resolve_token("WETH"), 1, 2};
        ts.max_hops = 4;
        const auto t = host::build_topology(m, ts);
        ASSERT_GT(t->cycles.size(), 1000U);
        auto edges = current_edges(m, *t);
        std::vector<host::SegmentParams> params;
        for (std::size_t s = 0; s < t->cycles.segments.size(); ++s)  // some pass, most do not
            params.push_back({dex::make_score_params(0.0005, 1e12 * double(s + 1)), 0.0});

        const auto cpu = host::make_cpu_scorer(Mode::kSequential, 64, nullptr);
        const auto dev = host::make_device_scorer(system);
        EXPECT_EQ(dev->mode(), Mode::kUltra);
        cpu->bind(t->cycles, edges);
        dev->bind(t->cycles, edges);
        host::ScoreStats cs;
        host::ScoreStats ds;
        const auto all = cpu->score_all(params, cs);
        ASSERT_GT(all.size(), 0U);
        expect_same_candidates(dev->score_all(params, ds), all, "all");
        EXPECT_EQ(ds.cycles, cs.cycles);

        // Edges of a few pools change: scattered into both.
        std::mt19937 rng(static_cast<unsigned>(seed));
        std::vector<std::uint32_t> ids;
        std::vector<dex::HopCoeffs> coeffs;
        for (int k = 0; k < 40; ++k) {
            const auto e = static_cast<std::uint32_t>(rng() % edges.size());
            ids.push_back(e);
            coeffs.push_back({edges[e].a * 1.01, edges[e].c});
        }
        const host::PoolDeltas deltas{{}, {}, ids, coeffs};
        cpu->update(deltas);
        dev->update(deltas);
        expect_same_candidates(dev->score_all(params, ds), cpu->score_all(params, cs),
                               "after update");

        // Listed cycles only.
        std::vector<std::uint32_t> listed;
        for (std::uint32_t c = 0; c < t->cycles.size();
             c += 1 + static_cast<std::uint32_t>(rng() % 7))
            listed.push_back(c);
        expect_same_candidates(dev->score_cycles(listed, params, ds),
                               cpu->score_cycles(listed, params, cs), "listed");
        EXPECT_TRUE(dev->score_cycles({}, params, ds).empty());
    }
}

/// The cycles through changed pools, selected by the pipeline of `system` from its resident
/// index, against the host's selection (cycle_ids_through) and the sequential backend's
/// scoring of it: random sets of 1 to 60 pools with repeats and ids outside the index, one
/// pool, every pool, and none; rounds of edge updates in between.
inline void check_pipeline_selects_like_the_host(kernels::DeviceSystem system) {
    using host::Mode;
    const auto m = pipeline_market(7);
    host::TopologySettings ts;
    ts.base_tokens = {m.resolve_token("WETH"), 1};
    ts.max_hops = 4;
    const auto t = host::build_topology(m, ts);
    ASSERT_GT(t->cycles.size(), 1000U);
    auto edges = current_edges(m, *t);
    const std::vector<host::SegmentParams> params(t->cycles.segments.size(),
                                                  {dex::make_score_params(0.0005, 1e12), 0.0});
    const auto cpu = host::make_cpu_scorer(Mode::kSequential, 64, nullptr);
    const auto dev = host::make_device_scorer(system);
    cpu->bind(t->cycles, edges);
    dev->bind(t->cycles, edges);
    const auto pools = static_cast<std::uint32_t>(m.pools.size());
    std::mt19937 rng(11);
    std::vector<std::vector<std::uint32_t>> sets;
    for (int round = 0; round < 30; ++round) {
        std::vector<std::uint32_t> set(1 + rng() % 60);
        for (auto& p : set) p = static_cast<std::uint32_t>(rng() % (pools + 5));  // some outside
        if (round % 3 == 0) set.push_back(set.front());                           // a repeat
        sets.push_back(std::move(set));
    }
    sets.push_back({0});
    sets.push_back({});
    sets.push_back({pools, pools + 1});  // only pools outside the index
    std::vector<std::uint32_t> every(pools);
    for (std::uint32_t p = 0; p < pools; ++p) every[p] = p;
    sets.push_back(every);
    std::size_t nonempty = 0;
    for (std::size_t i = 0; i < sets.size(); ++i) {
        // The edges of the set's first pools change before its round, in both backends.
        std::vector<std::uint32_t> ids;
        std::vector<dex::HopCoeffs> coeffs;
        for (std::uint32_t e = 0; e < edges.size();
             e += 1 + static_cast<std::uint32_t>(rng() % 97)) {
            edges[e].a *= 1.0 + 1e-3 * static_cast<double>(rng() % 5);
            ids.push_back(e);
            coeffs.push_back(edges[e]);
        }
        const host::PoolDeltas deltas{{}, {}, ids, coeffs};
        cpu->update(deltas);
        dev->update(deltas);
        const std::string what = "set " + std::to_string(i);
        std::vector<std::uint32_t> host_scored;
        std::vector<std::uint32_t> dev_scored;
        host::ScoreStats cs;
        host::ScoreStats ds;
        const auto a = cpu->score_through_pools(t->cycles, sets[i], params, host_scored, cs);
        const auto b = dev->score_through_pools(t->cycles, sets[i], params, dev_scored, ds);
        EXPECT_EQ(host_scored, host::cycle_ids_through(t->cycles, sets[i])) << what;
        EXPECT_EQ(dev_scored, host_scored) << what;
        EXPECT_EQ(ds.cycles, cs.cycles) << what;
        expect_same_candidates(b, a, what.c_str());
        if (!host_scored.empty()) ++nonempty;
    }
    EXPECT_GE(nonempty, 30U);  // the check saw real selections
    // After all those rounds the device's state equals a fresh upload of the same edges.
    const auto fresh = host::make_device_scorer(system);
    fresh->bind(t->cycles, edges);
    host::ScoreStats s1;
    host::ScoreStats s2;
    expect_same_candidates(dev->score_all(params, s1), fresh->score_all(params, s2),
                           "after the rounds vs a fresh upload");
}

}  // namespace macf::test
