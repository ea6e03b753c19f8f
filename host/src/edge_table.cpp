// SPDX-License-Identifier: Apache-2.0
#include "macf/host/edge_table.hpp"

#include "macf/dex/uniswap_v2.hpp"

namespace macf::host {
namespace {

dex::HopCoeffs coeffs_of(const Edge& e, const PoolState& s) noexcept {
    if (!s.valid || s.kind != PoolKind::kUniswapV2) return {0.0, 0.0};
    const dex::V2Fee fee = dex::v2_fee_from_bps(s.fee);
    const double gamma = static_cast<double>(fee.multiplier) / static_cast<double>(fee.denominator);
    const double r0 = dex::to_double(s.x);
    const double r1 = dex::to_double(s.y);
    return e.slot_in == 0 ? dex::constant_product_hop(r0, r1, gamma)
                          : dex::constant_product_hop(r1, r0, gamma);
}

}  // namespace

std::vector<dex::HopCoeffs> build_edge_table(const TokenGraph& graph,
                                             std::span<const PoolState> states) {
    std::vector<dex::HopCoeffs> table(graph.edges().size());
    for (std::size_t e = 0; e < table.size(); ++e) {
        const Edge& edge = graph.edges()[e];
        table[e] = coeffs_of(edge, states[edge.pool]);
    }
    return table;
}

}  // namespace macf::host
