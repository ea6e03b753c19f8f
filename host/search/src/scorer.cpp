// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/scorer.hpp"

#include <chrono>

namespace macf::host {

std::vector<Candidate> Scorer::score_through_pools(const CycleSet& cycles,
                                                   std::span<const std::uint32_t> pools,
                                                   std::span<const SegmentParams> params,
                                                   std::vector<std::uint32_t>& scored,
                                                   ScoreStats& stats) {
    const auto started = std::chrono::steady_clock::now();
    scored = cycle_ids_through(cycles, pools);
    stats.select_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (scored.empty()) return {};
    return score_cycles(scored, params, stats);
}

}  // namespace macf::host
