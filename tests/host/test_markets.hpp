// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "macf/host/model/market.hpp"

namespace macf::test {

/// Address whose last bytes encode `tag` and `n` (distinct for distinct arguments).
inline host::Address make_address(std::uint8_t tag, std::uint32_t n) {
    host::Address a;
    a.bytes[0] = tag;
    for (int i = 0; i < 4; ++i) a.bytes[19 - i] = static_cast<std::uint8_t>(n >> (8 * i));
    return a;
}

/// A V2 pool between tokens a and b with reserves in wei.
struct PoolSpec {
    std::uint32_t a;
    std::uint32_t b;
    dex::U256 ra;
    dex::U256 rb;
    std::uint32_t fee_bps = 30;
};

/// A market of `tokens` tokens (token 0 is "WETH", 18 decimals) and the given V2 pools.
inline host::Market v2_market(std::uint32_t tokens, const std::vector<PoolSpec>& pools) {
    host::Market m;
    for (std::uint32_t t = 0; t < tokens; ++t) {
        m.tokens.push_back({make_address(1, t), t == 0 ? "WETH" : "T" + std::to_string(t), 18});
    }
    for (std::uint32_t i = 0; i < pools.size(); ++i) {
        host::Pool p;
        p.address = make_address(2, i);
        p.kind = host::PoolKind::kUniswapV2;
        p.dex = "uniswap_v2";
        p.tokens = {pools[i].a, pools[i].b};
        p.state = host::UniswapV2State{pools[i].ra, pools[i].rb, pools[i].fee_bps};
        m.pools.push_back(std::move(p));
    }
    m.index();
    return m;
}

}  // namespace macf::test
