// SPDX-License-Identifier: Apache-2.0
// Ultra's device pipeline, proven without a GPU: its OpenMP build (the same Thrust source nvcc
// builds for the GPU) against the sequential backend on generated markets of every pool kind —
// the same candidates to the bit after binding, after edges change, on listed cycles — and
// ultra on it returning sequential's opportunities to the wei through the engine.

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "device_pipeline_checks.hpp"
#include "macf/host/engine/engine.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/search/backends/cpu_scorers.hpp"
#include "macf/host/search/backends/device_scorer.hpp"
#include "macf/host/search/edge_table.hpp"
#include "macf/kernels/cycle_pipeline.hpp"

namespace {

using macf::host::Mode;
using macf::kernels::DeviceSystem;
using macf::test::pipeline_market;

class DevicePipeline : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        if (!macf::kernels::has_pipeline(DeviceSystem::kOpenMp, &why)) GTEST_SKIP() << why;
    }
};

TEST_F(DevicePipeline, OpenMpBuildScoresLikeSequential) {
    macf::test::check_pipeline_scores_like_sequential(DeviceSystem::kOpenMp);
}

TEST_F(DevicePipeline, OpenMpBuildSelectsTheChangedPoolsCyclesLikeTheHost) {
    macf::test::check_pipeline_selects_like_the_host(DeviceSystem::kOpenMp);
}

TEST_F(DevicePipeline, BadInputIsAnErrorNotACrash) {
    const auto dev = macf::host::make_device_scorer(DeviceSystem::kOpenMp);
    const auto m = pipeline_market(4);
    const auto t = macf::host::build_topology(m, {{m.resolve_token("WETH")}, 3, {}});
    std::vector<macf::host::PoolState> states;
    for (const auto& p : m.pools) states.push_back(macf::host::pool_state_of(p));
    dev->bind(t->cycles, macf::host::build_edge_table(m, t->graph, states));
    const std::vector<std::uint32_t> outside = {
        static_cast<std::uint32_t>(t->graph.edges().size())};
    const std::vector<macf::dex::HopCoeffs> one = {{1.0, 0.0}};
    EXPECT_THROW(dev->update({{}, {}, outside, one}), std::out_of_range);
    macf::host::ScoreStats stats;
    EXPECT_THROW((void)dev->score_all({}, stats), std::invalid_argument);  // no params

    // A pool → cycles index that does not fit the cycles is refused at bind, before upload.
    const auto pipe = macf::kernels::make_pipeline(DeviceSystem::kOpenMp);
    const std::vector<std::uint32_t> hops = {0, 1, 1, 0};  // two 2-hop cycles over edges 0, 1
    const std::vector<macf::kernels::PipelineSegment> segments = {{0, 2, 0, 2}};
    const std::vector<macf::dex::HopCoeffs> edges = {{1.0, 0.0}, {1.0, 0.0}};
    EXPECT_NO_THROW(pipe->bind(hops, segments, edges, {0, 2}, {0, 1}));
    EXPECT_THROW(pipe->bind(hops, segments, edges, {0, 3}, {0, 1}), std::invalid_argument);
    EXPECT_THROW(pipe->bind(hops, segments, edges, {0, 3, 2}, {0, 1}), std::invalid_argument);
    EXPECT_THROW(pipe->bind(hops, segments, edges, {0, 2}, {0, 2}), std::invalid_argument);
    EXPECT_THROW(pipe->bind(hops, segments, edges, {}, {0}), std::invalid_argument);
}

TEST_F(DevicePipeline, UltraOnTheOpenMpPipelineEqualsSequential) {
    macf::host::ThreadPool pool(1);
    ::setenv("MACF_ULTRA_BACKEND", "openmp", 1);
    const auto ultra_choice = macf::host::make_ultra_scorer(64, &pool);
    EXPECT_TRUE(ultra_choice.on_device) << ultra_choice.why;
    for (const std::uint64_t seed : {5U, 6U}) {
        const auto m = pipeline_market(seed);
        const auto t = macf::host::build_topology(m, {{m.resolve_token("WETH")}, 3, {}});
        macf::host::RoundSettings rs;
        rs.costs.native_token = m.resolve_token("WETH");
        macf::host::Engine seq(t, {Mode::kSequential, 1, 64, false}, rs);
        macf::host::Engine ultra(t, {Mode::kUltra, 2, 64, false}, rs);
        const auto a = seq.score_all(m, nullptr);
        const auto b = ultra.score_all(m, nullptr);
        ASSERT_GT(a.scan.opportunities.size(), 0U);
        EXPECT_TRUE(macf::host::same_opportunities(a.scan.opportunities, b.scan.opportunities));
        // An incremental round on the device: the cycles through a few pools.
        const std::vector<std::uint32_t> changed = {3, 50, 120, 200};
        const auto ai = seq.score_changed(m, changed, nullptr);
        const auto bi = ultra.score_changed(m, changed, nullptr);
        EXPECT_FALSE(bi.full);
        EXPECT_EQ(ai.scored, bi.scored);
        EXPECT_TRUE(macf::host::same_opportunities(ai.scan.opportunities, bi.scan.opportunities));
    }
    ::setenv("MACF_ULTRA_BACKEND", "no-such-backend", 1);
    const auto fallback = macf::host::make_ultra_scorer(64, &pool);
    EXPECT_FALSE(fallback.on_device);
    EXPECT_NE(fallback.why.find("is not one of"), std::string::npos) << fallback.why;
    ::unsetenv("MACF_ULTRA_BACKEND");
}

}  // namespace
