// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <vector>

#include "macf/dex/cycle_score.hpp"
#include "macf/host/model/market.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/search/token_graph.hpp"

namespace macf::host {

/// The scoring coefficients (a, c) of every edge of `graph` (indexed by edge id): the hop as
/// out(x) = a·x/(1 + c·x) near x = 0, x in wei of the edge's input token, fee included.
///  - Uniswap V2 and Balancer weighted 50/50: exact constant product on the balances.
///  - Uniswap V3: constant product on the virtual reserves L/√P and L·√P of the current
///    range (exact until the swap leaves the range).
///  - Balancer weighted, other weights: the marginal rate and the curvature at x = 0.
///  - Curve and Balancer stable: fitted through two exact quotes of the pool (at about 10^−6
///    and 10^−2 of the input balance).
/// V2 and V3 read `states` (indexed by pool, as the reserve cache holds them); the other kinds
/// read the market. Edges of pools without a usable state get {0, 0}: never profitable.
[[nodiscard]] std::vector<dex::HopCoeffs> build_edge_table(const Market& market,
                                                           const TokenGraph& graph,
                                                           std::span<const PoolState> states);

/// The coefficients of one edge, by the rules of build_edge_table: `pool` is the edge's pool
/// and `state` its record (read for V2 and V3).
[[nodiscard]] dex::HopCoeffs edge_coeffs(const Edge& edge, const Pool& pool,
                                         const PoolState& state);

}  // namespace macf::host
