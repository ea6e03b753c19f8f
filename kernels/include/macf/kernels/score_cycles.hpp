// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "macf/dex/cycle_score.hpp"

namespace macf::kernels {

/// A run of cycles that all have `hops` hops, stored back to back: cycle i's edge ids are
/// `edge_ids[i*hops .. i*hops + hops)`. Device pointers, not owned.
struct CycleSegmentView {
    const std::uint32_t* edge_ids;  ///< count × hops edge ids
    std::uint64_t count;            ///< number of cycles
    std::uint32_t hops;             ///< 2, 3 or 4
};

/// Scores every cycle of `segment` with `dex::score_cycle` (the CPU modes' function) into
/// `out[0 .. segment.count)`, on `stream`. Asynchronous; `edges` and `out` are device memory.
/// Returns the launch error (cudaSuccess when queued).
cudaError_t launch_score_cycles(CycleSegmentView segment, const dex::HopCoeffs* edges,
                                dex::ScoreParams params, dex::CycleScore* out,
                                cudaStream_t stream) noexcept;

}  // namespace macf::kernels
