// SPDX-License-Identifier: Apache-2.0
// The scoring kernel against the CPU reference (dex::score_cycle through the sequential path):
// the same header, so the same bits. Skips with the reason where there is no usable GPU.

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "macf/cuda/device.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/edge_table.hpp"
#include "macf/kernels/score_cycles.hpp"

namespace {

class GpuTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto dev = macf::cuda::probe_device();
        if (!dev.usable) GTEST_SKIP() << "no CUDA device: " << dev.reason;
    }
};

#define CHECK_CUDA(call) ASSERT_EQ((call), cudaSuccess) << #call

TEST_F(GpuTest, KernelMatchesCpuBitForBit) {
    for (std::uint64_t seed : {1, 2, 3}) {
        macf::host::GeneratorOptions o;
        o.seed = seed;
        o.tokens = 300;
        o.pools = 3000;
        const auto m = macf::host::generate_market(o);
        const macf::host::TokenGraph g(m, {});
        const auto cycles = macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{0}, 4);
        std::vector<macf::host::PoolState> states;
        for (const auto& p : m.pools) states.push_back(macf::host::pool_state_of(p));
        const auto edges = macf::host::build_edge_table(m, g, states);
        const auto params = macf::dex::make_score_params(0.0005, 1e15);

        macf::dex::HopCoeffs* d_edges = nullptr;
        std::uint32_t* d_hops = nullptr;
        macf::dex::CycleScore* d_out = nullptr;
        CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&d_edges), edges.size() * sizeof(edges[0])));
        CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&d_hops),
                              cycles.hops.size() * sizeof(std::uint32_t)));
        CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&d_out),
                              cycles.size() * sizeof(macf::dex::CycleScore)));
        CHECK_CUDA(cudaMemcpy(d_edges, edges.data(), edges.size() * sizeof(edges[0]),
                              cudaMemcpyHostToDevice));
        CHECK_CUDA(cudaMemcpy(d_hops, cycles.hops.data(),
                              cycles.hops.size() * sizeof(std::uint32_t), cudaMemcpyHostToDevice));
        for (const auto& seg : cycles.segments) {
            const macf::kernels::CycleSegmentView view{d_hops + cycles.offsets[seg.first],
                                                       seg.count, seg.hops};
            CHECK_CUDA(macf::kernels::launch_score_cycles(view, d_edges, params, d_out + seg.first,
                                                          nullptr));
        }
        CHECK_CUDA(cudaDeviceSynchronize());
        std::vector<macf::dex::CycleScore> gpu(cycles.size());
        CHECK_CUDA(
            cudaMemcpy(gpu.data(), d_out, gpu.size() * sizeof(gpu[0]), cudaMemcpyDeviceToHost));
        for (std::uint64_t c = 0; c < cycles.size(); ++c) {
            const auto hops = cycles.cycle(c);
            const auto cpu = macf::dex::score_cycle(hops.data(), static_cast<unsigned>(hops.size()),
                                                    edges.data(), params);
            ASSERT_EQ(std::memcmp(&cpu, &gpu[c], sizeof cpu), 0) << "cycle " << c;
        }
        cudaFree(d_edges);
        cudaFree(d_hops);
        cudaFree(d_out);
    }
}

TEST_F(GpuTest, EmptySegmentLaunchesNothing) {
    const macf::kernels::CycleSegmentView view{nullptr, 0, 4};
    EXPECT_EQ(macf::kernels::launch_score_cycles(view, nullptr, macf::dex::make_score_params(0, 0),
                                                 nullptr, nullptr),
              cudaSuccess);
}

}  // namespace
