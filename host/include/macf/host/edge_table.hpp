// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <vector>

#include "macf/dex/cycle_score.hpp"
#include "macf/host/pool_state.hpp"
#include "macf/host/token_graph.hpp"

namespace macf::host {

/// The scoring coefficients of every edge of `graph` (indexed by edge id) from the pool states
/// `states` (indexed by pool). Edges of pools without a usable state get {0, 0}: never
/// profitable.
std::vector<dex::HopCoeffs> build_edge_table(const TokenGraph& graph,
                                             std::span<const PoolState> states);

}  // namespace macf::host
