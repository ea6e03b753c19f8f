// SPDX-License-Identifier: Apache-2.0
#include "macf/dex/tick_math.hpp"
#include "macf/kernels/v3_swap_steps.hpp"

namespace macf::kernels {
namespace {

__global__ void v3_swap_steps_kernel(const V3StepInput* in, V3StepOutput* out,
                                     std::uint64_t count) {
    const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
    if (i >= count) return;
    const V3StepInput& s = in[i];
    V3StepOutput r{};
    r.ok = dex::compute_swap_step(s.sqrt_current, s.sqrt_target, s.liquidity, s.amount_remaining,
                                  s.exact_input, s.fee_pips, r.step);
    if (r.ok) r.ok = dex::get_tick_at_sqrt_ratio(r.step.sqrt_price_next, r.tick_after);
    out[i] = r;
}

__global__ void v3_swaps_kernel(const V3SwapInput* in, dex::V3SwapResult* out,
                                std::uint64_t count) {
    const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
    if (i >= count) return;
    const V3SwapInput& s = in[i];
    out[i] = dex::v3_swap(s.pool, s.zero_for_one, s.exact_input, s.amount, s.sqrt_price_limit_x96);
}

}  // namespace

cudaError_t launch_v3_swaps(const V3SwapInput* in, dex::V3SwapResult* out, std::uint64_t count,
                            cudaStream_t stream) noexcept {
    if (count == 0) return cudaSuccess;
    constexpr unsigned kThreads = 64;
    const auto blocks = static_cast<unsigned>((count + kThreads - 1) / kThreads);
    v3_swaps_kernel<<<blocks, kThreads, 0, stream>>>(in, out, count);
    return cudaGetLastError();
}

cudaError_t launch_v3_swap_steps(const V3StepInput* in, V3StepOutput* out, std::uint64_t count,
                                 cudaStream_t stream) noexcept {
    if (count == 0) return cudaSuccess;
    constexpr unsigned kThreads = 128;
    const auto blocks = static_cast<unsigned>((count + kThreads - 1) / kThreads);
    v3_swap_steps_kernel<<<blocks, kThreads, 0, stream>>>(in, out, count);
    return cudaGetLastError();
}

}  // namespace macf::kernels
