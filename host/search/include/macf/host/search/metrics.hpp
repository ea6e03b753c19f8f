// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>

#include "macf/host/search/mode.hpp"

namespace macf::host {

/// Seconds spent in each stage of a scan round.
struct StageTimes {
    double load_states = 0;  ///< reading pool states (from the reserve cache) into the round
    double build_edges = 0;  ///< edge coefficients from the states
    double score = 0;        ///< approximate scoring of every cycle
    double resimulate = 0;   ///< exact integer re-simulation and refinement of the candidates
    double select = 0;       ///< filtering and ranking
};

/// The MACF metrics (the guide's key names), plus throughput and per-stage times.
struct Metrics {
    Mode mode = Mode::kSequential;
    std::uint64_t opportunities_processed = 0;  ///< items evaluated (cycles scored in a scan)
    std::uint64_t batch_count = 0;              ///< batches run (0 in sequential mode)
    std::uint64_t parallel_executions = 0;      ///< tasks run on the thread pool
    std::uint64_t cache_hits = 0;               ///< reserve-cache (scan) or result-cache hits
    std::uint64_t cache_misses = 0;
    double total_time = 0;  ///< seconds
    /// Sequential time ÷ this mode's time for the same work, when a sequential baseline was
    /// measured in the same run (`MacfCoordinator::set_baseline`); empty otherwise.
    std::optional<double> speedup_factor;
    /// cache_hits / (hits + misses) in percent (0 when the cache was not asked).
    double cache_hit_rate = 0;
    double cycles_per_second = 0;  ///< opportunities_processed ÷ scoring time
    std::uint64_t candidates = 0;  ///< cycles whose approximate net profit cleared the threshold
    std::uint64_t opportunities_found = 0;  ///< candidates confirmed by exact re-simulation
    /// Exact cycle evaluations the sizing searches made, over every candidate.
    std::uint64_t sizing_evaluations = 0;
    /// Opportunities whose input is the proven integer optimum (cycles of V2 hops).
    std::uint64_t sizing_proven = 0;
    StageTimes stages;
};

}  // namespace macf::host
