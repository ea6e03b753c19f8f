// SPDX-License-Identifier: Apache-2.0
#pragma once

// One full scoring round of a market through the Engine, over a graph and cycle set a test
// built itself (the path every command takes, without its flags).

#include <algorithm>
#include <memory>
#include <vector>

#include "macf/host/engine/engine.hpp"

namespace macf::test {

/// Scores every cycle of `cycles` (enumerated on `graph` of `market`) in the mode of `config`,
/// sizes the candidates exactly and ranks them; states through `cache` when not null.
inline host::ScanResult full_round(const host::Market& market, const host::TokenGraph& graph,
                                   const host::CycleSet& cycles,
                                   const host::CoordinatorConfig& config,
                                   const host::CostModel& costs, const dex::U256& min_profit,
                                   host::ReserveCache* cache = nullptr) {
    std::vector<std::uint32_t> bases;
    unsigned max_hops = 2;
    for (const auto& seg : cycles.segments) {
        if (std::find(bases.begin(), bases.end(), seg.base_token) == bases.end())
            bases.push_back(seg.base_token);
        max_hops = std::max(max_hops, seg.hops);
    }
    auto topology = std::make_shared<const host::Topology>(
        host::Topology{graph, cycles, bases, max_hops, market.pools.size(), 0.0});
    host::Engine engine(topology, config, {costs, min_profit});
    return engine.score_all(market, cache).scan;
}

}  // namespace macf::test
