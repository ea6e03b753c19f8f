// SPDX-License-Identifier: Apache-2.0
#pragma once

// The incremental round of `macf serve` measured on one market: K pools change (their reserves
// move by 0.1 %, published to the reserve cache), the cycles through them are selected and
// scored, candidates re-simulated exactly; median and p99 of the whole round per K and mode.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "macf/host/model/market.hpp"
#include "macf/host/search/mode.hpp"

namespace macf::cli {

/// One (changed pools, mode) cell.
struct IncrementalRow {
    std::uint32_t changed = 0;
    host::Mode mode = host::Mode::kSequential;
    double cycles_avg = 0;  ///< cycles scored per round, on average
    double median_ms = 0;
    double p99_ms = 0;
    double select_ms = 0;      ///< of which choosing the cycles (mean)
    double score_ms = 0;       ///< of which scoring them (mean)
    double resimulate_ms = 0;  ///< of which sizing the candidates exactly (mean)
    double candidates = 0;     ///< candidates per round (mean)
};

/// Runs `rounds` rounds per K in `changed_counts` for sequential and parallel on `market`
/// (cycles of 2..max_hops hops from WETH). Only Uniswap V2 pools are changed.
std::vector<IncrementalRow> bench_incremental(const host::Market& market,
                                              std::span<const std::uint32_t> changed_counts,
                                              unsigned rounds, unsigned max_hops,
                                              unsigned max_workers, std::size_t batch_size,
                                              std::uint64_t seed);

}  // namespace macf::cli
