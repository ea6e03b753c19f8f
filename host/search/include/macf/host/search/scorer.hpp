// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "macf/dex/cycle_score.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/mode.hpp"
#include "macf/host/search/thread_pool.hpp"

namespace macf::host {

/// A cycle whose approximate net profit clears the threshold.
struct Candidate {
    std::uint32_t cycle;  ///< cycle id
    double input;         ///< approximate optimal input, wei of the base token
    double net_profit;    ///< approximate net profit at that input, wei of the base token
};

/// Scoring parameters of one segment of the cycle set.
struct SegmentParams {
    dex::ScoreParams score;  ///< flash-fee factor and gas cost (wei of the segment's base)
    double threshold;        ///< keep cycles whose approximate net profit is above this
};

/// One scoring round's input: every cycle, the edge coefficients, per-segment parameters.
struct ScoreJob {
    const CycleSet& cycles;
    std::span<const dex::HopCoeffs> edges;  ///< by edge id
    std::span<const SegmentParams> params;  ///< by segment index of `cycles.segments`
};

/// Work counters of one scoring round.
struct ScoreStats {
    std::uint64_t cycles = 0;   ///< cycles scored
    std::uint64_t batches = 0;  ///< structure-of-arrays batches (0 in sequential mode)
    std::uint64_t tasks = 0;    ///< tasks run on the thread pool (0 unless parallel)
};

/// A scoring backend (ggml's backend idea): scores every cycle of a job and returns the
/// candidates in ascending cycle order. Every backend returns exactly the same candidates.
class Scorer {
  public:
    virtual ~Scorer() = default;
    /// The mode it implements.
    virtual Mode mode() const noexcept = 0;
    /// Scores `job`; adds to `stats`.
    virtual std::vector<Candidate> score(const ScoreJob& job, ScoreStats& stats) = 0;
};

}  // namespace macf::host
