// SPDX-License-Identifier: Apache-2.0
#pragma once

// The device pipeline of ultra mode: cycles, edge coefficients and the pool → cycles index
// resident on a device, changed edges scattered in, every cycle (or those through the changed
// pools, selected on the device from the index, or a listed few) scored and the candidates
// compacted on the device. One Thrust source (cycle_pipeline.inl) built twice: by g++ for Thrust's
// OpenMP device system (CPU threads; how CI proves it) and by nvcc for CUDA (the GPU). This header
// includes neither Thrust nor CUDA, and stays C++17 (the CUDA build's standard).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "macf/dex/cycle_score.hpp"

namespace macf::kernels {

/// Where the pipeline runs.
enum class DeviceSystem : std::uint8_t {
    kOpenMp,  ///< Thrust's OpenMP device system: CPU threads, device memory = host memory
    kCuda,    ///< Thrust's CUDA device system: the GPU
};

/// A run of cycles of one length: cycle `first + i` has its `hops` edge ids at
/// `hop_offset + i·hops` of the hop array.
struct PipelineSegment {
    std::uint64_t first;       ///< first cycle id
    std::uint64_t count;       ///< cycles
    std::uint64_t hop_offset;  ///< index of the first cycle's first edge id
    std::uint32_t hops;        ///< 2, 3 or 4
};

/// A segment's scoring parameters: keep cycles whose approximate net profit (wei of the
/// segment's base token) is above `threshold`.
struct PipelineParams {
    dex::ScoreParams score;
    double threshold;
};

/// A cycle above its threshold, with dex::score_cycle's input and net profit (wei, doubles).
struct PipelineCandidate {
    std::uint32_t cycle;
    double input;
    double net_profit;
};

/// One device's resident cycles and coefficients. Not thread-safe.
class CyclePipeline {
  public:
    virtual ~CyclePipeline() = default;
    /// The device it runs on.
    [[nodiscard]] virtual DeviceSystem system() const noexcept = 0;
    /// Uploads every cycle's edge ids (`hops`, laid out as `segments` say), every edge's
    /// coefficients and the pool → cycles index (the cycles through pool p are
    /// `pool_cycles[pool_offsets[p] .. pool_offsets[p + 1])`, ascending; `pool_offsets` has one
    /// entry more than there are pools, or none), replacing what was resident. Throws
    /// std::invalid_argument for an index that does not fit the cycles.
    virtual void bind(const std::vector<std::uint32_t>& hops,
                      const std::vector<PipelineSegment>& segments,
                      const std::vector<dex::HopCoeffs>& edges,
                      const std::vector<std::uint64_t>& pool_offsets,
                      const std::vector<std::uint32_t>& pool_cycles) = 0;
    /// Scatters new coefficients into the resident edge table: edge `ids[i]` gets
    /// `coeffs[i]`. Throws std::out_of_range for an id outside it.
    virtual void update_edges(const std::vector<std::uint32_t>& ids,
                              const std::vector<dex::HopCoeffs>& coeffs) = 0;
    /// Scores every resident cycle and returns those above their segment's threshold,
    /// ascending by cycle id; the same bits as dex::score_cycle on the host.
    [[nodiscard]] virtual std::vector<PipelineCandidate> score_all(
        const std::vector<PipelineParams>& params) = 0;
    /// The same for the cycles `ids` only (ascending, each once).
    [[nodiscard]] virtual std::vector<PipelineCandidate> score_listed(
        const std::vector<std::uint32_t>& ids, const std::vector<PipelineParams>& params) = 0;
    /// The same for the cycles through `pools` (any order, repeats allowed; pools outside the
    /// index are ignored), selected on the device from the resident index: their lists
    /// gathered, sorted and deduplicated there. `scored` receives the selected ids, ascending,
    /// each once (what host::cycle_ids_through gives for the same index).
    [[nodiscard]] virtual std::vector<PipelineCandidate> score_through_pools(
        const std::vector<std::uint32_t>& pools, const std::vector<PipelineParams>& params,
        std::vector<std::uint32_t>& scored) = 0;
};

/// True when this build has the pipeline of `system` (OpenMP: the CCCL headers were found;
/// CUDA: built with nvcc). `why_not` receives the reason when false.
[[nodiscard]] bool has_pipeline(DeviceSystem system, std::string* why_not = nullptr);

/// A pipeline on `system`. Throws std::runtime_error when this build lacks it.
[[nodiscard]] std::unique_ptr<CyclePipeline> make_pipeline(DeviceSystem system);

}  // namespace macf::kernels
