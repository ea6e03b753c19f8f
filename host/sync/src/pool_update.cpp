// SPDX-License-Identifier: Apache-2.0
#include "macf/host/sync/pool_update.hpp"

namespace macf::host {

std::optional<PoolUpdate> decode_pool_log(const chain::LogEntry& log, std::uint32_t pool,
                                          PoolKind kind) {
    if (log.topics.empty()) return std::nullopt;
    const auto& topics = chain::dex_topics();
    const chain::Hash32& topic0 = log.topics.front();
    switch (kind) {
        case PoolKind::kUniswapV2:
            if (topic0 == topics.v2_sync) return PoolUpdate{pool, chain::decode_v2_sync(log)};
            return std::nullopt;
        case PoolKind::kUniswapV3:
            if (topic0 == topics.v3_swap) return PoolUpdate{pool, chain::decode_v3_swap(log)};
            if (topic0 == topics.v3_initialize)
                return PoolUpdate{pool, chain::decode_v3_initialize(log)};
            if (topic0 == topics.v3_mint || topic0 == topics.v3_burn) {
                const bool added = topic0 == topics.v3_mint;
                const auto change = added ? chain::decode_v3_mint(log) : chain::decode_v3_burn(log);
                if (change.amount.is_zero()) return std::nullopt;
                return PoolUpdate{pool, V3LiquidityUpdate{change, added}};
            }
            return std::nullopt;
        case PoolKind::kCurveStable:
        case PoolKind::kBalancerWeighted:
        case PoolKind::kBalancerStable:
        case PoolKind::kCurveMeta:
            return std::nullopt;  // re-read by eth_call where they are watched, not from logs
    }
    return std::nullopt;
}

}  // namespace macf::host
