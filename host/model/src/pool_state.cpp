// SPDX-License-Identifier: Apache-2.0
#include "macf/host/model/pool_state.hpp"

namespace macf::host {

PoolState pool_state_of(const Pool& pool) noexcept {
    PoolState s;
    s.kind = pool.kind;
    if (const auto* v2 = std::get_if<UniswapV2State>(&pool.state)) {
        s.x = v2->reserve0;
        s.y = v2->reserve1;
        s.fee = v2->fee_bps;
        s.valid = true;
    } else if (const auto* v3 = std::get_if<UniswapV3State>(&pool.state)) {
        s.x = v3->sqrt_price_x96;
        s.y = v3->liquidity;
        s.tick = v3->tick;
        s.fee = v3->fee_ppm;
        s.valid = true;
    }
    return s;
}

std::vector<std::pair<Address, PoolState>> market_states(const Market& market) {
    std::vector<std::pair<Address, PoolState>> out;
    out.reserve(market.pools.size());
    for (const auto& p : market.pools)
        if (const auto s = pool_state_of(p); s.valid) out.emplace_back(p.address, s);
    return out;
}

}  // namespace macf::host
