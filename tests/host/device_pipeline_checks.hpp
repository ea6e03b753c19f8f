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
        std::vector<host::PoolState> states;
        for (const auto& p : m.pools) states.push_back(host::pool_state_of(p));
        auto edges = host::build_edge_table(m, t->graph, states);
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

}  // namespace macf::test
