// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/token_graph.hpp"

#include <algorithm>
#include <cmath>

#include "macf/dex/full_math.hpp"
#include "macf/dex/u256.hpp"
#include "macf/host/model/pool_quote.hpp"

namespace macf::host {
namespace {

/// The pool's balances in wei, in token order (V3: the virtual reserves L·2^96/√P and
/// L·√P/2^96 of the current range, zero without in-range liquidity).
std::vector<dex::U256> balances_of(const Pool& pool) {
    switch (pool.kind) {
        case PoolKind::kUniswapV2: {
            const auto& s = std::get<UniswapV2State>(pool.state);
            return {s.reserve0, s.reserve1};
        }
        case PoolKind::kCurveStable:
            return std::get<CurveStableState>(pool.state).balances;
        case PoolKind::kBalancerWeighted:
            return std::get<BalancerWeightedState>(pool.state).balances;
        case PoolKind::kBalancerStable:
            return std::get<BalancerStableState>(pool.state).balances;
        case PoolKind::kCurveMeta: {
            const auto& s = std::get<CurveMetaState>(pool.state);
            std::vector<dex::U256> out = s.balances;
            out.insert(out.end(), s.base.balances.begin(), s.base.balances.end());
            return out;
        }
        case PoolKind::kUniswapV3: {
            const auto& s = std::get<UniswapV3State>(pool.state);
            const dex::U256 q96 = dex::U256{1} << 96;
            dex::U256 x;
            dex::U256 y;
            if (!dex::mul_div(s.liquidity, q96, s.sqrt_price_x96, x)) x = dex::U256{};
            if (!dex::mul_div(s.liquidity, s.sqrt_price_x96, q96, y)) y = dex::U256{};
            return {x, y};
        }
    }
    return {};
}

}  // namespace

bool is_scorable(PoolKind kind) noexcept {
    switch (kind) {
        case PoolKind::kUniswapV2:
        case PoolKind::kUniswapV3:
        case PoolKind::kCurveStable:
        case PoolKind::kBalancerWeighted:
        case PoolKind::kBalancerStable:
        case PoolKind::kCurveMeta:
            return true;
    }
    return false;
}

TokenGraph::TokenGraph(const Market& market, const GraphOptions& options)
    : pool_edge_offsets_(market.pools.size() + 1, 0),
      pool_count_(static_cast<std::uint32_t>(market.pools.size())) {
    std::vector<bool> excluded(market.tokens.size(), false);
    for (const auto t : options.excluded_tokens) excluded.at(t) = true;
    std::vector<std::uint32_t> out_degree(market.tokens.size() + 1, 0);

    for (std::uint32_t p = 0; p < market.pools.size(); ++p) {
        pool_edge_offsets_[p] = static_cast<std::uint32_t>(edges_.size());
        const Pool& pool = market.pools[p];
        if (!is_scorable(pool.kind)) {
            ++report_.unsupported_kind;
            const std::string name(pool_kind_name(pool.kind));
            if (std::find(report_.unsupported_kinds.begin(), report_.unsupported_kinds.end(),
                          name) == report_.unsupported_kinds.end()) {
                report_.unsupported_kinds.push_back(name);
            }
            continue;
        }
        const auto balances = balances_of(pool);
        if (std::any_of(balances.begin(), balances.end(),
                        [](const dex::U256& b) { return b.is_zero(); })) {
            ++report_.empty;
            continue;
        }
        if (std::any_of(pool.tokens.begin(), pool.tokens.end(),
                        [&](std::uint32_t t) { return excluded[t]; })) {
            ++report_.excluded_token;
            continue;
        }
        if (options.min_liquidity_units > 0.0) {
            bool thin = false;
            for (std::size_t i = 0; i < balances.size(); ++i) {
                const double units = dex::to_double(balances[i]) /
                                     std::pow(10.0, market.tokens[pool.tokens[i]].decimals);
                thin = thin || units < options.min_liquidity_units;
            }
            if (thin) {
                ++report_.below_min_liquidity;
                continue;
            }
        }
        ++report_.included;
        const auto n = static_cast<std::uint8_t>(pool.tokens.size());
        for (std::uint8_t i = 0; i < n; ++i) {
            for (std::uint8_t j = 0; j < n; ++j) {
                if (!pool_trades_pair(pool, i, j)) continue;
                edges_.push_back({p, pool.tokens[i], pool.tokens[j], i, j});
                ++out_degree[pool.tokens[i]];
            }
        }
    }
    pool_edge_offsets_[market.pools.size()] = static_cast<std::uint32_t>(edges_.size());
    out_offsets_.assign(market.tokens.size() + 1, 0);
    for (std::size_t t = 0; t < market.tokens.size(); ++t) {
        out_offsets_[t + 1] = out_offsets_[t] + out_degree[t];
    }
    out_edges_.resize(edges_.size());
    std::vector<std::uint32_t> cursor(out_offsets_.begin(), out_offsets_.end() - 1);
    for (std::uint32_t e = 0; e < edges_.size(); ++e) {
        out_edges_[cursor[edges_[e].token_in]++] = e;
    }
}

}  // namespace macf::host
