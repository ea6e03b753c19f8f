// SPDX-License-Identifier: Apache-2.0
// The V3 math on the GPU against the same functions on the host: swap steps on random inputs
// and whole swap loops on the generator's V3 pools. One source, so equal results, to the wei.
// Skips with the reason where there is no usable GPU.

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "macf/cuda/device.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/kernels/v3_swap_steps.hpp"

namespace {

using macf::dex::U256;

class GpuV3 : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto dev = macf::cuda::probe_device();
        if (!dev.usable) GTEST_SKIP() << "no CUDA device: " << dev.reason;
    }
};

#define CHECK_CUDA(call) ASSERT_EQ((call), cudaSuccess) << #call

template <class T>
T* to_device(const std::vector<T>& host) {
    T* d = nullptr;
    if (cudaMalloc(reinterpret_cast<void**>(&d), host.size() * sizeof(T)) != cudaSuccess)
        return nullptr;
    cudaMemcpy(d, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice);
    return d;
}

U256 random_u256(std::mt19937_64& rng, std::uint64_t bits) {
    U256 v{rng(), rng(), rng(), rng()};
    return v >> static_cast<unsigned>(256 - bits);
}

TEST_F(GpuV3, SwapStepsEqualTheHost) {
    std::mt19937_64 rng(2026);
    std::vector<macf::kernels::V3StepInput> in(20000);
    for (auto& s : in) {
        s.sqrt_current = random_u256(rng, 4 + rng() % 157) + macf::dex::kMinSqrtRatio;
        s.sqrt_target = random_u256(rng, 4 + rng() % 157) + macf::dex::kMinSqrtRatio;
        s.liquidity = random_u256(rng, 1 + rng() % 128);
        s.amount_remaining = random_u256(rng, 1 + rng() % 200);
        s.fee_pips = static_cast<std::uint32_t>(rng() % 1000000);
        s.exact_input = (rng() & 1) != 0;
    }
    auto* d_in = to_device(in);
    macf::kernels::V3StepOutput* d_out = nullptr;
    CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&d_out), in.size() * sizeof(*d_out)));
    CHECK_CUDA(macf::kernels::launch_v3_swap_steps(d_in, d_out, in.size(), nullptr));
    std::vector<macf::kernels::V3StepOutput> out(in.size());
    CHECK_CUDA(cudaMemcpy(out.data(), d_out, out.size() * sizeof(out[0]), cudaMemcpyDeviceToHost));
    for (std::size_t i = 0; i < in.size(); ++i) {
        macf::dex::SwapStep step;
        bool ok = macf::dex::compute_swap_step(in[i].sqrt_current, in[i].sqrt_target,
                                               in[i].liquidity, in[i].amount_remaining,
                                               in[i].exact_input, in[i].fee_pips, step);
        std::int32_t tick = 0;
        if (ok) ok = macf::dex::get_tick_at_sqrt_ratio(step.sqrt_price_next, tick);
        ASSERT_EQ(out[i].ok, ok) << i;
        if (!ok) continue;
        EXPECT_EQ(out[i].step.sqrt_price_next, step.sqrt_price_next) << i;
        EXPECT_EQ(out[i].step.amount_in, step.amount_in) << i;
        EXPECT_EQ(out[i].step.amount_out, step.amount_out) << i;
        EXPECT_EQ(out[i].step.fee_amount, step.fee_amount) << i;
        EXPECT_EQ(out[i].tick_after, tick) << i;
    }
    cudaFree(d_in);
    cudaFree(d_out);
}

TEST_F(GpuV3, WholeSwapLoopsEqualTheHost) {
    macf::host::GeneratorOptions o;
    o.seed = 11;
    o.tokens = 60;
    o.pools = 100;
    o.v3_pools = 200;
    const auto market = macf::host::generate_market(o);
    std::mt19937_64 rng(7);
    std::vector<macf::kernels::V3SwapInput> in;
    std::vector<macf::dex::V3Tick*> device_ticks;
    std::vector<macf::dex::V3PoolView> host_views;
    for (const auto& pool : market.pools) {
        const auto* s = std::get_if<macf::host::UniswapV3State>(&pool.state);
        if (s == nullptr) continue;
        device_ticks.push_back(to_device(s->ticks));
        macf::dex::V3PoolView view{s->sqrt_price_x96, s->liquidity,    s->tick,        s->fee_ppm,
                                   s->tick_spacing,   s->ticks.data(), s->ticks.size()};
        for (int k = 0; k < 8; ++k) {
            macf::kernels::V3SwapInput input;
            input.zero_for_one = (rng() & 1) != 0;
            input.exact_input = (rng() & 1) != 0;
            input.amount = random_u256(rng, 1 + rng() % 100);
            input.sqrt_price_limit_x96 = macf::dex::v3_default_price_limit(input.zero_for_one);
            input.pool = view;
            input.pool.ticks = device_ticks.back();
            in.push_back(input);
            host_views.push_back(view);
        }
    }
    ASSERT_GT(in.size(), 1000U);
    auto* d_in = to_device(in);
    macf::dex::V3SwapResult* d_out = nullptr;
    CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&d_out), in.size() * sizeof(*d_out)));
    CHECK_CUDA(macf::kernels::launch_v3_swaps(d_in, d_out, in.size(), nullptr));
    std::vector<macf::dex::V3SwapResult> out(in.size());
    CHECK_CUDA(cudaMemcpy(out.data(), d_out, out.size() * sizeof(out[0]), cudaMemcpyDeviceToHost));
    std::size_t crossed = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto r = macf::dex::v3_swap(host_views[i], in[i].zero_for_one, in[i].exact_input,
                                          in[i].amount, in[i].sqrt_price_limit_x96);
        ASSERT_EQ(out[i].status, r.status) << i;
        EXPECT_EQ(out[i].amount_in, r.amount_in) << i;
        EXPECT_EQ(out[i].amount_out, r.amount_out) << i;
        EXPECT_EQ(out[i].sqrt_price_x96, r.sqrt_price_x96) << i;
        EXPECT_EQ(out[i].liquidity, r.liquidity) << i;
        EXPECT_EQ(out[i].tick, r.tick) << i;
        crossed += r.ticks_crossed;
    }
    EXPECT_GT(crossed, 0U);
    for (auto* t : device_ticks) cudaFree(t);
    cudaFree(d_in);
    cudaFree(d_out);
}

}  // namespace
