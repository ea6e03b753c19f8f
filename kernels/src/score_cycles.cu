// SPDX-License-Identifier: Apache-2.0
#include "macf/kernels/score_cycles.hpp"

namespace macf::kernels {
namespace {

constexpr unsigned kBlockSize = 256;

unsigned grid_size(std::uint64_t n, unsigned block) {
    const std::uint64_t blocks = (n + block - 1) / block;
    return static_cast<unsigned>(blocks < 65535ULL * 16 ? blocks : 65535ULL * 16);
}

__global__ void k_score_cycles(CycleSegmentView segment, const dex::HopCoeffs* edges,
                               dex::ScoreParams params, dex::CycleScore* out) {
    const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
    for (std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
         i < segment.count; i += stride) {
        out[i] = dex::score_cycle(segment.edge_ids + i * segment.hops, segment.hops, edges, params);
    }
}

}  // namespace

cudaError_t launch_score_cycles(CycleSegmentView segment, const dex::HopCoeffs* edges,
                                dex::ScoreParams params, dex::CycleScore* out,
                                cudaStream_t stream) noexcept {
    if (segment.count == 0) return cudaSuccess;
    k_score_cycles<<<grid_size(segment.count, kBlockSize), kBlockSize, 0, stream>>>(segment, edges,
                                                                                    params, out);
    return cudaGetLastError();
}

}  // namespace macf::kernels
