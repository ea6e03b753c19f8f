// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "macf/dex/swap_math.hpp"
#include "macf/dex/uniswap_v3.hpp"

namespace macf::kernels {

/// One Uniswap V3 swap step to evaluate: `dex::compute_swap_step`'s arguments.
struct V3StepInput {
    dex::U256 sqrt_current;      ///< Q64.96
    dex::U256 sqrt_target;       ///< Q64.96
    dex::U256 liquidity;         ///< uint128
    dex::U256 amount_remaining;  ///< wei
    std::uint32_t fee_pips;      ///< 10^−6
    bool exact_input;
};

/// The step's result and the tick of the price it reaches (TickMath, as the swap loop computes
/// it when the step ends inside a range).
struct V3StepOutput {
    dex::SwapStep step;
    std::int32_t tick_after;
    bool ok;  ///< false where the contract reverts
};

/// Evaluates `count` swap steps with the host's own dex/ functions (SwapMath, SqrtPriceMath,
/// FullMath, TickMath) on `stream`: the within-range V3 math the GPU scoring shares with the
/// CPU. Device pointers; asynchronous; returns the launch error.
cudaError_t launch_v3_swap_steps(const V3StepInput* in, V3StepOutput* out, std::uint64_t count,
                                 cudaStream_t stream) noexcept;

/// One whole V3 swap to run: a pool (its `ticks` in device memory) and the swap's arguments.
struct V3SwapInput {
    dex::V3PoolView pool;
    dex::U256 amount;  ///< wei: spent (exact input) or received
    dex::U256 sqrt_price_limit_x96;
    bool zero_for_one;
    bool exact_input;
};

/// Runs `count` complete swap loops (`dex::v3_swap`, crossing ticks word by word) on the
/// device, one per thread, on `stream`. Device pointers; asynchronous; returns the launch error.
cudaError_t launch_v3_swaps(const V3SwapInput* in, dex::V3SwapResult* out, std::uint64_t count,
                            cudaStream_t stream) noexcept;

}  // namespace macf::kernels
