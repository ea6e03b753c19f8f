// SPDX-License-Identifier: Apache-2.0
#pragma once

// The scoring backend seam (ggml's backend idea): a backend is handed the cycle set and every
// edge's coefficients once per topology, then each round only what the changed pools changed,
// and scores every cycle or only a list of them. It owns its copy of the data, so a GPU backend
// keeps cycles and coefficients resident and takes deltas.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "macf/dex/cycle_score.hpp"
#include "macf/host/model/pool_state.hpp"
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
    /// Keep cycles whose approximate net profit may be above this (dex::may_clear: the
    /// score's rounding allowed for), wei of the segment's base token.
    double threshold;
};

/// What changed in one round: the pools whose state changed, their fixed-size records, and
/// the new coefficients of their edges. Spans are valid for the call only.
struct PoolDeltas {
    std::span<const std::uint32_t> pools;    ///< pool indices, ascending, each once
    std::span<const PoolState> states;       ///< their records (V2/V3; others `valid == false`)
    std::span<const std::uint32_t> edges;    ///< edge ids of those pools
    std::span<const dex::HopCoeffs> coeffs;  ///< the edges' new coefficients, same order
};

/// Work counters of one scoring round.
struct ScoreStats {
    std::uint64_t cycles = 0;   ///< cycles scored
    std::uint64_t batches = 0;  ///< structure-of-arrays batches (0 in sequential mode)
    std::uint64_t tasks = 0;    ///< tasks run on the thread pool (0 unless parallel)
    /// Seconds spent selecting the cycles through the changed pools on the host (0 where the
    /// backend selects them where its cycles live, inside the scoring).
    double select_seconds = 0;
};

/// A scoring backend. Every backend returns exactly the same candidates, in ascending cycle
/// order, for the same data.
class Scorer {
  public:
    virtual ~Scorer() = default;
    /// The mode it implements.
    [[nodiscard]] virtual Mode mode() const noexcept = 0;
    /// Takes the cycles of a new topology and the coefficients of every edge (indexed by edge
    /// id), replacing whatever it held. `cycles` must outlive the binding (the topology owns it).
    virtual void bind(const CycleSet& cycles, std::span<const dex::HopCoeffs> edges) = 0;
    /// Applies one round's changes (after `bind`).
    virtual void update(const PoolDeltas& deltas) = 0;
    /// Scores every cycle with `params` (by segment index); adds to `stats`.
    [[nodiscard]] virtual std::vector<Candidate> score_all(std::span<const SegmentParams> params,
                                                           ScoreStats& stats) = 0;
    /// Scores only the cycles `ids` (ascending, each once); adds to `stats`.
    [[nodiscard]] virtual std::vector<Candidate> score_cycles(std::span<const std::uint32_t> ids,
                                                              std::span<const SegmentParams> params,
                                                              ScoreStats& stats) = 0;
    /// Scores the cycles through `pools` (pools outside the index ignored); `scored` receives
    /// their ids, ascending, each once. `cycles` is the bound set. This default selects them
    /// on the host (cycle_ids_through, timed in `stats.select_seconds`) and calls
    /// score_cycles; a device backend selects them from its resident index instead.
    [[nodiscard]] virtual std::vector<Candidate> score_through_pools(
        const CycleSet& cycles, std::span<const std::uint32_t> pools,
        std::span<const SegmentParams> params, std::vector<std::uint32_t>& scored,
        ScoreStats& stats);
};

}  // namespace macf::host
