// SPDX-License-Identifier: Apache-2.0
// The device pipeline's CUDA build (the same Thrust source as the OpenMP build CI proves)
// against the sequential backend, bit for bit, and ultra on it through the engine. Skips with
// the reason where no usable GPU is present.

#include <gtest/gtest.h>

#include <cstdlib>

#include "../host/device_pipeline_checks.hpp"
#include "macf/cuda/device.hpp"

namespace {

using macf::kernels::DeviceSystem;

class GpuPipeline : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        if (!macf::kernels::has_pipeline(DeviceSystem::kCuda, &why)) GTEST_SKIP() << why;
        const auto dev = macf::cuda::probe_device();
        if (!dev.usable) GTEST_SKIP() << dev.reason;
    }
};

TEST_F(GpuPipeline, CudaBuildScoresLikeSequential) {
    macf::test::check_pipeline_scores_like_sequential(DeviceSystem::kCuda);
}

TEST_F(GpuPipeline, CudaBuildSelectsTheChangedPoolsCyclesLikeTheHost) {
    macf::test::check_pipeline_selects_like_the_host(DeviceSystem::kCuda);
}

TEST_F(GpuPipeline, UltraOnTheGpuEqualsSequential) {
    ::setenv("MACF_ULTRA_BACKEND", "cuda", 1);
    for (const std::uint64_t seed : {5U, 6U}) {
        const auto m = macf::test::pipeline_market(seed);
        const auto t = macf::host::build_topology(m, {{m.resolve_token("WETH")}, 3, {}});
        macf::host::RoundSettings rs;
        rs.costs.native_token = m.resolve_token("WETH");
        macf::host::Engine seq(t, {macf::host::Mode::kSequential, 1, 64, false}, rs);
        macf::host::Engine ultra(t, {macf::host::Mode::kUltra, 2, 64, false}, rs);
        const auto a = seq.score_all(m, nullptr);
        const auto b = ultra.score_all(m, nullptr);
        ASSERT_GT(a.scan.opportunities.size(), 0U);
        EXPECT_TRUE(macf::host::same_opportunities(a.scan.opportunities, b.scan.opportunities));
    }
    ::unsetenv("MACF_ULTRA_BACKEND");
}

}  // namespace
